import EventLog
import Foundation
import Programme
import Testing
import TestSupport

/// The bundled history in `events/` agrees with the source documents and with the rules of the log.
@Suite struct BundledHistoryTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let events = repository.appendingPathComponent("events").path

    func state(at date: String? = nil) throws -> ProgrammeState {
        try ProgrammeHistory.state(of: Replica.open(at: Self.events), cut: Cut(at: date.flatMap(LocalDate.init(parsing:))))
    }

    @Test func verifiesAndBreaksNoRule() throws {
        let replica = try Replica.open(at: Self.events)
        let report = try LogVerifier.verify(replica)
        #expect(report.isValid, "\(report.problems)")
        #expect(report.origins.count >= 17)
        let problems = try state().problems
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func theBudgetOf2024BalancesToTheEuro() throws {
        let budget = ProgrammeViews.budget(try state(), year: 2024).objectValue!["years"]!.arrayValue!
        let year = try #require(budget.first?.objectValue)
        #expect(year["totalIncome"] == .integer(627_593_800))
        #expect(year["totalExpense"] == .integer(627_593_800))
        #expect(year["totalIncomeWithReserve"] == .integer(677_210_300))
        #expect(year["totalExpenseWithReserve"] == .integer(677_210_300))
        #expect(year["overspent"] == .bool(false))
    }

    @Test func theSeventeenOwnersAndFiveThemeLines() throws {
        let state = try state()
        #expect(state.owners.count == 17)
        #expect(state.owners.values.filter { $0.kind == "municipality" }.count == 14)
        #expect(state.themes.count == 5)
    }

    /// Names compare without case, spaces and dashes: the two lists spell some names differently.
    static func normalised(_ name: String) -> String {
        name.lowercased().filter { !$0.isWhitespace && $0 != "-" }
    }

    @Test(arguments: [("october2024", "2024-10-31"), ("workAgenda2025", "2025-06-30")])
    func everyProjectOfTheListIsRunningOnItsDate(list: String, date: String) throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/project-lists.json")
        let lists = try JSONValue(parsing: [UInt8](Data(contentsOf: fixture))).objectValue!
        let expected = lists[list]!.arrayValue!.map { $0.objectValue! }
        let state = try state(at: date)
        let running = state.projects.values.filter { $0.ending == nil }
        for project in expected {
            let name = project["name"]!.stringValue!
            let match = running.first { Self.normalised($0.text("name") ?? "") == Self.normalised(name) }
            #expect(match != nil, "\(list): '\(name)' is not a running project on \(date)")
            #expect(match?.text("theme") == project["theme"]?.stringValue, "\(list): '\(name)' has theme \(match?.text("theme") ?? "none")")
        }
        #expect(running.count == expected.count, "\(list): \(running.count) running projects on \(date), the list has \(expected.count)")
    }

    @Test func everyEventHasASourceAndIsRecordedOnOrAfterItsEffectiveDateUnlessPlanned() throws {
        let events = try Replica.open(at: Self.events).allEvents()
        #expect(events.count > 100)
        // Enrolments are facts about the generator's keys, not about the programme: no document tells them.
        for event in events where event.type != "replica-enrolled" {
            let source = event.data["source"]?.objectValue
            #expect(source?["document"]?.stringValue?.isEmpty == false, "\(event.origin):\(event.seq) has no source")
            #expect(source?["quote"]?.stringValue?.isEmpty == false, "\(event.origin):\(event.seq) has no quote")
            let recordedOn = LocalDate(utcDayOf: event.hlc.millis)
            #expect(recordedOn >= event.effective || event.data["planned"] == .bool(true),
                "\(event.origin):\(event.seq) recorded on \(recordedOn), before its effective date \(event.effective)")
        }
    }

    @Test func theDocumentedParticipation() throws {
        let state = try state()
        let welzijn = (state.participation["welzijn-op-recept"] ?? [:]).filter { $0.value.value == .bool(true) }
        #expect(welzijn.count == 13)
        #expect(state.participation["valpreventie"]?["hof-van-twente"]?.value == .bool(true))
    }

    @Test func readingTheHistoryWritesNothing() {
        let before = snapshot(of: Self.events)
        for view in ["projects", "decisions", "budget", "conflicts", "problems", "digest", "verify", "status", "log"] {
            let result = Koers.inProcess(["--store", Self.events, view])
            #expect(result.status == 0, "\(view): \(result)")
        }
        #expect(snapshot(of: Self.events) == before)
    }
}
