import Foundation
import Testing
import EventLog
import TestSupport

/// 2024-11-01T09:00:00Z.
let novemberFirst: Int64 = 1_730_451_600_000

func drafts(_ count: Int, from first: Int = 1) -> [EventDraft] {
    (first..<(first + count)).map { n in
        EventDraft(
            type: n % 2 == 0 ? "project-started" : "theme-defined", effective: LocalDate(year: 2024, month: 10, day: n % 28 + 1)!,
            data: JSONObject(uniqueMembers: [("n", .integer(Int64(n))), ("naam", .string("thema \(n) – café"))]))
    }
}

/// An event of another replica, built by hand: `origin:seq` after `previous`, having seen `seen` of other origins.
func foreignEvent(
    _ origin: String, _ seq: UInt64, after previous: Event? = nil, seen: [String: UInt64] = [:], millis: Int64, counter: UInt32 = 0
) -> Event {
    var clock = VersionVector(seen)
    clock[origin] = seq
    return Event(
        origin: origin, seq: seq, clock: clock, hlc: HybridTimestamp(millis: millis, counter: counter),
        effective: LocalDate(year: 2024, month: 11, day: 1)!, type: "budget-set",
        data: JSONObject(uniqueMembers: [("bedrag", .integer(Int64(seq) * 1000))]), prev: previous?.hash
    ).sealed()
}

