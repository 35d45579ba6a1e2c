import EventLog
import Foundation
@testable import Programme
import Testing
import TestSupport

/// The projection cache changes only the time a view takes, never what it shows: resumed states
/// equal a replay from the first event, late arrivals make snapshots stale, and deleting the cache
/// changes nothing.
@Suite struct ProjectionCacheTests {
    /// A programme office and a second laptop with some history.
    func twoReplicas(_ tmp: TemporaryDirectory) throws -> (TestReplica, TestReplica) {
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        let laptop = try TestReplica(in: tmp, "laptop", owner: "programmabureau")
        try office.record(at: "2025-01-02T09:00:00Z", [
            ("theme-defined", "2025-01-01", #"{"theme":"jeugd","name":"Jeugd"}"#),
            ("project-started", "2025-01-01", #"{"project":"p","name":"P","theme":"jeugd"}"#),
            ("budget-line-opened", "2025-01-01", #"{"line":"l","year":2025,"side":"income","name":"L","amountCents":100}"#),
        ])
        try laptop.receive(try office.events())
        return (office, laptop)
    }

    func fresh(_ replica: TestReplica, _ cut: Cut = Cut()) throws -> [UInt8] {
        ProgrammeViews.all(try ProgrammeHistory.state(of: replica.replica, cut: cut, useCache: false)).canonicalBytes
    }

    func cached(_ replica: TestReplica, _ cut: Cut = Cut(), every interval: Int = 2) throws -> [UInt8] {
        ProgrammeViews.all(
            try ProgrammeHistory.state(of: replica.replica, cut: cut, trackingHistoryOf: [], useCache: true, checkpointEvery: interval)
        ).canonicalBytes
    }

    var cacheFiles: (TestReplica) -> [String] {
        { replica in (try? FileManager.default.contentsOfDirectory(atPath: replica.replica.cacheDirectory))?.sorted() ?? [] }
    }

    @Test func aResumedSnapshotEqualsAFullReplay() throws {
        let tmp = TemporaryDirectory()
        let (office, _) = try twoReplicas(tmp)
        #expect(try cached(office) == fresh(office))
        #expect(cacheFiles(office).contains("projection-head.snapshot"), "a replay of the head leaves a snapshot")
        for i in 0..<5 {
            try office.record(at: "2025-02-0\(i + 1)T09:00:00Z", "budget-amended", #"{"line":"l","deltaCents":\#(i + 1),"reason":"r"}"#)
            #expect(try cached(office) == fresh(office), "after amendment \(i)")
        }
    }

    /// `koers record` and the views of things read the head snapshot's core only, and never save such a state.
    /// Where the fold after the snapshot is long enough for a new head to be saved, the snapshot is read whole.
    @Test func aCoreStateIsNeverSavedAndALongFoldReadsTheSnapshotWhole() throws {
        let tmp = TemporaryDirectory()
        let (office, _) = try twoReplicas(tmp)
        _ = try cached(office)
        let head = office.replica.cacheDirectory + "/projection-head.snapshot"
        let saved = try Data(contentsOf: URL(fileURLWithPath: head))
        let few = ProjectionCache.resaveAfter / 2
        try office.record(at: "2025-02-01T09:00:00Z", (1...few).map { ("budget-amended", "2025-02-01", #"{"line":"l","deltaCents":\#($0),"reason":"r\#($0)"}"#) })
        let forRules = try ProgrammeHistory.stateForRules(of: office.replica)
        #expect(forRules.scope == .core)
        #expect(forRules.budgetLines["l"]?.amountCents == Int64(100 + few * (few + 1) / 2), "the rules see the amount every amendment made")
        #expect(try ProgrammeHistory.state(of: office.replica, scope: .core).scope == .core)
        #expect(try Data(contentsOf: URL(fileURLWithPath: head)) == saved, "a core state is not saved")

        try office.record(at: "2025-02-02T09:00:00Z", (1...ProjectionCache.resaveAfter).map { ("budget-amended", "2025-02-02", #"{"line":"l","deltaCents":1,"reason":"s\#($0)"}"#) })
        let long = try ProgrammeHistory.stateForRules(of: office.replica)
        #expect(long.scope == .whole, "\(few + ProjectionCache.resaveAfter) events behind, the snapshot is read whole")
        #expect(try Data(contentsOf: URL(fileURLWithPath: head)) != saved, "and the fold after it saves a new head")
        #expect(try ProgrammeHistory.state(of: office.replica, scope: .core).scope == .core, "which the next reader resumes")
        #expect(try cached(office) == fresh(office))
    }

    /// The laptop was offline: its event sorts before events the office's snapshot already folded.
    @Test func aLateArrivalThatSortsEarlierMakesTheSnapshotStale() throws {
        let tmp = TemporaryDirectory()
        let (office, laptop) = try twoReplicas(tmp)
        try laptop.record(at: "2025-03-01T09:00:00Z", "project-changed", #"{"project":"p","name":"Laptop"}"#)
        try office.record(at: "2025-03-05T09:00:00Z", "project-changed", #"{"project":"p","name":"Office"}"#)
        try office.record(at: "2025-03-06T09:00:00Z", "budget-amended", #"{"line":"l","deltaCents":5,"reason":"r"}"#)
        _ = try cached(office)  // a snapshot after the office's own events
        try office.receive(try laptop.events())
        let views = try cached(office)
        #expect(views == (try fresh(office)))
        let state = try ProgrammeHistory.state(of: office.replica)
        #expect(state.projects["p"]?.fields["name"]?.isConflicted == true, "the late change is concurrent with the office's")
    }

    /// A late arrival is folded from the newest checkpoint before it, not from the first event, and the head is
    /// saved anew even after a few events, so that later commands do not meet the stale head first.
    @Test func aLateArrivalIsFoldedFromTheCheckpointBeforeIt() throws {
        let tmp = TemporaryDirectory()
        let (office, laptop) = try twoReplicas(tmp)
        for day in 2...7 {
            try office.record(at: "2025-03-0\(day)T09:00:00Z", "budget-amended", #"{"line":"l","deltaCents":\#(day),"reason":"r"}"#)
        }
        // Sorts between the office's 8th event (March 6) and its 9th (March 7).
        try laptop.record(at: "2025-03-06T12:00:00Z", "project-changed", #"{"project":"p","name":"Laptop"}"#)
        try FileManager.default.removeItem(atPath: office.replica.cacheDirectory)
        _ = try cached(office, every: 4)
        #expect(cacheFiles(office) == ["projection-4.snapshot", "projection-8.snapshot", "projection-head.snapshot"])
        try FileManager.default.removeItem(atPath: office.replica.cacheDirectory + "/projection-4.snapshot")
        try office.receive(try laptop.events())
        #expect(try cached(office, every: 4) == fresh(office))
        #expect(cacheFiles(office) == ["projection-8.snapshot", "projection-head.snapshot"], "a replay from the first event would leave projection-4")
        let head = ProjectionCache.best(for: Cut(), in: office.replica, trustedKeys: try office.replica.trustedKeys())
        #expect(head?.position.folded == 10, "the head holds the late arrival")
        #expect(try cached(office, every: 4) == fresh(office))
    }

    /// `koers sync` folds the events it receives as they are appended (`FoldAlong`): the state is the one a replay
    /// gives, the head snapshot it leaves resumes to it, and each checkpoint it leaves on the way is one a later
    /// fold can resume (the byte ranges it records hold the events it names).
    @Test func aFoldAlongTheAppendedEventsEqualsAReplayAndLeavesUsableSnapshots() throws {
        let tmp = TemporaryDirectory()
        let (office, laptop) = try twoReplicas(tmp)
        _ = try cached(laptop)  // the laptop has its head snapshot, as a replica in use does
        let amendments = try office.record(
            at: "2025-02-01T09:00:00Z", (1...7).map { ("budget-amended", "2025-02-01", #"{"line":"l","deltaCents":\#($0),"reason":"r"}"#) })
        let follower = FoldAlong(replica: laptop.replica, before: try laptop.vector(), checkpointEvery: 2)
        for batch in [Array(amendments[..<3]), Array(amendments[3...])] {
            try laptop.append(batch)
            follower.add(batch, lines: batch.map(\.line))
        }
        let followed = try #require(follower.finish(), "events that continue the log are followed")
        #expect(ProgrammeViews.all(followed).canonicalBytes == (try fresh(laptop)))
        // projection-2 is the replay's, before the sync.
        #expect(cacheFiles(laptop).filter { $0.hasPrefix("projection-") } == [
            "projection-10.snapshot", "projection-2.snapshot", "projection-4.snapshot", "projection-6.snapshot",
            "projection-8.snapshot", "projection-head.snapshot",
        ])
        let directory = laptop.replica.cacheDirectory
        let left = try ["4", "6", "8", "10", "head"].map { name in
            (name, try Data(contentsOf: URL(fileURLWithPath: "\(directory)/projection-\(name).snapshot")))
        }
        let keys = try laptop.replica.trustedKeys()
        for (name, snapshot) in left {
            try FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            try snapshot.write(to: URL(fileURLWithPath: "\(directory)/projection-\(name).snapshot"))
            let found = ProjectionCache.best(for: Cut(), in: laptop.replica, trustedKeys: keys)
            #expect(found?.position.folded == Int(name) ?? 10, "projection-\(name) is resumable")
            #expect(try cached(laptop) == fresh(laptop))
        }
    }

    /// A received event that sorts before an event already held is not followed: the caller replays.
    @Test func aFoldAlongGivesUpOnALateArrival() throws {
        let tmp = TemporaryDirectory()
        let (office, laptop) = try twoReplicas(tmp)
        let late = try laptop.record(at: "2025-03-01T09:00:00Z", "project-changed", #"{"project":"p","name":"Laptop"}"#)
        try office.record(at: "2025-03-05T09:00:00Z", "project-changed", #"{"project":"p","name":"Office"}"#)
        _ = try cached(office)
        let follower = FoldAlong(replica: office.replica, before: try office.vector())
        try office.append([late])
        follower.add([late], lines: [late.line])
        #expect(follower.finish() == nil)
    }

    @Test func checkpointsServeCutsAndStayCorrect() throws {
        let tmp = TemporaryDirectory()
        let (office, laptop) = try twoReplicas(tmp)
        for day in 1...9 {
            try office.record(at: "2025-04-0\(day)T09:00:00Z", "budget-amended", #"{"line":"l","deltaCents":\#(day),"reason":"r"}"#)
        }
        try laptop.record(at: "2025-04-03T12:00:00Z", "project-changed", #"{"project":"p","lead":"x"}"#)
        try office.receive(try laptop.events())
        try? FileManager.default.removeItem(atPath: office.replica.cacheDirectory)
        _ = try cached(office, every: 3)  // a replay from the first event leaves a checkpoint every 3 events
        #expect(cacheFiles(office).filter { $0.hasPrefix("projection-") }.count > 2, "\(cacheFiles(office))")
        let vector = try office.vector()
        for day in 1...9 {
            let cut = Cut(knownAtMillis: millis("2025-04-0\(day)T10:00:00Z"))
            #expect(try cached(office, cut, every: 3) == fresh(office, cut), "known-at day \(day)")
        }
        for seq in 1...vector["programmabureau"] {
            let cut = Cut(upto: VersionVector(["programmabureau": seq]))
            #expect(try cached(office, cut, every: 3) == fresh(office, cut), "upto programmabureau:\(seq)")
        }
    }

    /// A log that grows after its last replay (by records, imports, syncs) gets the checkpoints a replay would
    /// have left, and rewinding to any point still equals a replay from the first event.
    @Test func aGrowingLogGetsItsCheckpointsWithoutAReplay() throws {
        let tmp = TemporaryDirectory()
        let (office, _) = try twoReplicas(tmp)
        _ = try cached(office, every: 4)  // 3 events: a head snapshot, no checkpoint yet
        #expect(cacheFiles(office).filter { $0.hasPrefix("projection-") } == ["projection-head.snapshot"])
        for day in 1...9 {
            try office.record(at: "2025-05-0\(day)T09:00:00Z", "budget-amended", #"{"line":"l","deltaCents":\#(day),"reason":"r"}"#)
            _ = try cached(office, every: 4)  // as a view after each record
        }
        #expect(cacheFiles(office).filter { $0.hasPrefix("projection-") }
            == ["projection-12.snapshot", "projection-4.snapshot", "projection-8.snapshot", "projection-head.snapshot"])
        for seq in 1...12 {
            let cut = Cut(upto: VersionVector(["programmabureau": UInt64(seq)]))
            #expect(try cached(office, cut, every: 4) == fresh(office, cut), "upto programmabureau:\(seq)")
        }
    }

    @Test func replacedLogsAreNotMistakenForTheCachedOnes() throws {
        let tmp = TemporaryDirectory()
        let (office, _) = try twoReplicas(tmp)
        _ = try cached(office)
        // Another history of the same length in place of the log (as a regenerated events/ would be).
        let other = try TestReplica(in: tmp, "other", owner: "programmabureau")
        try other.record(at: "2025-01-02T09:00:00Z", [
            ("theme-defined", "2025-01-01", #"{"theme":"ouderen","name":"Ouderen"}"#),
            ("project-started", "2025-01-01", #"{"project":"q","name":"Q","theme":"ouderen"}"#),
            ("budget-line-opened", "2025-01-01", #"{"line":"m","year":2025,"side":"income","name":"M","amountCents":200}"#),
        ])
        let log = office.replica.directory + "/log/programmabureau.jsonl"
        try FileManager.default.removeItem(atPath: log)
        try FileManager.default.copyItem(atPath: other.replica.directory + "/log/other.jsonl", toPath: log)
        try FileManager.default.moveItem(atPath: log, toPath: office.replica.directory + "/log/other.jsonl")
        #expect(try cached(office) == fresh(office))
        #expect(try ProgrammeHistory.state(of: office.replica).projects["q"] != nil)
    }

    /// Other root keys make other events count: a snapshot folded under the old ones is never resumed.
    @Test func changingTheTrustedKeysLeavesNoStaleSnapshot() throws {
        let tmp = TemporaryDirectory()
        let (office, _) = try twoReplicas(tmp)
        let trusted = try cached(office)
        #expect(cacheFiles(office).contains("projection-head.snapshot"))
        try office.replica.setTrustedKeys([TrustedKey(name: "archief", publicKey: TestKeys.key("archief").publicKeyHex)])
        let untrusting = try cached(office)
        #expect(untrusting == (try fresh(office)))
        let state = try ProgrammeHistory.state(of: office.replica)
        #expect(state.themes.isEmpty && state.projects.isEmpty && state.budgetLines.isEmpty, "the office's key is no root any more")
        #expect(state.problems.map(\.violation.rule) == ["enrolment", "enrolment", "enrolment"])
        try office.replica.setTrustedKeys(TestKeys.roots)
        #expect(try cached(office) == trusted)
        #expect(try ProgrammeHistory.state(of: office.replica).problems.isEmpty)
    }

    @Test func deletingTheCacheChangesNoOutput() throws {
        let tmp = TemporaryDirectory()
        let (office, _) = try twoReplicas(tmp)
        try office.record(at: "2025-05-01T09:00:00Z", "project-changed", #"{"project":"p","status":"paused"}"#)
        let store = office.replica.directory
        let views = ["projects", "budget", "decisions", "conflicts", "problems", "digest", "owners", "indicators"]
        let warm = views.map { Koers.inProcess([$0, "--json", "--store", store]).stdout }
        #expect(FileManager.default.fileExists(atPath: office.replica.cacheDirectory))
        try FileManager.default.removeItem(atPath: office.replica.cacheDirectory)
        let cold = views.map { Koers.inProcess([$0, "--json", "--store", store]).stdout }
        #expect(warm == cold)
        // A snapshot of another format is ignored, not believed.
        let head = office.replica.cacheDirectory + "/projection-head.snapshot"
        try Data("{\"format\":\"koers-projection-2\",\"state\":{}}".utf8).write(to: URL(fileURLWithPath: head))
        #expect(views.map { Koers.inProcess([$0, "--json", "--store", store]).stdout } == cold)
    }

    /// Every way of damaging the head snapshot: each is refused and the state replayed, so the views do not change.
    @Test func aDamagedSnapshotIsIgnored() throws {
        let tmp = TemporaryDirectory()
        let (office, _) = try twoReplicas(tmp)
        try office.record(at: "2025-05-01T09:00:00Z", "budget-amended", #"{"line":"l","deltaCents":7,"reason":"bijstelling"}"#)
        let expected = try fresh(office)
        _ = try cached(office)
        let head = office.replica.cacheDirectory + "/projection-head.snapshot"
        let intact = try Data(contentsOf: URL(fileURLWithPath: head))
        #expect(intact.count > 64)
        var damaged: [(String, Data)] = [
            ("empty", Data()), ("magic only", intact.prefix(19)), ("truncated", intact.prefix(intact.count / 2)),
            ("one byte short", intact.dropLast()), ("one byte more", intact + [0]),
        ]
        for offset in stride(from: 0, to: intact.count, by: max(1, intact.count / 40)) {
            var flipped = intact
            flipped[offset] ^= 0x04
            damaged.append(("bit flipped at \(offset)", flipped))
        }
        for (what, bytes) in damaged {
            try bytes.write(to: URL(fileURLWithPath: head))
            #expect(try cached(office, every: 1_000) == expected, "\(what)")
        }
    }

    @Test func aSnapshotRoundTripsTheState() throws {
        let tmp = TemporaryDirectory()
        let (office, laptop) = try twoReplicas(tmp)
        try laptop.record(at: "2025-03-01T09:00:00Z", "project-changed", #"{"project":"p","name":"Laptop"}"#)
        try office.record(at: "2025-03-05T09:00:00Z", "project-changed", #"{"project":"p","name":"Office"}"#)
        try office.record(at: "2025-03-06T09:00:00Z", "budget-amended", #"{"line":"l","deltaCents":-5,"reason":"een reden die langer is dan vijftien tekens"}"#)
        try office.receive(try laptop.events())
        let state = try ProgrammeHistory.state(of: office.replica, useCache: false)
        let restored = try ProgrammeState(snapshot: state.snapshot, trustedKeys: state.trustedKeys)
        #expect(ProgrammeViews.all(restored) == ProgrammeViews.all(state))
        #expect(restored.projects["p"]?.fields["name"]?.isConflicted == true)
        #expect(restored.budgetLines["l"]?.amendments == state.budgetLines["l"]?.amendments)
        #expect(throws: (any Error).self) { try ProgrammeState(snapshot: Array(state.snapshot.dropLast()), trustedKeys: state.trustedKeys) }
    }
}
