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

    /// Strings written inline (a decision's title) read back with their own bytes between interned ones,
    /// and stay out of the table.
    @Test func inlineStringsReadBackBesideInternedOnes() throws {
        var random = SeededRandom(seed: 11)
        var written: [(text: String, inline: Bool)] = []
        for round in 0..<2_000 {
            let text = Self.awkward[round % Self.awkward.count] + String(repeating: "\u{E9}", count: Int(random.next() % 20))
            written.append((text, random.next() % 2 == 0))
        }
        var writer = SnapshotWriter(reservingCapacity: 16, strings: 0)
        for (text, inline) in written {
            if inline { writer.write(inline: text) } else { writer.write(text) }
        }
        var bytes: [UInt8] = []
        writer.appendTable(to: &bytes)
        bytes += writer.bytes
        let interned = Set(written.filter { !$0.inline }.map { Array($0.text.utf8) })

        try bytes.withUnsafeBytes { raw in
            var counting = SnapshotReader(raw)
            #expect(try counting.readCount() == interned.count, "only the interned strings are in the table")
            var reader = SnapshotReader(raw)
            try reader.readTable()
            for (text, inline) in written {
                let read = inline ? try reader.readInline() : try reader.readString()
                #expect(Array(read.utf8) == Array(text.utf8), "\(text.debugDescription) read back as \(read.debugDescription)")
            }
            let atEnd = reader.isAtEnd
            #expect(atEnd)
        }
    }
}
