import EventLog
import Foundation
import PeerSync
import Testing
import TestSupport

/// The receiver's one-key rule: all of an origin's events are signed by one key, after any unsigned ones
/// from before signing, within a batch as across batches.
@Suite struct EventReceiverTests {
    static let keyA = Ed25519.SigningKey(seed: Array(repeating: 1, count: 32))
    static let keyB = Ed25519.SigningKey(seed: Array(repeating: 2, count: 32))

    /// Events 1…n of origin `x`, each signed by the key its place gives (nil: unsigned).
    static func chain(_ keys: [Ed25519.SigningKey?]) -> [Event] {
        var events: [Event] = []
        for (index, key) in keys.enumerated() {
            let seq = UInt64(index + 1)
            var event = Event(
                origin: "x", seq: seq, clock: VersionVector(["x": seq]), hlc: HybridTimestamp(millis: 1_730_451_600_000 + Int64(index), counter: 0),
                effective: LocalDate(year: 2024, month: 11, day: 1)!, type: "note-taken",
                data: JSONObject(uniqueMembers: [("n", .integer(Int64(seq)))]), prev: events.last?.hash
            ).sealed()
            event.sig = key?.eventSignature(origin: "x", seq: seq, hash: event.hash)
            events.append(event)
        }
        return events
    }

    static func held(_ replica: Replica) throws -> Int { Int(try replica.versionVector()["x"]) }

    @Test func unsignedEventsThenSignedOnesArriveInOneBatchOrInTwo() throws {
        let tmp = TemporaryDirectory("receiver")
        let events = Self.chain([nil, nil, Self.keyA, Self.keyA, Self.keyA])
        let whole = EventReceiver(replica: try Replica.create(at: tmp.at("whole"), replica: "whole", owner: "whole"))
        try whole.append(events)
        #expect(try Self.held(whole.replica) == 5)
        let split = EventReceiver(replica: try Replica.create(at: tmp.at("split"), replica: "split", owner: "split"))
        try split.append(Array(events[..<3]))
        try split.append(Array(events[3...]))
        #expect(try Self.held(split.replica) == 5)
    }

    /// (the keys of events 1…n, where the batch is cut, the event refused, its problem)
    static let refused: [([Ed25519.SigningKey?], Int, UInt64, String)] = [
        ([keyA, keyA, keyB], 3, 3, "is signed by key \(keyB.publicKeyHex), but the earlier events of x by key \(keyA.publicKeyHex)"),
        ([keyA, keyA, keyB], 2, 3, "is signed by key \(keyB.publicKeyHex), but the earlier events of x by key \(keyA.publicKeyHex)"),
        ([nil, keyA, keyB], 3, 3, "is signed by key \(keyB.publicKeyHex), but the earlier events of x by key \(keyA.publicKeyHex)"),
        ([keyA, keyA, nil], 3, 3, "is not signed, but the earlier events of x are"),
        ([nil, keyA, nil, keyA], 4, 3, "is not signed, but the earlier events of x are"),
        ([keyA, nil], 1, 2, "is not signed, but the earlier events of x are"),
    ]

    /// The first `cut` events are taken in one batch, the rest in the next; that next batch is refused whole.
    @Test(arguments: refused.indices)
    func anEventSignedOtherwiseThanTheEarlierOnesOfItsOriginIsRefused(_ index: Int) throws {
        let (keys, cut, seq, problem) = Self.refused[index]
        let events = Self.chain(keys)
        let tmp = TemporaryDirectory("receiver")
        let receiver = EventReceiver(replica: try Replica.create(at: tmp.at("r"), replica: "r", owner: "r"))
        if cut < events.count {
            try receiver.append(Array(events[..<cut]))
        }
        let rest = cut < events.count ? Array(events[cut...]) : events
        let before = try Self.held(receiver.replica)
        #expect(throws: PeerSyncError.badSignature(event: "x:\(seq)", problem: problem)) {
            try receiver.append(rest)
        }
        #expect(try Self.held(receiver.replica) == before, "nothing of the refused batch is kept")
    }
}
