import EventLog
import Programme
import Testing

/// Budget amounts stay numbers JSON carries exactly: the magnitudes of one year's lines of one side add up to at most
/// 2^53 − 1 cents. Without this rule, amendments could push a line past Int64 and crash every replica's fold.
@Suite struct AmountRangeRuleTests {
    static let max = JSONValue.maxExactInteger

    static func line(_ id: String, _ side: String, _ cents: Int64, year: Int = 2030) -> String {
        #"{"line": "\#(id)", "year": \#(year), "side": "\#(side)", "name": "\#(id)", "amountCents": \#(cents)}"#
    }

    static func amendment(_ id: String, _ cents: Int64) -> String {
        #"{"line": "\#(id)", "deltaCents": \#(cents), "reason": "r"}"#
    }

    @Test(arguments: [
        RuleCase.accepted("a line of the largest amount", "budget-line-opened", line("a", "income", max)),
        RuleCase.accepted("a line of the largest negative amount", "budget-line-opened", line("a", "income", -max)),
    ])
    func aSingleLine(_ rule: RuleCase) {
        rule.verify()
    }

    struct Sequence: Sendable, CustomTestStringConvertible {
        var name: String
        var events: [(type: String, json: String)]
        /// The rule that refuses the last event, or nil when it is accepted.
        var refusedBy: String?
        var testDescription: String { name }
    }

    @Test(arguments: [
        Sequence(name: "a second line beyond the year's range", events: [("budget-line-opened", line("a", "income", max)), ("budget-line-opened", line("b", "income", 1))], refusedBy: "amount-range"),
        Sequence(name: "negative lines count by magnitude", events: [("budget-line-opened", line("a", "income", -max)), ("budget-line-opened", line("b", "income", 1))], refusedBy: "amount-range"),
        Sequence(name: "the other side has its own range", events: [("budget-line-opened", line("a", "income", max)), ("budget-line-opened", line("b", "expense", max))]),
        Sequence(name: "another year has its own range", events: [("budget-line-opened", line("a", "income", max)), ("budget-line-opened", line("b", "income", max, year: 2031))]),
        Sequence(name: "an amendment beyond the range", events: [("budget-line-opened", line("a", "income", max)), ("budget-amended", amendment("a", 1))], refusedBy: "amount-range"),
        Sequence(name: "an amendment back within the range", events: [("budget-line-opened", line("a", "income", max)), ("budget-amended", amendment("a", -1))]),
        Sequence(name: "an amendment as large as the line", events: [("budget-line-opened", line("a", "income", max)), ("budget-amended", amendment("a", max))], refusedBy: "amount-range"),
        Sequence(name: "an amendment pushing the year past the range", events: [("budget-line-opened", line("a", "income", max - 10)), ("budget-line-opened", line("b", "income", 10)), ("budget-amended", amendment("b", 1))], refusedBy: "amount-range"),
    ])
    func sequences(_ sequence: Sequence) {
        var fixture = ProgrammeFixture()
        var verdict: RuleViolation?
        for (index, event) in sequence.events.enumerated() {
            verdict = fixture.state.apply(fixture.make(event.type, event.json))
            if index < sequence.events.count - 1 { #expect(verdict == nil, "\(sequence.name): step \(index + 1) refused: \(verdict.map { "\($0)" } ?? "")") }
        }
        #expect(verdict?.rule == sequence.refusedBy, "\(sequence.name): \(verdict.map { "\($0)" } ?? "accepted")")
    }

    /// Once crashed with an arithmetic overflow in the fold (and so `koers import`, and every view of a replica holding such events).
    @Test func manyLargeAmendmentsAreRefusedInsteadOfOverflowing() throws {
        var fixture = ProgrammeFixture()
        #expect(fixture.state.apply(fixture.make("budget-line-opened", Self.line("a", "income", 0))) == nil)
        var refused = 0
        for _ in 0..<1100 {
            if fixture.state.apply(fixture.make("budget-amended", Self.amendment("a", Self.max)))?.rule == "amount-range" { refused += 1 }
        }
        #expect(refused == 1099)
        #expect(fixture.state.budgetLines["a"]?.amountCents == Self.max)
        let year = try #require(ProgrammeViews.budget(fixture.state, year: 2030).objectValue?["years"]?.arrayValue?.first?.objectValue)
        #expect(year["totalIncome"] == .integer(Self.max))
    }
}
