#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EventLog

/// The byte form of projection snapshots: varints, and strings written once in a table and named by index.
///
/// A snapshot is read on every command of a warm replica, so its form is chosen for reading: no
/// tree of JSON values to build and take apart, and a string that recurs (an origin, an event
/// type, an owner) is decoded once. Strings are interned by their bytes, never by `==`, which
/// would merge canonically equivalent spellings that the log keeps apart.
struct SnapshotWriter {
    private(set) var bytes: [UInt8] = []
    /// The interned strings' bytes, one after the other.
    private var tableBytes: [UInt8] = []
    /// Where each interned string's bytes start in `tableBytes`, and how many there are.
    private var stringRanges: [Range<Int>] = []
    /// Open addressing over the strings' bytes: an index into `stringRanges` plus one, or 0 for an empty slot.
    /// Hashing the bytes with a few multiplies instead of `Hasher` (keyed SipHash) and comparing them in
    /// place makes interning, which every string written goes through, several times cheaper.
    private var slots: [Int32]

    init(reservingCapacity capacity: Int = 1 << 16, strings: Int = 0) {
        bytes.reserveCapacity(capacity)
        stringRanges.reserveCapacity(strings)
        tableBytes.reserveCapacity(strings * 16)
        var slotCount = 64
        while slotCount < strings * 2 { slotCount *= 2 }
        slots = Array(repeating: 0, count: slotCount)
    }

