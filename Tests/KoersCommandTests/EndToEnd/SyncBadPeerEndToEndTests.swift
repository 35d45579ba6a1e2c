import EventLog
import Foundation
import Testing
import TestSupport

/// Peers that lie, rewrite history or speak nonsense: every round is refused with a message naming what is wrong,
/// a non-zero exit, and the receiving replica exactly as it was.
@Suite struct SyncBadPeerEndToEndTests {
    static let pb = "programmabureau"

    /// The hash stored in an event line, and the hash its content really has.
    static func hashes(ofLine line: String) throws -> (claimed: String, computed: String) {
        let event = try Event.parse(line: Array(line.utf8))
        return (event.hash, event.computedHash)
    }

    /// Replaces the first occurrence of `text` in a replica's log of `origin` by `replacement`, which differs from it
    /// in one byte, and fixes nothing else; returns the edited line.
    @discardableResult
    static func tamper(_ w: SyncWorld, _ store: String, origin: String, replacing text: String, with replacement: String) -> String {
        let target = Array(text.utf8)
        let edit = Array(replacement.utf8)
        precondition(target.count == edit.count && zip(target, edit).filter { $0 != $1 }.count == 1, "edit exactly one byte")
        let file = w.path(store) + "/log/\(origin).jsonl"
        var bytes = fileBytes(file)
        let at = (0...(bytes.count - target.count)).first { Array(bytes[$0..<($0 + target.count)]) == target }!
        bytes.replaceSubrange(at..<(at + edit.count), with: edit)
        try! Data(bytes).write(to: URL(fileURLWithPath: file))
        let lineStart = bytes[..<at].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let lineEnd = bytes[at...].firstIndex(of: 0x0A)!
        return String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
    }

    /// The frame size limit `FrameChannel` documents: 8 MiB.
    static let maxFrame = 8 << 20

    // MARK: - Forks

    static let forks: [(label: String, originalMore: Int, copyMore: Int)] = [("shorter", 2, 1), ("equal", 2, 2), ("longer", 1, 3)]

