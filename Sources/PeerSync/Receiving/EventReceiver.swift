#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EventLog

/// Takes in events from a peer or a bundle: verifies each one completely before anything is appended, then appends them durably.
///
/// Checks per event: it parses, its hash matches its content, it continues its origin's chain
/// (a different `prev` is a fork), and its causal past is held or arrived before it; the log's
/// writer then checks `seq`, clock and timestamp order once more while appending.
///
/// Signatures: all events of an origin are signed by one key (an origin may begin with unsigned
/// events written before events were signed, never end with them), and the newest event of each
/// origin in a batch must carry a valid signature. Being hash-chained to it, the events before it
/// are vouched for by that one signature, so a batch costs one verification per origin.
public final class EventReceiver {
    public let replica: Replica
    /// Events appended so far, per origin.
    public private(set) var received: [String: Int] = [:]
    /// How many events this receiver was given so far (the number of the last one, in messages).
    private var index = 0

    public init(replica: Replica) {
        self.replica = replica
    }

    public var total: Int { received.values.reduce(0, +) }

    /// Parses and checks the hash of newline-separated event lines; with each event the line to store
    /// (the line as it came when it is already in the stored form, which it is unless hand-edited).
    /// `ranges` are where the lines lie (`lineRanges`); `before` is how many events came before these, for
    /// numbering them in messages.
    static func parse(
        _ payload: [UInt8], lines ranges: [Range<Int>], after before: Int
    ) throws(PeerSyncError) -> (events: [Event], lines: [[UInt8]]) {
        var events: [Event] = []
        var lines: [[UInt8]] = []
        events.reserveCapacity(ranges.count)
        lines.reserveCapacity(ranges.count)
        var index = before
        for range in ranges {
            let line = payload[range]
            index += 1
            let read: Event.Hashed
            do { read = try Self.read(line) } catch let error as EnvelopeError {
                throw .badEvent(index: index, problem: error.description)
            } catch {
                throw error as! PeerSyncError
            }
            events.append(read.event)
            lines.append(read.lineIsCanonical ? Array(line) : read.event.line)
        }
        return (events, lines)
    }

    /// Where each non-empty line of newline-separated bytes lies. (Found with memchr: `Array.split`, going
    /// byte by byte through a closure, took a fifth of the time of parsing the lines.)
    static func lineRanges(_ payload: [UInt8]) -> [Range<Int>] {
        payload.withUnsafeBufferPointer { bytes in
            var ranges: [Range<Int>] = []
            var start = 0
            while start < bytes.count {
                let end = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start).map {
                    bytes.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                } ?? bytes.count
                if end > start { ranges.append(start..<end) }
                start = end + 1
            }
            return ranges
        }
    }

    /// One line read and its hash checked: an `EnvelopeError` if it is not an event, `PeerSyncError.tamperedEvent` if its hash is wrong.
    package static func read(_ line: ArraySlice<UInt8>) throws -> Event.Hashed {
        let read = try line.withUnsafeBufferPointer { bytes throws(EnvelopeError) in try Event.parseHashing(line: bytes) }
        guard read.computedHash == read.event.hash else {
            throw PeerSyncError.tamperedEvent(event: "\(read.event.origin):\(read.event.seq)", claimed: read.event.hash, computed: read.computedHash)
        }
        return read
    }

    /// Appends verified events (in an order that respects causality) in one durable batch, or none of them;
    /// `lines` are their stored lines when the caller has them.
    public func append(_ events: [Event], lines: [[UInt8]]? = nil) throws {
        guard !events.isEmpty else { return }
        index += events.count
        try replica.write { writer in
            var heads = writer.heads
            /// Per origin, the key that signed its newest event so far (nil: unsigned), worked out once per batch.
            var keys: [String: String?] = [:]
            // By index, not `for event in events`, which would copy every event (a retain per member) in the hot loop.
            for index in events.indices {
                let event = events[index]
                let head = heads[event.origin]
                if event.seq > (head?.seq ?? 0) + 1 {
                    throw PeerSyncError.missingCausalPast(event: "\(event.origin):\(event.seq)", needs: "\(event.origin):\(event.seq - 1)")
                }
                if event.seq == (head?.seq ?? 0) + 1, event.prev != head?.hash {
                    throw PeerSyncError.fork(
                        origin: event.origin, seq: event.seq - 1, ours: head?.hash ?? "none", theirs: event.prev ?? "none")
                }
                for entry in event.clock.entries where entry.origin != event.origin && entry.seq > heads[entry.origin]?.seq ?? 0 {
                    throw PeerSyncError.missingCausalPast(event: "\(event.origin):\(event.seq)", needs: "\(entry.origin):\(entry.seq)")
                }
                let earlierKey = keys[event.origin] ?? head?.signerKey
                if let problem = event.keyProblem(after: earlierKey) {
                    throw PeerSyncError.badSignature(event: "\(event.origin):\(event.seq)", problem: problem)
                }
                let key: String? = earlierKey ?? event.signerKey  // an event that passed is signed by the earlier key, if any
                keys[event.origin] = .some(key)
                heads[event.origin] = Replica.Head(event)
            }
            try Self.verifyNewest(of: events)
            do {
                try writer.append(events, lines: lines)
            } catch let error as EventLogError {
                if case .doesNotFollow(let origin, let seq, let problem) = error {
                    throw PeerSyncError.badEvent(index: index, problem: "\(origin):\(seq) \(problem)")
                }
                throw error
            }
        }
        for index in events.indices { received[events[index].origin, default: 0] += 1 }
    }

    /// Verifies the signature of the newest event of each origin among `events` (in seq order per origin).
    static func verifyNewest(of events: [Event]) throws(PeerSyncError) {
        var newest: [String: Int] = [:]
        for index in events.indices { newest[events[index].origin] = index }
        for event in newest.values.map({ events[$0] }).sorted(by: { $0.origin < $1.origin }) where event.sig != nil && !event.hasValidSignature {
            throw .badSignature(
                event: "\(event.origin):\(event.seq)",
                problem: "carries a signature that is not valid for its origin, seq and hash under the key it names (\(event.signerKey ?? "?"))")
        }
    }
}
