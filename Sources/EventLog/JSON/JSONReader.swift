#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict JSON reader working directly on UTF-8 bytes: RFC 8259 syntax, integers only, no duplicate members.
///
/// Foundation's decoder is an order of magnitude too slow for replaying a log, so the
/// envelope reader builds on these primitives to read events straight from the line bytes.
package struct JSONReader: ~Copyable {
    package let bytes: UnsafeBufferPointer<UInt8>
    package var index: Int
    private var depth = 0
    private static let maxDepth = 64
    /// Where strings read before are kept, when the caller reads many texts that repeat them.
    private let repeated: RepeatedStrings?
    /// Whether everything read so far is in the RFC 8785 canonical form that `CanonicalJSON` writes:
    /// no whitespace, members in order, minimal escapes, no `-0`. A reader of stored lines can then hash
    /// the bytes as they are instead of writing them anew (see `Event.parseHashing`). Callers that read
    /// members themselves (the envelope) judge their order and texts themselves and clear it with `markNotCanonical`.
    package private(set) var isCanonical = true

    package init(_ bytes: UnsafeBufferPointer<UInt8>, repeated: RepeatedStrings? = nil) {
        self.bytes = bytes
        self.index = 0
        self.repeated = repeated
    }

    /// Parses one complete JSON text.
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
        var reader = JSONReader(bytes)
        let value = try reader.readValue()
        try reader.expectEnd()
        return value
    }

    package func fail(_ reason: JSONError.Reason) -> JSONError {
        JSONError(reason, offset: index)
    }

    package mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
                isCanonical = false
            default: return
            }
        }
    }

    package mutating func markNotCanonical() { isCanonical = false }

    package mutating func expectEnd() throws(JSONError) {
        skipWhitespace()
        if index != bytes.count { throw fail(.trailingContent) }
    }

    /// Skips whitespace and returns the next byte without consuming it.
    package mutating func peek() throws(JSONError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        return bytes[index]
    }

    package mutating func expect(_ byte: UInt8) throws(JSONError) {
        let found = try peek()
        guard found == byte else { throw fail(.unexpectedByte(found)) }
        index += 1
    }

    /// Consumes `byte` if it is next (after whitespace).
    package mutating func consume(_ byte: UInt8) throws(JSONError) -> Bool {
        if try peek() == byte {
            index += 1
            return true
        }
        return false
    }

    package mutating func readValue() throws(JSONError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return .object(try readObject())
        case UInt8(ascii: "["): return .array(try readArray())
        case UInt8(ascii: "\""): return .string(try readRepeatedString())
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try readInteger())
        case let other: throw fail(.unexpectedByte(other))
        }
    }

    package mutating func readLiteral(_ literal: StaticString) throws(JSONError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw JSONError(.unexpectedEnd, offset: bytes.count) }
        let start = literal.utf8Start
        for i in 0..<count where bytes[index + i] != start[i] {
            index += i
            throw fail(.unexpectedByte(bytes[index]))
        }
        index += count
    }

    package mutating func readObject() throws(JSONError) -> JSONObject {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        var object = JSONObject()
        if try consume(UInt8(ascii: "}")) { return object }
        var inOrder = true
        var pending: [(String, JSONValue)] = []
        repeat {
            let name = try readRepeatedString()
            try expect(UInt8(ascii: ":"))
            let value = try readValue()
            if inOrder, let last = object.members.last?.name, !JSONObject.precedes(last, name) {
                inOrder = false
                isCanonical = false
                pending = object.members.map { ($0.name, $0.value) }
            }
            if inOrder {
                object.appendSorted(name, value)
            } else {
                pending.append((name, value))
            }
        } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
        if !inOrder {
            do { object = try JSONObject(pending) } catch { throw JSONError(error.reason, offset: index - 1) }
        }
        return object
    }

    package mutating func readArray() throws(JSONError) -> [JSONValue] {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        if try consume(UInt8(ascii: "]")) { return elements }
        repeat {
            elements.append(try readValue())
        } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return elements
    }

    /// Steps over one value without building it: strings to their closing quote, objects and arrays to their
    /// closing bracket, numbers and literals as `readValue` reads them. It checks the structure only (not the
    /// characters, escapes or duplicate members inside strings and objects), so it serves to find a member,
    /// never to accept a text.
    package mutating func skipValue() throws(JSONError) {
        switch try peek() {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            try enter()
            defer { depth -= 1 }
            if try consume(close) { return }
            repeat {
                if close == UInt8(ascii: "}") {
                    try skipString()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue()
            } while try consume(UInt8(ascii: ","))
            try expect(close)
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try readLiteral("true")
        case UInt8(ascii: "f"): try readLiteral("false")
        case UInt8(ascii: "n"): try readLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try readInteger()
        case let other: throw fail(.unexpectedByte(other))
        }
    }

    /// Steps over a string: to the first quote that no backslash escapes (one after an odd run of backslashes is escaped).
    private mutating func skipString() throws(JSONError) {
        try expect(UInt8(ascii: "\""))
        let base = bytes.baseAddress!
        while index < bytes.count, let found = memchr(base + index, Int32(UInt8(ascii: "\"")), bytes.count - index) {
            let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var backslashes = 0
            while quote - backslashes - 1 >= index && bytes[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            index = quote + 1
            if backslashes % 2 == 0 { return }
        }
        throw JSONError(.unexpectedEnd, offset: bytes.count)
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        if depth > JSONReader.maxDepth { throw fail(.tooDeep) }
    }

    /// Reads a whole number; fractions and exponents are refused since events hold no floating point.
    package mutating func readInteger() throws(JSONError) -> Int64 {
        skipWhitespace()
        let start = index
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let digitsStart = index
        var magnitude: UInt64 = 0
        var overflow = false
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = s
            index += 1
        }
        if index == digitsStart {
            if index < bytes.count { throw fail(.unexpectedByte(bytes[index])) }
            throw fail(.unexpectedEnd)
        }
        if bytes[digitsStart] == UInt8(ascii: "0"), index - digitsStart > 1 {
            throw JSONError(.leadingZero, offset: digitsStart)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") {
            // Consume the rest of the number so the message quotes all of it.
            while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
            throw JSONError(.notAnInteger(text(from: start)), offset: start)
        }
        if overflow || magnitude > UInt64(JSONValue.maxExactInteger) {
            throw JSONError(.integerOutOfRange(text(from: start)), offset: start)
        }
        // `-0` is written back as `0`.
        if negative && magnitude == 0 { isCanonical = false }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
            UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    private func text(from start: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Reads a string without escapes and returns its bytes in place, or nil (consuming nothing) if it has escapes.
    /// Used for member names, which the envelope reader compares as bytes.
    package mutating func readPlainStringBytes() throws(JSONError) -> UnsafeBufferPointer<UInt8>? {
        try expect(UInt8(ascii: "\""))
        let start = index
        index = Self.endOfPlainRun(bytes, from: index)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        index = start - 1
        return nil
    }

    /// Reads a string that must be 64 lowercase hex digits (a hash), checking the bytes before making a String.
    package mutating func readHexHash() throws(JSONError) -> String? {
        guard let raw = try readPlainStringBytes(), raw.count == 64 else { return nil }
        for byte in raw where !((UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)) {
            return nil
        }
        // An event's hash comes back as the next one's prev.
        if let repeated { return repeated.string(raw) { String(decoding: raw, as: UTF8.self) } }
        return String(decoding: raw, as: UTF8.self)
    }

    /// Reads a string as `readString` does, taking it from `repeated` when it was read before.
    package mutating func readRepeatedString() throws(JSONError) -> String {
        guard let repeated else { return try readString() }
        let start = index
        if let raw = try readPlainStringBytes() {
            let offset = index - 1 - raw.count
            return try repeated.string(raw) { () throws(JSONError) in try Self.decodeUTF8(raw, offset: offset) }
        }
        index = start
        return try readString()
    }

    /// Reads a string; the fast path copies a run without escapes straight into the result.
    package mutating func readString() throws(JSONError) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        index = Self.endOfPlainRun(bytes, from: index)
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return try Self.decodeUTF8(run, offset: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail(.controlCharacterInString) }
            index += 1
        }
        return try readEscapedString(start: start)
    }

    /// Where the run of string bytes from `start` may end: at the first eight bytes that hold a quote, a
    /// backslash or a control character (the caller reads on from there byte by byte), or at the end.
    /// Eight bytes at a time: the texts of an event (a signature alone has 200 bytes) are read on every replay.
    private static func endOfPlainRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// Whether some byte of `word` is zero (exact: no byte is reported that is not).
        func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        let raw = UnsafeRawBufferPointer(bytes)
        var index = start
        while index + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let control = (word &- ones &* 0x20) & ~word & highs != 0
            if control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)) { break }
            index += 8
        }
        return index
    }

    private static func decodeUTF8(_ run: UnsafeBufferPointer<UInt8>, offset: Int) throws(JSONError) -> String {
        // ASCII eight bytes at a time, then the rest.
        let raw = UnsafeRawBufferPointer(run)
        var index = 0
        var ascii = true
        while index + 8 <= raw.count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { ascii = false; break }
            index += 8
        }
        while ascii && index < raw.count {
            if raw[index] >= 0x80 { ascii = false }
            index += 1
        }
        if ascii { return String(decoding: run, as: UTF8.self) }
        guard let string = String(validating: run, as: UTF8.self) else {
            throw JSONError(.invalidUnicode, offset: offset)
        }
        return string
    }

    private mutating func readEscapedString(start: Int) throws(JSONError) -> String {
        var scratch: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try scratch.withUnsafeBufferPointer { buffer throws(JSONError) in
                    try Self.decodeUTF8(buffer, offset: start)
                }
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail(.unexpectedEnd) }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): scratch.append(escape)
                case UInt8(ascii: "/"):
                    scratch.append(escape)
                    isCanonical = false
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    let digitsStart = index
                    var scalar = try readHex4()
                    if !Self.isCanonicalEscape(scalar, digits: UnsafeBufferPointer(rebasing: bytes[digitsStart..<index])) {
                        isCanonical = false
                    }
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw fail(.invalidUnicode) }
                        index += 2
                        let low = try readHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail(.invalidUnicode) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail(.invalidUnicode)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail(.invalidUnicode) }
                    scratch.append(contentsOf: UTF8.encode(unicode)!)
                default:
                    index -= 1
                    throw fail(.invalidEscape)
                }
            default:
                if byte < 0x20 { throw fail(.controlCharacterInString) }
                scratch.append(byte)
                index += 1
            }
        }
        throw fail(.unexpectedEnd)
    }

    /// Whether `\u` with these four digits is how the canonical form writes the scalar: only control
    /// characters without a short escape are written so, with lowercase digits.
    private static func isCanonicalEscape(_ scalar: UInt32, digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard scalar < 0x20, ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(scalar) else { return false }
        return !digits.contains { (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0) }
    }

    private mutating func readHex4() throws(JSONError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONError(.unexpectedEnd, offset: bytes.count) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail(.invalidEscape)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

/// The strings a reader met lately, so that reading one again shares its storage instead of making a new String:
/// a log repeats its event types, member names, documents and quotes on every line, and each event's prev is the hash before it.
///
/// Strings of up to 15 bytes are stored inline by Swift and are made anew; longer ones are kept in a
/// small table by their bytes, the latest one per slot. One table serves one reading thread.
package final class RepeatedStrings {
    private var slots: [String?]
    private static let slotCount = 1024
    /// Longer strings are seldom repeated and would only hold memory.
    private static let longest = 256

    package init() {
        slots = Array(repeating: nil, count: Self.slotCount)
    }

    /// The kept string with these bytes, or the one `make` makes from them (then kept).
    func string<E: Error>(_ bytes: UnsafeBufferPointer<UInt8>, _ make: () throws(E) -> String) throws(E) -> String {
        guard bytes.count > 15, bytes.count <= Self.longest else { return try make() }
        let slot = Self.slot(of: bytes)
        if var kept = slots[slot], kept.utf8.count == bytes.count,
            kept.withUTF8({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 })
        {
            return kept
        }
        let made = try make()
        slots[slot] = made
        return made
    }

    /// A slot from the length and the first and last eight bytes (the string is longer than 15 bytes).
    private static func slot(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let raw = UnsafeRawBufferPointer(bytes)
        let head = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        var mixed = ((head &* 0x9E37_79B9_7F4A_7C15) ^ tail) &+ UInt64(bytes.count)
        mixed = (mixed ^ (mixed >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 54) & (slotCount - 1)
    }
}

extension JSONValue {
    /// Parses one complete JSON text.
    public init(parsing text: String) throws(JSONError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses one complete JSON text from UTF-8 bytes.
    public init(parsing bytes: [UInt8]) throws(JSONError) {
        self = try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in try JSONReader.parse(buffer) }
    }
}
