import EventLog

/// The events one side sends: what it holds beyond the other side's vector, after checking that their common history agrees.
enum Outgoing {
    /// Events with `theirs[o] < seq ≤ mine[o]`, in the log's total order (so causes come first).
    ///
    /// For every origin both hold, our event at the peer's newest seq must have the peer's head
    /// hash; otherwise the histories forked and nothing may be exchanged. If both events are
    /// validly signed by one key, the fork is an equivocation: the pair is kept as evidence.
    static func events(of replica: Replica, mine frontier: Hello.Frontier, theirs peer: Hello.Frontier) throws -> [Event] {
        let (mine, theirs, myHeads, theirHeads) = (frontier.vector, peer.vector, frontier.heads, peer.heads)
        func forked(_ origin: String, _ seq: UInt64, ours: Event?) throws -> PeerSyncError {
            if let ours, let theirsEvent = peer.headEvents[origin] {
                return try .differing(ours: ours, theirs: theirsEvent, in: replica)
            }
            return .fork(origin: origin, seq: seq, ours: ours?.hash ?? myHeads[origin] ?? "none", theirs: theirHeads[origin] ?? "none")
        }
        var events: [Event] = []
        for (origin, mySeq) in mine.entries {
            let theirSeq = theirs[origin]
            if theirSeq == 0 { 
                try replica.forEachEvent(origin: origin) { event, _ in if event.seq <= mySeq { events.append(event) } }
                continue
            }
            if theirSeq == mySeq {
                if myHeads[origin] != theirHeads[origin] {
                    throw try forked(origin, mySeq, ours: frontier.headEvents[origin])
                }
                continue
            }
            guard theirSeq < mySeq else { continue }
            try replica.forEachEvent(origin: origin, fromSeq: theirSeq) { event, _ in
                if event.seq == theirSeq, event.hash != theirHeads[origin] {
                    throw try forked(origin, theirSeq, ours: event)
                }
                if event.seq > theirSeq && event.seq <= mySeq { events.append(event) }
            }
        }
        events.sort(by: Event.precedesInLogOrder)
        return events
    }

    /// How many events the side holding `sender` will send to the side holding `receiver`.
    static func count(from sender: VersionVector, to receiver: VersionVector) -> Int {
        sender.entries.reduce(0) { $0 + Int($1.seq > receiver[$1.origin] ? $1.seq - receiver[$1.origin] : 0) }
    }

    /// Frames of at most about 1 MiB of event lines.
    static func frames(_ events: [Event]) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var current: [UInt8] = []
        for event in events {
            let line = event.line
            if !current.isEmpty && current.count + line.count + 1 > 1 << 20 {
                frames.append(current)
                current = []
            }
            current += line
            current.append(0x0A)
        }
        if !current.isEmpty { frames.append(current) }
        return frames
    }
}