    /// A copy of the programme office's replica goes on under the same origin; the original goes on too. Whichever
    /// side starts the round, over whichever transport, the fork is found at the newest seq both hold and nothing moves.
    @Test(arguments: 0..<3)
    func aForkedOriginIsRefusedWhicheverSideIsLonger(_ index: Int) throws {
        let (label, originalMore, copyMore) = Self.forks[index]
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        w.expectOK(["sync", w.path("enschede")], store: Self.pb)
        let base = Int(w.clock(Self.pb)[Self.pb]!)
        w.copy(Self.pb, to: "copy")
        w.now = "2024-11-01T10:00:00Z"
        for i in 0..<originalMore { w.record(Self.pb, ["project-changed", "--project", "p", "--description", "original \(i)"]) }
        w.now = "2024-11-01T10:00:01Z"
        for i in 0..<copyMore { w.record("copy", ["project-changed", "--project", "p", "--description", "copy \(i)"]) }

        let common = base + min(originalMore, copyMore)
        let ours = try Self.hashes(ofLine: w.logLines(Self.pb, origin: Self.pb)[common - 1]).claimed
        let theirs = try Self.hashes(ofLine: w.logLines("copy", origin: Self.pb)[common - 1]).claimed
        let firstOurs = try Self.hashes(ofLine: w.logLines(Self.pb, origin: Self.pb)[base]).claimed
        let firstTheirs = try Self.hashes(ofLine: w.logLines("copy", origin: Self.pb)[base]).claimed
        let before = (original: w.logFiles(Self.pb), copy: w.logFiles("copy"))
        let bundle = w.tmp.at("copy.bundle")
        w.expectOK(["bundle", "create", bundle], store: "copy")

        let rounds: [(how: String, store: String, arguments: [String], seq: Int, hashes: [String])] = [
            ("the original syncs with the copy's directory", Self.pb, ["sync", w.path("copy")], common, [ours, theirs]),
            ("the copy syncs with the original over --exec", "copy", ["sync", "--exec", w.serveCommand(Self.pb)], common, [ours, theirs]),
            ("the original pulls from the copy", Self.pb, ["sync", "--pull", "--exec", w.serveCommand("copy")], common, [ours, theirs]),
            ("the copy pushes to the original", "copy", ["sync", "--push", w.path(Self.pb)], common, [ours, theirs]),
            ("the original applies the copy's bundle", Self.pb, ["bundle", "apply", bundle], base + 1, [firstOurs, firstTheirs]),
        ]
        for round in rounds {
            let result = w.koers(round.arguments, store: round.store)
            let context = "\(label) fork, \(round.how): \(result)"
            // A copied replica signs with the same key: two signed events at one seq are evidence, not a mere fork.
            #expect(result.status == 1, "\(context)")
            #expect(result.stderr.contains("equivocation: replica programmabureau signed two different events as seq \(round.seq) "), "\(context)")
            for hash in round.hashes { #expect(result.stderr.contains(hash), "\(context)") }
            #expect(w.logFiles(Self.pb) == before.original, "\(context): the original's log changed")
            #expect(w.logFiles("copy") == before.copy, "\(context): the copy's log changed")
        }
        // Both sides of a live round keep the evidence (the side that finds it sends it to the other).
        for store in [Self.pb, "copy"] {
            let evidence = w.path(store) + "/evidence/programmabureau-\(common).jsonl"
            let lines = String(decoding: fileBytes(evidence), as: UTF8.self).split(separator: "\n")
            let kept = Set(try lines.map { try Self.hashes(ofLine: String($0)).claimed })
            #expect(lines.count == 2 && kept == [ours, theirs], "\(store): \(lines)")
            let problems = w.expectOK(["problems"], store: store)
            #expect(problems.contains("programmabureau:\(common): replica programmabureau signed two different events as seq \(common)"), "\(store): \(problems)")
        }
        // The other origins are no excuse: enschede, which holds neither branch, still syncs with both.
        #expect(w.koers(["sync", w.path(Self.pb)], store: "enschede").status == 0)
        let refused = w.koers(["sync", w.path("copy")], store: "enschede")
        #expect(refused.status == 1 && refused.stderr.contains("equivocation: "), "\(refused)")
    }

    /// Two replicas with the same version vector, one origin's newest event differing: the digests of their frontiers
    /// differ though their vectors do not, so the round goes on to the full hellos and finds the fork, whichever side
    /// starts it and whichever way events would flow.
    @Test func equalVectorsWithAnotherHeadAreAFork() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        w.expectOK(["sync", w.path("enschede")], store: Self.pb)
        w.copy(Self.pb, to: "copy")
        w.record(Self.pb, ["project-changed", "--project", "p", "--description", "original"])
        w.record("copy", ["project-changed", "--project", "p", "--description", "copy"])
        let original = helloState(w, Self.pb)
        let copy = helloState(w, "copy")
        #expect(original.vector == copy.vector && original.vector.count == 2)
        #expect(original.heads.filter { copy.heads[$0.key] != $0.value }.map(\.key) == [Self.pb], "only the programme office's head differs")
        #expect(Wire.digest(vector: original.vector, heads: original.heads) != Wire.digest(vector: copy.vector, heads: copy.heads))

        let seq = original.vector[Self.pb]!
        let ours = original.heads[Self.pb]!
        let theirs = copy.heads[Self.pb]!
        let before = (original: w.logFiles(Self.pb), copy: w.logFiles("copy"))
        let rounds: [(how: String, store: String, arguments: [String])] = [
            ("the original syncs with the copy's directory", Self.pb, ["sync", w.path("copy")]),
            ("the copy syncs with the original over --exec", "copy", ["sync", "--exec", w.serveCommand(Self.pb)]),
            ("the original pulls from the copy over --exec", Self.pb, ["sync", "--pull", "--exec", w.serveCommand("copy")]),
            ("the copy pushes to the original's directory", "copy", ["sync", "--push", w.path(Self.pb)]),
        ]
        for round in rounds {
            let result = w.koers(round.arguments, store: round.store)
            #expect(result.status == 1, "\(round.how): \(result)")
            #expect(result.stderr.contains("equivocation: replica programmabureau signed two different events as seq \(seq) "), "\(round.how): \(result)")
            #expect(result.stderr.contains(ours) && result.stderr.contains(theirs), "\(round.how): \(result)")
            #expect(w.logFiles(Self.pb) == before.original, "\(round.how): the original's log changed")
            #expect(w.logFiles("copy") == before.copy, "\(round.how): the copy's log changed")
        }
    }

