import EventLog
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Peer sync as users run it: replicas that worked apart meet in different orders and over every transport,
/// and end up holding, and showing, the same thing.
@Suite struct SyncEndToEndTests {
    static let pb = "programmabureau"
    static let others: [(name: String, owner: String)] = [("enschede", "enschede"), ("menzis", "menzis"), ("laptop2", "programmabureau")]
    static var all: [String] { [pb] + others.map(\.name) }

    /// The programme office, enschede, menzis and a second programme-office device each record while apart;
    /// laptop2 renames the project the office renames too (a conflict); the office and menzis both amend one budget line.
    static func workApart(_ w: SyncWorld) {
        w.makeProgramme(joining: others)
        w.now = "2024-11-01T10:00:00Z"
        w.record(pb, ["project-changed", "--project", "p", "--name", "Q"])
        w.record(pb, ["theme-defined", "--theme", "zorg", "--name", "Zorg"])
        w.record(pb, ["budget-amended", "--line", "menzis-2024", "--delta-cents", "-20000", "--reason", "correction"])
        w.now = "2024-11-01T10:05:00Z"
        w.record("laptop2", ["project-changed", "--project", "p", "--name", "R"])
        w.record("laptop2", ["project-started", "--project", "q", "--name", "Q2", "--theme", "jeugd"])
        w.now = "2024-11-01T09:00:00Z"  // enschede's wall clock is behind
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        w.record("enschede", [
            "indicator-recorded", "--project", "p", "--indicator", "participants", "--period", "2024-10", "--value", "42",
            "--municipality", "enschede",
        ])
        w.now = "2024-11-01T11:00:00Z"
        w.record("menzis", ["decision-recorded", "--decision", "d", "--body", "menzis", "--date", "2024-05-01", "--title", "T", "--outcome", "adopted"])
        w.record("menzis", ["budget-amended", "--line", "menzis-2024", "--delta-cents", "100000", "--reason", "extra"])
        w.now = "2024-11-02T08:00:00Z"
    }

    enum Via: String { case directory, exec, bundle, pullThenPush }

    /// One meeting of two replicas, started by `a`.
    static func meet(_ w: SyncWorld, _ a: String, _ b: String, via: Via, sourceLocation: SourceLocation = #_sourceLocation) {
        switch via {
        case .directory:
            w.expectOK(["sync", w.path(b)], store: a, sourceLocation: sourceLocation)
        case .exec:
            w.expectOK(["sync", "--exec", w.serveCommand(b)], store: a, sourceLocation: sourceLocation)
        case .pullThenPush:
            w.expectOK(["sync", w.path(b), "--pull"], store: a, sourceLocation: sourceLocation)
            w.expectOK(["sync", w.path(b), "--push"], store: a, sourceLocation: sourceLocation)
        case .bundle:
            let toB = w.tmp.at("\(a)-to-\(b)-\(UUID().uuidString.prefix(4)).bundle")
            let toA = w.tmp.at("\(b)-to-\(a)-\(UUID().uuidString.prefix(4)).bundle")
            w.expectOK(["bundle", "create", toB, "--since", w.clockText(b)], store: a, sourceLocation: sourceLocation)
            w.expectOK(["bundle", "create", toA, "--since", w.clockText(a)], store: b, sourceLocation: sourceLocation)
            w.expectOK(["bundle", "apply", toB], store: b, sourceLocation: sourceLocation)
            w.expectOK(["bundle", "apply", toA], store: a, sourceLocation: sourceLocation)
        }
    }

    static let views: [[String]] = [
        ["owners"], ["themes"], ["projects"], ["project", "p"], ["project", "q"], ["decisions"], ["partners"], ["participation"],
        ["budget"], ["subsidies"], ["indicators"], ["conflicts"], ["problems"], ["digest"],
    ]

