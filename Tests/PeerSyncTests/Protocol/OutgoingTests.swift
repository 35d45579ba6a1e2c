import EventLog
import Foundation
import PeerSync
import Testing
import TestSupport

/// What a sync sends is read from the logs while it goes: the stored lines, every origin merged in the log's order.
@Suite struct OutgoingTests {
    /// A history of three origins that see each other, with lines of very different lengths (some frames hold
    /// one line, some many), in the log's total order.
    static func history(_ count: Int, longLines: Bool = true, random: inout SeededRandom) -> [Event] {
        let origins = ["a", "b", "c"]
        var held: [String: Event] = [:]
        var events: [Event] = []
        for index in 0..<count {
            let origin = origins.randomElement(using: &random)!
            var clock = VersionVector()
            for (other, event) in held { clock[other] = event.seq }
            clock[origin] = (held[origin]?.seq ?? 0) + 1
            let size = longLines && Int.random(in: 0...9, using: &random) == 0 ? Int.random(in: 50_000...150_000, using: &random) : Int.random(in: 0...3_000, using: &random)
            let event = Event(
                origin: origin, seq: clock[origin], clock: clock, hlc: HybridTimestamp(millis: 1_730_451_600_000 + Int64(index), counter: 0),
                effective: LocalDate(year: 2024, month: 11, day: 1)!, type: "note-taken",
                data: JSONObject(uniqueMembers: [("tekst", .string(String(repeating: "é", count: size / 2)))]), prev: held[origin]?.hash
            ).sealed()
            held[origin] = event
            events.append(event)
        }
        return events
    }

    static func replica(_ tmp: TemporaryDirectory, _ name: String, holding events: ArraySlice<Event>) throws -> Replica {
        let replica = try Replica.create(at: tmp.at(name), replica: name, owner: name)
        if !events.isEmpty { try replica.write { try $0.append(Array(events)) } }
        return replica
    }

    static func logs(_ replica: Replica) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for origin in try replica.origins() {
            files[origin] = try Data(contentsOf: URL(fileURLWithPath: replica.directory + "/log/\(origin).jsonl"))
        }
        return files
    }

    /// A replica that holds a prefix of the history (any prefix of the log's order is causally closed) pulls the
    /// rest and ends with logs byte for byte those of its peer.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func aPullTakesTheRestInOrderAndEndsWithTheSameLogs(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let events = Self.history(400, random: &random)
        let tmp = TemporaryDirectory("outgoing")
        let source = try Self.replica(tmp, "source", holding: events[...])
        let held = seed == 1 ? 0 : Int.random(in: 1..<events.count / 4, using: &random)
        let target = try Self.replica(tmp, "target", holding: events[..<held])

        let report = try DirectoryTransport.sync(target, with: source.directory, direction: .pull)

        var expected: [String: Int] = [:]
        for event in events[held...] { expected[event.origin, default: 0] += 1 }
        #expect(report.received == expected)
        #expect(try Self.logs(target) == Self.logs(source))
        #expect(report.bytesReceived > 2 << 20, "several frames crossed")
    }

    /// The line at the peer's newest seq is found by counting back from the end; a log whose lines are not
    /// numbered by seq there is named, and nothing is sent.
    @Test func aLogWithALineMissingAfterThePeersHeadIsNamed() throws {
        var random = SeededRandom(seed: 7)
        let events = Self.history(60, longLines: false, random: &random)
        let tmp = TemporaryDirectory("outgoing")
        let source = try Self.replica(tmp, "source", holding: events[...])
        let target = try Self.replica(tmp, "target", holding: events[..<30])
        let theirSeq = try target.versionVector()["a"]
        let sourceSeq = try source.versionVector()["a"]
        try #require(theirSeq >= 2 && sourceSeq >= theirSeq + 2, "seed 7 leaves lines of 'a' on both sides of the peer's head")
        let path = source.directory + "/log/a.jsonl"
        var lines = try Data(contentsOf: URL(fileURLWithPath: path)).split(separator: 0x0A, omittingEmptySubsequences: false)
        lines.remove(at: Int(theirSeq) + 1)  // the line of seq theirSeq + 2
        try Data(lines.joined(separator: [0x0A])).write(to: URL(fileURLWithPath: path))
        let before = try Self.logs(target)

        #expect {
            try DirectoryTransport.sync(target, with: source.directory, direction: .pull)
        } throws: { error in
            "\(error)".contains("log/a.jsonl:\(theirSeq): holds seq \(theirSeq - 1); line n of a log must hold seq n")
        }
        #expect(try Self.logs(target) == before)
    }
}
