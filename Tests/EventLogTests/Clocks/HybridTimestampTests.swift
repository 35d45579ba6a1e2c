import Foundation
import Testing
import EventLog
import TestSupport

@Suite struct HybridTimestampTests {
    static let seeds: [UInt64] = [0x6B6F_6572_7302, 1_713_261_600_000, 11]
    static let cases = 500
    /// 9999-12-31T23:59:59.999Z, the last instant the text form can spell.
    static let lastMillis: Int64 = 253_402_300_799_999

    @Test(arguments: [
        (Int64(0), UInt32(0), "1970-01-01T00:00:00.000Z+0"),
        (1_713_261_600_000, 0, "2024-04-16T10:00:00.000Z+0"),
        (1_709_164_800_000, 7, "2024-02-29T00:00:00.000Z+7"),
        (1_709_251_199_999, 12, "2024-02-29T23:59:59.999Z+12"),
        (1_745_314_200_123, 0, "2025-04-22T09:30:00.123Z+0"),
        (951_782_400_000, 1, "2000-02-29T00:00:00.000Z+1"),
        (4_107_542_400_000, 0, "2100-03-01T00:00:00.000Z+0"),
        (1_000, UInt32.max, "1970-01-01T00:00:01.000Z+4294967295"),
        (lastMillis, 0, "9999-12-31T23:59:59.999Z+0"),
    ])
    func knownValues(millis: Int64, counter: UInt32, text: String) throws {
        let timestamp = HybridTimestamp(millis: millis, counter: counter)
        #expect(timestamp.description == text)
        #expect(try HybridTimestamp(parsing: text) == timestamp)
    }

    @Test(arguments: seeds)
    func textFormRoundTrips(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        for i in 0..<Self.cases {
            let millis = Int64.random(in: 0...Self.lastMillis, using: &random)
            let counter = Bool.random(using: &random) ? UInt32.random(in: 0...9, using: &random) : UInt32.random(in: 0...UInt32.max, using: &random)
            let timestamp = HybridTimestamp(millis: millis, counter: counter)
            let text = timestamp.description
            #expect(try HybridTimestamp(parsing: text) == timestamp, "seed \(seed) case \(i): \(millis)+\(counter) as \(text)")
        }
    }

    /// Checks the hand-written calendar against Foundation's, which is too slow for the log but independent.
    @Test(arguments: seeds)
    func calendarAgreesWithFoundation(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for i in 0..<Self.cases {
            let millis = Int64.random(in: 0...Self.lastMillis, using: &random)
            let text = HybridTimestamp(millis: millis).description
            let date = Date(timeIntervalSince1970: TimeInterval(millis / 1000))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ+0",
                parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!, Int(millis % 1000)
            )
            #expect(text == expected, "seed \(seed) case \(i): millis \(millis)")
        }
    }

    @Test(arguments: [
        "2025-02-30T00:00:00.000Z+0", "2025-04-22T09:30:00Z+0", "2025-04-22T09:30:00.123Z+01",
        "2025-04-22T09:30:00.123Z", "x", "", "2023-02-29T00:00:00.000Z+0", "1900-02-29T00:00:00.000Z+0",
        "1969-12-31T23:59:59.999Z+0", "2025-13-01T00:00:00.000Z+0", "2025-00-01T00:00:00.000Z+0",
        "2025-04-00T00:00:00.000Z+0", "2025-04-31T00:00:00.000Z+0", "2025-04-22T24:00:00.000Z+0",
        "2025-04-22T09:60:00.000Z+0", "2025-04-22T09:30:60.000Z+0", "2025-04-22T09:30:00.1234Z+0",
        "2025-04-22T09:30:00.12Z+0", "2025-04-22t09:30:00.123Z+0", "2025-04-22T09:30:00.123z+0",
        "2025-04-22 09:30:00.123Z+0", "2025-04-22T09:30:00.123+00:00+0", "2025-04-22T09:30:00.123Z-1",
        "2025-04-22T09:30:00.123Z+", "2025-04-22T09:30:00.123Z+4294967296", "2025-04-22T09:30:00.123Z+00",
        "2025-04-22T09:30:00.123Z+1 ", " 2025-04-22T09:30:00.123Z+1", "+2025-04-22T09:30:00.123Z+1",
        "10000-01-01T00:00:00.000Z+0", "2025-4-22T09:30:00.123Z+0", "2025-04-22T09:30:00.12aZ+0",
        "2025-04-22T09:30:00.123Z+1a", "2025-04-22T09:30:00.123Z+99999999999",
        "２０２５-04-22T09:30:00.123Z+0",
    ])
    func parseRefusesBadInput(text: String) {
        let error = #expect(throws: HybridTimestamp.ParseError.self) {
            try HybridTimestamp(parsing: text)
        }
        #expect(error?.text == text)
    }

    @Test func orderIsMillisThenCounter() {
        #expect(HybridTimestamp(millis: 5, counter: 9) < HybridTimestamp(millis: 6, counter: 0))
        #expect(HybridTimestamp(millis: 5, counter: 1) < HybridTimestamp(millis: 5, counter: 2))
        #expect(!(HybridTimestamp(millis: 5, counter: 2) < HybridTimestamp(millis: 5, counter: 2)))
        #expect(HybridTimestamp.zero == HybridTimestamp(millis: 0, counter: 0))
    }

    @Test func parseErrorExplains() {
        let error = #expect(throws: HybridTimestamp.ParseError.self) { try HybridTimestamp(parsing: "x") }
        #expect(error?.description == "'x' is not a hybrid timestamp such as 2025-04-22T09:30:00.123Z+0")
    }
}
