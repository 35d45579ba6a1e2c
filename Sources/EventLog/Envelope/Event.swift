/// One event as it travels and is stored: the envelope (who, where in the origin's chain, what it had seen, when) around a typed payload.
///
/// The `hash` is the lowercase hex SHA-256 of the RFC 8785 canonical form of the
/// event without its `hash` and `sig` members, so anyone with a JCS library and
/// SHA-256 can check it. Stored lines are that same canonical form with `hash`
/// (and `sig`, when present) included.
public struct Event: Sendable, Equatable {
    /// The replica that authored the event.
    public var origin: String
    /// The position in the origin's chain: 1, 2, 3 … without gaps.
    public var seq: UInt64
    /// The version vector the event was created after, including its own `origin: seq`.
    public var clock: VersionVector
    /// The hybrid logical clock reading at creation: later than every event in its causal past.
    public var hlc: HybridTimestamp
    /// The day on which the fact takes effect in the world.
    public var effective: LocalDate
    /// The kebab-case event type, e.g. `project-started`.
    public var type: String
    /// The payload.
    public var data: JSONObject
    /// The `hash` of the previous event of the same origin; nil for `seq` 1.
    public var prev: String?
    public var hash: String
    /// The signature over origin, seq and hash (outside the hash): `ed25519:<public key>:<signature>`; see `EventSignature`.
    public var sig: String?

    public init(
        origin: String, seq: UInt64, clock: VersionVector, hlc: HybridTimestamp, effective: LocalDate,
        type: String, data: JSONObject, prev: String?, hash: String = "", sig: String? = nil
    ) {
        self.origin = origin
        self.seq = seq
        self.clock = clock
        self.hlc = hlc
        self.effective = effective
        self.type = type
        self.data = data
        self.prev = prev
        self.hash = hash
        self.sig = sig
    }

    /// The member names of an envelope; anything else is refused.
    public static let memberNames: Set<String> = [
        "origin", "seq", "clock", "hlc", "effective", "type", "data", "prev", "hash", "sig",
    ]

    /// The canonical bytes that the hash covers: every member but `hash` and `sig`.
    public var hashedBytes: [UInt8] {
        canonicalBytes(includingHash: false)
    }

    /// The hash this event should carry, computed from its other members.
    public var computedHash: String {
        SHA256.hexDigest(hashedBytes)
    }

    /// The event with its hash filled in.
    public func sealed() -> Event {
        var event = self
        event.hash = computedHash
        return event
    }

    /// An event whose hash is known and whose `sig` is still to be decided, with the bytes its line is spliced from.
    ///
    /// Hashing must go in order (each event's `prev` is the hash before it) but signing need not,
    /// so a batch is signed on other threads as it is hashed (see `SigningBatch`).
    public struct Sealed: Sendable {
        public var event: Event
        let splice: LineSplice

        /// The stored line: the hashed bytes with the `hash` and `sig` members spliced in where they belong.
        public func line() -> [UInt8] { splice.line(hash: event.hash, sig: event.sig) }
    }

    /// An event's hashed bytes (its canonical form without `hash` and `sig`) and where those two members go.
    struct LineSplice: Sendable {
        let hashed: [UInt8]
        let slots: (hash: Int, sig: Int)

        func line(hash: String, sig: String?) -> [UInt8] {
            var line: [UInt8] = []
            line.reserveCapacity(hashed.count + 76 + (sig.map { $0.utf8.count + 9 } ?? 0))
            line.append(contentsOf: hashed[..<slots.hash])
            line.append(contentsOf: "\"hash\":\"".utf8)
            line.append(contentsOf: hash.utf8)
            line.append(contentsOf: "\",".utf8)
            line.append(contentsOf: hashed[slots.hash..<slots.sig])
            if let sig {
                line.append(contentsOf: "\"sig\":\"".utf8)
                line.append(contentsOf: sig.utf8)
                line.append(contentsOf: "\",".utf8)
            }
            line.append(contentsOf: hashed[slots.sig...])
            return line
        }
    }

    /// The event with its hash filled in and without `sig`, ready to be signed (see `SigningBatch`).
    public func sealedForSigning() -> Sealed {
        var event = self
        event.sig = nil
        let (hash, splice) = chainParts().sealed(after: prev)
        event.hash = hash
        return Sealed(event: event, splice: splice)
    }

