import EventLog
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Many rounds among a handful of replicas, in random partitions, some of them cut off half-way: a peer killed, the
/// syncing process killed, a pipe closed. Nothing acknowledged is lost, no replica is damaged, and one full exchange
/// at the end makes them all equal.
@Suite struct SyncCutOffEndToEndTests {
    static let pb = "programmabureau"
    static let roster: [(name: String, owner: String)] = [
        (pb, pb), ("enschede", "enschede"), ("menzis", "menzis"), ("laptop2", pb), ("hengelo", "hengelo"), ("oldenzaal", "oldenzaal"),
    ]

    enum Transport: CaseIterable { case directory, exec }
    enum Cut: String { case none, killSync = "kill the syncing process", killServe = "kill the serving peer",
        closeAnswer = "close the peer's answer", closeQuestion = "close the pipe to the peer" }

    /// A few events of the kind the replica's owner may record.
    static func authoring(_ name: String, _ count: Int, serial: Int) -> [String] {
        (0..<count).map { i in
            switch name {
            case pb, "laptop2":
                return #"{"type":"project-changed","effective":"2024-11-01","data":{"project":"p","description":"\#(name) \#(serial)-\#(i)"}}"#
            case "menzis":
                return #"{"type":"decision-recorded","effective":"2024-11-01","data":{"decision":"d-\#(serial)-\#(i)","body":"menzis","date":"2024-10-01","title":"Besluit \#(serial)","outcome":"adopted"}}"#
            default:
                return #"{"type":"indicator-recorded","effective":"2024-11-01","data":{"project":"p","indicator":"local-\#(serial)-\#(i)","period":"2024-10","value":\#(i),"municipality":"\#(name)"}}"#
            }
        }
    }

    /// Pointwise maximum of two clocks.
    static func union(_ a: [String: UInt64], _ b: [String: UInt64]) -> [String: UInt64] {
        a.merging(b) { max($0, $1) }
    }

    static func grew(from old: [String: UInt64], to new: [String: UInt64]) -> Bool {
        old.allSatisfy { new[$0.key, default: 0] >= $0.value }
    }

