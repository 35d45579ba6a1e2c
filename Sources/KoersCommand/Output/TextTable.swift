/// Rows of cells rendered as aligned plain-text columns under a header and a rule line.
///
/// Widths count Characters, so `é` is one column whether precomposed or not; wide
/// (East Asian) characters are not accounted for.
package struct TextTable: Sendable, Equatable {
    /// Which side of its column a cell hugs.
    package enum Alignment: Sendable, Equatable {
        case left
        /// For numbers, so digits of equal place line up.
        case right
    }

    /// One column's header and alignment.
    package struct Column: Sendable, Equatable {
        package var header: String
        package var alignment: Alignment
        /// Longer cells are cut to this many characters, ending in "…"; `--json` has the whole text.
        package var maxWidth: Int?

        package init(_ header: String, alignment: Alignment = .left, maxWidth: Int? = nil) {
            self.header = header
            self.alignment = alignment
            self.maxWidth = maxWidth
        }
    }

    package let columns: [Column]
    package private(set) var rows: [[String]] = []

    package init(columns: [Column], rows: [[String]] = []) {
        self.columns = columns
        for row in rows { append(row) }
    }

    /// Adds a row; a short row is padded with empty cells, a long one is a programming error.
    package mutating func append(_ row: [String]) {
        precondition(row.count <= columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row + Array(repeating: "", count: columns.count - row.count))
    }

    /// The table's lines: header, rule, then one per row, with no trailing spaces.
    package var lines: [String] {
        let rows = rows.map { cells in
            cells.indices.map { index in
                guard let limit = columns[index].maxWidth, cells[index].count > limit else { return cells[index] }
                return String(cells[index].prefix(limit - 1)) + "…"
            }
        }
        let widths = columns.indices.map { index in
            rows.reduce(columns[index].header.count) { max($0, $1[index].count) }
        }
        func line(_ cells: [String], alignments: [Alignment]) -> String {
            let padded = cells.indices.map { index in
                let padding = String(repeating: " ", count: widths[index] - cells[index].count)
                return alignments[index] == .right ? padding + cells[index] : cells[index] + padding
            }
            // Left-aligned last cells and empty cells would otherwise leave spaces at the end.
            var text = padded.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        let alignments = columns.map(\.alignment)
        let header = line(columns.map(\.header), alignments: alignments)
        let rule = line(widths.map { String(repeating: "-", count: $0) }, alignments: alignments)
        return [header, rule] + rows.map { line($0, alignments: alignments) }
    }

    /// The lines joined by newlines, without a final newline, ready for `print`.
    package var rendered: String {
        lines.joined(separator: "\n")
    }
}
