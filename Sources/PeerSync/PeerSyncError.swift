import EventLog

/// Every failure of a sync round, with the facts in its cases.
public enum PeerSyncError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer holds, for an origin and seq, an event different from ours: a fork or a rewritten history.
    case fork(origin: String, seq: UInt64, ours: String, theirs: String)
    /// A fork whose two events are both validly signed by the origin's key: evidence, kept in `evidence`.
    case equivocation(origin: String, seq: UInt64, hashes: [String], evidence: String)
    /// A received event whose hash does not match its content.
    case tamperedEvent(event: String, claimed: String, computed: String)
    /// A received event that is not a valid event at all.
    case badEvent(index: Int, problem: String)
    /// A received event whose causal past is neither held nor received before it.
    case missingCausalPast(event: String, needs: String)
    /// A received event whose signature is missing, invalid, or by another key than its origin's other events.
    case badSignature(event: String, problem: String)
    case frameTooLarge(bytes: Int, limit: Int)
    case malformedFrame(String)
    case wrongProtocol(String)
    case peerClosed(expected: String)
    case peerFailed(String)
    case transport(String)
    case badBundle(file: String, line: Int, problem: String)

    /// The refusal of a peer's event that differs from ours at the same origin and seq: an equivocation,
    /// whose evidence is kept first, if both are validly signed by one key; else a fork.
    static func differing(ours: Event, theirs: Event, in replica: Replica) throws -> PeerSyncError {
        guard let equivocation = Equivocation(ours, theirs) else {
            return .fork(origin: ours.origin, seq: ours.seq, ours: ours.hash, theirs: theirs.hash)
        }
        try replica.keep(equivocation)
        return .equivocation(origin: ours.origin, seq: ours.seq, hashes: equivocation.events.map(\.hash), evidence: equivocation.file)
    }

    public var description: String {
        switch self {
        case .fork(let origin, let seq, let ours, let theirs):
            "fork: the peer's \(origin):\(seq) has hash \(theirs) but ours has hash \(ours); its history of \(origin) differs from ours, so nothing was taken from it"
        case .equivocation(let origin, let seq, let hashes, let evidence):
            "equivocation: replica \(origin) signed two different events as seq \(seq) (hashes \(hashes.joined(separator: " and "))); both are kept as evidence in \(evidence), the peer's history of \(origin) was refused and nothing was taken; the programme office should revoke \(origin) (see 'koers problems')"
        case .tamperedEvent(let event, let claimed, let computed):
            "tampered event \(event): it claims hash \(claimed) but its content hashes to \(computed)"
        case .badEvent(let index, let problem): "received event #\(index) is not valid: \(problem)"
        case .missingCausalPast(let event, let needs):
            "event \(event) arrived without its causal past: it depends on \(needs), which is neither held nor received"
        case .badSignature(let event, let problem):
            "bad signature: event \(event) \(problem); nothing was taken from the peer"
        case .frameTooLarge(let bytes, let limit): "the peer sent a frame of \(bytes) bytes, over the limit of \(limit)"
        case .malformedFrame(let what): "the peer sent a malformed frame: \(what)"
        case .wrongProtocol(let what): "the peer does not speak koers sync protocol \(Hello.protocolVersion): \(what)"
        case .peerClosed(let expected): "the peer closed the connection while \(expected) was expected"
        case .peerFailed(let message): "the peer reported: \(message)"
        case .transport(let message): message
        case .badBundle(let file, let line, let problem): "\(file):\(line): \(problem)"
        }
    }
}
