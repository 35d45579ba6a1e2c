#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The wall clock used for new events: the system clock, or the instant in the environment variable KOERS_NOW (an ISO-8601 UTC instant such as "2024-04-16T10:00:00Z" or "2024-04-16T10:00:00.250Z", or a date "2024-04-16" meaning midnight UTC) — meant for generators of historical logs and for tests, never for normal use.
public enum WallClock {
    /// The name of the environment variable that overrides the system clock.
    static let overrideVariable = "KOERS_NOW"

    /// Milliseconds since 1970 UTC: KOERS_NOW if it is set, otherwise the system clock.
    ///
    /// A set but malformed (or empty) KOERS_NOW is an error rather than ignored: a generator of a
    /// historical log would otherwise silently stamp its events with today's date.
    public static func nowMillis(environment: [String: String]) throws(WallClock.Error) -> Int64 {
        if let value = environment[overrideVariable] {
            guard let millis = parseInstant(value) else { throw Error(value: value) }
            return millis
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Milliseconds since the epoch of "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.fZ" with 1 to 3 fraction digits.
    public static func parseInstant(_ text: String) -> Int64? {
        CivilTime.withUTF8(text) { bytes in
            if bytes.count == 10 {
                return CivilTime.parseDate(bytes).map { $0 * CivilTime.millisPerDay }
            }
            guard bytes.count >= 20, bytes[bytes.count - 1] == UInt8(ascii: "Z"),
                  let seconds = CivilTime.parseDateTime(bytes)
            else { return nil }
            if bytes.count == 20 { return seconds }
            // More than three fraction digits would be silently truncated; refuse rather than guess.
            let fractionDigits = bytes.count - 21
            guard bytes[19] == UInt8(ascii: "."), (1...3).contains(fractionDigits),
                  let fraction = CivilTime.digits(bytes, at: 20, count: fractionDigits)
            else { return nil }
            let scale: Int64 = fractionDigits == 1 ? 100 : fractionDigits == 2 ? 10 : 1
            return seconds + fraction * scale
        }
    }

    /// The refusal of a KOERS_NOW value that is not an ISO-8601 UTC instant.
    public struct Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// The refused value of KOERS_NOW.
        public let value: String

        public var description: String {
            "KOERS_NOW: '\(value)' is not an ISO-8601 UTC instant"
        }
    }
}
