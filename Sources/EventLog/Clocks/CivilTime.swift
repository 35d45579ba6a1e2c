/// The proleptic Gregorian calendar arithmetic and fixed-width ISO-8601 text shared by the clocks.
///
/// Hand-written rather than Foundation's formatters because timestamps are parsed and printed
/// for every event (millions per log), and the formatters are slow and depend on locale settings.
/// The day algorithms are Howard Hinnant's `days_from_civil` / `civil_from_days`.
enum CivilTime {
    static let millisPerDay: Int64 = 86_400_000

    /// The years the text forms accept: no instant before the Unix epoch, and always four year digits.
    static let years: ClosedRange<Int64> = 1970...9999

    /// Days since 1970-01-01 of a valid civil date.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        // Counting years from March puts the leap day last, so month lengths follow a simple formula.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day counted from 1970-01-01.
    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // MARK: Parsing

    /// Runs `body` on the contiguous UTF-8 bytes of `text`, copying only if the string is not native.
    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    /// The value of `count` ASCII decimal digits starting at `start`, or nil if any byte is not a digit.
    static func digits(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, count: Int) -> Int64? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for index in start..<(start + count) {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    /// Days since the epoch of the date "YYYY-MM-DD" at bytes 0..<10, or nil if it is not a valid date in `years`.
    static func parseDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 10,
              let year = digits(bytes, at: 0, count: 4), bytes[4] == UInt8(ascii: "-"),
              let month = digits(bytes, at: 5, count: 2), bytes[7] == UInt8(ascii: "-"),
              let day = digits(bytes, at: 8, count: 2),
              years.contains(year), (1...12).contains(month),
              day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }

    /// Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SS" at bytes 0..<19, or nil if it is not a valid instant.
    ///
    /// Seconds stop at 59: a leap second has no millisecond count of its own in Unix time.
    static func parseDateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 19, let days = parseDate(bytes), bytes[10] == UInt8(ascii: "T"),
              let hour = digits(bytes, at: 11, count: 2), bytes[13] == UInt8(ascii: ":"),
              let minute = digits(bytes, at: 14, count: 2), bytes[16] == UInt8(ascii: ":"),
              let second = digits(bytes, at: 17, count: 2),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        return days * millisPerDay + ((hour * 60 + minute) * 60 + second) * 1000
    }

    /// Milliseconds since the epoch of the strict form "YYYY-MM-DDTHH:MM:SS.mmmZ" at bytes 0..<24.
    static func parseMillisInstant(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 24, let seconds = parseDateTime(bytes), bytes[19] == UInt8(ascii: "."),
              let millis = digits(bytes, at: 20, count: 3), bytes[23] == UInt8(ascii: "Z")
        else { return nil }
        return seconds + millis
    }

    // MARK: Formatting

    /// The number of bytes `writeInstant` writes for instants in `years`.
    static let instantLength = 24

    /// Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" for `millis` at the start of `buffer` and returns the number of bytes written.
    ///
    /// The buffer needs `instantLength` bytes, plus one per year digit beyond four for instants past 9999.
    static func writeInstant(millis: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let days = millis >= 0 ? millis / millisPerDay : (millis - millisPerDay + 1) / millisPerDay
        var rest = millis - days * millisPerDay
        let date = civilFromDays(days)
        var index = 0
        func put(_ value: Int64, width: Int) {
            var digitCount = 1
            var limit: Int64 = 10
            while digitCount < 19, value >= limit { digitCount += 1; limit *= 10 }
            digitCount = max(digitCount, width)
            var remaining = value
            for offset in stride(from: digitCount - 1, through: 0, by: -1) {
                buffer[index + offset] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            }
            index += digitCount
        }
        func put(_ byte: Unicode.Scalar) {
            buffer[index] = UInt8(ascii: byte)
            index += 1
        }
        // Years before 1 only arise from a negative `millis`, which the timestamp forbids; clamp rather than crash.
        put(max(date.year, 0), width: 4); put("-"); put(date.month, width: 2); put("-"); put(date.day, width: 2)
        put("T")
        put(rest / 3_600_000, width: 2); rest %= 3_600_000; put(":")
        put(rest / 60_000, width: 2); rest %= 60_000; put(":")
        put(rest / 1000, width: 2); put("."); put(rest % 1000, width: 3)
        put("Z")
        return index
    }
}
