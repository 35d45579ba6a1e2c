/// Why a piece of JSON was refused, and the byte offset in its line where that was noticed.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidEscape
        case invalidUnicode
        case controlCharacterInString
        case leadingZero
        case notAnInteger(String)
        case integerOutOfRange(String)
        case duplicateMember(String)
        case trailingContent
        case tooDeep
    }

    public var reason: Reason
    /// Offset of the offending byte from the start of the text, when known.
    public var offset: Int?

    public init(_ reason: Reason, offset: Int?) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let message: String
        switch reason {
        case .unexpectedEnd: message = "unexpected end of json"
        case .unexpectedByte(let byte):
            let shown = (0x21...0x7e).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            message = "unexpected \(shown)"
        case .invalidEscape: message = "invalid escape sequence in string"
        case .invalidUnicode: message = "invalid utf-8 or unpaired surrogate in string"
        case .controlCharacterInString: message = "unescaped control character in string"
        case .leadingZero: message = "number with a leading zero"
        case .notAnInteger(let text): message = "number '\(text)' is not an integer (events hold whole numbers only, e.g. amounts in cents)"
        case .integerOutOfRange(let text): message = "integer '\(text)' is outside ±9007199254740991"
        case .duplicateMember(let name): message = "member '\(name)' appears twice"
        case .trailingContent: message = "unexpected content after the json value"
        case .tooDeep: message = "json nested too deeply"
        }
        if let offset { return "\(message) at column \(offset + 1)" }
        return message
    }
}
