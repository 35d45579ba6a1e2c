/// A hybrid logical clock reading: wall-clock milliseconds since 1970 UTC plus a logical counter that orders events within one millisecond.
///
/// Readings are ordered by `millis`, then by `counter`.
public struct HybridTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z, never negative.
    public var millis: Int64
    /// Orders readings that share a millisecond.
    public var counter: UInt32

    public init(millis: Int64, counter: UInt32 = 0) {
        precondition(millis >= 0, "HybridTimestamp millis \(millis) is before 1970")
        self.millis = millis
        self.counter = counter
    }

    public static let zero = HybridTimestamp(millis: 0)

    public static func < (lhs: HybridTimestamp, rhs: HybridTimestamp) -> Bool {
        (lhs.millis, lhs.counter) < (rhs.millis, rhs.counter)
    }

    /// JSON/text form: "2025-04-22T09:30:00.123Z+0" — the UTC instant with exactly 3 millisecond digits, then "+" and the counter in decimal (no leading zeros).
    public var description: String {
        // Longest: a year past 9999 adds at most 15 digits; "+" and a UInt32 add 11.
        String(unsafeUninitializedCapacity: CivilTime.instantLength + 15 + 11) { buffer in
            var index = CivilTime.writeInstant(millis: millis, into: buffer)
            buffer[index] = UInt8(ascii: "+")
            index += 1
            var digits = 1
            var limit: UInt64 = 10
            while UInt64(counter) >= limit { digits += 1; limit *= 10 }
            var remaining = counter
            for offset in stride(from: digits - 1, through: 0, by: -1) {
                buffer[index + offset] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            return index + digits
        }
    }

    /// Parses the text form strictly: exactly "YYYY-MM-DDTHH:MM:SS.mmmZ+counter", a valid calendar date and time, years 1970...9999.
    ///
    /// Anything looser would give one timestamp two spellings, and the text form is hashed as part of events.
    public init(parsing text: String) throws(HybridTimestamp.ParseError) {
        guard let parsed = CivilTime.withUTF8(text, Self.parse) else { throw ParseError(text: text) }
        self.init(millis: parsed.millis, counter: parsed.counter)
    }

    /// The timestamp spelled by these bytes, or nil (for reading one in place, without making a String).
    package init?(parsing bytes: UnsafeBufferPointer<UInt8>) {
        guard let parsed = Self.parse(bytes) else { return nil }
        self.init(millis: parsed.millis, counter: parsed.counter)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (millis: Int64, counter: UInt32)? {
        guard bytes.count >= CivilTime.instantLength + 2,
              let millis = CivilTime.parseMillisInstant(bytes),
              bytes[CivilTime.instantLength] == UInt8(ascii: "+")
        else { return nil }
        let first = CivilTime.instantLength + 1
        // "0" alone, or no leading zero; at most 10 digits so the sum below cannot overflow UInt64.
        guard bytes.count - first <= 10, bytes[first] != UInt8(ascii: "0") || bytes.count == first + 1 else { return nil }
        var counter: UInt64 = 0
        for index in first..<bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            counter = counter * 10 + UInt64(digit)
        }
        guard counter <= UInt64(UInt32.max) else { return nil }
        return (millis, UInt32(counter))
    }

    /// The refusal of a text that is not exactly the timestamp text form.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The refused text.
        public let text: String

        public var description: String {
            "'\(text)' is not a hybrid timestamp such as 2025-04-22T09:30:00.123Z+0"
        }
    }
}
