import Dispatch
import Synchronization

/// New events of one replica, hashed in order on another thread (each `prev` is the hash before it) and
/// signed on a third as they come, 256 at a time, while the authoring thread goes on (to check the rules).
///
/// Most of hashing an event does not wait for the event before it: its canonical bytes, and the SHA-256
/// blocks of all that precedes `prev`, are made for the whole batch at once on every core. Only the rest
/// of each hash goes in order (see `Event.ChainParts`). Signing costs more than anything else in authoring
/// an event, but each signature needs only its own event's hash; `finish` signs what is left on the
/// authoring thread too. One signing thread, not one per core: the authoring thread is the longest path,
/// and a second signer would take half of its core away.
/// Used from the authoring thread only; the other threads share nothing with it but the queue and the results.
public final class SigningBatch {
    /// The key the events are signed with, as their `sig` will name it.
    public var signerKey: String { work.signerKey }
    /// The events in order without their `hash`, `prev` and `sig`, which are being made meanwhile: what the
    /// rules read (they read none of those three); `finish` gives the events whole.
    public private(set) var unhashedEvents: [Event]
    /// The hash before the first event's (its `prev`).
    private let previous: String?
    private let chain: HashChain
    private let work: SigningWork
    static let chunk = 256

    /// For `koers-bench import --unsigned` alone: the same import with the signatures left out, so that the
    /// bench can show what signing adds to an import. Nothing in `koers` sets it.
    package static let leavesOutSignaturesForBenchmark = Atomic<Bool>(false)

    /// Starts hashing and signing `events` (of one origin, in order, their `prev`, `hash` and `sig` not read),
    /// the first following the event whose hash is `previous`. A batch of one chunk or less is hashed here and now.
    init(key: Ed25519.SigningKey, events: [Event], after previous: String?) {
        work = SigningWork(key: key, count: events.count, signs: !Self.leavesOutSignaturesForBenchmark.load(ordering: .relaxed))
        unhashedEvents = events
        self.previous = previous
        let origin = events.first?.origin ?? ""
        let firstSeq = events.first?.seq ?? 1
        guard events.count > Self.chunk else {
            chain = HashChain(parts: events.map { $0.chainParts() }, origin: origin, firstSeq: firstSeq, previous: previous)
            chain.claimAndRun(queueingInto: work)
            return
        }
        // Both cores, a half each (the order is kept).
        let half = (events.count + 1) / 2
        let halves = Mutex<[[Event.ChainParts]]>([[], []])
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let parts = events[part == 0 ? 0..<half : half..<events.count].map { $0.chainParts() }
            halves.withLock { $0[part] = parts }
        }
        let parts = halves.withLock { $0[0] + $0[1] }
        chain = HashChain(parts: parts, origin: origin, firstSeq: firstSeq, previous: previous)
        DispatchQueue.global().async { [chain, work] in chain.claimAndRun(queueingInto: work) }
    }

    /// Signs events already sealed (for `koers-bench`, which times the signing alone).
    package init(signing sealed: [Event.Sealed], with key: Ed25519.SigningKey) {
        work = SigningWork(key: key, count: sealed.count, signs: true)
        unhashedEvents = sealed.map(\.event)
        previous = sealed.first?.event.prev
        chain = HashChain(sealed: sealed, queueingInto: work)
    }

    /// Finishes the hashes here if no thread has started them, signs what is still queued here as well, then
    /// waits for the signing thread; the signed events with their stored lines, in order.
    public func finish() -> (events: [Event], lines: [[UInt8]]) {
        let hashes = chain.claimAndRun(queueingInto: work)
        work.signQueued()
        work.waitForChunksInProgress()
        let signed = work.results()
        var events = unhashedEvents
        unhashedEvents = []  // so that filling in the events below does not copy them all
        var previous = self.previous
        for index in events.indices {
            events[index].prev = previous
            events[index].hash = hashes[index]
            previous = hashes[index]
            if !signed[index].sig.isEmpty { events[index].sig = signed[index].sig }
        }
        return (events, signed.map(\.line))
    }
}

/// A batch's hashes, made in order by whichever thread claims the work first; the others wait for it.
private final class HashChain: Sendable {
    private struct State {
        var parts: [Event.ChainParts]
        var claimed = false
        var hashes: [String] = []
    }

    private let state: Mutex<State>
    private let origin: String
    private let firstSeq: UInt64
    private let previous: String?
    private let done = DispatchGroup()

    init(parts: [Event.ChainParts], origin: String, firstSeq: UInt64, previous: String?) {
        state = Mutex(State(parts: parts))
        self.origin = origin
        self.firstSeq = firstSeq
        self.previous = previous
        done.enter()
    }

    /// Events hashed already: queues them for signing, and the chain is done.
    init(sealed: [Event.Sealed], queueingInto work: SigningWork) {
        state = Mutex(State(parts: [], claimed: true, hashes: sealed.map(\.event.hash)))
        origin = ""
        firstSeq = 0
        previous = nil
        var items: [SigningWork.Item] = []
        for (index, one) in sealed.enumerated() {
            items.append(SigningWork.Item(splice: one.splice, origin: one.event.origin, seq: one.event.seq, hash: one.event.hash))
            if items.count == SigningBatch.chunk || index == sealed.count - 1 {
                work.queue(items, from: index + 1 - items.count)
                items = []
            }
        }
    }

    /// Makes the hashes if no thread has claimed them yet, queueing each chunk for signing as it is hashed;
    /// else waits for the thread that did. The hashes, in order.
    @discardableResult
    func claimAndRun(queueingInto work: SigningWork) -> [String] {
        var claimed: [Event.ChainParts]? = state.withLock { state in
            guard !state.claimed else { return nil }
            state.claimed = true
            defer { state.parts = [] }
            return state.parts
        }
        // Taken out of the optional, so that this array is the only one that holds the parts.
        guard var parts = claimed.take() else {
            done.wait()
            return state.withLock { $0.hashes }
        }
        var hashes: [String] = []
        hashes.reserveCapacity(parts.count)
        var items: [SigningWork.Item] = []
        var previous = self.previous
        // Each part is taken out of the array, so that its bytes become the event's hashed bytes without a copy.
        parts.reverse()
        let count = parts.count
        for index in 0..<count {
            let (hash, splice) = parts.removeLast().sealed(after: previous)
            hashes.append(hash)
            previous = hash
            items.append(SigningWork.Item(splice: splice, origin: origin, seq: firstSeq + UInt64(index), hash: hash))
            if items.count == SigningBatch.chunk || index == count - 1 {
                work.queue(items, from: index + 1 - items.count)
                items = []
            }
        }
        state.withLock { $0.hashes = hashes }
        done.leave()
        return hashes
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

    /// Queues a chunk, and starts a signing thread if none is running.
    func queue(_ events: [Item], from start: Int) {
        let startSigner = state.withLock { state in
            state.queued.append((events, start))
            defer { state.signerRunning = true }
            return !state.signerRunning
        }
        if startSigner { DispatchQueue.global().async { [self] in signQueued() } }
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
