import EventLog
import Foundation
import Testing
import TestSupport

/// The log commands run as a user runs them: the built binary, real files, real exit codes.
@Suite struct LogCommandsEndToEndTests {
    static let twoEvents = """
        {"type":"theme-defined","effective":"2019-06-01","data":{"theme":"jeugd","name":"Jeugd"}}

        {"type":"project-started","effective":"2024-10-31","data":{"project":"welzijn-op-recept","name":"Welzijn op recept","theme":"jeugd","lead":"150000"}}

        """

    func makeReplica(_ tmp: TemporaryDirectory, id: String = "programmabureau") -> String {
        let store = tmp.at(id)
        let result = Koers.run(["init", store, "--replica", id, "--owner", "programmabureau"])
        #expect(result.status == 0, "\(result)")
        // The office's own key is the programme's root, so that its events count.
        let key = Koers.run(["key", "show", "--store", store]).stdout.trimmingCharacters(in: .newlines)
        #expect(Koers.run(["trust", "add", "bureau", key, "--store", store]).status == 0)
        return store
    }

    @Test func initImportLogVerify() throws {
        let tmp = TemporaryDirectory()
        let store = makeReplica(tmp)
        let file = tmp.write("events.jsonl", Self.twoEvents)
        let imported = Koers.run(["import", file, "--store", store], environment: ["KOERS_NOW": "2024-11-01T09:00:00Z"])
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.contains("imported 2 events"))

        let status = Koers.run(["status", "--json"], environment: ["KOERS_STORE": store])
        let json = try JSONValue(parsing: status.stdout.trimmingCharacters(in: .newlines)).objectValue!
        #expect(json["replica"] == .string("programmabureau"))
        #expect(json["owner"] == .string("programmabureau"))
        #expect(json["clock"] == .object([("programmabureau", .integer(2))]))
        #expect(json["events"] == .integer(2))

