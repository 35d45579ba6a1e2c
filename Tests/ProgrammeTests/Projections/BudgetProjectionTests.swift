import EventLog
import Programme
import Testing

/// The budget per year: totals without the risk reserve, totals with it, and the overspending flag.
@Suite struct BudgetProjectionTests {
    static func line(_ id: String, _ year: Int, _ side: String, _ cents: Int64, reserve: Bool = false) -> String {
        #"{"line": "\#(id)", "year": \#(year), "side": "\#(side)", "name": "\#(id)", "amountCents": \#(cents), "reserve": \#(reserve)}"#
    }

    func budget(_ lines: [String], amendments: [String] = []) throws -> [Int64: JSONObject] {
        var maker = EventMaker()
        var state = ProgrammeState.trustingTestOffice()
        for json in lines { #expect(state.apply(maker.make("budget-line-opened", json)) == nil) }
        for json in amendments { #expect(state.apply(maker.make("budget-amended", json)) == nil) }
        let years = try #require(ProgrammeViews.budget(state).objectValue?["years"]?.arrayValue)
        var result: [Int64: JSONObject] = [:]
        for year in years {
            let object = try #require(year.objectValue)
            result[try #require(object["year"]?.integerValue)] = object
        }
        return result
    }

    @Test func aYearWhoseExpensesExceedItsIncomeIsOverspent() throws {
        let years = try budget([
            Self.line("in-2025", 2025, "income", 100_000),
            Self.line("uit-2025", 2025, "expense", 150_000),
            Self.line("in-2026", 2026, "income", 200_000),
            Self.line("uit-2026", 2026, "expense", 200_000),
        ])
        #expect(years[2025]?["overspent"] == .bool(true))
        #expect(years[2026]?["overspent"] == .bool(false), "spending exactly the income is not overspending")
        #expect(years[2025]?["totalIncome"] == .integer(100_000))
        #expect(years[2025]?["totalExpense"] == .integer(150_000))
    }

    @Test func anAmendmentCanTipAYearIntoOverspending() throws {
        let before = try budget([Self.line("in", 2025, "income", 100_000), Self.line("uit", 2025, "expense", 90_000)])
        #expect(before[2025]?["overspent"] == .bool(false))
        let after = try budget(
            [Self.line("in", 2025, "income", 100_000), Self.line("uit", 2025, "expense", 90_000)],
            amendments: [#"{"line": "in", "deltaCents": -20000, "reason": "lagere bijdrage"}"#])
        #expect(after[2025]?["totalIncome"] == .integer(80_000))
        #expect(after[2025]?["overspent"] == .bool(true))
    }

    @Test func theReserveIsCountedApart() throws {
        let years = try budget([
            Self.line("in", 2026, "income", 2_000_000),
            Self.line("in-reserve", 2026, "income", 300_000, reserve: true),
            Self.line("uit", 2026, "expense", 1_500_000),
            Self.line("uit-reserve", 2026, "expense", 400_000, reserve: true),
            Self.line("uit-2027", 2027, "expense", 1),
        ])
        let year = try #require(years[2026])
        #expect(year["totalIncome"] == .integer(2_000_000))
        #expect(year["totalExpense"] == .integer(1_500_000))
        #expect(year["reserveIncome"] == .integer(300_000))
        #expect(year["reserveExpense"] == .integer(400_000))
        #expect(year["totalIncomeWithReserve"] == .integer(2_300_000))
        #expect(year["totalExpenseWithReserve"] == .integer(1_900_000))
        #expect(year["overspent"] == .bool(false))
        #expect(year["income"]?.arrayValue?.count == 2, "reserve lines are still listed")
        #expect(years[2027]?["totalIncome"] == .integer(0), "another year's lines do not count")
        #expect(years[2027]?["overspent"] == .bool(true))
    }

    @Test func theYearFilterKeepsOneYear() throws {
        var maker = EventMaker()
        var state = ProgrammeState.trustingTestOffice()
        state.apply(maker.make("budget-line-opened", Self.line("a", 2025, "income", 1)))
        state.apply(maker.make("budget-line-opened", Self.line("b", 2026, "income", 1)))
        let years = ProgrammeViews.budget(state, year: 2026).objectValue?["years"]?.arrayValue
        #expect(years?.count == 1)
        #expect(years?.first?.objectValue?["year"] == .integer(2026))
    }
}