    /// Two replicas that merely share a name sign with different keys: their histories fork, which is refused, but
    /// proves nothing against either key, so no evidence is kept.
    @Test func aForkBetweenDifferentKeysIsRefusedWithoutEvidence() throws {
        let w = SyncWorld()
        w.makeProgramme()
        w.make("impostor", owner: "programmabureau")
        w.expectOK(["trust", "add", "itself", w.publicKey("impostor")], store: "impostor")
        // The impostor is a replica of its own whose identity file names the programme office's replica id.
        let identity = w.path("impostor") + "/replica.json"
        let text = String(decoding: fileBytes(identity), as: UTF8.self).replacingOccurrences(of: "\"impostor\"", with: "\"programmabureau\"")
        try Data(text.utf8).write(to: URL(fileURLWithPath: identity))
        w.record("impostor", ["theme-defined", "--theme", "t", "--name", "T"])
        let before = (original: snapshot(of: w.path(Self.pb)), impostor: snapshot(of: w.path("impostor")))
        let result = w.koers(["sync", w.path("impostor")], store: Self.pb)
        #expect(result.status == 1 && result.stderr.contains("fork: the peer's programmabureau:1 has hash "), "\(result)")
        #expect(snapshot(of: w.path(Self.pb)) == before.original)
        #expect(snapshot(of: w.path("impostor")) == before.impostor)
    }

    // MARK: - Tampered events

    @Test func aTamperedEventIsRefusedNamingItsHashesOverEveryTransport() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        w.record(Self.pb, ["project-changed", "--project", "p", "--name", "Renamed"])
        w.record(Self.pb, ["project-changed", "--project", "p", "--description", "Later"])
        let seq = w.clock(Self.pb)[Self.pb]! - 1
        let line = Self.tamper(w, Self.pb, origin: Self.pb, replacing: #""name":"Renamed""#, with: #""name":"renamed""#)
        let (claimed, computed) = try Self.hashes(ofLine: line)
        #expect(claimed != computed)
        let expected = "tampered event programmabureau:\(seq): it claims hash \(claimed) but its content hashes to \(computed)"
        let bundle = w.tmp.at("tampered.bundle")
        w.expectOK(["bundle", "create", bundle, "--since", w.clockText("enschede")], store: Self.pb)

        let before = snapshot(of: w.path("enschede"))
        let rounds: [(how: String, store: String, arguments: [String], message: String)] = [
            ("enschede syncs with the directory", "enschede", ["sync", w.path(Self.pb)], "error: " + expected),
            ("enschede pulls over --exec", "enschede", ["sync", "--pull", "--exec", w.serveCommand(Self.pb)], "error: " + expected),
            ("the tampered replica pushes", Self.pb, ["sync", "--push", w.path("enschede")], "error: the peer reported: " + expected),
            ("the tampered replica pushes over --exec", Self.pb, ["sync", "--push", "--exec", w.serveCommand("enschede")], "error: the peer reported: " + expected),
            ("enschede applies a bundle", "enschede", ["bundle", "apply", bundle], "\(bundle):2: " + expected),
        ]
        for round in rounds {
            let result = w.koers(round.arguments, store: round.store)
            #expect(result.status == 1, "\(round.how): \(result)")
            #expect(result.stderr.contains(round.message), "\(round.how): \(result)")
            #expect(snapshot(of: w.path("enschede")) == before, "\(round.how): enschede changed")
        }
        let verify = w.koers(["verify"], store: Self.pb)
        #expect(verify.status == 1 && verify.stderr.contains("event programmabureau:\(seq): hash is"), "\(verify)")
    }

