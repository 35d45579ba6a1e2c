import EventLog
import Programme
import Testing
import TestSupport

/// An event received from another replica that breaks a rule at its place in the log stays in the log,
/// is listed as a problem, and changes no other view; the events after it are still applied.
@Suite struct ReceivedProblemTests {
    static let setup: [(type: String, effective: String, json: String)] = [
        ("owner-joined", "2025-01-01", #"{"owner": "enschede", "name": "Gemeente Enschede", "kind": "municipality"}"#),
        ("owner-joined", "2025-01-01", #"{"owner": "hengelo", "name": "Gemeente Hengelo", "kind": "municipality"}"#),
        ("theme-defined", "2025-01-01", #"{"theme": "gezond-leven", "name": "Gezond leven"}"#),
        ("project-started", "2025-01-01", #"{"project": "welzijn-op-recept", "name": "Welzijn op recept", "theme": "gezond-leven"}"#),
    ]

    @Test func aConcurrentDuplicateBecomesAProblemOnEveryReplica() throws {
        let tmp = TemporaryDirectory()
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        let laptop = try TestReplica(in: tmp, "bureau-laptop", owner: "programmabureau")
        try office.record(at: "2025-01-06T09:00:00Z", Self.setup)
        try laptop.receive(from: office)
        try office.record(at: "2025-02-03T10:00:00Z", "theme-defined", #"{"theme": "wonen", "name": "Wonen"}"#)
        let before = viewsWithoutProblems(try office.state())
        // The laptop has not seen the office's theme, so its own rules let it through.
        try laptop.record(at: "2025-02-03T10:05:00Z", "theme-defined", #"{"theme": "wonen", "name": "Wonen en zorg"}"#)
        try office.receive(from: laptop)
        try laptop.receive(from: office)

        for replica in [office, laptop] {
            let state = try replica.state()
            #expect(state.themes["wonen"]?.name == "Wonen", "\(replica.id): the first in the log's order wins")
            #expect(state.problems.map(\.ref.name) == ["bureau-laptop:1"], "\(replica.id)")
            #expect(state.problems.first?.violation.rule == "duplicate")
            let unchanged = viewsWithoutProblems(state) == before
            #expect(unchanged, "\(replica.id): the duplicate changed a view")
            #expect(state.eventCount == 6)
        }
        #expect(ProgrammeViews.digest(try office.state()) == ProgrammeViews.digest(try laptop.state()))
    }

    @Test func aFaultyPeersEventIsAProblemAndLaterEventsStillApply() throws {
        let tmp = TemporaryDirectory()
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        let enschede = try TestReplica(in: tmp, "enschede", owner: "enschede")
        try office.record(at: "2025-01-06T09:00:00Z", Self.setup)
        try office.enrol([enschede], at: "2025-01-06T09:00:00Z")
        try enschede.receive(from: office)
        // A peer without the rules records Hengelo's participation for it: koers itself would refuse this.
        let bad = EventDraft(type: "participation-changed", effective: date("2025-02-01"), data: data(#"{"project": "welzijn-op-recept", "municipality": "hengelo", "participating": true}"#))
        #expect(throws: RuleViolation.self) { try enschede.record(wallMillis: millis("2025-02-01T09:00:00Z"), [bad]) }
        #expect(try enschede.vector()["enschede"] == 0, "a refused record writes nothing")
        try enschede.record(wallMillis: millis("2025-02-01T09:00:00Z"), [bad], checkRules: false)
        try enschede.record(at: "2025-02-02T09:00:00Z", "participation-changed", effective: "2025-02-02", #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": true}"#)

        let before = try office.state()
        try office.receive(from: enschede)
        let after = try office.state()
        #expect(after.problems.count == 1)
        #expect(after.problems.first?.ref.name == "enschede:1")
        #expect(after.problems.first?.violation.rule == "authorisation")
        #expect(after.participation["welzijn-op-recept"]?["hengelo"] == nil, "the refused event set nothing")
        #expect(after.participation["welzijn-op-recept"]?["enschede"]?.value == .bool(true), "the next event of the same origin applies")
        let problems = ProgrammeViews.problems(after).arrayValue ?? []
        #expect(problems.count == 1)
        #expect(problems.first?.objectValue?["rule"] == .string("authorisation"))
        #expect(problems.first?.objectValue?["recordedBy"] == .string("enschede"))
        // Without the bad event, the views would be exactly these.
        var expected = before
        for event in try enschede.events() where event.origin == "enschede" && event.seq == 2 { expected.apply(event) }
        let unchanged = viewsWithoutProblems(after) == viewsWithoutProblems(expected)
        #expect(unchanged, "the refused event changed a view")
    }
}
