import EventLog
import Programme
import Testing
import TestSupport

/// `--at` rewinds the world (effective dates), `--known-at` rewinds the log (recording times), and together
/// they answer "what did we know then about that day".
@Suite struct EffectiveAndKnownAtTests {
    /// A replica whose decision of 16 April was recorded only on 12 May, back-dated.
    static func backDated(_ tmp: TemporaryDirectory) throws -> TestReplica {
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        try office.record(at: "2025-01-06T09:00:00Z", [
            ("theme-defined", "2025-01-01", #"{"theme": "gezond-leven", "name": "Gezond leven"}"#),
            ("project-started", "2025-01-01", #"{"project": "welzijn-op-recept", "name": "Welzijn op recept", "theme": "gezond-leven", "lead": "Ilse"}"#),
        ])
        try office.record(at: "2025-05-12T10:00:00Z", "decision-recorded", effective: "2025-04-16",
            #"{"decision": "bo-2025-04", "body": "bo", "date": "2025-04-16", "title": "Verlenging", "outcome": "adopted", "projects": ["welzijn-op-recept"]}"#)
        return office
    }

    struct TimeCase: Sendable, CustomTestStringConvertible {
        var at: String?
        var knownAt: String?
        var present: Bool
        var testDescription: String { "at \(at ?? "-") known-at \(knownAt ?? "-"): \(present ? "present" : "absent")" }
    }

    @Test(arguments: [
        TimeCase(at: nil, knownAt: nil, present: true),
        TimeCase(at: "2025-04-20", knownAt: nil, present: true),
        TimeCase(at: "2025-04-16", knownAt: nil, present: true),
        TimeCase(at: "2025-04-15", knownAt: nil, present: false),
        TimeCase(at: nil, knownAt: "2025-04-20", present: false),
        TimeCase(at: nil, knownAt: "2025-05-11", present: false),
        TimeCase(at: nil, knownAt: "2025-05-12T09:59:59.999Z", present: false),
        TimeCase(at: nil, knownAt: "2025-05-12T10:00:00Z", present: true),
        TimeCase(at: nil, knownAt: "2025-05-12", present: true),
        TimeCase(at: "2025-04-20", knownAt: "2025-04-20", present: false),
        TimeCase(at: "2025-04-20", knownAt: "2025-05-31", present: true),
        TimeCase(at: "2025-04-10", knownAt: "2025-05-31", present: false),
    ])
    func aBackDatedDecision(_ time: TimeCase) throws {
        let tmp = TemporaryDirectory()
        let office = try Self.backDated(tmp)
        var cut = Cut()
        if let at = time.at { cut.at = date(at) }
        if let knownAt = time.knownAt {
            let instant = try #require(Cut.parseInstant(knownAt))
            cut.knownAtMillis = instant
        }
        let state = try office.state(cut, trackingHistoryOf: ["welzijn-op-recept"])
        #expect((state.decisions["bo-2025-04"] != nil) == time.present)
        #expect(state.projects["welzijn-op-recept"] != nil, "the project itself is there in every case")
        #expect(state.problems.isEmpty)
        let decisions = ProgrammeViews.decisions(state).arrayValue ?? []
        #expect(decisions.count == (time.present ? 1 : 0))
        let history = state.projects["welzijn-op-recept"]?.history.map(\.ref.type) ?? []
        #expect(history.contains("decision-recorded") == time.present)
    }

    @Test func atShowsAFieldAsItWasOnThatDay() throws {
        let tmp = TemporaryDirectory()
        let office = try Self.backDated(tmp)
        // Recorded in March ahead of time: the new lead takes over on 1 June.
        try office.record(at: "2025-03-03T09:00:00Z", "project-changed", effective: "2025-06-01", #"{"project": "welzijn-op-recept", "lead": "Joost", "planned": true}"#)
        #expect(try office.state(Cut(at: date("2025-05-31"))).projects["welzijn-op-recept"]?.text("lead") == "Ilse")
        #expect(try office.state(Cut(at: date("2025-06-01"))).projects["welzijn-op-recept"]?.text("lead") == "Joost")
        #expect(try office.state().projects["welzijn-op-recept"]?.text("lead") == "Joost")
        #expect(try office.state(Cut(at: date("2024-12-31"))).projects.isEmpty, "before the start nothing exists")
    }

    @Test(arguments: [
        ("2025-04-20", "2025-04-20T23:59:59.999Z"),
        ("2025-04-20T10:00:00Z", "2025-04-20T10:00:00Z"),
        ("2025-04-20T10:00:00.250Z", "2025-04-20T10:00:00.250Z"),
        ("2024-02-29", "2024-02-29T23:59:59.999Z"),
    ])
    func knownAtInstants(_ text: String, _ instant: String) {
        #expect(Cut.parseInstant(text) == millis(instant))
    }

    @Test(arguments: ["", "yesterday", "2025-04-31", "2025-04-20T10:00:00", "2025-04-20 10:00:00Z", "2025-04-20T25:00:00Z", "20250420"])
    func badKnownAtInstants(_ text: String) {
        #expect(Cut.parseInstant(text) == nil)
    }
}