    mutating func write(_ value: UInt64) { Self.append(value, to: &bytes) }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }

    /// Zigzag, so that small negative numbers stay short.
    mutating func write(signed value: Int64) {
        write(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func write(_ flag: Bool) { bytes.append(flag ? 1 : 0) }

    /// A string inline: its length and bytes. For a string that is one thing's own and seldom recurs (a
    /// decision's title): interning it would only add it to the table, a probe that misses the cache when the
    /// table holds a long history's strings.
    mutating func write(inline text: String) {
        Self.withUTF8(of: text) { utf8 in
            write(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func write(raw: [UInt8]) {
        write(raw.count)
        bytes.append(contentsOf: raw)
    }

    /// A string by its index in the table.
    mutating func write(_ text: String) {
        write(Self.withUTF8(of: text) { intern($0) })
    }

    /// Runs `body` over the string's UTF-8 bytes, in place where the string is contiguous (native ones are):
    /// a `var` copy for `withUTF8` costs a retain and a release per string written.
    private static func withUTF8<T>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var text = text
        return text.withUTF8(body)
    }

    /// The table index of these bytes, added to the table if they are new.
    private mutating func intern(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        let mask = slots.count - 1
        var slot = Self.hash(utf8) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let range = stringRanges[entry - 1]
            let same = range.count == utf8.count && tableBytes.withUnsafeBufferPointer { table in
                utf8.isEmpty || memcmp(table.baseAddress! + range.lowerBound, utf8.baseAddress!, utf8.count) == 0
            }
            if same { return entry - 1 }
            slot = (slot + 1) & mask
        }
        let index = stringRanges.count
        stringRanges.append(tableBytes.count..<tableBytes.count + utf8.count)
        tableBytes.append(contentsOf: utf8)
        slots[slot] = Int32(index + 1)
        if stringRanges.count * 2 > slots.count { growSlots() }
        return index
    }

    /// Doubles the slots and puts every string back, keeping the load under one half.
    private mutating func growSlots() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        tableBytes.withUnsafeBufferPointer { table in
            for (index, range) in stringRanges.enumerated() {
                var slot = Self.hash(UnsafeBufferPointer(rebasing: table[range])) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(index + 1)
            }
        }
    }

    /// The hash of a string's UTF-8 bytes, as the string table's slots use it.
    static func hash(_ text: String) -> Int {
        if let hash = text.utf8.withContiguousStorageIfAvailable({ hash($0) }) { return hash }
        var text = text
        return text.withUTF8 { hash($0) }
    }

    /// A hash of the bytes, eight at a time; not keyed, which is fine for a table whose contents we wrote.
    private static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(utf8.count)
        let raw = UnsafeRawBufferPointer(utf8)
        var offset = 0
        while offset + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < raw.count {
            tail = tail << 8 | UInt64(raw[offset])
            offset += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    mutating func write(_ text: String?) {
        write(text != nil)
        if let text { write(text) }
    }

    mutating func write(_ texts: [String]) {
        write(texts.count)
        for text in texts { write(text) }
    }

    /// A JSON value as its canonical text (values in the state are few and small).
    mutating func write(_ value: JSONValue) { write(raw: value.canonicalBytes) }

    mutating func write(_ value: JSONValue?) {
        write(value != nil)
        if let value { write(value) }
    }

    /// Starts a block that a reader may skip whole: its length in 8 bytes (set by `endBlock`), then its bytes.
    mutating func beginBlock() -> Int {
        bytes.append(contentsOf: repeatElement(0, count: 8))
        return bytes.count
    }

    mutating func endBlock(_ start: Int) {
        var length = UInt64(bytes.count - start).littleEndian
        withUnsafeBytes(of: &length) { bytes.replaceSubrange(start - 8..<start, with: $0) }
    }

    /// Appends the string table, to be read before the bytes written with it, to `out`, with room for `more`
    /// bytes after it. The table is the number of strings, where each one ends (four bytes, little-endian,
    /// from the start of the strings' bytes), then those bytes: a reader finds any string at once, without
    /// walking the table first.
    func appendTable(to out: inout [UInt8], reservingFor more: Int = 0) {
        out.reserveCapacity(out.count + 16 + 4 * stringRanges.count + tableBytes.count + more)
        Self.append(UInt64(stringRanges.count), to: &out)
        for range in stringRanges {
            withUnsafeBytes(of: UInt32(range.upperBound).littleEndian) { out.append(contentsOf: $0) }
        }
        out.append(contentsOf: tableBytes)
    }
}

/// Reads what `SnapshotWriter` wrote, refusing anything out of bounds or malformed: a damaged file is an error, never a crash.
struct SnapshotReader: ~Copyable {
    struct Malformed: Error {}

    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    /// The string table: where its list of ends and its bytes start, and how many bytes those are.
    private var stringEnds = 0
    private var stringBytes = 0
    private var stringBytesCount = 0
    /// Each string once it has been read, in a slot per string of the table; `stringsMade` has a bit set
    /// for each slot that holds one. A string is made only when something names it, and the memory of the
    /// slots never written is never touched, so the parts of a snapshot skipped cost nothing: a core
    /// state reads few of a long history's hundreds of thousands of strings.
    private var strings: UnsafeMutablePointer<String>?
    private var stringsMade: [UInt64] = []
    private var stringCount = 0

    init(_ bytes: UnsafeRawBufferPointer, from offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    deinit {
        guard let strings else { return }
        for (word, bits) in stringsMade.enumerated() where bits != 0 {
            for bit in 0..<64 where bits & (1 << bit) != 0 { (strings + word * 64 + bit).deinitialize(count: 1) }
        }
        strings.deallocate()
    }

    var isAtEnd: Bool { offset == bytes.count }

    @inline(__always)
    mutating func readUInt64() throws(Malformed) -> UInt64 {
        // Most numbers (indexes, counts, small seqs) take one byte.
        if offset < bytes.count, bytes[offset] < 0x80 {
            offset += 1
            return UInt64(bytes[offset - 1])
        }
        return try readLongUInt64()
    }

    private mutating func readLongUInt64() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw Malformed() }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    mutating func readInt() throws(Malformed) -> Int {
        let value = Int64(bitPattern: try readUInt64())
        guard let int = Int(exactly: value) else { throw Malformed() }
        return int
    }

    /// A count or index: not negative, and no more than there are bytes (every element takes at least one).
    @inline(__always)
    mutating func readCount() throws(Malformed) -> Int {
        let value = try readUInt64()
        guard value <= UInt64(bytes.count) else { throw Malformed() }
        return Int(value)
    }

    mutating func readSigned() throws(Malformed) -> Int64 {
        let raw = try readUInt64()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func readBool() throws(Malformed) -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw Malformed() }
        offset += 1
        return bytes[offset - 1] == 1
    }

    mutating func readRaw() throws(Malformed) -> UnsafeRawBufferPointer {
        let count = try readCount()
        guard count <= bytes.count - offset else { throw Malformed() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// A string written inline. Its bytes came from a `String` and passed the checksum, so they are
    /// valid UTF-8: decoding (which would only repair bytes that are not) is the fast way to read them.
    mutating func readInline() throws(Malformed) -> String {
        String(decoding: try readRaw().assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// Reads the string table written by `SnapshotWriter.appendTable`.
    mutating func readTable() throws(Malformed) {
        let count = try readCount()
        guard count <= (bytes.count - offset) / 4 else { throw Malformed() }
        stringEnds = offset
        offset += 4 * count
        stringBytes = offset
        stringBytesCount = count == 0 ? 0 : end(ofString: count - 1)
        guard stringBytesCount <= bytes.count - offset else { throw Malformed() }
        offset += stringBytesCount
        guard strings == nil else { throw Malformed() }
        strings = .allocate(capacity: count)
        stringsMade = Array(repeating: 0, count: (count + 63) / 64)
        stringCount = count
    }

    /// Where string `index` ends, from the start of the strings' bytes.
    private func end(ofString index: Int) -> Int {
        Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: stringEnds + 4 * index, as: UInt32.self)))
    }

    @inline(__always)
    mutating func readString() throws(Malformed) -> String {
        let index = try readCount()
        guard index < stringCount, let strings else { throw Malformed() }
        let made: UInt64 = 1 << (index & 63)
        if stringsMade[index >> 6] & made != 0 { return strings[index] }
        let start = index == 0 ? 0 : end(ofString: index - 1)
        let stop = end(ofString: index)
        guard start <= stop, stop <= stringBytesCount else { throw Malformed() }
        // Valid UTF-8 for the same reason as in `readInline`.
        let text = String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[stringBytes + start..<stringBytes + stop]).assumingMemoryBound(to: UInt8.self),
            as: UTF8.self)
        (strings + index).initialize(to: text)
        stringsMade[index >> 6] |= made
        return text
    }

    /// The end of a block written between `beginBlock` and `endBlock`: read it up to there, or `skip(to:)` it.
    mutating func readBlock() throws(Malformed) -> Int {
        guard bytes.count - offset >= 8 else { throw Malformed() }
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset += 8
        guard length <= UInt64(bytes.count - offset) else { throw Malformed() }
        return offset + Int(length)
    }

    mutating func skip(to end: Int) {
        offset = end
    }

    /// Checks that a block read whole ended where its length said.
    func expectEnd(of end: Int) throws(Malformed) {
        guard offset == end else { throw Malformed() }
    }

    mutating func readOptionalString() throws(Malformed) -> String? {
        try readBool() ? try readString() : nil
    }

    mutating func readStrings() throws(Malformed) -> [String] {
        let count = try readCount()
        var texts: [String] = []
        texts.reserveCapacity(count)
        for _ in 0..<count { texts.append(try readString()) }
        return texts
    }

    mutating func readJSON() throws(Malformed) -> JSONValue {
        let raw = try readRaw()
        guard let value = try? JSONValue(parsing: Array(raw)) else { throw Malformed() }
        return value
    }

    mutating func readOptionalJSON() throws(Malformed) -> JSONValue? {
        try readBool() ? try readJSON() : nil
    }
}

/// A 64-bit check of a snapshot's bytes, so that a damaged file is refused rather than believed.
///
/// Not a defence against forgery (whoever can write `cache/` can write the logs): it catches
/// truncation and flipped bits. Every step is a bijection of the state for a given input word,
/// so a change in any one word always changes the result.
enum SnapshotChecksum {
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var a: UInt64 = 0x243F_6A88_85A3_08D3
        var b: UInt64 = 0x1319_8A2E_0370_7344
        var index = 0
        while index + 16 <= bytes.count {
            a = mix(a ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            b = mix(b ^ bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
            index += 16
        }
        while index < bytes.count {
            a = mix(a ^ UInt64(bytes[index]))
            index += 1
        }
        return mix(a ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(bytes.count))
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        let y = x &* 0x9E37_79B9_7F4A_7C15
        return y ^ (y >> 31)
    }
}
