import EventLog

/// One sync round between two replicas over a frame channel: the side that starts it (`run`) and the side that answers (`serve`).
///
/// The exchange, half-duplex so that no pipe can fill up while both sides write:
/// 1. starter → answerer: hello (vector, head hashes, direction);
/// 2. answerer → starter: its hello, or an error (a fork it found);
/// 3. starter → answerer: proceed, or an error (a fork it found);
/// 4. if pushing: the events the answerer lacks, then the answerer acknowledges (proceed) or refuses (error);
/// 5. if pulling: the events the starter lacks.
/// Both sides know from the vectors how many events to expect, so equal replicas exchange only
/// the hellos and one proceed. Every frame of events is verified whole and appended durably
/// before the next is read, so a round cut off keeps what arrived and the next round resumes.
public enum SyncRound {
    /// What a round did, for the report.
    public struct Report: Sendable {
        public var peer: String
        public var sent: [String: Int] = [:]
        public var received: [String: Int] = [:]
        public var vectorBefore: VersionVector
        public var vectorAfter: VersionVector
        public var bytesSent = 0
        public var bytesReceived = 0
    }

    /// Called as events arrive: (received so far, expected in all).
    public typealias Progress = (Int, Int) -> Void

    public static func run(
        _ replica: Replica, over channel: FrameChannel, direction: Hello.Direction, progress: Progress? = nil
    ) throws -> Report {
        let mine = try Hello(of: replica, direction: direction)
        try channel.send(.hello, mine.encoded)
        let theirs = try receiveHello(channel)
        var report = Report(peer: theirs.replica, vectorBefore: mine.vector, vectorAfter: mine.vector)
        let outgoing: [Event]
        do {
            outgoing = try Outgoing.events(of: replica, mine: mine.vector, theirs: theirs.vector, theirHeads: theirs.heads, myHeads: mine.heads)
        } catch {
            try? channel.send(.error, Array("\(error)".utf8))
            throw error
        }
        try channel.send(.proceed, [])
        if direction != .pull && !outgoing.isEmpty {
            do {
                for frame in Outgoing.frames(outgoing) { try channel.send(.events, frame) }
            } catch {
                // A peer that refuses a frame sends its reason and hangs up, so a later frame meets a
                // broken pipe: report the peer's reason rather than the broken pipe.
                if let frame = try? channel.receive(expecting: "the peer's reason"), frame.kind == .error {
                    throw PeerSyncError.peerFailed(String(decoding: frame.payload, as: UTF8.self))
                }
                throw error
            }
            for event in outgoing { report.sent[event.origin, default: 0] += 1 }
            try expectProceed(channel, after: "the events we sent")
        }
        if direction != .push {
            let receiver = EventReceiver(replica: replica)
            try receive(Outgoing.count(from: theirs.vector, to: mine.vector), into: receiver, over: channel, progress: progress)
            report.received = receiver.received
        }
        report.vectorAfter = try replica.versionVector()
        report.bytesSent = channel.bytesSent
        report.bytesReceived = channel.bytesReceived
        return report
    }

    public static func serve(_ replica: Replica, over channel: FrameChannel) throws -> Report {
        let theirs: Hello
        do { theirs = try receiveHello(channel) } catch {
            if case .wrongProtocol = error { try? channel.send(.error, Array("\(error)".utf8)) }
            throw error
        }
        let mine = try Hello(of: replica, direction: theirs.direction)
        var report = Report(peer: theirs.replica, vectorBefore: mine.vector, vectorAfter: mine.vector)
        let outgoing: [Event]
        do {
            outgoing = try Outgoing.events(of: replica, mine: mine.vector, theirs: theirs.vector, theirHeads: theirs.heads, myHeads: mine.heads)
        } catch {
            try? channel.send(.error, Array("\(error)".utf8))
            throw error
        }
        try channel.send(.hello, mine.encoded)
        try expectProceed(channel, after: "our hello")
        if theirs.direction != .pull {
            let expected = Outgoing.count(from: theirs.vector, to: mine.vector)
            if expected > 0 {
                let receiver = EventReceiver(replica: replica)
                do {
                    try receive(expected, into: receiver, over: channel, progress: nil)
                } catch {
                    try? channel.send(.error, Array("\(error)".utf8))
                    throw error
                }
                report.received = receiver.received
                try channel.send(.proceed, [])
            }
        }
        if theirs.direction != .push {
            for frame in Outgoing.frames(outgoing) { try channel.send(.events, frame) }
            for event in outgoing { report.sent[event.origin, default: 0] += 1 }
        }
        report.vectorAfter = try replica.versionVector()
        report.bytesSent = channel.bytesSent
        report.bytesReceived = channel.bytesReceived
        return report
    }

    private static func receiveHello(_ channel: FrameChannel) throws(PeerSyncError) -> Hello {
        let frame = try channel.receive(expecting: "a hello")
        switch frame.kind {
        case .hello: return try Hello(decoding: frame.payload)
        case .error: throw .peerFailed(String(decoding: frame.payload, as: UTF8.self))
        default: throw .wrongProtocol("the first frame is not a hello")
        }
    }

    private static func expectProceed(_ channel: FrameChannel, after what: String) throws(PeerSyncError) {
        let frame = try channel.receive(expecting: "an answer to \(what)")
        switch frame.kind {
        case .proceed: return
        case .error: throw .peerFailed(String(decoding: frame.payload, as: UTF8.self))
        default: throw .malformedFrame("expected an answer to \(what)")
        }
    }

    private static func receive(_ expected: Int, into receiver: EventReceiver, over channel: FrameChannel, progress: Progress?) throws {
        while receiver.total < expected {
            let frame = try channel.receive(expecting: "\(expected - receiver.total) more events")
            switch frame.kind {
            case .events:
                let events = try receiver.parse(frame.payload)
                guard receiver.total + events.count <= expected else {
                    throw PeerSyncError.malformedFrame("more events than the peer's vector announced")
                }
                try receiver.append(events)
                progress?(receiver.total, expected)
            case .error:
                throw PeerSyncError.peerFailed(String(decoding: frame.payload, as: UTF8.self))
            default:
                throw PeerSyncError.malformedFrame("expected events")
            }
        }
    }
}