        let log = Koers.run(["log", "--store", store])
        #expect(log.status == 0)
        let lines = log.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("2024-11-01T09:00:00.000Z+0  programmabureau:1  2019-06-01  theme-defined"))
        #expect(lines[1].contains("programmabureau:2  2024-10-31  project-started"))

        let logJSON = Koers.run(["log", "--json", "--store", store])
        let stored = String(decoding: fileBytes(store + "/log/programmabureau.jsonl"), as: UTF8.self)
        #expect(logJSON.stdout == stored, "log --json prints the stored canonical lines")

        let verify = Koers.run(["verify", "--store", store])
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout == "ok: 2 events of 1 origins verified\n")
    }

    @Test func aTamperedByteFailsVerifyNamingTheLine() throws {
        let tmp = TemporaryDirectory()
        let store = makeReplica(tmp)
        #expect(Koers.run(["import", tmp.write("e.jsonl", Self.twoEvents), "--store", store]).status == 0)
        let logPath = store + "/log/programmabureau.jsonl"
        var bytes = fileBytes(logPath)
        let target = Array("150000".utf8)
        let at = (0...(bytes.count - target.count)).first { Array(bytes[$0..<($0 + target.count)]) == target }!
        bytes[at] = UInt8(ascii: "9")
        try Data(bytes).write(to: URL(fileURLWithPath: logPath))

        let verify = Koers.run(["verify", "--store", store])
        #expect(verify.status == 1, "\(verify)")
        #expect(verify.stderr.contains("programmabureau.jsonl:2: error: event programmabureau:2: hash is"), "\(verify)")
        let json = Koers.run(["verify", "--json", "--store", store])
        let report = try JSONValue(parsing: json.stdout.trimmingCharacters(in: .newlines)).objectValue!
        #expect(report["valid"] == .bool(false))
        #expect(json.status == 1)
    }

    static let malformedFiles: [(name: String, content: String, line: Int, mentions: String)] = [
        ("bad json", "{\"type\":\"a\",\"effective\":\"2024-01-01\",\"data\":{}}\n{\"type\":", 2, "unexpected end"),
        ("a float", "{\"type\":\"a\",\"effective\":\"2024-01-01\",\"data\":{\"amount\":12.5}}\n", 1, "'12.5' is not an integer"),
        ("an unknown member", "\n\n{\"type\":\"a\",\"effective\":\"2024-01-01\",\"data\":{},\"origin\":\"x\"}\n", 3, "origin: is not allowed"),
        ("a bad date", "{\"type\":\"a\",\"effective\":\"2024-13-01\",\"data\":{}}\n", 1, "effective: '2024-13-01' is not a date"),
        ("a bad type name", "{\"type\":\"../x\",\"effective\":\"2024-01-01\",\"data\":{}}\n", 1, "type: '../x' is not a kebab-case type name"),
        ("data not an object", "{\"type\":\"a\",\"effective\":\"2024-01-01\",\"data\":[1]}\n", 1, "data: is missing or not an object"),
    ]

    @Test(arguments: malformedFiles.indices)
    func aMalformedImportIsRefusedWithItsLineAndChangesNothing(_ index: Int) throws {
        let (name, content, line, mentions) = Self.malformedFiles[index]
        let tmp = TemporaryDirectory()
        let store = makeReplica(tmp)
        #expect(Koers.run(["import", tmp.write("good.jsonl", Self.twoEvents), "--store", store]).status == 0)
        let before = snapshot(of: store)
        let file = tmp.write("bad.jsonl", content)
        let result = Koers.run(["import", file, "--store", store])
        #expect(result.status == 1, "\(name): \(result)")
        #expect(result.stderr.contains("\(file):\(line): error:"), "\(name): \(result)")
        #expect(result.stderr.contains(mentions), "\(name): \(result)")
        #expect(snapshot(of: store) == before, "\(name): the replica changed")
    }

    @Test func badIdentifiersAreRefused() {
        let tmp = TemporaryDirectory()
        let bad = Koers.run(["init", tmp.at("r"), "--replica", "../x", "--owner", "samentwente"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("replica '../x' is not an identifier"), "\(bad)")
        #expect(!FileManager.default.fileExists(atPath: tmp.at("r")))
        let store = makeReplica(tmp)
        let log = Koers.run(["log", "--origin", "../x", "--store", store])
        #expect(log.status == 1)
        #expect(log.stderr.contains("'../x' is not an identifier"), "\(log)")
    }

    @Test func aSecondWriterIsToldTheReplicaIsBusy() throws {
        let tmp = TemporaryDirectory()
        let store = makeReplica(tmp)
        let file = tmp.write("e.jsonl", Self.twoEvents)
        let replica = try Replica.open(at: store)
        let busy = try replica.write { _ in Koers.run(["import", file, "--store", store]) }
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("replica is busy"), "\(busy)")
        let reader = try replica.write { _ in Koers.run(["status", "--store", store]) }
        #expect(reader.status == 0, "readers never block: \(reader)")
        #expect(try replica.versionVector().total == 0)
    }

    @Test func aTornLastLineIsSetAsideAndReportedOnce() throws {
        let tmp = TemporaryDirectory()
        let store = makeReplica(tmp)
        #expect(Koers.run(["import", tmp.write("e.jsonl", Self.twoEvents), "--store", store]).status == 0)
        let logPath = store + "/log/programmabureau.jsonl"
        let torn = Array("{\"clock\":{\"programmabureau\":3},\"data\":{\"id\":".utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(torn))
        try handle.close()

        let first = Koers.run(["status", "--store", store])
        #expect(first.status == 0)
        #expect(first.stderr.contains("warning: set aside a torn last line of \(logPath)"), "\(first)")
        let second = Koers.run(["status", "--store", store])
        #expect(second.stderr.isEmpty, "reported once: \(second)")
        #expect(fileBytes(store + "/log/programmabureau.quarantine") == torn + [0x0A])
        #expect(Koers.run(["verify", "--store", store]).status == 0)
        let change = "{\"type\":\"project-changed\",\"effective\":\"2024-11-01\",\"data\":{\"project\":\"welzijn-op-recept\",\"status\":\"paused\"}}\n"
        let more = Koers.run(["import", tmp.write("more.jsonl", change), "--store", store])
        #expect(more.status == 0, "\(more)")
        #expect(Koers.run(["verify", "--store", store]).status == 0)
    }

    /// Kills `koers import` at random moments: every reopened replica verifies, no acknowledged
    /// event is missing, and since a batch is all or nothing the count is a whole number of batches.
    @Test func importKilledAtRandomMomentsLosesNothingAcknowledged() throws {
        let tmp = TemporaryDirectory()
        let store = makeReplica(tmp)
        #expect(Koers.run(["import", tmp.write("setup.jsonl", Self.twoEvents), "--store", store]).status == 0)
        let batch = 1000
        var lines = ""
        for i in 0..<batch {
            lines += "{\"type\":\"indicator-recorded\",\"effective\":\"2024-05-01\",\"data\":{\"project\":\"welzijn-op-recept\",\"indicator\":\"participants\",\"period\":\"2024-05\",\"value\":\(i),\"unit\":\"\(String(repeating: "x", count: 120))\"}}\n"
        }
        let file = tmp.write("batch.jsonl", lines)
        var random = SeededRandom(seed: 20261123)
        var acknowledged = 0
        for round in 0..<10 {
            let running = Koers.start(["import", file, "--store", store])
            let delay = UInt32.random(in: 0..<4_000, using: &random)
            if round % 2 == 0 {
                // Aim at the write itself: wait until the batch journal appears, then strike.
                let deadline = Date().addingTimeInterval(10)
                while !FileManager.default.fileExists(atPath: store + "/batch.pending"), running.process.isRunning,
                    Date() < deadline
                {
                    usleep(100)
                }
                usleep(delay)
            } else {
                usleep(delay * 100)
            }
            kill(running.process.processIdentifier, SIGKILL)
            running.process.waitUntilExit()
            let out = String(decoding: running.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if running.process.terminationReason == .exit && running.process.terminationStatus == 0 {
                #expect(out.contains("imported \(batch) events"))
                acknowledged += batch
            }
            let verify = Koers.run(["verify", "--store", store])
            #expect(verify.status == 0, "round \(round), delay \(delay) µs: \(verify)")
            let held = Int(try Replica.open(at: store).versionVector().total)
            #expect(held - 2 >= acknowledged, "round \(round): \(held) held, \(acknowledged) acknowledged")
            #expect((held - 2) % batch == 0, "round \(round), delay \(delay) µs: a batch was split: \(held) events")
            #expect(!FileManager.default.fileExists(atPath: store + "/batch.pending"), "round \(round): journal left behind")
        }
    }

    @Test func everyCommandHasHelp() {
        let commands = [
            "init", "status", "record", "import", "log", "verify", "owners", "themes", "projects", "project", "decisions",
            "partners", "participation", "budget", "subsidies", "indicators", "conflicts", "problems", "digest",
            "sync", "serve", "bundle", "remote", "key",
        ]
        for command in commands {
            let help = Koers.inProcess([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("usage: koers \(command)"), "\(command): \(help)")
        }
        let overview = Koers.inProcess(["--help"])
        #expect(overview.status == 0)
        for command in commands {
            #expect(overview.stdout.contains("\n  \(command) "), "the overview lists \(command)")
        }
        let unknown = Koers.inProcess(["frobnicate"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("frobnicate"))
        let missing = Koers.inProcess(["init"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("see 'koers init --help'"))
    }
}
