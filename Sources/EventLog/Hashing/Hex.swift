/// Lowercase hexadecimal of bytes, two characters per byte.
public func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    var ascii: [UInt8] = []
    ascii.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        ascii.append(hexDigit(byte &>> 4))
        ascii.append(hexDigit(byte & 0x0f))
    }
    return String(decoding: ascii, as: UTF8.self)
}

/// The ASCII code of the lowercase hexadecimal digit for `nibble` (0...15).
@inline(__always)
private func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? nibble &+ 0x30 : nibble &+ (0x61 - 10)
}
