import Dispatch
import EventLog
import Synchronization

/// One sync round between two replicas over a frame channel: the side that starts it (`run`) and the side that answers (`serve`).
///
/// The exchange, half-duplex so that no pipe can fill up while both sides write:
/// 1. starter → answerer: its short hello: protocol, version, replica, direction and the digest of
///    its frontier (see `Hello.Frontier.digest`), but not the frontier;
/// 2. answerer → starter: if the digests are equal, its own short hello, and the round ends on both
///    sides; otherwise its full hello (the digest and the frontier itself: vector and head hashes),
///    or an error (a wrong protocol);
/// 3. starter → answerer: its full hello, or an error (a fork it found against the answerer's frontier);
/// 4. answerer → starter: proceed, or an error (a fork it found against the starter's frontier);
/// 5. if pushing: the events the answerer lacks, then the answerer acknowledges (proceed) or refuses (error);
/// 6. if pulling: the events the starter lacks.
/// Replicas that are already equal thus exchange two short hellos, some 300 bytes whatever the
/// number of origins; the frontiers, some 95 bytes per origin each, cross only when they differ.
/// Both sides know from the vectors how many events to expect. Every frame of events is verified
/// whole and appended durably before the next is read, so a round cut off keeps what arrived and
/// the next round resumes.
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
    /// Called with each batch of received events once it is appended durably, with their stored lines.
    public typealias Appended = (_ events: [Event], _ lines: [[UInt8]]) -> Void

    public static func run(
        _ replica: Replica, over channel: FrameChannel, direction: Hello.Direction, progress: Progress? = nil,
        appended: Appended? = nil
    ) throws -> Report {
        let frontier = try Hello.Frontier(of: replica)
        let mine = Hello(replica: replica.identity.replica, frontier: frontier, direction: direction)
        try channel.send(.hello, mine.short.encoded)
        let answer = try receiveHello(channel)
        var report = Report(peer: answer.replica, vectorBefore: frontier.vector, vectorAfter: frontier.vector)
        guard let theirs = answer.frontier else {
            // A short answer says the peer holds what we hold: the round is over.
            guard answer.digest == mine.digest else {
                throw PeerSyncError.malformedFrame("the peer's hello states another digest than ours but not its vector and heads")
            }
            return finished(report, channel)
        }
        let outgoing: Outgoing
        do {
            outgoing = try Outgoing(of: replica, mine: frontier, theirs: theirs)
        } catch {
            refuse(channel, error, replica)
            throw error
        }
        try channel.send(.hello, mine.encoded)
        try expectProceed(channel, after: "our hello", replica: replica)
        if direction != .pull && Outgoing.count(from: frontier.vector, to: theirs.vector) > 0 {
            try send(outgoing, over: channel, replica: replica)
            report.sent = outgoing.sent
            try expectProceed(channel, after: "the events we sent")
        }
        if direction != .push {
            let receiver = EventReceiver(replica: replica)
            try receive(
                Outgoing.count(from: theirs.vector, to: frontier.vector), into: receiver, over: channel, progress: progress,
                appended: appended)
            report.received = receiver.received
        }
        report.vectorAfter = try replica.versionVector()
        return finished(report, channel)
    }

    public static func serve(_ replica: Replica, over channel: FrameChannel) throws -> Report {
        let first: Hello
        do throws(PeerSyncError) {
            first = try receiveHello(channel)
            guard first.frontier == nil else { throw .wrongProtocol("the first hello carries a vector and heads; it must state only their digest") }
        } catch {
            if case .wrongProtocol = error { try? channel.send(.error, Array("\(error)".utf8)) }
            throw error
        }
        let frontier = try Hello.Frontier(of: replica)
        let mine = Hello(replica: replica.identity.replica, frontier: frontier, direction: first.direction)
        var report = Report(peer: first.replica, vectorBefore: frontier.vector, vectorAfter: frontier.vector)
        if first.digest == mine.digest {
            try channel.send(.hello, mine.short.encoded)
            return finished(report, channel)
        }
        try channel.send(.hello, mine.encoded)
        let frame = try receiveKeepingEvidence(channel, expecting: "the peer's full hello", replica: replica)
        if frame.kind == .error { throw PeerSyncError.peerFailed(String(decoding: frame.payload, as: UTF8.self)) }
        let theirs: Hello.Frontier
        let outgoing: Outgoing
        do {
            guard frame.kind == .hello else { throw PeerSyncError.malformedFrame("expected the peer's full hello") }
            let second = try Hello(decoding: frame.payload)
            guard let full = second.frontier else {
                throw PeerSyncError.malformedFrame("the peer's second hello carries no vector and heads")
            }
            guard second.replica == first.replica, second.direction == first.direction else {
                throw PeerSyncError.malformedFrame("the peer's second hello names another replica or direction than its first")
            }
            theirs = full
            outgoing = try Outgoing(of: replica, mine: frontier, theirs: theirs)
        } catch {
            refuse(channel, error, replica)
            throw error
        }
        try channel.send(.proceed, [])
        if first.direction != .pull {
            let expected = Outgoing.count(from: theirs.vector, to: frontier.vector)
            if expected > 0 {
                let receiver = EventReceiver(replica: replica)
                do {
                    try receive(expected, into: receiver, over: channel, progress: nil, appended: nil)
                } catch {
                    try? channel.send(.error, Array("\(error)".utf8))
                    throw error
                }
                report.received = receiver.received
                try channel.send(.proceed, [])
            }
        }
        if first.direction != .push {
            try send(outgoing, over: channel, replica: replica)
            report.sent = outgoing.sent
        }
        report.vectorAfter = try replica.versionVector()
        return finished(report, channel)
    }

    /// Sends the outgoing events frame by frame as they are read. If our log cannot be read, the peer is
    /// told why; a peer that refuses a frame sends its reason and hangs up, so a later frame meets a
    /// broken pipe: then the peer's reason is reported rather than the broken pipe.
    private static func send(_ outgoing: Outgoing, over channel: FrameChannel, replica: Replica) throws {
        while true {
            let frame: [UInt8]
            do {
                guard let next = try outgoing.nextFrame() else { return }
                frame = next
            } catch {
                refuse(channel, error, replica)
                throw error
            }
            do {
                try channel.send(.events, frame)
            } catch {
                if let answer = try? channel.receive(expecting: "the peer's reason"), answer.kind == .error {
                    throw PeerSyncError.peerFailed(String(decoding: answer.payload, as: UTF8.self))
                }
                throw error
            }
        }
    }

    /// The report with the bytes the channel carried.
    private static func finished(_ report: Report, _ channel: FrameChannel) -> Report {
        var report = report
        report.bytesSent = channel.bytesSent
        report.bytesReceived = channel.bytesReceived
        return report
    }

    /// The first hello of either side, short or full.
    private static func receiveHello(_ channel: FrameChannel) throws(PeerSyncError) -> Hello {
        let frame = try channel.receive(expecting: "a hello")
        switch frame.kind {
        case .hello: return try Hello(decoding: frame.payload)
        case .error: throw .peerFailed(String(decoding: frame.payload, as: UTF8.self))
        default: throw .wrongProtocol("the first frame is not a hello")
        }
    }

    /// Tells the peer why the round stops; an equivocation's evidence goes first, so that the peer keeps it too.
    private static func refuse(_ channel: FrameChannel, _ error: any Error, _ replica: Replica) {
        if case .equivocation(_, _, _, let file)? = error as? PeerSyncError,
            let kept = try? FileIO.readAll(replica.directory + "/" + file)
        {
            try? channel.send(.evidence, kept)
        }
        try? channel.send(.error, Array("\(error)".utf8))
    }

    /// Receives a frame; evidence of equivocation that the peer sends before its reason is checked and kept.
    private static func receiveKeepingEvidence(_ channel: FrameChannel, expecting: String, replica: Replica) throws -> (kind: FrameChannel.Kind, payload: [UInt8]) {
        while true {
            let frame = try channel.receive(expecting: expecting)
            guard frame.kind == .evidence else { return frame }
            if let equivocation = Equivocation(evidence: frame.payload) {
                try replica.keep(equivocation)
            }
        }
    }

    private static func expectProceed(_ channel: FrameChannel, after what: String, replica: Replica? = nil) throws {
        let frame = try replica.map { try receiveKeepingEvidence(channel, expecting: "an answer to \(what)", replica: $0) }
            ?? channel.receive(expecting: "an answer to \(what)")
        switch frame.kind {
        case .proceed: return
        case .error: throw PeerSyncError.peerFailed(String(decoding: frame.payload, as: UTF8.self))
        default: throw PeerSyncError.malformedFrame("expected an answer to \(what)")
        }
    }

    /// Receives the expected events frame by frame. Each frame is parsed and hash-checked on a thread of its
    /// own while this one appends the frame before it, so checking and writing overlap; every frame is still
    /// verified whole before it is appended, and appended before the next one is.
    private static func receive(
        _ expected: Int, into receiver: EventReceiver, over channel: FrameChannel, progress: Progress?, appended: Appended?
    ) throws {
        var announced = 0
        var parsing: FrameParse?
        func appendParsed() throws {
            guard let frame = parsing else { return }
            parsing = nil
            let (events, lines) = try frame.parsed()
            try receiver.append(events, lines: lines)
            appended?(events, lines)
            progress?(receiver.total, expected)
        }
        while announced < expected {
            let frame: (kind: FrameChannel.Kind, payload: [UInt8])
            do {
                frame = try channel.receive(expecting: "\(expected - announced) more events")
            } catch {
                try appendParsed()  // a round cut off keeps what arrived whole
                throw error
            }
            switch frame.kind {
            case .events:
                let next = FrameParse(frame.payload, after: announced)
                announced += next.count
                guard announced <= expected else {
                    throw PeerSyncError.malformedFrame("more events than the peer's vector announced")
                }
                try appendParsed()
                parsing = next
            case .error:
                try appendParsed()
                throw PeerSyncError.peerFailed(String(decoding: frame.payload, as: UTF8.self))
            default:
                try appendParsed()
                throw PeerSyncError.malformedFrame("expected events")
            }
        }
        try appendParsed()
    }

    /// One frame's events parsed and hash-checked on a thread of its own (not the shared pool, which may be busy).
    /// (Parsing each half of a frame on a thread of its own was tried too, and measured no faster.)
    final class FrameParse: Sendable {
        /// How many event lines the frame holds.
        let count: Int
        private let result = Mutex<Result<(events: [Event], lines: [[UInt8]]), PeerSyncError>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        init(_ payload: [UInt8], after before: Int) {
            let lines = EventReceiver.lineRanges(payload)
            count = lines.count
            DetachedThread.start { [self] in
                let parsed = Result { () throws(PeerSyncError) in try EventReceiver.parse(payload, lines: lines, after: before) }
                result.withLock { $0 = parsed }
                done.signal()
            }
        }

        func parsed() throws(PeerSyncError) -> (events: [Event], lines: [[UInt8]]) {
            done.wait()
            return try result.withLock { $0! }.get()
        }
    }
}
