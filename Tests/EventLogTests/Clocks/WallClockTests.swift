import Testing
import EventLog

@Suite struct WallClockTests {
    @Test(arguments: [
        ("2024-04-16T10:00:00Z", Int64(1_713_261_600_000)),
        ("2024-04-16T10:00:00.250Z", 1_713_261_600_250),
        ("2024-04-16T10:00:00.25Z", 1_713_261_600_250),
        ("2024-04-16T10:00:00.2Z", 1_713_261_600_200),
        ("2024-04-16T10:00:00.007Z", 1_713_261_600_007),
        ("2024-04-16", 1_713_225_600_000),
        ("1970-01-01", 0),
        ("2024-02-29T23:59:59.999Z", 1_709_251_199_999),
    ])
    func koersNowOverridesTheSystemClock(value: String, millis: Int64) throws {
        #expect(try WallClock.nowMillis(environment: ["KOERS_NOW": value, "OTHER": "x"]) == millis)
    }

    @Test(arguments: [
        "", "now", "2024-04-16T10:00:00", "2024-04-16T10:00:00+02:00", "2024-04-16T10:00:00.1234Z",
        "2024-04-16T10:00:00.Z", "2024-02-30", "2024-04-16T10:00Z", "2024-04-16T10:00:00.000Z+0",
        "2024-04-16Z", "16-04-2024", "1969-12-31", " 2024-04-16", "2024-04-16T10:00:00z",
    ])
    func malformedKoersNowIsRefused(value: String) {
        let error = #expect(throws: WallClock.Error.self) {
            try WallClock.nowMillis(environment: ["KOERS_NOW": value])
        }
        #expect(error?.value == value)
    }

    @Test func errorNamesTheVariable() {
        let error = #expect(throws: WallClock.Error.self) { try WallClock.nowMillis(environment: ["KOERS_NOW": "now"]) }
        #expect(error?.description == "KOERS_NOW: 'now' is not an ISO-8601 UTC instant")
    }

    @Test func withoutKoersNowTheSystemClockIsUsed() throws {
        let millis = try WallClock.nowMillis(environment: [:])
        // After 2024-01-01 and before 2200-01-01: a reading of the real clock, in milliseconds.
        #expect(millis > 1_704_067_200_000 && millis < 7_258_118_400_000)
    }
}
