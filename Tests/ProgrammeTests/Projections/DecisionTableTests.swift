import EventLog
import Testing
import TestSupport

@testable import Programme

/// The decisions a core state reads from its snapshot are found by id as a dictionary would find them.
@Suite struct DecisionTableTests {
    static func decision(_ id: String, body: String = "bo") -> ProgrammeState.Decision {
        return ProgrammeState.Decision(
            id: id, body: body, outcome: "adopted", subsidies: [id + "-subsidy"],
            details: ProgrammeState.Decision.Details(
                date: "", title: "", projects: [], amountCents: nil, source: nil,
                ref: EventRef(
                    origin: "o", seq: 1, hlc: HybridTimestamp(millis: 0, counter: 0), effective: LocalDate(year: 2025, month: 1, day: 1)!,
                    type: "decision-recorded", recordedBy: "programmabureau")))
    }

    /// Ids alike in the ways a table of slots can trip on (see `SnapshotCodingTests.awkward`), and many
    /// more, so that probes run long past collisions.
    @Test func everyDecisionIsFoundByItsIdAndNoOther() throws {
        var random = SeededRandom(seed: 11)
        var ids = SnapshotCodingTests.awkward
        while ids.count < 5_000 { ids.append("d-\(random.next() % 1_000_000)-\(ids.count)") }
        let table = try #require(DecisionTable(ids.enumerated().map { Self.decision($1, body: "body-\($0)") }))
        for (index, id) in ids.enumerated() {
            let found = table[id]
            #expect(found?.id == id && found?.body == "body-\(index)" && found?.subsidies == [id + "-subsidy"], "\(id.debugDescription)")
        }
        for missing in ["c", "abcdefgj", "caf", "cafe", "programmabureau  ", "d-", "d-1-", "e-0"] {
            #expect(table[missing] == nil, "\(missing.debugDescription)")
        }
        #expect(DecisionTable()["a"] == nil)
    }

    @Test func twoDecisionsWithOneIdAreRefused() {
        #expect(DecisionTable(["a", "b", "a"].map { Self.decision($0) }) == nil)
        #expect(DecisionTable(["a", "b", "ab"].map { Self.decision($0) }) != nil)
    }
}