    /// Every replica holds the same clock and log files and prints the digest alike; with `everyView`, every view
    /// too, in text and JSON, byte for byte. Returns the log files they share.
    @discardableResult
    static func expectConverged(
        _ w: SyncWorld, _ names: [String], _ label: String, everyView: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) -> [String: [UInt8]] {
        let first = names[0]
        let clock = w.clock(first)
        let logs = w.logFiles(first)
        for name in names.dropFirst() {
            #expect(w.clock(name) == clock, "\(label): \(name)'s clock differs from \(first)'s", sourceLocation: sourceLocation)
            #expect(w.logFiles(name) == logs, "\(label): \(name)'s log files differ from \(first)'s", sourceLocation: sourceLocation)
        }
        for view in everyView ? views : [["digest"]] {
            for form in [[], ["--json"]] {
                let expected = w.koers(view + form, store: first)
                #expect(expected.status == 0 && !expected.stdout.isEmpty, "\(label): \(view + form) on \(first): \(expected)", sourceLocation: sourceLocation)
                for name in names.dropFirst() {
                    let shown = w.koers(view + form, store: name)
                    #expect(shown.status == 0, "\(label): \(view + form) on \(name): \(shown)", sourceLocation: sourceLocation)
                    #expect(
                        shown.stdout == expected.stdout,
                        "\(label): 'koers \((view + form).joined(separator: " "))' differs between \(first) and \(name):\n\(expected.stdout)\n---\n\(shown.stdout)",
                        sourceLocation: sourceLocation)
                }
            }
        }
        return logs
    }

    /// Every topology ends with the same log files everywhere; the first is checked view by view (the views are a
    /// function of the log files, so the others need only match its files).
    @Test func replicasThatWorkedApartConvergeWhateverTheTopologyAndOrder() throws {
        let template = SyncWorld()
        Self.workApart(template)
        let (pb, e, m, l) = (Self.pb, "enschede", "menzis", "laptop2")
        let topologies: [(label: String, meetings: [(String, String, Via)])] = [
            ("a star through the programme office", [(e, pb, .directory), (m, pb, .directory), (l, pb, .directory), (e, pb, .directory), (m, pb, .directory)]),
            ("a star the programme office starts, in another order, over --exec", [(pb, l, .exec), (pb, m, .exec), (pb, e, .exec), (pb, l, .exec), (pb, m, .exec)]),
            ("a chain there and back", [(e, m, .exec), (m, l, .directory), (l, pb, .exec), (l, m, .directory), (m, e, .exec)]),
            ("pairs, by bundle, pull-then-push, directory and --exec", [(e, m, .bundle), (l, pb, .pullThenPush), (e, l, .directory), (m, pb, .exec)]),
        ]
        var reference: [String: [UInt8]]?
        for (index, topology) in topologies.enumerated() {
            let w = SyncWorld()
            w.now = template.now
            for name in Self.all { try FileManager.default.copyItem(atPath: template.path(name), toPath: w.path(name)) }
            for (a, b, via) in topology.meetings { Self.meet(w, a, b, via: via) }
            let logs = Self.expectConverged(w, Self.all, topology.label, everyView: index == 0)
            if let reference {
                #expect(logs == reference, "\(topology.label) ends with other log files than \(topologies[0].label)")
            }
            reference = reference ?? logs
            let clock = w.clock(pb)
            #expect(clock == [pb: 17, "enschede": 2, "menzis": 2, "laptop2": 2], "\(topology.label): \(clock)")
            if index == 0 {
                let conflicts = w.koers(["conflicts", "--json"], store: e)
                #expect((try? JSONValue(parsing: Array(conflicts.stdout.utf8)).arrayValue?.count) == 1, "\(conflicts)")
                #expect(w.koers(["budget", "--json"], store: l).stdout.contains("5080000"), "concurrent amendments add up: 50,000 - 200 + 1,000")
            }
        }
    }

    /// A fake ssh: takes `-p PORT` and the destination (noting them), then runs its command words joined by
    /// spaces in a shell, as sshd does on the remote host.
    static func fakeSSH(_ w: SyncWorld) -> String {
        let script = w.tmp.write("fake-ssh", """
            #!/bin/sh
            echo "$1 $2 $3" > \(shellQuote(w.tmp.at("ssh-arguments")))
            [ "$1" = "-p" ] && shift 2
            shift
            exec /bin/sh -c "$*"

            """)
        chmod(script, 0o755)
        return script
    }

    @Test func oneRoundOverEveryTransportGivesTheSameReplica() throws {
        let w = SyncWorld()
        Self.workApart(w)
        Self.meet(w, Self.pb, "laptop2", via: .directory)
        Self.meet(w, Self.pb, "menzis", via: .exec)
        let sshDirectory = w.path("a peer's copy")
        try FileManager.default.createDirectory(atPath: sshDirectory, withIntermediateDirectories: false)
        for transport in ["directory", "exec", "bundle", "ssh"] {
            w.copy(Self.pb, to: "pb-\(transport)")
            w.copy("enschede", to: "enschede-\(transport)")
        }
        try FileManager.default.moveItem(atPath: w.path("pb-ssh"), toPath: sshDirectory + "/pb")
        Self.meet(w, "enschede-directory", "pb-directory", via: .directory)
        Self.meet(w, "enschede-exec", "pb-exec", via: .exec)
        Self.meet(w, "enschede-bundle", "pb-bundle", via: .bundle)
        let ssh = w.expectOK(
            ["sync", "ssh://koers@replicas.example.org:2222\(sshDirectory)/pb"], store: "enschede-ssh",
            environment: ["KOERS_SSH": Self.fakeSSH(w), "KOERS_REMOTE_KOERS": shellQuote(Koers.binaryPath)])
        #expect(ssh.contains("synced with programmabureau via ssh://"), "\(ssh)")
        #expect(String(decoding: fileBytes(w.tmp.at("ssh-arguments")), as: UTF8.self) == "-p 2222 koers@replicas.example.org\n")
        try FileManager.default.moveItem(atPath: sshDirectory + "/pb", toPath: w.path("pb-ssh"))

        let stores = ["directory", "exec", "bundle", "ssh"].flatMap { ["enschede-\($0)", "pb-\($0)"] }
        let reference = w.logFiles("enschede-directory")
        #expect(reference.count == 4, "\(reference.keys.sorted())")
        let clock = w.clock("enschede-directory")
        #expect(clock == [Self.pb: 17, "enschede": 2, "menzis": 2, "laptop2": 2])
        let digest = w.expectOK(["digest"], store: "enschede-directory")
        for store in stores {
            #expect(w.clock(store) == clock, "\(store)")
            #expect(w.logFiles(store) == reference, "\(store)'s log files differ")
            #expect(w.expectOK(["digest"], store: store) == digest, "\(store)")
            #expect(w.koers(["verify"], store: store).status == 0, "\(store)")
        }
    }

    static func rounds(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) -> [JSONObject] {
        let parsed = try? JSONValue(parsing: Array(result.stdout.utf8)).objectValue?["rounds"]?.arrayValue
        #expect(parsed != nil, "\(result)", sourceLocation: sourceLocation)
        return (parsed ?? []).compactMap(\.objectValue)
    }

    static func counts(_ pairs: [String: Int]) -> JSONValue {
        .object(pairs.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })
    }

    @Test func theJSONReportCountsEventsPerOriginAndNewConflicts() throws {
        let w = SyncWorld()
        Self.workApart(w)
        let round = w.koers(["sync", w.path("laptop2"), "--json"], store: Self.pb)
        #expect(round.status == 0, "\(round)")
        let report = try #require(Self.rounds(round).first)
        #expect(report["target"] == .string(w.path("laptop2")))
        #expect(report["peer"] == .string("laptop2"))
        #expect(report["sent"] == Self.counts([Self.pb: 3]))
        #expect(report["received"] == Self.counts(["laptop2": 2]))
        #expect(report["newConflicts"] == .integer(1), "laptop2's rename meets the office's: \(round.stdout)")
        #expect(report["before"] == Self.counts([Self.pb: 17]))
        #expect(report["after"] == Self.counts([Self.pb: 17, "laptop2": 2]))

        // Text: enschede meets the conflict too, in a round that moves events both ways.
        let text = w.koers(["sync", w.path(Self.pb)], store: "enschede")
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.hasPrefix(
            "synced with programmabureau via \(w.path(Self.pb)): sent 2 (enschede 2), received 7 (laptop2 2, programmabureau 5); 1 new conflict: see 'koers conflicts'\n"),
            "\(text)")
        #expect(text.stdout.contains("  before  enschede:2,programmabureau:12\n  after   enschede:2,laptop2:2,programmabureau:17\n"), "\(text)")

        // A round between equal replicas exchanges only the hellos and a proceed, whatever the transport.
        for (label, arguments) in [("directory", [w.path(Self.pb)]), ("exec", ["--exec", w.serveCommand(Self.pb)])] {
            let equal = w.koers(["sync", "--json"] + arguments, store: "enschede")
            #expect(equal.status == 0, "\(equal)")
            let quiet = try #require(Self.rounds(equal).first)
            #expect(quiet["sent"] == .object([]) && quiet["received"] == .object([]), "\(label): \(equal.stdout)")
            #expect(quiet["newConflicts"] == .integer(0))
            #expect(quiet["before"] == quiet["after"])
            let sent = quiet["bytesSent"]?.integerValue ?? -1
            let received = quiet["bytesReceived"]?.integerValue ?? -1
            #expect(sent > 0 && sent < 4096 && received > 0 && received < 4096, "\(label): \(sent) bytes sent, \(received) received")
        }
    }

    /// A hub and a twin that hold the same 40 origins (as the programme, with its 18 owners and their laptops, will):
    /// a round between them is two short hellos, under 1 KiB both ways together, over a directory and over --exec,
    /// and `koers serve` answers such a hello with its own short hello and nothing else.
    @Test func anEqualRoundCostsUnderOneKibibyteWhateverTheNumberOfOrigins() throws {
        let w = SyncWorld()
        var events: [Event] = []
        for i in 1...40 {
            let tiny = try Replica.create(at: w.path("origin-\(i)"), replica: "origin-\(i)", owner: "programmabureau")
            try tiny.writeWhenFree { writer in
                let draft = EventDraft(
                    type: "theme-defined", effective: LocalDate(year: 2024, month: 1, day: 1)!,
                    data: JSONObject(uniqueMembers: [("theme", .string("t\(i)")), ("name", .string("T\(i)")), ("recordedBy", .string("programmabureau"))]))
                let authored = try writer.author([draft], wallMillis: 1_730_455_200_000 + Int64(i))
                try writer.append(authored)
                events += authored
            }
        }
        let hub = try Replica.create(at: w.path("hub"), replica: "hub", owner: "programmabureau")
        try hub.writeWhenFree { writer in try writer.append(events) }
        w.make("twin", owner: "programmabureau")
        let first = try #require(Self.rounds(w.koers(["sync", w.path("hub"), "--json"], store: "twin")).first)
        #expect(first["received"]?.objectValue?.count == 40, "the twin takes in the 40 origins: \(first)")
        #expect(w.clock("twin") == w.clock("hub") && w.clock("hub").count == 40)

        for (label, arguments) in [("directory", [w.path("hub")]), ("exec", ["--exec", w.serveCommand("hub")])] {
            for store in ["twin", "hub"] where label == "exec" || store == "twin" {
                let equal = w.koers(["sync", "--json"] + arguments, store: store)
                let round = try #require(Self.rounds(equal).first, "\(label) from \(store): \(equal)")
                #expect(round["sent"] == .object([]) && round["received"] == .object([]), "\(label) from \(store): \(equal.stdout)")
                #expect(round["before"] == round["after"] && round["after"]?.objectValue?.count == 40, "\(label) from \(store)")
                let sent = round["bytesSent"]?.integerValue ?? -1
                let received = round["bytesReceived"]?.integerValue ?? -1
                #expect(sent > 0 && received > 0 && sent + received < 1024, "\(label) from \(store): \(sent) bytes sent, \(received) received")
            }
        }

        // By hand: a short hello with the hub's digest is answered by the hub's short hello, with that digest, and the
        // round ends there.
        let (vector, heads) = helloState(w, "hub")
        let digest = Wire.digest(vector: vector, heads: heads)
        let before = snapshot(of: w.path("hub"))
        let served = runGuarded(
            ["serve", "--stdio", "--store", w.path("hub")],
            stdin: Wire.frame(Wire.hello, Wire.helloJSON(replica: "twin", vector: vector, heads: heads, full: false)), deadline: 30)
        #expect(!served.timedOut && served.status == 0, "\(served)")
        let frames = Wire.frames(in: served.stdout)
        #expect(frames.count == 1 && frames.first?.kind == Wire.hello && served.stdout.count == 5 + (frames.first?.payload.count ?? 0), "\(served)")
        let answer = try JSONValue(parsing: frames.first?.payload ?? []).objectValue
        #expect(answer?["digest"] == .string(digest) && answer?["vector"] == nil && answer?["heads"] == nil, "\(served)")
        #expect(snapshot(of: w.path("hub")) == before)

        // One event more on the hub: the digests differ, the frontiers cross, and the event comes over.
        w.expectOK(["trust", "add", "hub", w.publicKey("hub")], store: "hub")
        w.record("hub", ["theme-defined", "--theme", "extra", "--name", "Extra"])
        let unequal = try #require(Self.rounds(w.koers(["sync", w.path("hub"), "--json"], store: "twin")).first)
        #expect(unequal["received"] == Self.counts(["hub": 1]), "\(unequal)")
        #expect((unequal["bytesReceived"]?.integerValue ?? 0) > 40 * 90, "the hub's full hello names its 40 origins: \(unequal)")
        #expect(w.clock("twin") == w.clock("hub"))
    }

    @Test func remotesAreNamedListedAndAllSyncedWithNoTarget() throws {
        let w = SyncWorld()
        Self.workApart(w)
        let pb = Self.pb
        let none = w.koers(["sync"], store: pb)
        #expect(none.status == 1 && none.stderr.contains("no TARGET given and no remotes set"), "\(none)")
        #expect(w.expectOK(["remote", "list"], store: pb) == "no remotes\n")
        #expect(w.expectOK(["remote", "add", "menzis", w.path("menzis")], store: pb) == "added remote 'menzis' → \(w.path("menzis"))\n")
        w.expectOK(["remote", "add", "enschede", w.path("enschede")], store: pb)
        let twice = w.koers(["remote", "add", "enschede", "/elsewhere"], store: pb)
        #expect(twice.status == 1 && twice.stderr.contains("remote 'enschede' exists already"), "\(twice)")
        let badName = w.koers(["remote", "add", "../up", "/elsewhere"], store: pb)
        #expect(badName.status == 1 && badName.stderr.contains("is not an identifier"), "\(badName)")

        let list = w.expectOK(["remote", "list"], store: pb)
        let rows = list.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.dropFirst(2).map { $0 } == [["enschede", w.path("enschede")], ["menzis", w.path("menzis")]], "\(list)")
        let listed = try JSONValue(parsing: Array(w.expectOK(["remote", "list", "--json"], store: pb).utf8))
        #expect(listed == .object([("remotes", .object([("enschede", .string(w.path("enschede"))), ("menzis", .string(w.path("menzis")))]))]))

        // No target: every remote in turn, by name.
        let all = w.koers(["sync"], store: pb)
        #expect(all.status == 0, "\(all)")
        #expect(all.stdout.contains("synced with enschede via enschede: sent 5 (programmabureau 5), received 2 (enschede 2)"), "\(all)")
        #expect(all.stdout.contains("synced with menzis via menzis: sent 6 (enschede 2, programmabureau 4), received 2 (menzis 2)"), "\(all)")
        #expect(w.clock(pb) == [pb: 17, "enschede": 2, "menzis": 2])
        let second = w.koers(["sync", "--json"], store: pb)
        #expect(Self.rounds(second).map { $0["target"] } == [.string("enschede"), .string("menzis")])
        #expect(Self.rounds(second).first?["sent"] == Self.counts(["menzis": 2]), "enschede gets menzis's events the second time round")
        #expect(w.clock("enschede") == w.clock(pb))

        // A remote that fails does not stop the others; the round reports it and the exit status says so.
        w.expectOK(["remote", "add", "gone", w.tmp.at("no-such-replica")], store: pb)
        w.record("laptop2", ["theme-defined", "--theme", "wonen", "--name", "Wonen"])
        w.expectOK(["remote", "add", "laptop2", w.path("laptop2")], store: pb)
        let partly = w.koers(["sync", "--json"], store: pb)
        #expect(partly.status == 1, "\(partly)")
        #expect(partly.stderr.contains("error: sync with gone: "), "\(partly)")
        let outcomes = Self.rounds(partly)
        #expect(outcomes.map { $0["target"] } == ["enschede", "gone", "laptop2", "menzis"].map { JSONValue.string($0) })
        #expect(outcomes[1]["error"] != nil && outcomes[2]["received"] == Self.counts(["laptop2": 3]), "\(partly.stdout)")
        w.expectOK(["remote", "remove", "gone"], store: pb)
        #expect(!w.expectOK(["remote", "list"], store: pb).contains("gone"))
    }
}
