import EventLog

/// The events one side sends: what it holds beyond the other side's vector, read from the logs while
/// they are sent, after checking that their common history agrees.
///
/// The lines go out as they are stored, in the log's total order (so causes come first): each origin's
/// log is read from the peer's newest seq on (found from the end of the file, without reading the rest),
/// and the origins are merged by the timestamp each line states, which is all that is read of it here:
/// the receiving side reads and checks every line whole. So the first frame leaves before the last line
/// is read, and memory stays a frame or two whatever is sent.
final class Outgoing {
    /// Events sent so far, per origin.
    private(set) var sent: [String: Int] = [:]
    /// The origins with lines still to send.
    private var sources: [Source] = []
    /// A line read but not yet sent: it did not fit in the last frame.
    private var waiting: Int?

    static let frameBytes = 1 << 20

    /// One origin's log being sent, with its next line.
    private struct Source {
        let origin: String
        let file: String
        let cursor: LogCursor
        /// Our newest seq as the hello stated it: lines a writer appends during the round wait for the next one.
        let last: UInt64
        var next: (line: [UInt8], hlc: HybridTimestamp)?

        mutating func advance() throws {
            guard UInt64(cursor.lineNumber) < last, let line = try cursor.nextLine() else {
                next = nil
                return
            }
            do {
                next = (line, try line.withUnsafeBufferPointer { bytes throws(EnvelopeError) in try Event.hlc(ofLine: bytes) })
            } catch {
                throw EventLogError.badLine(file: file, line: cursor.lineNumber, error: error)
            }
        }
    }

    /// Opens the logs at what the peer lacks, after checking the common history.
    ///
    /// For every origin both hold, our event at the peer's newest seq must have the peer's head
    /// hash; otherwise the histories forked and nothing may be exchanged. If both events are
    /// validly signed by one key, the fork is an equivocation: the pair is kept as evidence.
    init(of replica: Replica, mine frontier: Hello.Frontier, theirs peer: Hello.Frontier) throws {
        let (mine, theirs, myHeads, theirHeads) = (frontier.vector, peer.vector, frontier.heads, peer.heads)
        func forked(_ origin: String, _ seq: UInt64, ours: Event?) throws -> PeerSyncError {
            if let ours, let theirsEvent = peer.headEvents[origin] {
                return try .differing(ours: ours, theirs: theirsEvent, in: replica)
            }
            return .fork(origin: origin, seq: seq, ours: ours?.hash ?? myHeads[origin] ?? "none", theirs: theirHeads[origin] ?? "none")
        }
        for (origin, mySeq) in mine.entries {
            let theirSeq = theirs[origin]
            if theirSeq == mySeq {
                if myHeads[origin] != theirHeads[origin] {
                    throw try forked(origin, mySeq, ours: frontier.headEvents[origin])
                }
                continue
            }
            guard theirSeq < mySeq else { continue }
            let file = replica.displayPath(origin: origin)
            let cursor = try replica.cursor(origin: origin, fromSeq: max(theirSeq, 1), heldSeq: mySeq)
            if theirSeq > 0 {
                // Their head must be our event at that seq; it is read here and not sent.
                guard let line = try cursor.nextLine() else {
                    throw EventLogError.lineOutOfPlace(file: file, line: Int(theirSeq), problem: "no such line, though the last event has seq \(mySeq)")
                }
                let ours: Event
                do { ours = try Event.parse(line: line) } catch { throw EventLogError.badLine(file: file, line: Int(theirSeq), error: error) }
                guard ours.seq == theirSeq else {
                    throw EventLogError.lineOutOfPlace(file: file, line: Int(theirSeq), problem: "holds seq \(ours.seq)")
                }
                if ours.hash != theirHeads[origin] {
                    throw try forked(origin, theirSeq, ours: ours)
                }
            }
            var source = Source(origin: origin, file: file, cursor: cursor, last: mySeq)
            try source.advance()
            sources.append(source)
        }
    }

    /// How many events the side holding `sender` will send to the side holding `receiver`.
    static func count(from sender: VersionVector, to receiver: VersionVector) -> Int {
        sender.entries.reduce(0) { $0 + Int($1.seq > receiver[$1.origin] ? $1.seq - receiver[$1.origin] : 0) }
    }

    /// The next frame: newline-ended event lines, at most about 1 MiB (one longer line goes alone); nil when all are out.
    func nextFrame() throws -> [UInt8]? {
        var frame: [UInt8] = []
        frame.reserveCapacity(Self.frameBytes)
        while let index = waiting.take() ?? earliest() {
            let line = sources[index].next!.line
            if !frame.isEmpty && frame.count + line.count + 1 > Self.frameBytes {
                waiting = index
                break
            }
            frame += line
            frame.append(0x0A)
            sent[sources[index].origin, default: 0] += 1
            try sources[index].advance()
        }
        return frame.isEmpty ? nil : frame
    }

    /// The source whose next line comes first in the log's order (timestamp, then origin), if any has one.
    private func earliest() -> Int? {
        var best: Int?
        for index in sources.indices {
            guard let next = sources[index].next else { continue }
            if let current = best, let bestNext = sources[current].next,
                bestNext.hlc < next.hlc || (bestNext.hlc == next.hlc && sources[current].origin.bytesPrecede(sources[index].origin))
            {
                continue
            }
            best = index
        }
        return best
    }
}