    /// More than one frame of events, the tampered one in the first: the side that refuses stops reading, and the
    /// peer must neither block forever on a full pipe nor hide its reason behind a broken pipe.
    @Test func aTamperedEventEarlyInALongTransferIsRefusedWithoutHanging() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        let base = Int(w.clock(Self.pb)[Self.pb]!)
        w.importLines(SyncWorld.indicatorLines(2_200, tag: "long", padding: 200), into: Self.pb)
        let log = w.logLines(Self.pb, origin: Self.pb)
        #expect(log.reduce(0) { $0 + $1.utf8.count + 1 } > 1 << 20, "more than one 1 MiB frame of events")
        let line = Self.tamper(w, Self.pb, origin: Self.pb, replacing: #""indicator":"long-7""#, with: #""indicator":"Long-7""#)
        let (claimed, computed) = try Self.hashes(ofLine: line)
        let expected = "tampered event programmabureau:\(base + 8): it claims hash \(claimed) but its content hashes to \(computed)"
        let before = snapshot(of: w.path("enschede"))
        let rounds: [(how: String, arguments: [String], message: String)] = [
            ("enschede pulls over --exec", ["sync", "--pull", "--exec", w.serveCommand(Self.pb), "--store", w.path("enschede")], "error: " + expected),
            ("pushed over --exec", ["sync", "--push", "--exec", w.serveCommand("enschede"), "--store", w.path(Self.pb)], "error: the peer reported: " + expected),
            ("pushed to the directory", ["sync", "--push", w.path("enschede"), "--store", w.path(Self.pb)], "error: the peer reported: " + expected),
        ]
        for round in rounds {
            let result = runGuarded(round.arguments, deadline: 60)
            #expect(!result.timedOut, "\(round.how): the round hung")
            #expect(result.status == 1, "\(round.how): \(result)")
            #expect(result.stderr.contains(round.message), "\(round.how): \(result)")
            #expect(snapshot(of: w.path("enschede")) == before, "\(round.how): enschede changed")
        }
    }

    // MARK: - Missing causal past

    @Test func aBundleBeyondWhatTheReceiverHoldsIsRefused() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede"), ("menzis", "menzis")])
        w.record("menzis", ["decision-recorded", "--decision", "d", "--body", "menzis", "--date", "2024-05-01", "--title", "T", "--outcome", "adopted"])
        for name in ["A", "B", "C"] { w.record(Self.pb, ["project-changed", "--project", "p", "--name", name]) }
        w.expectOK(["sync", w.path(Self.pb)], store: "enschede")
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        w.expectOK(["sync", w.path("enschede")], store: Self.pb)
        let held = Int(w.clock("menzis")[Self.pb]!)
        #expect(held == SyncWorld.programmeSetup.count + 2, "the setup and the two enrolments")

