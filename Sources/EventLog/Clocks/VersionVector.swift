/// The number of events seen from each origin: the causal past of an event or the contents of a replica.
///
/// A missing origin means 0. Origins are compared as UTF-8 byte strings, for identity as well as
/// order: Swift's `String` equality and `<` use Unicode canonical equivalence, which would let two
/// replicas that spell an origin differently sort or merge vectors differently.
public struct VersionVector: Sendable, Hashable, CustomStringConvertible {
    /// One origin and the number of its events seen.
    private struct Entry: Sendable {
        var origin: String
        var seq: UInt64
    }

    /// Sorted by origin bytes with no duplicates and no zero seq, so that compare and merge are one linear walk.
    private var storage: [Entry]

    public init() {
        storage = []
    }

    /// Creates a vector from the given counts; zero counts are dropped, as a missing origin means 0.
    public init(_ entries: [String: UInt64]) {
        storage = entries.compactMap { $0.value == 0 ? nil : Entry(origin: $0.key, seq: $0.value) }
        storage.sort { Self.compareBytes($0.origin, $1.origin) < 0 }
    }

    /// The number of events seen from `origin`, 0 if absent; setting 0 removes the origin.
    public subscript(origin: String) -> UInt64 {
        get {
            let (index, found) = search(origin)
            return found ? storage[index].seq : 0
        }
        set {
            let (index, found) = search(origin)
            switch (found, newValue) {
            case (true, 0): storage.remove(at: index)
            case (true, _): storage[index].seq = newValue
            case (false, 0): break
            case (false, _): storage.insert(Entry(origin: origin, seq: newValue), at: index)
            }
        }
    }

    /// The origins with at least one event, sorted by UTF-8 bytes.
    public var origins: [String] {
        storage.map(\.origin)
    }

    /// The non-zero counts, sorted by origin UTF-8 bytes.
    public var entries: [(origin: String, seq: UInt64)] {
        storage.map { ($0.origin, $0.seq) }
    }

    /// The sum of all counts: the number of events in the causal past.
    public var total: UInt64 {
        storage.reduce(0) { $0 + $1.seq }
    }

    /// How two vectors relate in the partial order of causal pasts.
    public enum Ordering: Sendable {
        case equal
        /// Every count is at most the other's, and one is smaller.
        case before
        /// Every count is at least the other's, and one is larger.
        case after
        /// Each vector has a count larger than the other's.
        case concurrent
    }

    /// How this vector relates to `other`: `before` when `self` ≤ `other` everywhere and they differ.
    public func compare(to other: VersionVector) -> Ordering {
        var selfAhead = false
        var otherAhead = false
        var i = 0
        var j = 0
        let lhs = storage
        let rhs = other.storage
        while i < lhs.count, j < rhs.count, !(selfAhead && otherAhead) {
            let order = Self.compareBytes(lhs[i].origin, rhs[j].origin)
            if order < 0 {
                selfAhead = true
                i += 1
            } else if order > 0 {
                otherAhead = true
                j += 1
            } else {
                if lhs[i].seq > rhs[j].seq { selfAhead = true }
                if lhs[i].seq < rhs[j].seq { otherAhead = true }
                i += 1
                j += 1
            }
        }
        // Leftover entries are origins the other vector lacks; they are non-zero by invariant.
        if i < lhs.count { selfAhead = true }
        if j < rhs.count { otherAhead = true }
        switch (selfAhead, otherAhead) {
        case (false, false): return .equal
        case (false, true): return .before
        case (true, false): return .after
        case (true, true): return .concurrent
        }
    }

    /// The pointwise maximum: the smallest vector that is at least both.
    public func merged(with other: VersionVector) -> VersionVector {
        // Merging a causal past into a replica's vector usually changes nothing; a comparison
        // costs no allocation, so try it before building a new array.
        switch compare(to: other) {
        case .equal, .after: return self
        case .before: return other
        case .concurrent: break
        }
        let lhs = storage
        let rhs = other.storage
        var result: [Entry] = []
        result.reserveCapacity(Swift.max(lhs.count, rhs.count))
        var i = 0
        var j = 0
        while i < lhs.count, j < rhs.count {
            let order = Self.compareBytes(lhs[i].origin, rhs[j].origin)
            if order < 0 {
                result.append(lhs[i])
                i += 1
            } else if order > 0 {
                result.append(rhs[j])
                j += 1
            } else {
                result.append(Entry(origin: lhs[i].origin, seq: Swift.max(lhs[i].seq, rhs[j].seq)))
                i += 1
                j += 1
            }
        }
        result.append(contentsOf: lhs[i...])
        result.append(contentsOf: rhs[j...])
        var vector = VersionVector()
        vector.storage = result
        return vector
    }

    /// Raises every count to at least `other`'s.
    public mutating func merge(_ other: VersionVector) {
        self = merged(with: other)
    }

    /// Whether the event numbered `seq` from `origin` is in this causal past (`seq <= self[origin]`).
    public func contains(origin: String, seq: UInt64) -> Bool {
        seq <= self[origin]
    }