    /// An event's hashed bytes without `prev`, the one member that must wait for the hash of the event before it.
    ///
    /// Everything else, most of the bytes and the hashing of them, can be done for many events at once,
    /// on every core; chaining the hashes in order then costs about two SHA-256 blocks per event.
    struct ChainParts: Sendable {
        /// The hashed bytes without the value of `prev` (with room kept for it).
        var bytes: [UInt8]
        /// Where the value of `prev` goes in `bytes`.
        let prevSlot: Int
        /// A hasher that has taken the bytes before `prevSlot`.
        let headHashed: SHA256
        /// Where the `hash` and `sig` members go in `bytes`.
        let slots: (hash: Int, sig: Int)

        /// The event's hash, and its hashed bytes with the slots for `hash` and `sig`, given its `prev`.
        /// Consumed, so that the bytes become the hashed bytes without being copied.
        consuming func sealed(after prev: String?) -> (hash: String, splice: LineSplice) {
            var value = CanonicalJSON(reservingCapacity: 66)
            if let prev { value.write(prev) } else { value.writeRaw("null") }
            var hasher = headHashed
            hasher.update(value.bytes)
            var hashed = bytes
            bytes = []  // so that `hashed` is the only owner, and grows in place
            hasher.update(hashed[prevSlot...])
            hashed.insert(contentsOf: value.bytes, at: prevSlot)
            return (hexString(hasher.finalize()), LineSplice(hashed: hashed, slots: (slots.hash, slots.sig + value.bytes.count)))
        }
    }

    /// The parts of the hashed bytes that do not depend on `prev` (nor on `hash` and `sig`).
    func chainParts() -> ChainParts {
        var slots = (hash: 0, sig: 0)
        var prevValue = 0..<0
        var bytes = canonicalBytes(includingHash: false, slots: &slots, prevValue: &prevValue)
        bytes.removeSubrange(prevValue)
        var hasher = SHA256()
        hasher.update(bytes[..<prevValue.lowerBound])
        return ChainParts(
            bytes: bytes, prevSlot: prevValue.lowerBound, headHashed: hasher, slots: (slots.hash, slots.sig - prevValue.count))
    }

    /// The stored form: one canonical JSON object including `hash` (and `sig`), without the newline.
    public var line: [UInt8] {
        canonicalBytes(includingHash: true)
    }

    // Members are written in RFC 8785 order, which for these ASCII names is plain byte order.
    private func canonicalBytes(includingHash: Bool) -> [UInt8] {
        var slots = (hash: 0, sig: 0)
        var prevValue = 0..<0
        return canonicalBytes(includingHash: includingHash, slots: &slots, prevValue: &prevValue)
    }

    /// `slots` is set to where the `hash` and `sig` members stand (or would stand) in the bytes, and
    /// `prevValue` to where the value of `prev` stands.
    private func canonicalBytes(
        includingHash: Bool, slots: inout (hash: Int, sig: Int), prevValue: inout Range<Int>
    ) -> [UInt8] {
        // Room for the whole line, so that neither a hash and signature spliced in nor a `prev` put back (see
        // `ChainParts`) moves the bytes.
        var out = CanonicalJSON(reservingCapacity: 512)
        out.writeRaw("{")
        out.writeName("clock")
        out.writeRaw("{")
        for (i, entry) in clock.entries.enumerated() {
            if i > 0 { out.writeRaw(",") }
            out.write(entry.origin)
            out.writeRaw(":")
            out.write(entry.seq)
        }
        out.writeRaw("},")
        out.writeName("data")
        out.write(data)
        out.writeRaw(",")
        out.writeName("effective")
        out.write(effective.description)
        out.writeRaw(",")
        slots.hash = out.bytes.count
        if includingHash {
            out.writeName("hash")
            out.write(hash)
            out.writeRaw(",")
        }
        out.writeName("hlc")
        out.write(hlc.description)
        out.writeRaw(",")
        out.writeName("origin")
        out.write(origin)
        out.writeRaw(",")
        out.writeName("prev")
        let prevStart = out.bytes.count
        if let prev { out.write(prev) } else { out.writeRaw("null") }
        prevValue = prevStart..<out.bytes.count
        out.writeRaw(",")
        out.writeName("seq")
        out.write(seq)
        out.writeRaw(",")
        slots.sig = out.bytes.count
        if includingHash, let sig {
            out.writeName("sig")
            out.write(sig)
            out.writeRaw(",")
        }
        out.writeName("type")
        out.write(type)
        out.writeRaw("}")
        return out.bytes
    }
}