        let before = snapshot(of: w.path("menzis"))
        let cases: [(since: String, message: String)] = [
            ("programmabureau:\(held + 1)",
             "event programmabureau:\(held + 2) arrived without its causal past: it depends on programmabureau:\(held + 1), which is neither held nor received"),
            ("programmabureau:\(held + 3)",
             "event enschede:1 arrived without its causal past: it depends on programmabureau:\(held + 3), which is neither held nor received"),
        ]
        for (index, item) in cases.enumerated() {
            let bundle = w.tmp.at("since-\(index).bundle")
            w.expectOK(["bundle", "create", bundle, "--since", item.since], store: Self.pb)
            let result = w.koers(["bundle", "apply", bundle], store: "menzis")
            #expect(result.status == 1, "--since \(item.since): \(result)")
            #expect(result.stderr.contains(item.message), "--since \(item.since): \(result)")
            #expect(snapshot(of: w.path("menzis")) == before, "--since \(item.since): menzis changed")
        }
        // The whole bundle is fine, and taken whole.
        let whole = w.tmp.at("whole.bundle")
        w.expectOK(["bundle", "create", whole, "--since", w.clockText("menzis")], store: Self.pb)
        #expect(w.expectOK(["bundle", "apply", whole], store: "menzis").hasPrefix("applied 4 new events from programmabureau's bundle"))
    }

    // MARK: - Hand-made bytes against `koers serve --stdio`

    @Test func serveRefusesMalformedFramesAndWrongProtocols() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        for value in ["1", "2"] {
            w.record("enschede", [
                "indicator-recorded", "--project", "p", "--indicator", "participants", "--period", "2024-0\(value)", "--value", value,
                "--municipality", "enschede",
            ])
        }
        let (vector, heads) = helloState(w, Self.pb)
        let e = w.logLines("enschede", origin: "enschede")
        let e1 = try Event.parse(line: Array(e[0].utf8))
        let e2 = try Event.parse(line: Array(e[1].utf8))
        var tampered = e[0]
        tampered = tampered.replacingOccurrences(of: #""value":1"#, with: #""value":7"#)
        let tamperedHashes = try Self.hashes(ofLine: tampered)
        /// A short hello, then a full one, of a starter holding what the served replica holds and `events`.
        func announcing(_ events: [Event], direction: String = "push") -> [UInt8] {
            var v = vector
            var h = heads
            for event in events {
                v[event.origin] = event.seq
                h[event.origin] = event.hash
            }
            return Wire.opening(replica: "enschede", direction: direction, vector: v, heads: h)
        }
        let max = Self.maxFrame
        let ourHead = heads[Self.pb]!
        let fakeHead = String(repeating: "0", count: 64)
        let forked = heads.merging([Self.pb: fakeHead]) { $1 }
        let e1Vector = vector.merging([e1.origin: e1.seq]) { $1 }
        let e1Heads = heads.merging([e1.origin: e1.hash]) { $1 }
        let short = Wire.frame(Wire.hello, Wire.helloJSON(replica: "enschede", direction: "push", vector: e1Vector, heads: e1Heads, full: false))
        let wrong = "the peer does not speak koers sync protocol 2: "
        let cases: [(label: String, input: [UInt8], message: String, answersWithError: Bool)] = [
            ("a hello of protocol version 1", Wire.frame(Wire.hello, Wire.versionOneHello),
             wrong + "protocol version is 1; this koers speaks version 2", true),
            ("protocol version 3", Wire.frame(Wire.hello, Wire.helloJSON(full: false, version: 3)),
             wrong + "protocol version is 3; this koers speaks version 2", true),
            ("another protocol", Wire.frame(Wire.hello, Wire.helloJSON(full: false, protocolName: "git-upload-pack")),
             wrong + #"protocol is "git-upload-pack", not "koers-sync""#, true),
            ("a hello that is not JSON", Wire.frame(Wire.hello, "HELLO"), wrong + "hello is not JSON", true),
            ("a proceed before any hello", Wire.frame(Wire.proceed), wrong + "the first frame is not a hello", true),
            ("a hello without a digest", Wire.frame(Wire.hello, #"{"direction":"both","protocol":"koers-sync","replica":"a","version":2}"#),
             wrong + "digest is missing or not 64 lowercase hex digits", true),
            ("a first hello carrying its vector and heads", Wire.frame(Wire.hello, Wire.helloJSON(vector: vector, heads: heads)),
             wrong + "the first hello carries a vector and heads; it must state only their digest", true),
            ("an unknown frame kind", Wire.frame(0x5A, "zzz"), "the peer sent a malformed frame: unknown frame kind 0x5a", false),
            ("an empty frame", Wire.header(length: 0), "the peer sent a malformed frame: empty frame", false),
            ("a length of 4 GiB", Wire.header(length: .max) + [Wire.hello], "the peer sent a frame of 4294967295 bytes, over the limit of \(max)", false),
            ("one byte over the limit", Wire.header(length: UInt32(max + 1)) + [Wire.hello], "the peer sent a frame of \(max + 1) bytes, over the limit of \(max)", false),
            ("a frame cut short", Wire.header(length: 100) + Array("H{\"protoc".utf8), "the peer closed the connection while a hello was expected", false),
            ("a full hello over the limit after the short one", short + Wire.header(length: UInt32(max + 1)) + [Wire.hello],
             "the peer sent a frame of \(max + 1) bytes, over the limit of \(max)", false),
            ("a hello claiming another history of our origin (equal vectors)",
             Wire.opening(replica: "fake", direction: "both", vector: vector, heads: forked),
             "fork: the peer's programmabureau:\(vector[Self.pb]!) has hash \(fakeHead) but ours has hash \(ourHead)", true),
            ("events instead of the full hello", short + Wire.frame(Wire.events, e[0] + "\n"),
             "the peer sent a malformed frame: expected the peer's full hello", true),
            ("a second short hello", short + short,
             "the peer sent a malformed frame: the peer's second hello carries no vector and heads", true),
            ("a full hello asking another direction",
             short + Wire.frame(Wire.hello, Wire.helloJSON(replica: "enschede", direction: "pull", vector: e1Vector, heads: e1Heads)),
             "the peer sent a malformed frame: the peer's second hello names another replica or direction than its first", true),
            ("a full hello whose digest is not that of its vector and heads",
             short + Wire.frame(Wire.hello, Wire.helloJSON(replica: "enschede", direction: "push", vector: e1Vector, heads: e1Heads, digest: fakeHead)),
             wrong + "digest \(fakeHead) is not the digest of the vector and heads sent with it", true),
            ("an error instead of the full hello", short + Wire.frame(Wire.error, "fork: somewhere"), "the peer reported: fork: somewhere", false),
            ("an event that is not JSON", announcing([e1]) + Wire.frame(Wire.events, "not an event\n"),
             "received event #1 is not valid", true),
            ("a tampered event", announcing([e1]) + Wire.frame(Wire.events, tampered + "\n"),
             "tampered event enschede:1: it claims hash \(tamperedHashes.claimed) but its content hashes to \(tamperedHashes.computed)", true),
            ("more events than announced", announcing([e1]) + Wire.frame(Wire.events, e[0] + "\n" + e[1] + "\n"),
             "the peer sent a malformed frame: more events than the peer's vector announced", true),
            ("an event without its causal past", announcing([e2]) + Wire.frame(Wire.events, e[1] + "\n"),
             "event enschede:2 arrived without its causal past: it depends on enschede:1, which is neither held nor received", true),
            ("events cut short", announcing([e1]) + Wire.header(length: 1000) + [Wire.events] + Array(e[0].utf8.prefix(100)),
             "the peer closed the connection while 1 more events was expected", true),
        ]
        let before = snapshot(of: w.path(Self.pb))
        for item in cases {
            let result = runGuarded(["serve", "--stdio", "--store", w.path(Self.pb)], stdin: item.input, deadline: 30)
            #expect(!result.timedOut && result.status == 1, "\(item.label): \(result)")
            #expect(result.stderr.contains("error: " + item.message), "\(item.label): \(result)")
            let last = Wire.frames(in: result.stdout).last
            if item.answersWithError {
                #expect(last?.kind == Wire.error, "\(item.label): the peer is told why: \(result)")
                #expect(last.map { String(decoding: $0.payload, as: UTF8.self).contains(item.message) } == true, "\(item.label): \(result)")
            } else {
                #expect(last?.kind != Wire.error, "\(item.label): \(result)")
            }
            #expect(snapshot(of: w.path(Self.pb)) == before, "\(item.label): the served replica changed")
        }
    }

    // MARK: - `koers sync` against fake servers

    @Test func syncRefusesAFakeServersBadAnswers() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede"), ("menzis", "menzis")])
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        for id in ["d1", "d2"] {
            w.record("menzis", ["decision-recorded", "--decision", id, "--body", "menzis", "--date", "2024-05-01", "--title", "T", "--outcome", "adopted"])
        }
        let (vector, heads) = helloState(w, "enschede")
        let m = w.logLines("menzis", origin: "menzis")
        let m1 = try Event.parse(line: Array(m[0].utf8))
        let m2 = try Event.parse(line: Array(m[1].utf8))
        let tampered = m[0].replacingOccurrences(of: #""title":"T""#, with: #""title":"t""#)
        let tamperedHashes = try Self.hashes(ofLine: tampered)
        /// The full hello of a server holding what enschede holds and `events`, with `head` replacing head hashes.
        func hello(announcing events: [Event], head: [String: String] = [:]) -> [UInt8] {
            var v = vector
            var h = heads.merging(head) { $1 }
            for event in events {
                v[event.origin] = event.seq
                h[event.origin] = event.hash
            }
            return Wire.frame(Wire.hello, Wire.helloJSON(replica: "menzis", vector: v, heads: h))
        }
        let proceed = Wire.frame(Wire.proceed)
        let max = Self.maxFrame
        let fakeHead = String(repeating: "f", count: 64)
        let wrong = "the peer does not speak koers sync protocol 2: "
        let cases: [(label: String, answer: [UInt8], stderr: String?, message: String)] = [
            ("a hello of protocol version 1", Wire.frame(Wire.hello, Wire.versionOneHello), nil,
             wrong + "protocol version is 1; this koers speaks version 2"),
            ("an ssh banner instead of frames", Array("SSH-2.0-OpenSSH_9.6\r\n".utf8), nil,
             "the peer sent a frame of 1397966893 bytes, over the limit of \(max)"),
            ("one byte over the limit", Wire.header(length: UInt32(max + 1)) + [Wire.hello], nil,
             "the peer sent a frame of \(max + 1) bytes, over the limit of \(max)"),
            ("an unknown frame kind", Wire.frame(0x5A, "zzz"), nil, "the peer sent a malformed frame: unknown frame kind 0x5a"),
            ("an events frame for a hello", Wire.frame(Wire.events, m[0] + "\n"), nil, wrong + "the first frame is not a hello"),
            ("an error frame", Wire.frame(Wire.error, "replica /srv/koers is busy"), nil, "the peer reported: replica /srv/koers is busy"),
            ("nothing at all", [], nil, "the peer closed the connection while a hello was expected"),
            ("a command that fails", [], "sh: koers: not found", "the peer command failed: sh: koers: not found"),
            ("a short hello with another digest than ours",
             Wire.frame(Wire.hello, Wire.helloJSON(replica: "menzis", full: false, digest: fakeHead)), nil,
             "the peer sent a malformed frame: the peer's hello states another digest than ours but not its vector and heads"),
            ("a full hello whose digest is not that of its vector and heads",
             Wire.frame(Wire.hello, Wire.helloJSON(replica: "menzis", vector: vector, heads: heads, digest: fakeHead)), nil,
             wrong + "digest \(fakeHead) is not the digest of the vector and heads sent with it"),
            ("a hello claiming another history of programmabureau (equal vectors)", hello(announcing: [], head: [Self.pb: fakeHead]), nil,
             "fork: the peer's programmabureau:\(vector[Self.pb]!) has hash \(fakeHead) but ours has hash \(heads[Self.pb]!)"),
            ("an error for our full hello", hello(announcing: [m1]) + Wire.frame(Wire.error, "fork: somewhere"), nil,
             "the peer reported: fork: somewhere"),
            ("events instead of a proceed", hello(announcing: [m1]) + Wire.frame(Wire.events, m[0] + "\n"), nil,
             "the peer sent a malformed frame: expected an answer to our hello"),
            ("a tampered event", hello(announcing: [m1]) + proceed + Wire.frame(Wire.events, tampered + "\n"), nil,
             "tampered event menzis:1: it claims hash \(tamperedHashes.claimed) but its content hashes to \(tamperedHashes.computed)"),
            ("more events than announced", hello(announcing: [m1]) + proceed + Wire.frame(Wire.events, m[0] + "\n" + m[1] + "\n"), nil,
             "the peer sent a malformed frame: more events than the peer's vector announced"),
            ("an event without its causal past", hello(announcing: [m2]) + proceed + Wire.frame(Wire.events, m[1] + "\n"), nil,
             "event menzis:2 arrived without its causal past: it depends on menzis:1, which is neither held nor received"),
            ("a proceed instead of events", hello(announcing: [m1]) + proceed + proceed, nil, "the peer sent a malformed frame: expected events"),
        ]
        let before = snapshot(of: w.path("enschede"))
        for item in cases {
            let command = Wire.fakePeer(answering: item.answer, stderr: item.stderr)
            let result = runGuarded(["sync", "--exec", command, "--store", w.path("enschede")], deadline: 30)
            #expect(!result.timedOut && result.status == 1, "\(item.label): \(result)")
            #expect(result.stderr.contains("error: " + item.message), "\(item.label): \(result)")
            #expect(snapshot(of: w.path("enschede")) == before, "\(item.label): enschede changed")
        }
    }
}