    /// Stops the process if the storage breaks its invariants: no zero counts, origins strictly ascending by bytes.
    public func checkInvariants() {
        for (index, entry) in storage.enumerated() {
            precondition(entry.seq > 0, "VersionVector holds a zero count for '\(entry.origin)'")
            if index > 0 {
                precondition(Self.compareBytes(storage[index - 1].origin, entry.origin) < 0,
                             "VersionVector origins out of order or duplicated at '\(entry.origin)'")
            }
        }
    }

    // MARK: Equality by content

    public static func == (lhs: VersionVector, rhs: VersionVector) -> Bool {
        // Storage is canonical (sorted, no zeros), so equal contents means equal arrays.
        guard lhs.storage.count == rhs.storage.count else { return false }
        for (l, r) in zip(lhs.storage, rhs.storage) where l.seq != r.seq || compareBytes(l.origin, r.origin) != 0 {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.count)
        for entry in storage {
            // Hash the bytes, not the String, to agree with byte-wise `==`.
            var origin = entry.origin
            origin.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            // The length separates "ab"+"c" from "a"+"bc".
            hasher.combine(origin.utf8.count)
            hasher.combine(entry.seq)
        }
    }

    // MARK: Text form

    /// Text form "a:1,b:2" (sorted, no spaces; empty vector is ""), used on the command line (`--upto programmabureau:120,menzis:14`).
    public var description: String {
        storage.map { "\($0.origin):\($0.seq)" }.joined(separator: ",")
    }

    /// Parses the text form; entries may come in any order, the empty text is the empty vector.
    ///
    /// Refuses malformed entries, duplicate origins, counts of 0 (a listed origin has been seen),
    /// counts that are not plain decimal (no sign, no leading zero, within UInt64), and origins
    /// not matching `[a-z0-9][a-z0-9-]{0,63}`, so that each vector has exactly one spelling.
    public init(parsing text: String) throws(VersionVector.ParseError) {
        var parsed: [Entry] = []
        if !text.isEmpty {
            for part in text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                parsed.append(try Self.parseEntry(part, of: text))
            }
        }
        parsed.sort { Self.compareBytes($0.origin, $1.origin) < 0 }
        for index in parsed.indices.dropFirst() where parsed[index - 1].origin == parsed[index].origin {
            throw ParseError(text: text, reason: "origin '\(parsed[index].origin)' appears more than once")
        }
        storage = parsed
    }

    /// Parses one "origin:seq" entry of `text`.
    private static func parseEntry(_ part: Substring.UTF8View, of text: String) throws(ParseError) -> Entry {
        func refuse(_ reason: String) -> ParseError { ParseError(text: text, reason: reason) }
        let shown = String(decoding: part, as: UTF8.self)
        guard !part.isEmpty else { throw refuse("empty entry") }
        guard let colon = part.firstIndex(of: UInt8(ascii: ":")) else {
            throw refuse("entry '\(shown)' is not origin:seq")
        }
        let originBytes = part[..<colon]
        let seqBytes = part[part.index(after: colon)...]
        let origin = String(decoding: originBytes, as: UTF8.self)
        let seqText = String(decoding: seqBytes, as: UTF8.self)
        guard isValidOrigin(originBytes) else {
            throw refuse("origin '\(origin)' does not match [a-z0-9][a-z0-9-]{0,63}")
        }
        guard !seqBytes.isEmpty, seqBytes.allSatisfy({ $0 &- UInt8(ascii: "0") <= 9 }) else {
            throw refuse("count '\(seqText)' of origin '\(origin)' is not a decimal number")
        }
        guard seqText != "0" else {
            throw refuse("count of origin '\(origin)' is 0; list only origins with events")
        }
        guard seqBytes.first != UInt8(ascii: "0") else {
            throw refuse("count '\(seqText)' of origin '\(origin)' has a leading zero")
        }
        guard let seq = UInt64(seqText) else {
            throw refuse("count '\(seqText)' of origin '\(origin)' exceeds \(UInt64.max)")
        }
        return Entry(origin: origin, seq: seq)
    }

    /// Whether `bytes` match `[a-z0-9][a-z0-9-]{0,63}`.
    private static func isValidOrigin(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        func isLowerAlnum(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.first, isLowerAlnum(first), bytes.count <= 64 else { return false }
        return bytes.dropFirst().allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// The refusal of a text that is not a version vector, with the reason.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The refused text.
        public let text: String
        /// What is wrong with it.
        public let reason: String

        public var description: String {
            "'\(text)' is not a version vector such as a:1,b:2: \(reason)"
        }
    }

    // MARK: Byte order

    /// The position in binary-search order of `origin`, and whether it is present there.
    private func search(_ origin: String) -> (index: Int, found: Bool) {
        var low = 0
        var high = storage.count
        while low < high {
            let middle = (low + high) / 2
            let order = Self.compareBytes(storage[middle].origin, origin)
            if order == 0 { return (middle, true) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return (low, false)
    }

    /// -1, 0 or 1 as `a` sorts before, equal to or after `b` by UTF-8 bytes.
    static func compareBytes(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = Swift.min(x.count, y.count)
                var index = 0
                while index < common {
                    if x[index] != y[index] { return x[index] < y[index] ? -1 : 1 }
                    index += 1
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
    }
}