    @Test func randomRoundsWithCutOffsEndEqualAfterAFullExchange() throws {
        let seed = ProcessInfo.processInfo.environment["KOERS_SYNC_SEED"].flatMap { UInt64($0) } ?? 20_241_101
        var random = SeededRandom(seed: seed)
        var trace: [String] = []
        func context() -> String {
            "seed \(seed) (rerun with KOERS_SYNC_SEED=\(seed)); the last rounds:\n  " + trace.suffix(10).joined(separator: "\n  ")
        }

        let w = SyncWorld()
        let replicas = Array(Self.roster.prefix(Int.random(in: 4...6, using: &random)))
        let names = replicas.map(\.name)
        w.makeProgramme(joining: Array(replicas.dropFirst()))
        // Enough events that a round moves more than one 1 MiB frame, so that cuts land mid-transfer.
        w.importLines(SyncWorld.indicatorLines(1_300, tag: "office"), into: Self.pb)
        w.importLines(SyncWorld.indicatorLines(1_300, municipality: "enschede", tag: "local"), into: "enschede")
        let bulk = [Self.pb, "enschede"].map { w.logFiles($0)["\($0).jsonl"]!.count }.reduce(0, +)
        #expect(bulk > 1 << 20, "the events of the two origins fill more than one 1 MiB frame: \(bulk) bytes")
        var clocks = Dictionary(uniqueKeysWithValues: names.map { ($0, w.clock($0)) })

        var serial = 0
        var cuts = 0
        var partial = 0
        for round in 0..<8 {
            if Int.random(in: 0..<3, using: &random) == 0 {
                let author = names.randomElement(using: &random)!
                serial += 1
                w.importLines(Self.authoring(author, Int.random(in: 1...3, using: &random), serial: serial), into: author)
                clocks[author] = w.clock(author)
                trace.append("round \(round): \(author) records")
            }
            // A random partition; in each part of two or more, one pair meets.
            var shuffled = names.shuffled(using: &random)
            var parts: [[String]] = []
            while !shuffled.isEmpty {
                let size = Int.random(in: 1...shuffled.count, using: &random)
                parts.append(Array(shuffled.prefix(size)))
                shuffled.removeFirst(size)
            }
            for part in parts where part.count >= 2 {
                serial += 1
                let (a, b) = (part[0], part[1])
                let transport = Transport.allCases.randomElement(using: &random)!
                let direction = [[], [], ["--pull"], ["--push"]].randomElement(using: &random)!
                var cut = Cut.none
                if Int.random(in: 0..<3, using: &random) > 0 {
                    cut = transport == .directory ? .killSync : [.killSync, .killServe, .closeAnswer, .closeQuestion].randomElement(using: &random)!
                }
                let delay = UInt32.random(in: 20..<1_200, using: &random)
                // dd passes each read on at once (head would hold it in its buffer) and stops after `reads` of them.
                let reads = Int.random(in: 1...24, using: &random)
                let closing = "dd bs=65536 count=\(reads) 2>/dev/null"
                let pidFile = w.tmp.at("serve-\(serial).pid")
                let serve = w.serveCommand(b)
                var target: [String]
                switch (transport, cut) {
                case (.directory, _): target = [w.path(b)]
                case (.exec, .closeAnswer): target = ["--exec", "\(serve) | \(closing)"]
                case (.exec, .closeQuestion): target = ["--exec", "\(closing) | \(serve)"]
                case (.exec, _): target = ["--exec", "echo $$ > \(shellQuote(pidFile)); exec \(serve)"]
                }
                let label = "round \(round): \(a) syncs \(direction.first ?? "both ways") with \(b) over \(transport)"
                    + (cut == .none ? "" : ", \(cut.rawValue) " + ([.closeAnswer, .closeQuestion].contains(cut) ? "after \(reads) reads" : "after \(delay) ms"))
                trace.append(label)
                let started = Date()

                let running = Koers.start(["sync"] + target + direction + ["--store", w.path(a)], environment: ["KOERS_NOW": w.now])
                var servePID: pid_t?
                if cut == .killSync || cut == .killServe {
                    usleep(delay * 1_000)
                    if cut == .killSync {
                        kill(running.process.processIdentifier, SIGKILL)
                    } else {
                        while servePID == nil && running.process.isRunning {
                            servePID = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                            if servePID == nil { usleep(1_000) }
                        }
                        if let servePID { kill(servePID, SIGKILL) }
                    }
                }
                #expect(waitForExit(running.process, seconds: 120), "\(label): the round hung and was killed. \(context())")
                if transport == .exec, servePID == nil {
                    servePID = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                }
                if let servePID { #expect(waitUntilGone(servePID), "\(label): the peer did not end. \(context())") }
                #expect(waitUntilIdle(w.path(a)) && waitUntilIdle(w.path(b)), "\(label): a replica stayed locked. \(context())")
                let out = String(decoding: running.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let err = String(decoding: running.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let status = running.process.terminationReason == .exit ? "exit \(running.process.terminationStatus)" : "killed"
                trace[trace.count - 1] += " → \(status) in \(Int(Date().timeIntervalSince(started) * 1000)) ms"

                let after = (a: w.clock(a), b: w.clock(b))
                #expect(Self.grew(from: clocks[a]!, to: after.a) && Self.grew(from: clocks[b]!, to: after.b), "\(label): a replica lost events. \(context())")
                let union = Self.union(clocks[a]!, clocks[b]!)
                let wanted = (
                    a: direction == ["--push"] ? clocks[a]! : union,
                    b: direction == ["--pull"] ? clocks[b]! : union
                )
                if cut == .none {
                    #expect(running.process.terminationStatus == 0, "\(label): \(out)\(err)\n\(context())")
                    #expect(after.a == wanted.a && after.b == wanted.b, "\(label): \(after) rather than \(wanted). \(context())")
                } else {
                    cuts += 1
                    let tookSome = after.a != clocks[a]! && after.a != wanted.a || after.b != clocks[b]! && after.b != wanted.b
                    if tookSome { partial += 1 }
                }
                clocks[a] = after.a
                clocks[b] = after.b
            }
        }
        #expect(cuts > 0, "no round was cut off. \(context())")

        // One full exchange, a star through the programme office: everyone gives, then everyone takes.
        trace.append("final exchange (\(cuts) rounds cut, \(partial) of them kept part of the transfer)")
        let spokes = names.dropFirst()
        for (index, name) in (spokes + spokes.dropLast()).enumerated() {
            let target = index % 2 == 0 ? [w.path(Self.pb)] : ["--exec", w.serveCommand(Self.pb)]
            let result = w.koers(["sync"] + target, store: name)
            #expect(result.status == 0, "final exchange, \(name): \(result)\n\(context())")
        }
        var checks: [(name: String, what: String, running: Koers.Running)] = []
        for name in names {
            checks.append((name, "digest", Koers.start(["digest", "--store", w.path(name)])))
            checks.append((name, "verify", Koers.start(["verify", "--store", w.path(name)])))
        }
        var digests: [String: String] = [:]
        for check in checks {
            let out = String(decoding: check.running.stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let err = String(decoding: check.running.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            check.running.process.waitUntilExit()
            #expect(check.running.process.terminationStatus == 0, "\(check.what) of \(check.name): \(out)\(err)\n\(context())")
            if check.what == "digest" { digests[check.name] = out }
        }
        let clock = w.clock(Self.pb)
        for name in names {
            #expect(w.clock(name) == clock, "\(name) holds \(w.clock(name)), the programme office \(clock). \(context())")
            #expect(digests[name] == digests[Self.pb], "\(name)'s digest differs. \(context())")
            #expect(w.logFiles(name) == w.logFiles(Self.pb), "\(name)'s log files differ. \(context())")
            #expect(!FileManager.default.fileExists(atPath: w.path(name) + "/batch.pending"), "\(name): a batch left pending. \(context())")
        }
    }

    /// The deterministic core of a cut: a peer that sends one frame of the events it announced and hangs up. What
    /// arrived is kept (and verifies), the round fails saying what was still expected, and the next round resumes.
    @Test func aRoundCutAfterAFrameKeepsItAndTheNextRoundResumes() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede"), ("menzis", "menzis")])
        // enschede takes in menzis's enrolment, the causal past of menzis's events.
        w.expectOK(["sync", w.path(Self.pb), "--pull"], store: "enschede")
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        for id in ["d1", "d2", "d3"] {
            w.record("menzis", ["decision-recorded", "--decision", id, "--body", "menzis", "--date", "2024-05-01", "--title", id, "--outcome", "adopted"])
        }
        let (vector, heads) = helloState(w, "enschede")
        let lines = w.logLines("menzis", origin: "menzis")
        let last = try Event.parse(line: Array(lines[2].utf8))
        let hello = Wire.helloJSON(
            replica: "menzis", vector: vector.merging(["menzis": 3]) { $1 }, heads: heads.merging(["menzis": last.hash]) { $1 })
        let answer = Wire.frame(Wire.hello, hello) + Wire.frame(Wire.proceed) + Wire.frame(Wire.events, lines[0] + "\n" + lines[1] + "\n")
        let cut = runGuarded(["sync", "--exec", Wire.fakePeer(answering: answer), "--store", w.path("enschede")], deadline: 30)
        #expect(!cut.timedOut && cut.status == 1, "\(cut)")
        #expect(cut.stderr.contains("error: the peer closed the connection while 1 more events was expected"), "\(cut)")
        #expect(w.clock("enschede")["menzis"] == 2, "the frame that arrived whole is kept")
        #expect(w.logLines("enschede", origin: "menzis") == Array(lines.prefix(2)))
        #expect(w.koers(["verify"], store: "enschede").status == 0)

        let resumed = w.koers(["sync", "--json", "--exec", w.serveCommand("menzis")], store: "enschede")
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.contains(#""received":{"menzis":1}"#), "only what was still missing: \(resumed.stdout)")
        #expect(w.logFiles("enschede")["menzis.jsonl"] == w.logFiles("menzis")["menzis.jsonl"])
    }
}
