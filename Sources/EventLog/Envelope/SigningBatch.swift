import Dispatch
import Synchronization

/// New events of one replica, sealed one after another on the authoring thread (hashing goes in order:
/// each `prev` is the hash before it) and signed on another thread as they come, 256 at a time.
///
/// Signing costs more than anything else in authoring an event, but each signature needs only its own
/// event's hash; so one thread signs beside the work that follows (checking the rules), and `finish`
/// signs what is left on the authoring thread too. One signing thread, not one per core: the authoring
/// thread is the longest path, and a second signer would take half of its core away.
/// Used from the authoring thread only; the signing thread shares nothing with it but the queue and the results.
public final class SigningBatch {
    /// The key the events are signed with, as their `sig` will name it.
    public var signerKey: String { work.signerKey }
    /// The events in order, hashed; their `sig` is filled in by `finish`.
    public private(set) var unsignedEvents: [Event] = []
    /// What the signing thread needs of the events not yet queued: only this, so that the two threads
    /// do not count references to the same events.
    private var toSign: [SigningWork.Item] = []
    private let work: SigningWork
    static let chunk = 256

    /// For `koers-bench import --unsigned` alone: the same import with the signatures left out, so that the
    /// bench can show what signing adds to an import. Nothing in `koers` sets it.
    package static let leavesOutSignaturesForBenchmark = Atomic<Bool>(false)

    init(key: Ed25519.SigningKey, count: Int) {
        work = SigningWork(key: key, count: count, signs: !Self.leavesOutSignaturesForBenchmark.load(ordering: .relaxed))
        unsignedEvents.reserveCapacity(count)
    }

    /// Signs events already sealed (for `koers-bench`, which times the signing alone).
    package static func signing(_ events: [Event.Sealed], with key: Ed25519.SigningKey) -> SigningBatch {
        let batch = SigningBatch(key: key, count: events.count)
        for event in events { batch.add(event) }
        batch.close()
        return batch
    }

    func add(_ sealed: Event.Sealed) {
        unsignedEvents.append(sealed.event)
        toSign.append(SigningWork.Item(splice: sealed.splice, origin: sealed.event.origin, seq: sealed.event.seq, hash: sealed.event.hash))
        if toSign.count == Self.chunk { submit() }
    }

    /// Called once every event is added.
    func close() { submit() }

    private func submit() {
        guard !toSign.isEmpty else { return }
        let start = unsignedEvents.count - toSign.count
        defer { toSign = [] }
        if work.queue(toSign, from: start) {
            DispatchQueue.global().async { [work] in work.signQueued() }
        }
    }

    /// Signs what is still queued here as well, then waits for the signing thread; the signed events with
    /// their stored lines, in order.
    public func finish() -> (events: [Event], lines: [[UInt8]]) {
        work.signQueued()
        work.waitForChunksInProgress()
        let signed = work.results()
        var events = unsignedEvents
        unsignedEvents = []
        for index in events.indices where !signed[index].sig.isEmpty {
            events[index].sig = signed[index].sig
        }
        return (events, signed.map(\.line))
    }
}

/// The chunks waiting to be signed, and the signed results: each event's `sig` and stored line.
private final class SigningWork: Sendable {
    /// One event to sign: its stored line is spliced from `splice`.
    struct Item: Sendable {
        let splice: Event.LineSplice
        let origin: String
        let seq: UInt64
        let hash: String
    }

    private struct State {
        var queued: [(events: [Item], start: Int)] = []
        var next = 0
        var signerRunning = false
        var signed: [(sig: String, line: [UInt8])]
    }

    private let key: Ed25519.SigningKey
    let signerKey: String
    private let signs: Bool
    private let state: Mutex<State>
    private let inProgress = DispatchGroup()

    init(key: Ed25519.SigningKey, count: Int, signs: Bool) {
        self.key = key
        signerKey = key.publicKeyHex
        self.signs = signs
        state = Mutex(State(signed: Array(repeating: ("", []), count: count)))
    }

    /// Queues a chunk; true if no thread is signing, so the caller should start one.
    func queue(_ events: [Item], from start: Int) -> Bool {
        state.withLock { state in
            state.queued.append((events, start))
            defer { state.signerRunning = true }
            return !state.signerRunning
        }
    }

    /// Signs queued chunks until none is left. The signing thread and, at the end, the authoring thread run this.
    func signQueued() {
        while let (events, start) = nextChunk() {
            let signed = sign(events)
            state.withLock { state in
                for (offset, one) in signed.enumerated() { state.signed[start + offset] = one }
            }
            inProgress.leave()
        }
    }

    /// Waits for the chunks a thread has taken and not yet stored. Not for the signing thread's task as such:
    /// where threads are scarce (tests run many things at once) it may start late, and will then find nothing left.
    func waitForChunksInProgress() { inProgress.wait() }

    /// The next chunk to sign, counted in progress (under the same lock, so `waitForChunksInProgress` cannot miss it).
    private func nextChunk() -> (events: [Item], start: Int)? {
        state.withLock { state in
            guard state.next < state.queued.count else {
                state.signerRunning = false
                return nil
            }
            inProgress.enter()
            defer {
                state.queued[state.next].events = []
                state.next += 1
            }
            return state.queued[state.next]
        }
    }

    // Each event's `sig` and stored line (the signing thread writes the line too: the authoring thread has the rules to check).
    private func sign(_ chunk: [Item]) -> [(sig: String, line: [UInt8])] {
        var signed: [(sig: String, line: [UInt8])] = []
        signed.reserveCapacity(chunk.count)
        guard signs else {
            for one in chunk { signed.append(("", one.splice.line(hash: one.hash, sig: nil))) }
            return signed
        }
        let signatures = key.sign(chunk.map { EventSignature.message(origin: $0.origin, seq: $0.seq, hash: $0.hash) })
        for (one, signature) in zip(chunk, signatures) {
            let sig = EventSignature(publicKey: signerKey, signature: hexString(signature)).text
            signed.append((sig, one.splice.line(hash: one.hash, sig: sig)))
        }
        return signed
    }

    func results() -> [(sig: String, line: [UInt8])] { state.withLock { $0.signed } }
}
