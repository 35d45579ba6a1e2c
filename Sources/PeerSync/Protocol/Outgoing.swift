import EventLog

/// The events one side sends: what it holds beyond the other side's vector, read from the logs while
/// they are sent, after checking that their common history agrees.
///
/// The lines go out as they are stored, in the log's total order (so causes come first): each origin's
/// log is read from the peer's newest seq on (found from the end of the file, without reading the
/// rest) and parsed ahead on a thread of its own, and the origins are merged. So the first frame
/// leaves before the last event is read, and memory stays a few frames whatever is sent.
final class Outgoing {
    /// Events sent so far, per origin.
    private(set) var sent: [String: Int] = [:]
    private let merger: LogMerger
    /// Our newest seq per origin as the hello stated it: events a writer appends during the round wait for the next one.
    private let newest: VersionVector
    /// An event read but not yet sent: it did not fit in the last frame.
    private var waiting: LogMerger.Located?

    static let frameBytes = 1 << 20

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
        var cursors: [LogCursor] = []
        for (origin, mySeq) in mine.entries {
            let theirSeq = theirs[origin]
            if theirSeq == mySeq {
                if myHeads[origin] != theirHeads[origin] {
                    throw try forked(origin, mySeq, ours: frontier.headEvents[origin])
                }
                continue
            }
            guard theirSeq < mySeq else { continue }
            let cursor = try replica.cursor(
                origin: origin, fromSeq: max(theirSeq, 1), heldSeq: mySeq, prefetching: true, keepingLines: true)
            if theirSeq > 0 {
                // Their head must be our event at that seq; it is read here and not sent.
                let ours = try cursor.next()
                guard let ours, ours.seq == theirSeq else {
                    throw EventLogError.lineOutOfPlace(
                        file: replica.displayPath(origin: origin), line: Int(theirSeq),
                        problem: ours.map { "holds seq \($0.seq)" } ?? "no such line, though the last event has seq \(mySeq)")
                }
                if ours.hash != theirHeads[origin] {
                    throw try forked(origin, theirSeq, ours: ours)
                }
            }
            cursors.append(cursor)
        }
        merger = try LogMerger(cursors)
        newest = mine
    }

    /// How many events the side holding `sender` will send to the side holding `receiver`.
    static func count(from sender: VersionVector, to receiver: VersionVector) -> Int {
        sender.entries.reduce(0) { $0 + Int($1.seq > receiver[$1.origin] ? $1.seq - receiver[$1.origin] : 0) }
    }

    /// The next frame: newline-ended event lines, at most about 1 MiB (one longer line goes alone); nil when all are out.
    func nextFrame() throws -> [UInt8]? {
        var frame: [UInt8] = []
        frame.reserveCapacity(Self.frameBytes)
        while let located = try waiting.take() ?? merger.next() {
            let event = located.event
            guard event.seq <= newest[event.origin] else { continue }
            if !frame.isEmpty && frame.count + located.line.count + 1 > Self.frameBytes {
                waiting = located
                break
            }
            frame += located.line
            frame.append(0x0A)
            sent[event.origin, default: 0] += 1
        }
        return frame.isEmpty ? nil : frame
    }
}
