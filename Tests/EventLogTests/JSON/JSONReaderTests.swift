import Testing
import EventLog
import TestSupport

/// One input the reader must refuse, with the reason and the byte offset where it is noticed.
struct Refusal: Sendable, CustomTestStringConvertible {
    var label: String
    var input: [UInt8]
    var error: JSONError

    init(_ label: String, _ text: String, _ reason: JSONError.Reason, at offset: Int) {
        self.init(label, Array(text.utf8), reason, at: offset)
    }

    init(_ label: String, bytes: [UInt8], _ reason: JSONError.Reason, at offset: Int) {
        self.init(label, bytes, reason, at: offset)
    }

    private init(_ label: String, _ input: [UInt8], _ reason: JSONError.Reason, at offset: Int) {
        self.label = label
        self.input = input
        self.error = JSONError(reason, offset: offset)
    }

    var testDescription: String { label }
}

/// One input the reader must accept, and the value it must read.
struct Acceptance: Sendable, CustomTestStringConvertible {
    var label: String
    var input: [UInt8]
    var value: JSONValue

    init(_ label: String, _ text: String, _ value: JSONValue) {
        self.label = label
        self.input = Array(text.utf8)
        self.value = value
    }

    var testDescription: String { label }
}

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

@Suite struct JSONReaderTests {
    static let accepted: [Acceptance] = [
        Acceptance("escaped quote", #""\"""#, .string("\"")),
        Acceptance("escaped backslash", #""\\""#, .string("\\")),
        Acceptance("escaped solidus", #""\/""#, .string("/")),
        Acceptance("short control escapes", #""\b\f\n\r\t""#, .string("\u{8}\u{C}\n\r\t")),
        Acceptance("unicode escape", #""\u00e9""#, .string("é")),
        Acceptance("unicode escape in upper case hex", #""\u00E9""#, .string("é")),
        Acceptance("escape of NUL", #""a\u0000b""#, .string("a\u{0}b")),
        Acceptance("surrogate pair", #""\ud83d\ude02""#, .string("😂")),
        Acceptance("surrogate pair in upper case", #""x\uD83D\uDE02y""#, .string("x😂y")),
        Acceptance("escapes mixed with literal text", #""caf\u00e9 \"€\" 😂""#, .string("café \"€\" 😂")),
        Acceptance("literal non-ASCII", "\"é€😂\"", .string("é€😂")),
        Acceptance("literal DEL is not a control character", "\"\u{7F}\"", .string("\u{7F}")),
        Acceptance("zero", "0", .integer(0)),
        Acceptance("minus zero reads as zero", "-0", .integer(0)),
        Acceptance("largest exact integer", "9007199254740991", .integer(9_007_199_254_740_991)),
        Acceptance("smallest exact integer", "-9007199254740991", .integer(-9_007_199_254_740_991)),
        Acceptance("literals", "[true,false,null]", .array([.bool(true), .bool(false), .null])),
        Acceptance("whitespace everywhere", " \t\r\n[ 1 ,\n\t2 ] \n", .array([.integer(1), .integer(2)])),
        Acceptance("empty containers", #"{"a":[],"b":{}}"#, .object([("a", .array([])), ("b", .object(JSONObject()))])),
        Acceptance("members out of order", #"{"b":1,"a":2,"c":3}"#, .object([("a", .integer(2)), ("b", .integer(1)), ("c", .integer(3))])),
        Acceptance("names differing in case", #"{"a":1,"A":2}"#, .object([("A", .integer(2)), ("a", .integer(1))])),
    ]

    @Test(arguments: accepted)
    func accepts(_ example: Acceptance) throws {
        let value = try JSONValue(parsing: example.input)
        #expect(value == example.value, "\(example.label): read \(value)")
    }

    static let refused: [Refusal] = [
        // Strings: escapes and surrogates.
        Refusal("unknown escape", #""\x""#, .invalidEscape, at: 2),
        Refusal("bad hex digit in \\u", #""\u12G4""#, .invalidEscape, at: 5),
        Refusal("short \\u escape", #""\u12""#, .unexpectedEnd, at: 6),
        Refusal("lone high surrogate", #""\ud83d""#, .invalidUnicode, at: 7),
        Refusal("high surrogate then another escape", #""\ud83d\n""#, .invalidUnicode, at: 7),
        Refusal("high surrogate then a letter", #""\ud83dx""#, .invalidUnicode, at: 7),
        Refusal("high surrogate then a non-surrogate", #""\ud83d\u0041""#, .invalidUnicode, at: 13),
        Refusal("two high surrogates", #""\ud83d\ud83d""#, .invalidUnicode, at: 13),
        Refusal("lone low surrogate", #""\ude02""#, .invalidUnicode, at: 7),
        Refusal("low surrogate before high", #""\ude02\ud83d""#, .invalidUnicode, at: 7),
        // Strings: control characters must be escaped.
        Refusal("raw U+0001", "\"a\u{1}b\"", .controlCharacterInString, at: 2),
        Refusal("raw tab", "\"a\tb\"", .controlCharacterInString, at: 2),
        Refusal("raw newline", "\"a\nb\"", .controlCharacterInString, at: 2),
        Refusal("raw U+001F after an escape", "\"\\n\u{1F}\"", .controlCharacterInString, at: 3),
        Refusal("raw NUL in a member name", "{\"a\u{0}\":1}", .controlCharacterInString, at: 3),
        // Strings: bytes that are not UTF-8.
        Refusal("byte 0xFF", bytes: [quote, 0xFF, quote], .invalidUnicode, at: 1),
        Refusal("truncated sequence", bytes: [quote, 0x61, 0xC3, quote], .invalidUnicode, at: 1),
        Refusal("overlong encoding", bytes: [quote, 0xC0, 0xAF, quote], .invalidUnicode, at: 1),
        Refusal("UTF-8 encoded surrogate", bytes: [quote, 0xED, 0xA0, 0x80, quote], .invalidUnicode, at: 1),
        Refusal("beyond U+10FFFF", bytes: [quote, 0xF4, 0x90, 0x80, 0x80, quote], .invalidUnicode, at: 1),
        Refusal("bad byte after an escape", bytes: [quote, backslash, UInt8(ascii: "n"), 0xFE, quote], .invalidUnicode, at: 1),
        Refusal("bad byte outside a string", bytes: [0xFF], .unexpectedByte(0xFF), at: 0),
        Refusal("unterminated string", #""abc"#, .unexpectedEnd, at: 4),
        // Numbers.
        Refusal("leading zero", "01", .leadingZero, at: 0),
        Refusal("leading zeros", "[007]", .leadingZero, at: 1),
        Refusal("negative leading zero", "-01", .leadingZero, at: 1),
        Refusal("2^53", "9007199254740992", .integerOutOfRange("9007199254740992"), at: 0),
        Refusal("-2^53", "-9007199254740992", .integerOutOfRange("-9007199254740992"), at: 0),
        Refusal("beyond UInt64", "[123456789012345678901234567890]", .integerOutOfRange("123456789012345678901234567890"), at: 1),
        Refusal("fraction", "1.0", .notAnInteger("1.0"), at: 0),
        Refusal("exponent", "1e3", .notAnInteger("1e3"), at: 0),
        Refusal("upper case exponent", "1E+3", .notAnInteger("1E+3"), at: 0),
        Refusal("negative fraction with exponent", "[1, -2.5e3]", .notAnInteger("-2.5e3"), at: 4),
        Refusal("minus alone", "-", .unexpectedEnd, at: 1),
        Refusal("minus then a letter", "-a", .unexpectedByte(UInt8(ascii: "a")), at: 1),
        Refusal("plus sign", "+1", .unexpectedByte(UInt8(ascii: "+")), at: 0),
        Refusal("NaN", "NaN", .unexpectedByte(UInt8(ascii: "N")), at: 0),
        // Objects.
        Refusal("duplicate member", #"{"a":1,"a":2}"#, .duplicateMember("a"), at: 12),
        Refusal("duplicate member out of order", #"{"b":1,"a":2,"b":3}"#, .duplicateMember("b"), at: 18),
        Refusal("duplicate member after a later one", #"{"a":1,"c":2,"b":3,"a":4}"#, .duplicateMember("a"), at: 24),
        Refusal("duplicate member in a nested object", #"{"x":{"a":1,"a":1}}"#, .duplicateMember("a"), at: 17),
        Refusal("unquoted name", "{a:1}", .unexpectedByte(UInt8(ascii: "a")), at: 1),
        Refusal("trailing comma in object", #"{"a":1,}"#, .unexpectedByte(UInt8(ascii: "}")), at: 7),
        Refusal("trailing comma in array", "[1,]", .unexpectedByte(UInt8(ascii: "]")), at: 3),
        Refusal("missing comma", "[1 2]", .unexpectedByte(UInt8(ascii: "2")), at: 3),
        Refusal("missing colon", #"{"a" 1}"#, .unexpectedByte(UInt8(ascii: "1")), at: 5),
        Refusal("name without value", #"{"a""#, .unexpectedEnd, at: 4),
        Refusal("unclosed array", "[1,", .unexpectedEnd, at: 3),
        // Literals and the end of the text.
        Refusal("empty text", "", .unexpectedEnd, at: 0),
        Refusal("only whitespace", " \n", .unexpectedEnd, at: 2),
        Refusal("truncated literal", "tru", .unexpectedEnd, at: 3),
        Refusal("misspelt literal", "trux", .unexpectedByte(UInt8(ascii: "x")), at: 3),
        Refusal("content after an object", "{} x", .trailingContent, at: 3),
        Refusal("two numbers", "1 2", .trailingContent, at: 2),
        Refusal("extra bracket", "[1]]", .trailingContent, at: 3),
        Refusal("two strings", #""a""b""#, .trailingContent, at: 3),
    ]

    @Test(arguments: refused)
    func refuses(_ example: Refusal) {
        let error = #expect(throws: JSONError.self, "\(example.label)") { try JSONValue(parsing: example.input) }
        #expect(error == example.error, "\(example.label): \(String(describing: error))")
    }

    @Test(arguments: [
        ("{} x", "unexpected content after the json value at column 4"),
        ("[1,]", "unexpected ']' at column 4"),
        ("\"a\u{1}b\"", "unescaped control character in string at column 3"),
        ("[1, 2.5]", "number '2.5' is not an integer (events hold whole numbers only, e.g. amounts in cents) at column 5"),
        ("\n\n  -01", "number with a leading zero at column 6"),
        ("[\"\\q\"]", "invalid escape sequence in string at column 4"),
    ])
    func errorDescriptionNamesTheColumn(input: String, description: String) {
        let error = #expect(throws: JSONError.self) { try JSONValue(parsing: input) }
        #expect(error?.description == description, "input \(input.debugDescription)")
    }

    /// Strings are scanned eight bytes at a time: every length around that, with a special byte at every place,
    /// reads as byte by byte would. An escape is decoded, a raw control character refused at its column, a
    /// quote ends the string, and a non-ASCII character is kept.
    @Test func everyPlaceInAStringIsReadAlike() throws {
        for length in 0...24 {
            for place in 0...length {
                let before = String(repeating: "a", count: place)
                let after = String(repeating: "b", count: length - place)
                let plain = try JSONValue(parsing: "[\"\(before + after)\"]")
                #expect(plain == .array([.string(before + after)]), "\(length) \(place)")
                for (escaped, decoded) in [("\\\"", "\""), ("\\\\", "\\"), ("\\u001f", "\u{1F}"), ("\u{E9}", "\u{E9}"), ("\u{20AC}", "\u{20AC}")] {
                    let text = "[\"\(before)\(escaped)\(after)\"]"
                    #expect(try JSONValue(parsing: text) == .array([.string(before + decoded + after)]), "\(text.debugDescription)")
                }
                let control = Array("[\"\(before)".utf8) + [0x01] + Array("\(after)\"]".utf8)
                let error = #expect(throws: JSONError.self) { try JSONValue(parsing: control) }
                #expect(error == JSONError(.controlCharacterInString, offset: 2 + place), "\(length) \(place)")
                let quoted = try JSONValue(parsing: "[\"\(before)\",\"\(after)\"]")
                #expect(quoted == .array([.string(before), .string(after)]), "\(length) \(place)")
            }
        }
    }

    @Test func unprintableBytesAreShownInHex() {
        let error = #expect(throws: JSONError.self) { try JSONValue(parsing: [0x5B, 0x01]) }
        #expect(error?.description == "unexpected byte 0x1 at column 2")
    }

    // MARK: Depth

    static func nested(_ depth: Int, open: String, close: String) -> String {
        String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
    }

    @Test func nestingUpTo64LevelsIsRead() throws {
        let arrays = try JSONValue(parsing: Self.nested(64, open: "[", close: "]"))
        var value = arrays
        var levels = 0
        while case .array(let inner) = value {
            levels += 1
            value = inner[0]
        }
        #expect(levels == 64)
        #expect(value == .integer(1))
        _ = try JSONValue(parsing: Self.nested(64, open: #"{"a":"#, close: "}"))
        _ = try JSONValue(parsing: Self.nested(32, open: #"[{"a":"#, close: "}]"))
    }

    @Test(arguments: [(65, "[", "]"), (65, #"{"a":"#, "}"), (33, #"[{"a":"#, "}]"), (10_000, "[", "]")])
    func nestingDeeperThan64LevelsIsRefused(depth: Int, open: String, close: String) {
        let error = #expect(throws: JSONError.self) { try JSONValue(parsing: Self.nested(depth, open: open, close: close)) }
        #expect(error?.reason == .tooDeep, "\(depth) × \(open)")
    }

    // MARK: Canonical output

    @Test func canonicalFormEscapesEveryControlCharacterAsLowercaseHex() {
        let short: [UInt32: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]
        for code in UInt32(0)..<0x20 {
            let scalar = Unicode.Scalar(code)!
            let hex = String(code, radix: 16)
            let expected = short[code] ?? "\\u00" + (hex.count == 1 ? "0" + hex : hex)
            let canonical = JSONValue.string("<\(Character(scalar))>").canonicalString
            #expect(canonical == "\"<\(expected)>\"", "U+\(hex)")
            #expect(canonical == canonical.lowercased(), "U+\(hex): \(canonical)")
        }
    }

    @Test func canonicalFormEscapesOnlyQuoteAndBackslashBesidesControls() {
        let value = JSONValue.string("\"\\/\u{7F}é€😂\u{2028}")
        #expect(value.canonicalBytes == Array("\"\\\"\\\\/\u{7F}é€😂\u{2028}\"".utf8))
        #expect(JSONValue.string("é").canonicalBytes == [0x22, 0xC3, 0xA9, 0x22])
    }

    @Test func canonicalFormOfAParsedTextSortsAndStripsWhitespace() throws {
        let value = try JSONValue(parsing: #" { "z" : [ 1 , -0 , "\u00e9\u001F" ] , "a" : { "y" : null , "b" : true } } "#)
        #expect(value.canonicalString == #"{"a":{"b":true,"y":null},"z":[1,0,"é\u001f"]}"#)
    }

    /// Member order is by UTF-16 code units: U+1F602 (D83D DE02) sorts before U+FB33, although its scalar is larger.
    @Test func canonicalMemberOrderIsByUTF16CodeUnits() throws {
        let object = try JSONObject([("\u{FB33}", .integer(1)), ("😂", .integer(2)), ("\u{E9}", .integer(3)), ("z", .integer(4))])
        #expect(object.names.map { $0.unicodeScalars.first!.value } == [0x7A, 0xE9, 0x1F602, 0xFB33])
        #expect(JSONValue.object(object).canonicalString == "{\"z\":4,\"é\":3,\"😂\":2,\"\u{FB33}\":1}")
    }

    /// Member order by the bytes where they settle it equals UTF-16 order, on names that share long starts and
    /// differ in ASCII, in two-byte, three-byte (U+E000 to U+FFFF among them) and four-byte characters.
    @Test(arguments: seeds)
    func memberOrderEqualsUTF16OrderOnAwkwardNames(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let pieces = ["a", "b", "z", "~", "\u{7F}", "\u{E9}", "\u{FF}", "\u{100}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FB33}", "\u{FFFD}", "\u{FFFF}", "\u{10000}", "\u{1F602}", "\u{10FFFF}"]
        func name() -> String {
            (0..<Int(random.next() % 4)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
        }
        for _ in 0..<2_000 {
            let start = name()
            let (a, b) = (start + name(), start + name())
            #expect(JSONObject.precedes(a, b) == a.utf16.lexicographicallyPrecedes(b.utf16), "\(a.debugDescription) \(b.debugDescription)")
        }
    }

    // MARK: Unicode normalisation

    static let precomposed = "\u{C5}"  // Å
    static let decomposed = "A\u{30A}"  // A + combining ring above

    @Test func namesDifferingOnlyByNormalisationAreTwoMembers() throws {
        // Swift's String equality would call these names equal; JSON must not.
        #expect(Self.precomposed == Self.decomposed)
        let value = try JSONValue(parsing: "{\"\(Self.precomposed)\":1,\"\(Self.decomposed)\":2}")
        let object = try #require(value.objectValue)
        #expect(object.count == 2)
        #expect(object[Self.precomposed] == .integer(1))
        #expect(object[Self.decomposed] == .integer(2))
        // "A" (0x41) sorts before "Å" (0xC5).
        #expect(value.canonicalBytes == Array("{\"A\u{30A}\":2,\"\u{C5}\":1}".utf8))
        #expect(throws: Never.self) { try JSONObject([(Self.precomposed, .null), (Self.decomposed, .null)]) }
    }

    @Test func equalityDistinguishesNormalisationForms() {
        #expect(JSONValue.string(Self.precomposed) != .string(Self.decomposed))
        #expect(JSONValue.string(Self.precomposed) == .string("\u{C5}"))
        #expect(JSONValue.object([(Self.precomposed, .integer(1))]) != .object([(Self.decomposed, .integer(1))]))
        #expect(JSONValue.array([.string(Self.precomposed)]) != .array([.string(Self.decomposed)]))
        #expect(JSONValue.string(Self.precomposed).canonicalBytes != JSONValue.string(Self.decomposed).canonicalBytes)
    }

    // MARK: Randomised round trips

    static let seeds: [UInt64] = [0x6B6F_6572_7303, 20_250_423, 3]
    static let cases = 300

    @Test(arguments: seeds)
    func canonicalFormRoundTripsAndIsIdempotent(seed: UInt64) throws {
        var generator = JSONTreeGenerator(seed: seed)
        for i in 0..<Self.cases {
            let value = generator.value()
            let canonical = value.canonicalString
            let parsed: JSONValue
            do { parsed = try JSONValue(parsing: canonical) } catch {
                Issue.record("seed \(seed) case \(i): canonical form refused (\(error)): \(canonical)")
                continue
            }
            #expect(parsed == value, "seed \(seed) case \(i): \(canonical)")
            #expect(parsed.canonicalString == canonical, "seed \(seed) case \(i): \(canonical)")
        }
    }

    /// The same trees written loosely (shuffled members, whitespace, needless escapes) read back to equal values.
    @Test(arguments: seeds)
    func looseFormsReadToTheSameValue(seed: UInt64) throws {
        var generator = JSONTreeGenerator(seed: seed)
        for i in 0..<Self.cases {
            let value = generator.value()
            let loose = generator.looseText(of: value)
            let parsed: JSONValue
            do { parsed = try JSONValue(parsing: loose) } catch {
                Issue.record("seed \(seed) case \(i): loose form refused (\(error)): \(String(decoding: loose, as: UTF8.self))")
                continue
            }
            #expect(parsed == value, "seed \(seed) case \(i): \(String(decoding: loose, as: UTF8.self))")
            #expect(parsed.canonicalBytes == value.canonicalBytes, "seed \(seed) case \(i)")
        }
    }

    /// Skipping a value, written canonically or loosely, ends exactly where reading it ends: the 7 after it is next.
    @Test(arguments: seeds)
    func skippingAValueEndsWhereReadingItEnds(seed: UInt64) throws {
        var generator = JSONTreeGenerator(seed: seed)
        for i in 0..<Self.cases {
            let value = generator.value()
            for text in [value.canonicalBytes, generator.looseText(of: value)] {
                let followed = text + Array(" 7".utf8)
                let ends = try followed.withUnsafeBufferPointer { bytes in
                    var reader = JSONReader(bytes)
                    try reader.skipValue()
                    let seven = try reader.readInteger()
                    try reader.expectEnd()
                    return seven == 7
                }
                #expect(ends, "seed \(seed) case \(i): \(String(decoding: text, as: UTF8.self))")
            }
        }
    }

    @Test(arguments: [#""abc"#, #""a\""#, "[1,", #"{"a" 1}"#, #"{"a":1"#, "[1 2]", "tru", "{1:2}", #""\\\""#])
    func skippingRefusesABrokenValue(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(throws: JSONError.self, "\(text)") {
            try bytes.withUnsafeBufferPointer { bytes in
                var reader = JSONReader(bytes)
                try reader.skipValue()
            }
        }
    }
}

/// Random JSON trees whose strings mix every kind of character the writer treats differently.
struct JSONTreeGenerator {
    var random: SeededRandom
    /// How often the loose writer departs from the canonical form where it could: 1 at every chance,
    /// a small fraction for texts that are canonical but for a slip or two.
    var looseness = 1.0

    /// Whether to depart from the canonical form at this chance (at looseness 1 it takes no randomness, as before).
    private mutating func departs() -> Bool {
        looseness >= 1 || Double.random(in: 0..<1, using: &random) < looseness
    }

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    /// Ranges of scalars: controls, ASCII, specials, Latin-1, combining marks, BMP, private use, astral.
    static let scalarRanges: [ClosedRange<UInt32>] = [
        0x00...0x1F, 0x20...0x7E, 0x22...0x22, 0x5C...0x5C, 0x2F...0x2F, 0x7F...0x9F, 0xA0...0xFF,
        0x300...0x36F, 0x2028...0x2029, 0x4E00...0x9FFF, 0xE000...0xF8FF, 0xFB00...0xFFFF,
        0x1_0000...0x1_FFFF, 0x10_FFFF...0x10_FFFF,
    ]

    mutating func string() -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            let range = Self.scalarRanges.randomElement(using: &random)!
            scalars.append(Unicode.Scalar(UInt32.random(in: range, using: &random))!)
        }
        return String(scalars)
    }

    mutating func integer() -> Int64 {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return JSONValue.maxExactInteger
        case 1: return -JSONValue.maxExactInteger
        case 2: return Int64.random(in: -JSONValue.maxExactInteger...JSONValue.maxExactInteger, using: &random)
        default: return Int64.random(in: -20...20, using: &random)
        }
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        let kinds = depth >= 4 ? 4 : 6
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0:
            let literals: [JSONValue] = [.null, .bool(true), .bool(false)]
            return literals.randomElement(using: &random)!
        case 1: return .integer(integer())
        case 2, 3: return .string(string())
        case 4: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth + 1) })
        default:
            var members: [(String, JSONValue)] = []
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                let name = string()
                // Names are distinct by their bytes, as in JSON.
                if members.contains(where: { $0.0.utf8.elementsEqual(name.utf8) }) { continue }
                members.append((name, value(depth: depth + 1)))
            }
            return .object(members)
        }
    }

    // MARK: A loose writer, independent of CanonicalJSON

    mutating func whitespace() -> [UInt8] {
        guard departs() else { return [] }
        return (0..<Int.random(in: 0...2, using: &random)).map { _ in [0x20, 0x09, 0x0A, 0x0D].randomElement(using: &random)! }
    }

    mutating func looseText(of value: JSONValue) -> [UInt8] {
        var out = whitespace()
        writeLoose(value, into: &out)
        out += whitespace()
        return out
    }

    private mutating func writeLoose(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .integer(let i): out += Array((i == 0 && departs() && Bool.random(using: &random) ? "-0" : String(i)).utf8)
        case .string(let s): writeLoose(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += whitespace()
                writeLoose(element, into: &out)
                out += whitespace()
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let members = departs() ? object.members.shuffled(using: &random) : object.members
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += whitespace()
                writeLoose(member.name, into: &out)
                out += whitespace()
                out.append(UInt8(ascii: ":"))
                out += whitespace()
                writeLoose(member.value, into: &out)
                out += whitespace()
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private mutating func hex4(_ unit: UInt16) -> [UInt8] {
        let digits = String(unit, radix: 16, uppercase: Bool.random(using: &random))
        return Array((String(repeating: "0", count: 4 - digits.count) + digits).utf8)
    }

    private mutating func writeLoose(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if !mustEscape && (!departs() || Int.random(in: 0..<4, using: &random) > 0) {
                out += Array(String(scalar).utf8)
                continue
            }
            let short: [Unicode.Scalar: String] = [
                "\"": "\\\"", "\\": "\\\\", "/": "\\/", "\u{8}": "\\b", "\u{C}": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            ]
            if mustEscape && !departs() {
                // The canonical escape: the short one where there is one, else \u00 and two lowercase digits.
                let digits = String(scalar.value, radix: 16)
                out += Array((short[scalar] ?? "\\u" + String(repeating: "0", count: 4 - digits.count) + digits).utf8)
                continue
            }
            if let escape = short[scalar], Bool.random(using: &random) {
                out += Array(escape.utf8)
                continue
            }
            for unit in String(scalar).utf16 {
                out += Array("\\u".utf8) + hex4(unit)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
