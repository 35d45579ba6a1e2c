import EventLog
import Programme
import Testing
import TestSupport

/// Concurrent writes of one field: one deterministic value shown (the later in (hlc, origin, seq)), marked as a conflict,
/// with every competing value listed, until a change that has seen them all resolves it.
@Suite struct ConflictTests {
    static let setup: [(type: String, effective: String, json: String)] = [
        ("owner-joined", "2025-01-01", #"{"owner": "enschede", "name": "Gemeente Enschede", "kind": "municipality"}"#),
        ("owner-joined", "2025-01-01", #"{"owner": "menzis", "name": "Menzis", "kind": "insurer"}"#),
        ("theme-defined", "2025-01-01", #"{"theme": "gezond-leven", "name": "Gezond leven"}"#),
        ("project-started", "2025-01-01", #"{"project": "welzijn-op-recept", "name": "Welzijn op recept", "theme": "gezond-leven", "lead": "Ilse"}"#),
        ("partner-registered", "2025-01-01", #"{"partner": "ggd", "name": "GGD Twente"}"#),
        ("budget-line-opened", "2025-01-01", #"{"line": "menzis-2025", "year": 2025, "side": "income", "name": "Menzis", "funder": "menzis", "amountCents": 10000000}"#),
    ]

    /// The programme office's desktop and laptop (both owner programmabureau), having exchanged the setup.
    struct Pair {
        let tmp = TemporaryDirectory()
        let office: TestReplica
        let laptop: TestReplica

        init() throws {
            office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
            laptop = try TestReplica(in: tmp, "bureau-laptop", owner: "programmabureau")
            try office.record(at: "2025-01-06T09:00:00Z", ConflictTests.setup)
            try laptop.receive(from: office)
        }

        func exchange() throws {
            try office.receive(from: laptop)
            try laptop.receive(from: office)
        }

        /// The views of both replicas, which must be the same bytes.
        func agreedState(sourceLocation: SourceLocation = #_sourceLocation) throws -> ProgrammeState {
            let a = try office.state()
            let b = try laptop.state()
            #expect(ProgrammeViews.all(a).canonicalString == ProgrammeViews.all(b).canonicalString, "the replicas disagree", sourceLocation: sourceLocation)
            return a
        }
    }

    static func lead(_ name: String) -> String { #"{"project": "welzijn-op-recept", "lead": "\#(name)"}"# }

    struct Race: Sendable, CustomTestStringConvertible {
        var officeWall: String
        var laptopWall: String
        var winner: String
        var testDescription: String { "office \(officeWall), laptop \(laptopWall): \(winner) wins" }
    }

    /// A correction recorded later but effective earlier does not undo a change that takes effect after it;
    /// on dates in between, the correction shows.
    @Test func aBackDatedChangeDoesNotUndoALaterOne() throws {
        let pair = try Pair()
        try pair.office.record(at: "2025-06-02T09:00:00Z", "project-changed", effective: "2025-06-01", Self.lead("June"))
        try pair.office.record(at: "2025-06-10T09:00:00Z", "project-changed", effective: "2025-04-01", Self.lead("April"))
        let now = try pair.office.state()
        #expect(now.projects["welzijn-op-recept"]?.text("lead") == "June")
        #expect(now.projects["welzijn-op-recept"]?.fields["lead"]?.isConflicted == false)
        let may = try pair.office.state(Cut(at: date("2025-05-01")))
        #expect(may.projects["welzijn-op-recept"]?.text("lead") == "April")
        // A later change effective after both replaces them.
        try pair.office.record(at: "2025-07-02T09:00:00Z", "project-changed", effective: "2025-07-01", Self.lead("July"))
        let july = try pair.office.state()
        #expect(july.projects["welzijn-op-recept"]?.fields["lead"]?.writes.count == 1)
        #expect(july.projects["welzijn-op-recept"]?.text("lead") == "July")
    }


    @Test(arguments: [
        Race(officeWall: "2025-03-03T10:00:00Z", laptopWall: "2025-03-03T09:00:00Z", winner: "Anna"),
        Race(officeWall: "2025-03-03T09:00:00Z", laptopWall: "2025-03-03T10:00:00Z", winner: "Bram"),
        // The same hybrid timestamp: the origin decides, and "programmabureau" sorts after "bureau-laptop".
        Race(officeWall: "2025-03-03T10:00:00Z", laptopWall: "2025-03-03T10:00:00Z", winner: "Anna"),
    ])
    func concurrentChangesShowTheLaterAndAreMarked(_ race: Race) throws {
        let pair = try Pair()
        let anna = try pair.office.record(at: race.officeWall, "project-changed", effective: "2025-03-03", Self.lead("Anna"))
        let bram = try pair.laptop.record(at: race.laptopWall, "project-changed", effective: "2025-03-03", Self.lead("Bram"))
        #expect(Event.precedesInLogOrder(anna, bram) == (race.winner == "Bram"))
        try pair.exchange()
        let state = try pair.agreedState()
        let project = try #require(state.projects["welzijn-op-recept"])
        #expect(project.text("lead") == race.winner)
        #expect(project.fields["lead"]?.isConflicted == true)
        #expect(project.fields["name"]?.isConflicted == false)
        let summary = try #require(ProgrammeViews.project(state, id: "welzijn-op-recept")?.objectValue)
        #expect(summary["lead"] == .string(race.winner))
        #expect(summary["conflicts"] == .array([.string("lead")]))

        let conflicts = try #require(ProgrammeViews.conflicts(state).arrayValue)
        #expect(conflicts.count == 1)
        let conflict = try #require(conflicts.first?.objectValue)
        #expect(conflict["thing"] == .string("project:welzijn-op-recept"))
        #expect(conflict["field"] == .string("lead"))
        #expect(conflict["shown"] == .string(race.winner))
        let values = try #require(conflict["values"]?.arrayValue).compactMap(\.objectValue)
        let byValue = Dictionary(uniqueKeysWithValues: values.map { ($0["value"]?.stringValue ?? "", $0) })
        #expect(Set(byValue.keys) == ["Anna", "Bram"])
        for (event, value) in [(anna, "Anna"), (bram, "Bram")] {
            let entry = try #require(byValue[value])
            #expect(entry["event"] == .string(name(event)))
            #expect(entry["recordedBy"] == .string("programmabureau"))
            #expect(entry["recorded"] == .string(event.hlc.description))
            #expect(entry["effective"] == .string(event.effective.description))
        }
    }

    @Test func aChangeThatHasSeenBothSidesResolves() throws {
        let pair = try Pair()
        try pair.office.record(at: "2025-03-03T10:00:00Z", "project-changed", Self.lead("Anna"))
        try pair.laptop.record(at: "2025-03-03T10:01:00Z", "project-changed", Self.lead("Bram"))
        // A later change on the office, still without the laptop's: it replaces only its own side.
        try pair.office.record(at: "2025-03-03T10:02:00Z", "project-changed", Self.lead("Dirk"))
        try pair.exchange()
        var state = try pair.agreedState()
        let lead = try #require(state.projects["welzijn-op-recept"]?.fields["lead"])
        #expect(lead.isConflicted)
        #expect(lead.value == .string("Dirk"))
        #expect(Set(lead.writes.compactMap(\.value.stringValue)) == ["Bram", "Dirk"])

        try pair.laptop.record(at: "2025-03-03T10:03:00Z", "project-changed", Self.lead("Carla"))
        try pair.exchange()
        state = try pair.agreedState()
        let resolved = try #require(state.projects["welzijn-op-recept"]?.fields["lead"])
        #expect(!resolved.isConflicted)
        #expect(resolved.value == .string("Carla"))
        #expect(resolved.writes.count == 1)
        #expect(ProgrammeViews.conflicts(state) == .array([]))
        #expect(ProgrammeViews.project(state, id: "welzijn-op-recept")?.objectValue?["conflicts"] == .array([]))
    }

    @Test func concurrentEqualValuesAreNoConflict() throws {
        let pair = try Pair()
        try pair.office.record(at: "2025-03-03T10:00:00Z", "project-changed", #"{"project": "welzijn-op-recept", "status": "paused"}"#)
        try pair.laptop.record(at: "2025-03-03T11:00:00Z", "project-changed", #"{"project": "welzijn-op-recept", "status": "paused"}"#)
        try pair.exchange()
        let state = try pair.agreedState()
        let status = try #require(state.projects["welzijn-op-recept"]?.fields["status"])
        #expect(status.writes.count == 2, "both writes are kept: neither has seen the other")
        #expect(!status.isConflicted)
        #expect(state.projects["welzijn-op-recept"]?.status == "paused")
        #expect(ProgrammeViews.conflicts(state) == .array([]))
    }

    @Test func concurrentChangesOfDifferentFieldsBothApply() throws {
        let pair = try Pair()
        try pair.office.record(at: "2025-03-03T10:00:00Z", "project-changed", #"{"project": "welzijn-op-recept", "name": "Welzijn op recept Twente"}"#)
        try pair.laptop.record(at: "2025-03-03T11:00:00Z", "project-changed", Self.lead("Bram"))
        try pair.exchange()
        let state = try pair.agreedState()
        let project = try #require(state.projects["welzijn-op-recept"])
        #expect(project.text("name") == "Welzijn op recept Twente")
        #expect(project.text("lead") == "Bram")
        #expect(ProgrammeViews.conflicts(state) == .array([]))
    }

    @Test func concurrentIndicatorsAndLinksConflictToo() throws {
        let pair = try Pair()
        try pair.office.record(at: "2025-03-03T10:00:00Z", [
            ("indicator-recorded", "2025-03-03", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q1", "value": 40, "unit": "personen"}"#),
            ("partner-linked", "2025-03-03", #"{"partner": "ggd", "project": "welzijn-op-recept", "role": "uitvoerder"}"#),
        ])
        try pair.laptop.record(at: "2025-03-03T11:00:00Z", [
            ("indicator-recorded", "2025-03-03", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q1", "value": 42, "unit": "personen"}"#),
            ("partner-unlinked", "2025-03-03", #"{"partner": "ggd", "project": "welzijn-op-recept", "role": "uitvoerder"}"#),
        ])
        try pair.exchange()
        let state = try pair.agreedState()
        let indicators = try #require(ProgrammeViews.indicators(state).arrayValue?.first?.objectValue)
        #expect(indicators["value"] == .integer(42))
        #expect(indicators["conflicted"] == .bool(true))
        let partner = try #require(ProgrammeViews.partners(state).arrayValue?.first?.objectValue)
        #expect(partner["links"] == .array([.object([("project", .string("welzijn-op-recept")), ("role", .string("uitvoerder")), ("conflicted", .bool(true))])]))
        let things = ProgrammeViews.conflicts(state).arrayValue?.compactMap { $0.objectValue?["thing"]?.stringValue }
        #expect(things == ["indicator:welzijn-op-recept:deelnemers:2025-Q1", "partner:ggd:project:welzijn-op-recept"])
    }

    @Test func aMunicipalitysTwoReplicasConflictOnItsParticipation() throws {
        let pair = try Pair()
        let desk = try TestReplica(in: pair.tmp, "enschede", owner: "enschede")
        let laptop = try TestReplica(in: pair.tmp, "enschede-laptop", owner: "enschede")
        try pair.office.enrol([desk, laptop], at: "2025-01-06T09:30:00Z")
        try desk.receive(from: pair.office)
        try laptop.receive(from: pair.office)
        try desk.record(at: "2025-03-03T10:00:00Z", "participation-changed", #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": true}"#)
        try laptop.record(at: "2025-03-03T11:00:00Z", "participation-changed", #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": false}"#)
        try desk.receive(from: laptop)
        try laptop.receive(from: desk)
        let a = try desk.state()
        #expect(ProgrammeViews.all(a).canonicalString == ProgrammeViews.all(try laptop.state()).canonicalString)
        let row = try #require(ProgrammeViews.participation(a).arrayValue?.first?.objectValue)
        #expect(row["municipalities"] == .array([]), "the later write (false) is shown")
        #expect(row["conflicts"] == .array([.string("enschede")]))
        #expect(ProgrammeViews.conflicts(a).arrayValue?.first?.objectValue?["thing"] == .string("participation:welzijn-op-recept:enschede"))
    }

    @Test func concurrentBudgetAmendmentsAddUpAndNeverConflict() throws {
        let pair = try Pair()
        let menzis = try TestReplica(in: pair.tmp, "menzis", owner: "menzis")
        try pair.office.enrol([menzis], at: "2025-01-06T09:30:00Z")
        try menzis.receive(from: pair.office)
        try pair.office.record(at: "2025-03-03T10:00:00Z", "budget-amended", #"{"line": "menzis-2025", "deltaCents": 500000, "reason": "indexatie"}"#)
        try pair.laptop.record(at: "2025-03-03T10:00:00Z", "budget-amended", #"{"line": "menzis-2025", "deltaCents": -200000, "reason": "correctie"}"#)
        try menzis.record(at: "2025-03-03T10:00:00Z", "budget-amended", #"{"line": "menzis-2025", "deltaCents": 300000, "reason": "extra bijdrage"}"#)
        for receiver in [pair.office, pair.laptop, menzis] {
            for sender in [pair.office, pair.laptop, menzis] where sender.id != receiver.id { try receiver.receive(from: sender) }
        }
        for replica in [pair.office, pair.laptop, menzis] {
            let state = try replica.state()
            let line = try #require(state.budgetLines["menzis-2025"])
            #expect(line.amountCents == 10_000_000 + 500_000 - 200_000 + 300_000, "\(replica.id)")
            #expect(line.amendments.count == 3)
            #expect(Set(line.amendments.map(\.ref.recordedBy)) == ["programmabureau", "menzis"])
            #expect(ProgrammeViews.conflicts(state) == .array([]))
            #expect(state.problems.isEmpty)
            #expect(ProgrammeViews.digest(state) == ProgrammeViews.digest(try pair.office.state()))
        }
    }
}
