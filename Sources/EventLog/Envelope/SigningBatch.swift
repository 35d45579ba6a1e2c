import Dispatch
import Synchronization

/// New events of one replica, sealed one after another on the authoring thread (hashing goes in order:
/// each `prev` is the hash before it) and signed on other threads as they come, 256 at a time.
///
/// Signing costs more than anything else in authoring an event, but each signature needs only its own
/// event's hash; so it runs beside the work that follows (checking the rules), and `finish` waits for it.
/// Used from the authoring thread only; the signing threads share nothing with it but the results.
public final class SigningBatch {
    /// The key the events are signed with, as their `sig` will name it.
    public let signerKey: String
    private let key: Ed25519.SigningKey
    private var sealed: [Event.Sealed] = []
    private var submitted = 0
    private let results: SignatureSlots
    private let group = DispatchGroup()
    static let chunk = 256

    init(key: Ed25519.SigningKey, count: Int) {
        self.key = key
        signerKey = key.publicKeyHex
        results = SignatureSlots(count: count)
        sealed.reserveCapacity(count)
    }

    /// Signs events already sealed (for `koers-bench`, which times the signing alone).
    package static func signing(_ events: [Event.Sealed], with key: Ed25519.SigningKey) -> SigningBatch {
        let batch = SigningBatch(key: key, count: events.count)
        for event in events { batch.add(event) }
        batch.close()
        return batch
    }

    /// The events with their hashes but still without `sig`, in order.
    public var unsignedEvents: [Event] { sealed.map(\.event) }

    func add(_ event: Event.Sealed) {
        sealed.append(event)
        if sealed.count - submitted == Self.chunk { submit() }
    }

    /// Called once every event is added.
    func close() { submit() }

    private func submit() {
        let range = submitted..<sealed.count
        guard !range.isEmpty else { return }
        submitted = sealed.count
        let messages = range.map { index in
            let event = sealed[index].event
            return EventSignature.message(origin: event.origin, seq: event.seq, hash: event.hash)
        }
        DispatchQueue.global().async(group: group) { [key, results] in
            results.store(key.sign(messages), from: range.lowerBound)
        }
    }

    /// Waits for the signatures; the signed events with their stored lines, in order.
    public func finish() -> (events: [Event], lines: [[UInt8]]) {
        group.wait()
        let signatures = results.all()
        var events: [Event] = []
        var lines: [[UInt8]] = []
        events.reserveCapacity(sealed.count)
        lines.reserveCapacity(sealed.count)
        for (index, var one) in sealed.enumerated() {
            one.event.sig = EventSignature(publicKey: signerKey, signature: hexString(signatures[index])).text
            events.append(one.event)
            lines.append(one.line())
        }
        return (events, lines)
    }
}

/// Where the signing threads leave their signatures.
private final class SignatureSlots: Sendable {
    private let slots: Mutex<[[UInt8]]>

    init(count: Int) { slots = Mutex([[UInt8]](repeating: [], count: count)) }

    func store(_ signatures: [[UInt8]], from start: Int) {
        slots.withLock { all in
            for (offset, signature) in signatures.enumerated() { all[start + offset] = signature }
        }
    }

    func all() -> [[UInt8]] { slots.withLock { $0 } }
}
