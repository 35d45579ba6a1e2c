import EventLog
import Programme
import Testing
import TestSupport

/// `--upto VECTOR` keeps exactly the events up to the frontier, and refuses a frontier that keeps an event without its cause.
@Suite struct FrontierTests {
    /// Two replicas: the office records a1, a2; the laptop receives them and records b1, b2; the office meanwhile records a3.
    /// The laptop ends up holding all five.
    static func history(_ tmp: TemporaryDirectory) throws -> TestReplica {
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        let laptop = try TestReplica(in: tmp, "bureau-laptop", owner: "programmabureau")
        try office.record(at: "2025-01-06T09:00:00Z", "theme-defined", #"{"theme": "a1", "name": "A1"}"#)
        try office.record(at: "2025-01-06T09:01:00Z", "theme-defined", #"{"theme": "a2", "name": "A2"}"#)
        try laptop.receive(from: office)
        try laptop.record(at: "2025-01-06T09:02:00Z", "project-started", #"{"project": "b1", "name": "B1", "theme": "a2"}"#)
        try laptop.record(at: "2025-01-06T09:03:00Z", "theme-defined", #"{"theme": "b2", "name": "B2"}"#)
        try office.record(at: "2025-01-06T09:04:00Z", "theme-defined", #"{"theme": "a3", "name": "A3"}"#)
        try laptop.receive(from: office)
        return laptop
    }

    @Test(arguments: [
        ("", [String]()),
        ("programmabureau:1", ["programmabureau:1"]),
        ("programmabureau:2,bureau-laptop:1", ["programmabureau:1", "programmabureau:2", "bureau-laptop:1"]),
        ("programmabureau:3", ["programmabureau:1", "programmabureau:2", "programmabureau:3"]),
        ("programmabureau:2,bureau-laptop:2", ["programmabureau:1", "programmabureau:2", "bureau-laptop:1", "bureau-laptop:2"]),
        ("bureau-laptop:2,programmabureau:3", ["programmabureau:1", "programmabureau:2", "bureau-laptop:1", "bureau-laptop:2", "programmabureau:3"]),
        ("programmabureau:9,bureau-laptop:9,enschede:4", ["programmabureau:1", "programmabureau:2", "bureau-laptop:1", "bureau-laptop:2", "programmabureau:3"]),
    ])
    func aFrontierKeepsExactlyTheEventsUpToIt(_ vector: String, _ expected: [String]) throws {
        let tmp = TemporaryDirectory()
        let laptop = try Self.history(tmp)
        let cut = Cut(upto: try VersionVector(parsing: vector))
        let kept = try ProgrammeHistory.events(of: laptop.replica, cut: cut)
        #expect(kept.map(name) == expected, "in the log's order")
        let state = ProgrammeHistory.state(of: kept, cut: cut, trustedKeys: TestKeys.roots)
        #expect(state.problems.isEmpty)
        #expect(state.eventCount == expected.count)
    }

    @Test(arguments: [
        ("programmabureau:1,bureau-laptop:1", "bureau-laptop:1", "programmabureau:2"),
        ("bureau-laptop:2", "bureau-laptop:1", "programmabureau:2"),
        ("bureau-laptop:1", "bureau-laptop:1", "programmabureau:2"),
    ])
    func aFrontierThatLeavesOutACauseIsRefused(_ vector: String, _ event: String, _ cause: String) throws {
        let tmp = TemporaryDirectory()
        let laptop = try Self.history(tmp)
        let cut = Cut(upto: try VersionVector(parsing: vector))
        let error = #expect(throws: OpenFrontierError.self) {
            try ProgrammeHistory.events(of: laptop.replica, cut: cut)
        }
        #expect(error?.event == event)
        #expect(error?.cause == cause)
        #expect(error?.description.contains("keeps \(event) but not \(cause)") == true)
        #expect(throws: OpenFrontierError.self) { try ProgrammeHistory.state(of: laptop.replica, cut: cut) }
    }

    /// For every vector over the held origins: either the kept set is exactly the events up to it and causally closed,
    /// or the frontier is refused — and refused exactly when that set is not closed.
    @Test func everyFrontierIsKeptExactlyOrRefused() throws {
        let tmp = TemporaryDirectory()
        let laptop = try Self.history(tmp)
        let all = try laptop.events()
        for a in UInt64(0)...4 {
            for b in UInt64(0)...3 {
                let vector = VersionVector(["programmabureau": a, "bureau-laptop": b])
                let expected = all.filter { $0.seq <= vector[$0.origin] }
                let closed = expected.allSatisfy { event in event.clock.entries.allSatisfy { $0.seq <= vector[$0.origin] } }
                do {
                    let kept = try ProgrammeHistory.events(of: laptop.replica, cut: Cut(upto: vector))
                    #expect(closed, "vector \(vector) was accepted but is not closed")
                    #expect(kept.map(name) == expected.map(name), "vector \(vector)")
                } catch is OpenFrontierError {
                    #expect(!closed, "vector \(vector) was refused but is closed")
                }
            }
        }
    }
}
