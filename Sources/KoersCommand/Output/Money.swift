// Euro amounts are integer cents everywhere; these are the only two places they meet text,
// and both work on digits so no floating-point rounding can creep in.

/// Formats euro cents for tables as `6,275,938.00`: comma thousands, point decimals, `-` when negative.
package func formatEuros(cents: Int64) -> String {
    // `magnitude` is a UInt64, so Int64.min formats without overflowing.
    let magnitude = cents.magnitude
    let euros = String(magnitude / 100)
    let remainder = magnitude % 100
    var grouped = ""
    for (offset, digit) in euros.enumerated() {
        if offset > 0 && (euros.count - offset) % 3 == 0 { grouped.append(",") }
        grouped.append(digit)
    }
    return (cents < 0 ? "-" : "") + grouped + "." + (remainder < 10 ? "0" : "") + String(remainder)
}

/// Parses a euro amount typed by a user, such as `1234`, `1234.5` or `-12.30`, into cents.
///
/// Only ASCII digits with an optional leading `-` and an optional `.` followed by one or two
/// digits are accepted; thousands separators, `+`, spaces and a third decimal are refused
/// rather than guessed at. `option` names where the amount came from, for the error message.
package func parseCents(_ text: String, option: String) throws(UsageError) -> Int64 {
    func refuse(_ reason: String) -> UsageError {
        .invalidValue(option: option, value: text, reason: reason)
    }
    let shape = "expected an amount in euros like 1234, 1234.5 or -12.30"

    var bytes = text.utf8[...]
    let isNegative = bytes.first == UInt8(ascii: "-")
    if isNegative { bytes = bytes.dropFirst() }
    let wholePart = bytes.prefix { $0 != UInt8(ascii: ".") }
    let fractionPart = bytes.dropFirst(wholePart.count + 1)
    let hasPoint = wholePart.count < bytes.count

    func isDigits(_ part: Substring.UTF8View) -> Bool {
        part.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
    guard !wholePart.isEmpty, isDigits(wholePart) else { throw refuse(shape) }
    if hasPoint {
        guard !fractionPart.isEmpty, isDigits(fractionPart) else { throw refuse(shape) }
        guard fractionPart.count <= 2 else { throw refuse("at most two decimals (whole cents)") }
    }

    // Accumulate the magnitude in UInt64 so that Int64.min, whose magnitude exceeds Int64.max, fits.
    var magnitude: UInt64 = 0
    let padding = Array(repeating: UInt8(ascii: "0"), count: 2 - fractionPart.count)
    for digit in Array(wholePart) + Array(fractionPart) + padding {
        let (shifted, overflowed) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, carried) = shifted.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
        guard !overflowed, !carried else { throw refuse("amount is too large") }
        magnitude = sum
    }
    if isNegative {
        guard magnitude <= Int64.min.magnitude else { throw refuse("amount is too large") }
        return magnitude == Int64.min.magnitude ? Int64.min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { throw refuse("amount is too large") }
    return Int64(magnitude)
}