/// The bytes of events as their log stores them.
func logBytes(_ events: [Event]) -> [UInt8] {
    events.flatMap { $0.line + [0x0A] }
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func appendToFile(_ path: String, _ bytes: [UInt8]) throws {
    try writeFile(path, fileBytes(path) + bytes)
}

/// A temporary replica `programmabureau` of owner `samentwente`.
struct ReplicaFixture {
    let tmp = TemporaryDirectory("replica")
    let replica: Replica

    init() throws {
        replica = try Replica.create(at: tmp.at("store"), replica: "programmabureau", owner: "samentwente")
    }

    var directory: String { replica.directory }
    var ownLog: String { replica.displayPath(origin: "programmabureau") }
    var ownQuarantine: String { directory + "/log/programmabureau.quarantine" }
    var journal: String { directory + "/batch.pending" }

    /// Authors and appends events of this replica; returns them.
    @discardableResult
    func append(_ count: Int, from first: Int = 1, wallMillis: Int64 = novemberFirst) throws -> [Event] {
        try replica.write { writer in
            let events = try writer.author(drafts(count, from: first), wallMillis: wallMillis)
            try writer.append(events)
            return events
        }
    }

    /// Authors events that follow what is held, without appending them.
    func authorOnly(_ count: Int, from first: Int, wallMillis: Int64 = novemberFirst + 60_000) throws -> [Event] {
        try replica.write { writer in try writer.author(drafts(count, from: first), wallMillis: wallMillis) }
    }
}

@Suite struct ReplicaTests {
    // MARK: Create and open

    /// Batches small and large (a large one is hashed and signed on other threads, 256 events at a time, and
    /// put back in order) continue the held chain: each event carries its own hash, the hash before it as
    /// `prev`, and a valid signature of its own; each line is its event's.
    @Test func batchesOfEverySizeContinueTheChainInOrder() throws {
        let fixture = try ReplicaFixture()
        var first = 1
        for count in [1, 256, 600, 2] {
            try fixture.replica.write { writer in
                let (events, lines) = try writer.authorSigning(drafts(count, from: first), wallMillis: novemberFirst).finish()
                #expect(lines == events.map(\.line))
                try writer.append(events, lines: lines)
            }
            first += count
        }
        let stored = try fixture.replica.allEvents()
        #expect(stored.map(\.seq) == (1..<first).map { UInt64($0) })
        #expect(stored.allSatisfy { $0.hash == $0.computedHash && $0.hasValidSignature })
        #expect(Set(stored.map(\.sig)).count == stored.count)
        #expect(stored.first?.prev == nil)
        for (previous, next) in zip(stored, stored.dropFirst()) { #expect(next.prev == previous.hash) }
    }

    @Test func createThenOpenRoundTripsTheIdentity() throws {
        let fixture = try ReplicaFixture()
        #expect(fixture.replica.identity.replica == "programmabureau")
        #expect(fixture.replica.identity.owner == "samentwente")
        let opened = try Replica.open(at: fixture.directory)
        #expect(opened.identity == fixture.replica.identity)
        #expect(opened.directory == fixture.directory)
        #expect(String(decoding: fileBytes(fixture.directory + "/replica.json"), as: UTF8.self) == "{\"format\":1,\"owner\":\"samentwente\",\"replica\":\"programmabureau\"}\n")
        #expect(try opened.origins() == [])
        #expect(try opened.heads().isEmpty)
        #expect(try opened.versionVector() == VersionVector())
        #expect(try opened.allEvents().isEmpty)
        #expect(try !opened.needsRecovery())
    }

    @Test func createAcceptsAnEmptyExistingDirectory() throws {
        let tmp = TemporaryDirectory("replica")
        try FileManager.default.createDirectory(atPath: tmp.at("empty"), withIntermediateDirectories: false)
        let replica = try Replica.create(at: tmp.at("empty"), replica: "menzis", owner: "menzis")
        #expect(try Replica.open(at: tmp.at("empty")).identity == replica.identity)
    }

    @Test func createRefusesANonEmptyDirectoryAndAFile() throws {
        let tmp = TemporaryDirectory("replica")
        try FileManager.default.createDirectory(atPath: tmp.at("full"), withIntermediateDirectories: false)
        tmp.write("full/notes.txt", "mine")
        tmp.write("plain-file", "mine")
        let before = snapshot(of: tmp.path)
        for path in [tmp.at("full"), tmp.at("plain-file")] {
            let error = #expect(throws: EventLogError.self, "\(path)") {
                try Replica.create(at: path, replica: "programmabureau", owner: "samentwente")
            }
            #expect(error == .replicaExists(path: path))
        }
        // A replica cannot be created over another one either.
        let existing = try ReplicaFixture()
        #expect(throws: EventLogError.replicaExists(path: existing.directory)) {
            try Replica.create(at: existing.directory, replica: "menzis", owner: "menzis")
        }
        #expect(snapshot(of: tmp.path) == before)
    }

    @Test(arguments: [("A", "samentwente", "replica", "A"), ("programmabureau", "../x", "owner", "../x"), ("", "samentwente", "replica", "")])
    func createRefusesBadIdentifiers(replica: String, owner: String, field: String, value: String) throws {
        let tmp = TemporaryDirectory("replica")
        let error = #expect(throws: EventLogError.self) { try Replica.create(at: tmp.at("store"), replica: replica, owner: owner) }
        #expect(error == .invalidIdentifier(field: field, value: value))
        #expect(!FileManager.default.fileExists(atPath: tmp.at("store")))
    }

    @Test func openRefusesADirectoryWithoutIdentity() throws {
        let tmp = TemporaryDirectory("replica")
        try FileManager.default.createDirectory(atPath: tmp.at("log"), withIntermediateDirectories: false)
        #expect(throws: EventLogError.notAReplica(path: tmp.path)) { try Replica.open(at: tmp.path) }
        #expect(throws: EventLogError.notAReplica(path: tmp.at("missing"))) { try Replica.open(at: tmp.at("missing")) }
    }

    @Test(arguments: [
        ("format 2", #"{"format":2,"owner":"samentwente","replica":"programmabureau"}"#, "format must be 1"),
        ("format missing", #"{"owner":"samentwente","replica":"programmabureau"}"#, "format must be 1"),
        ("format as a string", #"{"format":"1","owner":"samentwente","replica":"programmabureau"}"#, "format must be 1"),
        ("not json", "replica: programmabureau", "unexpected 'r' at column 1"),
        ("empty", "", "unexpected end of json"),
        ("an array", "[1]", "not a json object"),
        ("a fraction", #"{"format":1.0,"owner":"samentwente","replica":"programmabureau"}"#, "number '1.0' is not an integer"),
        ("bad replica id", #"{"format":1,"owner":"samentwente","replica":"A"}"#, "replica: missing or not an identifier"),
        ("replica missing", #"{"format":1,"owner":"samentwente"}"#, "replica: missing or not an identifier"),
        ("bad owner", #"{"format":1,"owner":"../x","replica":"programmabureau"}"#, "owner: missing or not an identifier"),
    ])
    func openRefusesABadIdentity(label: String, content: String, problem: String) throws {
        let tmp = TemporaryDirectory("replica")
        let path = tmp.write("replica.json", content)
        let error = #expect(throws: EventLogError.self, "\(label)") { try Replica.open(at: tmp.path) }
        guard case .badIdentity(let errorPath, let message) = error else {
            Issue.record("\(label): \(String(describing: error))")
            return
        }
        #expect(errorPath == path, "\(label)")
        #expect(message.contains(problem), "\(label): \(message)")
    }

    // MARK: Authoring and appending

    @Test func appendedEventsAreThereAfterReopening() throws {
        let fixture = try ReplicaFixture()
        let first = try fixture.append(3)
        #expect(first.map(\.seq) == [1, 2, 3])
        #expect(first.map(\.prev) == [nil, first[0].hash, first[1].hash])
        #expect(first.map(\.clock) == [1, 2, 3].map { VersionVector(["programmabureau": $0]) })
        #expect(first.allSatisfy { $0.computedHash == $0.hash })
        #expect(zip(first, first.dropFirst()).allSatisfy { $0.hlc < $1.hlc })

        let reopened = try Replica.open(at: fixture.directory)
        #expect(try reopened.origins() == ["programmabureau"])
        let head = try #require(try reopened.heads()["programmabureau"])
        #expect((head.seq, head.hash, head.hlc) == (3, first[2].hash, first[2].hlc))
        #expect(try reopened.versionVector() == VersionVector(["programmabureau": 3]))
        #expect(try reopened.events(origin: "programmabureau") == first)
        #expect(try reopened.events(origin: "menzis") == [])
        #expect(fileBytes(fixture.ownLog) == logBytes(first))

        // A later writer continues the chain, and its clock stays ahead even when the wall clock went back.
        let second = try reopened.write { writer in
            #expect(writer.versionVector == VersionVector(["programmabureau": 3]))
            let events = try writer.author(drafts(2, from: 4), wallMillis: novemberFirst - 3_600_000)
            try writer.append(events)
            #expect(writer.heads["programmabureau"]?.seq == 5)
            return events
        }
        #expect(second.map(\.seq) == [4, 5])
        #expect(second[0].prev == first[2].hash)
        #expect(second[0].hlc > first[2].hlc)
        #expect(try Replica.open(at: fixture.directory).events(origin: "programmabureau") == first + second)
        #expect(try Replica.open(at: fixture.directory).allEvents() == first + second)
        #expect(!FileManager.default.fileExists(atPath: fixture.journal))
    }

    @Test func eventsOfOtherOriginsAreHeldInTheirOwnLogs() throws {
        let fixture = try ReplicaFixture()
        let own = try fixture.append(1)
        let m1 = foreignEvent("menzis", 1, millis: novemberFirst + 1)
        let m2 = foreignEvent("menzis", 2, after: m1, seen: ["programmabureau": 1], millis: novemberFirst + 2)
        try fixture.replica.write { try $0.append([m1]) }
        try fixture.replica.write { try $0.append([m2]) }
        let replica = try Replica.open(at: fixture.directory)
        #expect(try replica.origins() == ["menzis", "programmabureau"])
        #expect(try replica.versionVector() == VersionVector(["programmabureau": 1, "menzis": 2]))
        #expect(try replica.events(origin: "menzis") == [m1, m2])
        #expect(try replica.allEvents() == [m1, m2] + own)
        #expect(fileBytes(replica.displayPath(origin: "menzis")) == logBytes([m1, m2]))
        // The next own event has seen everything held.
        let next = try replica.write { try $0.author(drafts(1, from: 2), wallMillis: novemberFirst) }
        #expect(next[0].clock == VersionVector(["programmabureau": 2, "menzis": 2]))
        #expect(next[0].hlc > m2.hlc)
    }

    /// Held: programmabureau:1…2 and menzis:1. Each case is a batch `append` must refuse, with its error.
    static func refusedBatches(own: [Event], menzis: Event) -> [(String, [Event], EventLogError)] {
        let head = own[1]
        func ownEvent(seq: UInt64, prev: String?, seen: [String: UInt64] = [:]) -> Event {
            foreignEvent("programmabureau", seq, seen: seen, millis: novemberFirst + 10_000).withPrev(prev)
        }
        let good3 = ownEvent(seq: 3, prev: head.hash)
        return [
            ("a skipped seq", [ownEvent(seq: 4, prev: head.hash)],
             .doesNotFollow(origin: "programmabureau", seq: 4, problem: "does not follow: the replica expects seq 3")),
            ("a repeated seq", [ownEvent(seq: 2, prev: own[0].hash)],
             .doesNotFollow(origin: "programmabureau", seq: 2, problem: "does not follow: the replica expects seq 3")),
            ("a wrong prev", [ownEvent(seq: 3, prev: own[0].hash)],
             .doesNotFollow(origin: "programmabureau", seq: 3, problem: "has prev \(own[0].hash) but the held event programmabureau:2 has hash \(head.hash)")),
            ("a null prev", [ownEvent(seq: 3, prev: nil)],
             .doesNotFollow(origin: "programmabureau", seq: 3, problem: "has prev null but the held event programmabureau:2 has hash \(head.hash)")),
            ("a prev on a new origin's first event", [foreignEvent("kantoor", 1, millis: novemberFirst).withPrev(head.hash)],
             .doesNotFollow(origin: "kantoor", seq: 1, problem: "has prev \(head.hash) but the held event kantoor:0 has hash none")),
            ("a first event at seq 2", [foreignEvent("kantoor", 2, after: head, millis: novemberFirst)],
             .doesNotFollow(origin: "kantoor", seq: 2, problem: "does not follow: the replica expects seq 1")),
            ("a clock naming menzis:2", [ownEvent(seq: 3, prev: head.hash, seen: ["menzis": 2])],
             .doesNotFollow(origin: "programmabureau", seq: 3, problem: "depends on menzis:2, which the replica does not hold (it holds 1)")),
            ("a clock naming an unknown origin", [ownEvent(seq: 3, prev: head.hash, seen: ["menzis": 1, "kantoor": 1])],
             .doesNotFollow(origin: "programmabureau", seq: 3, problem: "depends on kantoor:1, which the replica does not hold (it holds 0)")),
            ("a good event then a bad one", [good3, ownEvent(seq: 5, prev: good3.hash)],
             .doesNotFollow(origin: "programmabureau", seq: 5, problem: "does not follow: the replica expects seq 4")),
            ("a dependency that comes later in the batch", [foreignEvent("kantoor", 1, seen: ["menzis": 2], millis: novemberFirst + 5), foreignEvent("menzis", 2, after: menzis, millis: novemberFirst + 4)],
             .doesNotFollow(origin: "kantoor", seq: 1, problem: "depends on menzis:2, which the replica does not hold (it holds 1)")),
        ]
    }

    @Test func appendRefusesWhatDoesNotFollowAndChangesNothing() throws {
        let fixture = try ReplicaFixture()
        let own = try fixture.append(2)
        let menzis = foreignEvent("menzis", 1, millis: novemberFirst)
        try fixture.replica.write { try $0.append([menzis]) }
        let before = snapshot(of: fixture.directory)
        #expect(before["lock"] != nil, "the lock file exists before, so that it cannot make a difference")

        for (label, batch, expected) in Self.refusedBatches(own: own, menzis: menzis) {
            try fixture.replica.write { writer in
                let error = #expect(throws: EventLogError.self, "\(label)") { try writer.append(batch) }
                #expect(error == expected, "\(label): \(String(describing: error))")
                #expect(writer.heads["programmabureau"]?.seq == 2, "\(label)")
                #expect(writer.versionVector == VersionVector(["programmabureau": 2, "menzis": 1]), "\(label)")
            }
            #expect(snapshot(of: fixture.directory) == before, "\(label): the replica changed")
        }
        // After all that, the writer still appends what does follow.
        let next = try fixture.append(1, from: 3)
        #expect(next[0].seq == 3 && next[0].prev == own[1].hash)
    }

    @Test func aBatchMayHoldAnEventAndItsCauseFromAnotherOrigin() throws {
        let fixture = try ReplicaFixture()
        let m1 = foreignEvent("menzis", 1, millis: novemberFirst)
        let k1 = foreignEvent("kantoor", 1, seen: ["menzis": 1], millis: novemberFirst + 1)
        let k2 = foreignEvent("kantoor", 2, after: k1, seen: ["menzis": 1], millis: novemberFirst + 2)
        try fixture.replica.write { try $0.append([m1, k1, k2]) }
        let replica = try Replica.open(at: fixture.directory)
        #expect(try replica.events(origin: "menzis") == [m1])
        #expect(try replica.events(origin: "kantoor") == [k1, k2])
        #expect(try replica.versionVector() == VersionVector(["menzis": 1, "kantoor": 2]))
        #expect(!FileManager.default.fileExists(atPath: fixture.journal), "the batch journal is removed")
        #expect(try LogVerifier.verify(replica).problems == [])
    }

    // MARK: The writer lock

    @Test func aSecondWriterIsRefusedWhileTheFirstHoldsTheLock() throws {
        let fixture = try ReplicaFixture()
        try fixture.replica.write { _ in
            #expect(throws: EventLogError.replicaBusy(path: fixture.directory)) { try fixture.replica.write { _ in } }
            let other = try Replica.open(at: fixture.directory)
            #expect(throws: EventLogError.replicaBusy(path: fixture.directory)) { try other.write { _ in } }
        }
        // Released on return, and when the body throws.
        #expect(try fixture.replica.write { _ in 7 } == 7)
        struct Failure: Error {}
        #expect(throws: Failure.self) { try fixture.replica.write { _ in throw Failure() } }
        #expect(try fixture.replica.write { _ in 8 } == 8)
    }

    @Test func readersWorkWhileAWriterHoldsTheLock() throws {
        let fixture = try ReplicaFixture()
        let events = try fixture.append(2)
        try fixture.replica.write { writer in
            let reader = try Replica.open(at: fixture.directory)
            #expect(try reader.heads()["programmabureau"]?.seq == 2)
            #expect(try reader.versionVector() == VersionVector(["programmabureau": 2]))
            #expect(try reader.events(origin: "programmabureau") == events)
            // Appends by the writer are visible to a reader at once.
            try writer.append(try writer.author(drafts(1, from: 3), wallMillis: novemberFirst))
            #expect(try reader.heads()["programmabureau"]?.seq == 3)
        }
    }

    // MARK: Crash recovery

    @Test func aTornTailIsSetAsideOnceByTheNextWriter() throws {
        let fixture = try ReplicaFixture()
        let events = try fixture.append(2)
        let clean = fileBytes(fixture.ownLog)
        let third = try fixture.authorOnly(1, from: 3)[0]
        let torn = Array(third.line.prefix(50))
        try appendToFile(fixture.ownLog, torn)

        // Readers skip the partial line and leave it alone.
        let reader = try Replica.open(at: fixture.directory)
        #expect(try reader.needsRecovery())
        #expect(try reader.heads()["programmabureau"]?.seq == 2)
        #expect(try reader.events(origin: "programmabureau") == events)
        #expect(fileBytes(fixture.ownLog) == clean + torn)

        let recovered = try fixture.replica.write { $0.recovered }
        #expect(recovered == [.tornLineSetAside(log: fixture.ownLog, quarantine: fixture.ownQuarantine, bytes: 50)])
        #expect(fileBytes(fixture.ownLog) == clean)
        #expect(fileBytes(fixture.ownQuarantine) == torn + [0x0A])
        #expect(try !reader.needsRecovery())
        #expect(try fixture.replica.write { $0.recovered } == [], "reported once")

        // The chain continues where the last complete line left it; a second tear adds to the same quarantine.
        let appended = try fixture.append(1, from: 3)
        #expect(appended[0].seq == 3 && appended[0].prev == events[1].hash)
        try appendToFile(fixture.ownLog, Array("{\"clock\":".utf8))
        #expect(try fixture.replica.write { $0.recovered } == [.tornLineSetAside(log: fixture.ownLog, quarantine: fixture.ownQuarantine, bytes: 9)])
        #expect(fileBytes(fixture.ownQuarantine) == torn + [0x0A] + Array("{\"clock\":\n".utf8))
        #expect(fileBytes(fixture.ownLog) == logBytes(events + appended))
        #expect(try LogVerifier.verify(fixture.replica).isValid)
    }

    @Test func aTornFirstLineLeavesAnEmptyLog() throws {
        let fixture = try ReplicaFixture()
        let first = try fixture.authorOnly(1, from: 1)[0]
        try writeFile(fixture.ownLog, Array(first.line.dropLast()))
        #expect(try fixture.replica.heads().isEmpty)
        let recovered = try fixture.replica.write { $0.recovered }
        #expect(recovered == [.tornLineSetAside(log: fixture.ownLog, quarantine: fixture.ownQuarantine, bytes: first.line.count - 1)])
        #expect(fileBytes(fixture.ownLog) == [])
        #expect(try fixture.append(1)[0].seq == 1)
    }

    /// A crash after the journal was written whole: `applied` of its 5 events reached the log, maybe with the next one torn.
    @Test(arguments: [(2, true), (0, false), (0, true), (2, false), (4, true), (5, false)])
    func aCompleteJournalIsCompleted(applied: Int, tornNext: Bool) throws {
        let fixture = try ReplicaFixture()
        let held = try fixture.append(1)
        let batch = try fixture.authorOnly(5, from: 2)
        #expect(batch.map(\.seq) == [2, 3, 4, 5, 6])
        let torn = tornNext ? Array(batch[applied].line.prefix(batch[applied].line.count / 2)) : []
        try appendToFile(fixture.ownLog, logBytes(Array(batch.prefix(applied))) + torn)
        try writeFile(fixture.journal, logBytes(batch) + Array("{\"commit\":5}\n".utf8))

        let recovered = try fixture.replica.write { $0.recovered }
        var expected: [Recovery] = [.batchCompleted(events: 5)]
        if tornNext { expected.insert(.tornLineSetAside(log: fixture.ownLog, quarantine: fixture.ownQuarantine, bytes: torn.count), at: 0) }
        #expect(recovered == expected, "applied \(applied) torn \(tornNext)")
        #expect(fileBytes(fixture.ownLog) == logBytes(held + batch), "applied \(applied) torn \(tornNext)")
        #expect(try fixture.replica.events(origin: "programmabureau") == held + batch)
        #expect(!FileManager.default.fileExists(atPath: fixture.journal))
        #expect(try fixture.replica.write { $0.recovered } == [], "reported once")
        #expect(try LogVerifier.verify(fixture.replica).isValid)
    }

    @Test func aCompleteJournalOfTwoOriginsIsCompleted() throws {
        let fixture = try ReplicaFixture()
        let m1 = foreignEvent("menzis", 1, millis: novemberFirst)
        let m2 = foreignEvent("menzis", 2, after: m1, millis: novemberFirst + 1)
        let k1 = foreignEvent("kantoor", 1, seen: ["menzis": 2], millis: novemberFirst + 2)
        // The crash came after menzis' log was written and before kantoor's was.
        try writeFile(fixture.replica.displayPath(origin: "menzis"), logBytes([m1, m2]))
        try writeFile(fixture.journal, logBytes([m1, m2, k1]) + Array("{\"commit\":3}\n".utf8))
        #expect(try fixture.replica.write { $0.recovered } == [.batchCompleted(events: 3)])
        #expect(try fixture.replica.events(origin: "menzis") == [m1, m2])
        #expect(try fixture.replica.events(origin: "kantoor") == [k1])
        #expect(!FileManager.default.fileExists(atPath: fixture.journal))
    }

    /// A crash while the journal itself was written: nothing was acknowledged, so nothing is applied.
    @Test(arguments: [
        ("no commit line", 5, false, nil as String?),
        ("a torn event line", 3, true, nil),
        ("a commit line with the wrong count", 5, false, "{\"commit\":4}\n"),
        ("a commit line without its newline", 5, false, "{\"commit\":5}"),
        ("a torn commit line", 5, false, "{\"comm"),
    ])
    func aTornJournalIsSetAside(label: String, lines: Int, tornEvent: Bool, commit: String?) throws {
        let fixture = try ReplicaFixture()
        try fixture.append(1)
        let batch = try fixture.authorOnly(5, from: 2)
        var journal = logBytes(Array(batch.prefix(lines)))
        if tornEvent { journal += batch[lines].line.prefix(40) }
        if let commit { journal += Array(commit.utf8) }
        try writeFile(fixture.journal, journal)
        let before = snapshot(of: fixture.directory + "/log")

        let recovered = try fixture.replica.write { $0.recovered }
        let lineCount = lines + (tornEvent || commit != nil ? 1 : 0)
        let quarantine = fixture.directory + "/log/batch-\(lineCount)-lines.quarantine"
        #expect(recovered == [.batchSetAside(quarantine: quarantine)], "\(label)")
        #expect(!FileManager.default.fileExists(atPath: fixture.journal), "\(label)")
        #expect(fileBytes(quarantine) == (journal.last == 0x0A ? journal : journal + [0x0A]), "\(label)")
        var after = snapshot(of: fixture.directory + "/log")
        after["batch-\(lineCount)-lines.quarantine"] = nil
        #expect(after == before, "\(label): the logs changed")
        #expect(try fixture.replica.versionVector() == VersionVector(["programmabureau": 1]), "\(label)")
        #expect(try fixture.replica.write { $0.recovered } == [], "\(label): reported once")
    }

    @Test func recoverIfIdleLeavesATornTailAloneWhileAWriterIsBusy() throws {
        let fixture = try ReplicaFixture()
        let events = try fixture.append(2)
        let torn = Array(try fixture.authorOnly(1, from: 3)[0].line.prefix(30))
        let reader = try Replica.open(at: fixture.directory)
        #expect(try reader.recoverIfIdle() == [], "nothing to do on a clean replica")

        try fixture.replica.write { _ in
            // The writer's own write in progress looks like a torn tail to a reader.
            try appendToFile(fixture.ownLog, torn)
            #expect(try reader.needsRecovery())
            #expect(try reader.recoverIfIdle() == [])
            #expect(fileBytes(fixture.ownLog) == logBytes(events) + torn)
            #expect(!FileManager.default.fileExists(atPath: fixture.ownQuarantine))
        }
        // Once the writer is gone, the reader repairs it, once.
        #expect(try reader.recoverIfIdle() == [.tornLineSetAside(log: fixture.ownLog, quarantine: fixture.ownQuarantine, bytes: 30)])
        #expect(fileBytes(fixture.ownLog) == logBytes(events))
        #expect(try reader.recoverIfIdle() == [])
    }

    /// Lines longer than the reading windows: 4 KiB from the end for heads, 1 MiB chunks for events.
    @Test func longLinesAreReadWhole() throws {
        let fixture = try ReplicaFixture()
        let sizes = [5_000, 1_200_000, 20_000]
        let long = sizes.map { size in
            EventDraft(type: "note-taken", effective: LocalDate(year: 2024, month: 11, day: 1)!,
                       data: JSONObject(uniqueMembers: [("tekst", .string(String(repeating: "x", count: size)))]))
        }
        let events = try fixture.replica.write { writer in
            let events = try writer.author(long, wallMillis: novemberFirst)
            try writer.append(events)
            return events
        }
        #expect(try fixture.replica.heads()["programmabureau"]?.hash == events[2].hash)
        #expect(try fixture.replica.events(origin: "programmabureau") == events)
        let torn = Array(try fixture.authorOnly(1, from: 9)[0].line.prefix(1)) + Array(repeating: UInt8(ascii: "y"), count: 6_000)
        try appendToFile(fixture.ownLog, torn)
        #expect(try fixture.replica.heads()["programmabureau"]?.hash == events[2].hash)
        #expect(try fixture.replica.write { $0.recovered } == [.tornLineSetAside(log: fixture.ownLog, quarantine: fixture.ownQuarantine, bytes: 6_001)])
        #expect(fileBytes(fixture.ownLog) == logBytes(events))
        #expect(try LogVerifier.verify(fixture.replica).isValid)
    }

    @Test func aPendingJournalNeedsRecovery() throws {
        let fixture = try ReplicaFixture()
        try fixture.append(1)
        #expect(try !fixture.replica.needsRecovery())
        try writeFile(fixture.journal, [])
        #expect(try fixture.replica.needsRecovery())
    }
}

extension Event {
    /// The event with another `prev`, sealed again so that its hash is right.
    func withPrev(_ prev: String?) -> Event {
        var event = self
        event.prev = prev
        return event.sealed()
    }
}
