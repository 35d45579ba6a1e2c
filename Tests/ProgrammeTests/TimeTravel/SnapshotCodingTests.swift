import Testing
import TestSupport

@testable import Programme

@Suite struct SnapshotCodingTests {
    /// Strings that are alike in every way a hash table can trip on: empty, one byte apart, of every length
    /// around the eight bytes hashed at a time, and canonically equivalent spellings that must stay apart.
    static let awkward: [String] = [
        "", "a", "b", "ab", "ba", "abcdefg", "abcdefgh", "abcdefghi", "abcdefgh\u{0}", "abcdefgi",
        "caf\u{E9}", "cafe\u{301}", "programmabureau", "programmabureau ", " programmabureau",
    ]

    /// Every string written reads back with its own bytes, and each distinct one is in the table once,
    /// through many growths of the table.
    @Test func stringsInternedByTheirBytesReadBackExactly() throws {
        var random = SeededRandom(seed: 7)
        var written: [String] = []
        for round in 0..<5_000 {
            written.append(Self.awkward[round % Self.awkward.count])
            written.append("id-\(random.next() % 3_000)")
            written.append(String(repeating: "x", count: Int(random.next() % 40)) + "\(round)")
        }
        var writer = SnapshotWriter(reservingCapacity: 16, strings: 0)
        for text in written { writer.write(text) }
        var bytes: [UInt8] = []
        writer.appendTable(to: &bytes)
        bytes += writer.bytes
        let distinct = Set(written.map { Array($0.utf8) })

        try bytes.withUnsafeBytes { raw in
            var counting = SnapshotReader(raw)
            let count = try counting.readCount()
            #expect(count == distinct.count, "each distinct string once in the table")
            var reader = SnapshotReader(raw)
            try reader.readTable()
            for text in written {
                let read = try reader.readString()
                #expect(Array(read.utf8) == Array(text.utf8), "\(text.debugDescription) read back as \(read.debugDescription)")
            }
            let atEnd = reader.isAtEnd
            #expect(atEnd)
        }
    }
}
