import Testing

import KoersCommand

@Suite struct MoneyTests {
    @Test(arguments: [
        (Int64(0), "0.00"),
        (5, "0.05"),
        (-5, "-0.05"),
        (-99, "-0.99"),
        (100, "1.00"),
        (-100, "-1.00"),
        (123_456, "1,234.56"),
        (-123_456, "-1,234.56"),
        (99_999, "999.99"),
        (100_000, "1,000.00"),
        (627_593_800, "6,275,938.00"),
        (100_000_000_000, "1,000,000,000.00"),
        (Int64.max, "92,233,720,368,547,758.07"),
        (Int64.min, "-92,233,720,368,547,758.08"),
    ])
    func formats(cents: Int64, expected: String) {
        #expect(formatEuros(cents: cents) == expected)
    }

    @Test(arguments: [
        ("0", Int64(0)),
        ("-0", 0),
        ("-0.00", 0),
        ("1234", 123_400),
        ("1234.5", 123_450),
        ("1234.56", 123_456),
        ("-12.30", -1_230),
        ("-0.05", -5),
        ("0.5", 50),
        ("007.01", 701),
        ("92233720368547758.07", Int64.max),
        ("-92233720368547758.08", Int64.min),
    ])
    func parses(text: String, expected: Int64) throws {
        #expect(try parseCents(text, option: "--amount") == expected)
    }

    @Test(arguments: [
        "", "-", ".", "-.5", ".5", "12.", "1,234.56", "1.234", "+5", " 5", "5 ", "1e3", "12,5", "abc",
        "1.2.3", "--5", "1-2", "٣", "１２",
    ])
    func refusesMalformed(text: String) {
        #expect(throws: UsageError.self) { try parseCents(text, option: "--amount") }
        do {
            _ = try parseCents(text, option: "--amount")
        } catch {
            guard case .invalidValue(let option, let value, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(option == "--amount")
            #expect(value == text)
        }
    }

    @Test func threeDecimalsSaysWhy() {
        #expect(throws: UsageError.invalidValue(option: "--amount", value: "1.234", reason: "at most two decimals (whole cents)")) {
            try parseCents("1.234", option: "--amount")
        }
    }

    @Test(arguments: ["92233720368547758.08", "-92233720368547758.09", "100000000000000000", "99999999999999999999999"])
    func refusesOverflow(text: String) {
        #expect(throws: UsageError.invalidValue(option: "--amount", value: text, reason: "amount is too large")) {
            try parseCents(text, option: "--amount")
        }
    }

    @Test(arguments: [Int64(0), 1, -1, 5, -5, 123_456, -987_654_321, Int64.max, Int64.min])
    func parsingAFormattedAmountWithoutCommasRoundTrips(cents: Int64) throws {
        let typed = formatEuros(cents: cents).filter { $0 != "," }
        #expect(try parseCents(typed, option: "--amount") == cents)
    }
}
