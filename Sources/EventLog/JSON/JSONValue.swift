/// A JSON value as events carry it: integers only, objects with members in canonical order.
///
/// Numbers are whole and within ±(2^53 − 1), the range in which every JSON reader
/// (and RFC 8785, which reads numbers as IEEE doubles) agrees on the value.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The largest magnitude an integer may have: 2^53 − 1.
    public static let maxExactInteger: Int64 = 9_007_199_254_740_991

    // Strings compare by their Unicode scalars, not by Swift's canonical equivalence:
    // "Å" and "A\u{30A}" are different JSON strings with different hashes.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.integer(a), .integer(b)): a == b
        case let (.string(a), .string(b)): a.bytesEqual(b)
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a == b
        default: false
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }
    public var integerValue: Int64? {
        if case .integer(let i) = self { i } else { nil }
    }
    public var boolValue: Bool? {
        if case .bool(let b) = self { b } else { nil }
    }
    public var objectValue: JSONObject? {
        if case .object(let o) = self { o } else { nil }
    }
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { a } else { nil }
    }
}

/// A JSON object whose members are kept sorted by the UTF-16 code units of their names (RFC 8785 order), without duplicates.
public struct JSONObject: Sendable, Equatable {
    public private(set) var members: [(name: String, value: JSONValue)]

    public init() { members = [] }

    /// Builds an object from members in any order; a repeated name is refused.
    public init(_ members: [(String, JSONValue)]) throws(JSONError) {
        var sorted = members.map { (name: $0.0, value: $0.1) }
        // Members given in order (as code that builds objects mostly gives them) need no sort, and have no repeats.
        if sorted.indices.dropFirst().allSatisfy({ JSONObject.precedes(sorted[$0 - 1].name, sorted[$0].name) }) {
            self.members = sorted
            return
        }
        sorted.sort { JSONObject.precedes($0.name, $1.name) }
        for i in sorted.indices.dropFirst() where sorted[i - 1].name.bytesEqual(sorted[i].name) {
            throw JSONError(.duplicateMember(sorted[i].name), offset: nil)
        }
        self.members = sorted
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var names: [String] { members.map(\.name) }

    public subscript(name: String) -> JSONValue? {
        get {
            // By index rather than `for member in members`, which copies (and retains) every member it passes;
            // and the lengths first, which rule out most members without reaching their bytes.
            let length = name.utf8.count
            for index in members.indices where members[index].name.utf8.count == length && members[index].name.bytesEqual(name) {
                return members[index].value
            }
            return nil
        }
        set {
            let index = members.firstIndex { !JSONObject.precedes($0.name, name) }
            if let index, members[index].name.bytesEqual(name) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.insert((name, newValue), at: index ?? members.endIndex)
            }
        }
    }

    /// RFC 8785 member order: by UTF-16 code units, which differs from scalar order above U+FFFF.
    ///
    /// Every member of every object read or built is ordered by it, so it looks at the bytes once: where
    /// the first bytes that differ are both ASCII, each starts a character of its own and the two orders
    /// agree; so do they where one name is the other's start. Only a difference at a byte above ASCII is
    /// settled in UTF-16.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let byBytes = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in byteOrder(a, b) }
        }
        // Nil at any level: a string not stored contiguously, or bytes that do not settle it.
        if let byBytes, let contiguous = byBytes, let decided = contiguous { return decided }
        return a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    /// Whether `a` precedes `b` as the bytes show it, or nil where the first difference is not ASCII.
    private static func byteOrder(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        let common = min(a.count, b.count)
        var index = 0
        while index < common && a[index] == b[index] { index += 1 }
        if index == common { return a.count < b.count }
        return a[index] < 0x80 && b[index] < 0x80 ? a[index] < b[index] : nil
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy {
                $0.name.bytesEqual($1.name) && $0.value == $1.value
            }
    }

    /// Appends a member known to sort after every present one; used by the parser, which checks order itself.
    mutating func appendSorted(_ name: String, _ value: JSONValue) {
        members.append((name, value))
    }
}

extension JSONObject {
    /// Builds an object whose member names are known to be distinct; a repeated name is a programming error.
    public init(uniqueMembers members: [(String, JSONValue)]) {
        do { try self.init(members) } catch { preconditionFailure("\(error)") }
    }
}

extension JSONValue {
    /// An object value from members whose names are known to be distinct.
    public static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(uniqueMembers: members))
    }
}
