import Foundation
import Testing
import EventLog
import TestSupport

/// Reading a log from a given seq: the line is found by counting back from the end of the file.
@Suite struct LogCursorTests {
    /// Line starts found from the end agree with a count from the start, across the 1 MiB windows the search reads.
    @Test(arguments: [UInt64(1), 2, 3])
    func aLineIsFoundFromTheEndWhereACountFromTheStartFindsIt(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let tmp = TemporaryDirectory("lines")
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for _ in 0..<Int.random(in: 1_500...2_500, using: &random) {
            starts.append(bytes.count)
            let length = Bool.random(using: &random) ? Int.random(in: 0...40, using: &random) : Int.random(in: 0...3_000, using: &random)
            bytes += Array(repeating: UInt8(ascii: "x"), count: length) + [0x0A]
        }
        let lines = starts.count
        starts.append(bytes.count)  // where a next line would begin
        let torn = seed == 2 ? Array("{\"half".utf8) : []
        let path = tmp.at("log.jsonl")
        try Data(bytes + torn).write(to: URL(fileURLWithPath: path))

        var numbers = [1, 2, lines, lines + 1] + (0..<40).map { _ in Int.random(in: 1...lines, using: &random) }
        numbers += starts.indices.filter { index in starts[index] / (1 << 20) != starts[max(0, index - 1)] / (1 << 20) }.map { $0 + 1 }
        for number in numbers {
            #expect(try LogFile.startOfLine(number, of: path, completeLines: lines) == starts[number - 1], "line \(number) of \(lines)")
        }
        #expect(try LogFile.startOfLine(lines + 2, of: path, completeLines: lines) == nil)
        #expect(try LogFile.startOfLine(2, of: path, completeLines: lines + 1) == nil, "a file with fewer lines than said")
    }

    @Test func aCursorFromASeqGivesEveryLaterLineAsStored() throws {
        let fixture = try ReplicaFixture()
        let events = try fixture.append(60)
        let stored = fileBytes(fixture.directory + "/log/programmabureau.jsonl").split(separator: 0x0A).map(Array.init)
        let lines = try fixture.replica.cursor(origin: "programmabureau", fromSeq: 41, heldSeq: 60)
        var read: [([UInt8], Int)] = []
        while let line = try lines.nextLine() { read.append((line, lines.lineNumber)) }
        #expect(read.map(\.0) == Array(stored[40...]))
        #expect(read.map(\.1) == Array(41...60))

        let parsed = try fixture.replica.cursor(origin: "programmabureau", fromSeq: 59, heldSeq: 60)
        #expect(try parsed.next() == events[58])
        #expect(parsed.lineNumber == 59)
    }

    /// A cursor that stops at a line (a frontier's seq) reads no further, parsing ahead or not.
    @Test(arguments: [false, true])
    func aCursorThroughALineStopsThere(prefetching: Bool) throws {
        let fixture = try ReplicaFixture()
        let events = try fixture.append(300)
        let start = try LogFile.startOfLine(101, of: fixture.directory + "/log/programmabureau.jsonl", completeLines: 300)!
        let cursor = try fixture.replica.cursor(
            origin: "programmabureau", offset: start, firstLineNumber: 101, throughLine: 250, prefetching: prefetching)
        var read: [Event] = []
        while let event = try cursor.next() { read.append(event) }
        #expect(read == Array(events[100..<250]))
        #expect(cursor.lineNumber == 250)
        let none = try fixture.replica.cursor(origin: "programmabureau", throughLine: 0, prefetching: prefetching)
        #expect(try none.next() == nil)
    }

    /// A reader may stop before the end (a cut's instant has passed, an error): the thread parsing ahead is then
    /// stopped, and nothing it leaves behind may trap (libdispatch traps on a semaphore freed below its start).
    @Test func aPrefetchingCursorLeftHalfWayIsLetGo() throws {
        let fixture = try ReplicaFixture()
        var events: [Event] = []
        let batch = 2_048  // the size of the batches the parsing thread hands over (Prefetch.batchSize)
        for seq in 1...UInt64(batch * 3 + 10) {
            events.append(foreignEvent("programmabureau", seq, after: events.last, millis: novemberFirst + Int64(seq)))
        }
        try writeFile(fixture.directory + "/log/programmabureau.jsonl", logBytes(events))
        for taken in [0, 1, 10, batch + 1] {
            let cursor = try fixture.replica.cursor(origin: "programmabureau", prefetching: true)
            for _ in 0..<taken { _ = try cursor.next() }
            Thread.sleep(forTimeInterval: 0.05)  // lets the parsing thread fill its queue and wait for room
        }
    }

    @Test func aLogWithFewerLinesThanItsHeadSaysIsNamed() throws {
        let fixture = try ReplicaFixture()
        try fixture.append(5)
        #expect(throws: EventLogError.lineOutOfPlace(
            file: fixture.ownLog, line: 3, problem: "no such line, though the last event has seq 9")) {
            try fixture.replica.cursor(origin: "programmabureau", fromSeq: 3, heldSeq: 9)
        }
    }
}
