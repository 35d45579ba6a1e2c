import Testing

import KoersCommand

@Suite struct TextTableTests {
    @Test func alignsLeftAndRightColumnsHeadersIncluded() {
        let table = TextTable(
            columns: [.init("project"), .init("budget", alignment: .right), .init("owner")],
            rows: [
                ["Dijkverzwaring", "6,275,938.00", "Anna"],
                ["Brug", "0.05", "Bob"],
            ])
        #expect(
            table.rendered == """
                project               budget  owner
                --------------  ------------  -----
                Dijkverzwaring  6,275,938.00  Anna
                Brug                    0.05  Bob
                """)
    }

    @Test func countsCharactersNotBytes() {
        // "é" written as e + combining acute is still one Character wide.
        let table = TextTable(columns: [.init("naam"), .init("n", alignment: .right)], rows: [["café", "1"], ["cafe\u{301}s", "22"]])
        #expect(
            table.lines == [
                "naam    n",
                "-----  --",
                "café    1",
                "cafe\u{301}s  22",
            ])
    }

    @Test func noTrailingSpacesFromShortOrEmptyCells() {
        var table = TextTable(columns: [.init("a"), .init("bbbb"), .init("c")])
        table.append(["x"])
        table.append(["yyy", "", ""])
        table.append(["z", "w", "longer"])
        #expect(
            table.lines == [
                "a    bbbb  c",
                "---  ----  ------",
                "x",
                "yyy",
                "z    w     longer",
            ])
        #expect(table.lines.allSatisfy { $0.last != " " })
    }

    @Test func headerWiderThanCellsSetsTheWidth() {
        let table = TextTable(columns: [.init("amount", alignment: .right), .init("id")], rows: [["1", "e1"]])
        #expect(table.rendered == "amount  id\n------  --\n     1  e1")
    }

    @Test func emptyTableHasHeaderAndRule() {
        let table = TextTable(columns: [.init("id"), .init("when")])
        #expect(table.lines == ["id  when", "--  ----"])
    }

    @Test func isDeterministic() {
        let rows = (0..<50).map { ["row \($0)", String($0 * 37 % 1000)] }
        let make = { TextTable(columns: [.init("r"), .init("v", alignment: .right)], rows: rows).rendered }
        #expect(make() == make())
    }
}
