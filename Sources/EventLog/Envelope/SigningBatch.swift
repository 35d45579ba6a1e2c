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
        let chunk = Array(sealed[range])
        // The signing thread also writes each event's `sig` and stored line: the authoring thread has the rules to check.
        DispatchQueue.global().async(group: group) { [key, signerKey, results] in
            let signatures = key.sign(chunk.map { EventSignature.message(origin: $0.event.origin, seq: $0.event.seq, hash: $0.event.hash) })
            var signed: [(sig: String, line: [UInt8])] = []
            signed.reserveCapacity(chunk.count)
            for (var one, signature) in zip(chunk, signatures) {
                one.event.sig = EventSignature(publicKey: signerKey, signature: hexString(signature)).text
                signed.append((one.event.sig!, one.line()))
            }
            results.store(signed, from: range.lowerBound)
        }
    }

    /// Waits for the signatures; the signed events with their stored lines, in order.
    public func finish() -> (events: [Event], lines: [[UInt8]]) {
        group.wait()
        let signed = results.all()
        var events: [Event] = []
        events.reserveCapacity(sealed.count)
        for (index, one) in sealed.enumerated() {
            var event = one.event
            event.sig = signed[index].sig
            events.append(event)
        }
        return (events, signed.map(\.line))
    }
}

/// Where the signing threads leave each event's `sig` and stored line.
private final class SignatureSlots: Sendable {
    private let slots: Mutex<[(sig: String, line: [UInt8])]>

    init(count: Int) { slots = Mutex(Array(repeating: ("", []), count: count)) }

    func store(_ signed: [(sig: String, line: [UInt8])], from start: Int) {
        slots.withLock { all in
            for (offset, one) in signed.enumerated() { all[start + offset] = one }
        }
    }

    func all() -> [(sig: String, line: [UInt8])] { slots.withLock { $0 } }
}
