#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `sig` member of an event: who signed it and the signature, as `ed25519:<public key>:<signature>` in lowercase hex.
///
/// The signed message pins the event's origin, seq and hash (and with the hash everything but `sig`):
/// the bytes of `koers-event-signature-v1`, then origin, seq (decimal) and hash, each after a newline.
/// The prefix keeps these signatures from ever being valid for another purpose of the same key.
/// The public key travels with the signature so that the rules can tell who signed an event without
/// verifying it on every replay; verifying happens when events arrive and in `koers verify --signatures`.
public struct EventSignature: Sendable, Equatable {
    public static let scheme = "ed25519"
    static let messagePrefix = Array("koers-event-signature-v1".utf8)

    /// The signer's public key, 64 lowercase hex digits.
    public var publicKey: String
    /// The 64-byte signature, 128 lowercase hex digits.
    public var signature: String

    public init(publicKey: String, signature: String) {
        self.publicKey = publicKey
        self.signature = signature
    }

    /// Reads a `sig` member; nil unless it has exactly the form `ed25519:<64 hex>:<128 hex>`.
    public init?(parsing text: String) {
        guard Self.isWellFormed(text) else { return nil }
        let utf8 = text.utf8
        self.init(
            publicKey: String(decoding: utf8.dropFirst(8).prefix(64), as: UTF8.self),
            signature: String(decoding: utf8.dropFirst(73), as: UTF8.self))
    }

    /// What is wrong if an event of `origin` with this `sig` follows events signed by `earlierKey` (see `Event.keyProblem(after:)`).
    static func keyProblem(origin: String, sig: String?, after earlierKey: String?) -> String? {
        guard let earlierKey, !names(earlierKey, in: sig) else { return nil }
        return key(named: sig).map { "is signed by key \($0), but the earlier events of \(origin) by key \(earlierKey)" }
            ?? "is not signed, but the earlier events of \(origin) are"
    }

    /// Whether a `sig` member's text names this key (compared in place: asked of every event a verification reads).
    static func names(_ key: String, in sig: String?) -> Bool {
        guard var sig else { return false }
        var key = key
        return sig.withUTF8 { bytes in
            key.withUTF8 { key in
                key.count == 64 && isWellFormed(bytes) && memcmp(bytes.baseAddress! + 8, key.baseAddress!, 64) == 0
            }
        }
    }

    /// The public key a `sig` member's text names (not verified); nil if there is none or it is not well formed.
    static func key(named sig: String?) -> String? {
        guard let sig, isWellFormed(sig) else { return nil }
        return String(decoding: sig.utf8.dropFirst(8).prefix(64), as: UTF8.self)
    }

    /// Whether `text` has exactly the form `ed25519:<64 hex>:<128 hex>`: every replay asks it of every
    /// event, so it makes no substrings.
    static func isWellFormed(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(isWellFormed)
    }

    /// The same check on the bytes of a `sig`, in place.
    public static func isWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 8 + 64 + 1 + 128, bytes[72] == UInt8(ascii: ":"),
            UnsafeRawBufferPointer(bytes).loadUnaligned(as: UInt64.self) == schemePrefix
        else { return false }
        return isLowerHex(UnsafeBufferPointer(rebasing: bytes[8..<72])) && isLowerHex(UnsafeBufferPointer(rebasing: bytes[73...]))
    }

    /// The bytes `ed25519:` as one word, as they lie in memory.
    private static let schemePrefix = "ed25519:".utf8.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }

    /// Whether every byte is 0-9 or a-f, eight bytes at a time (every replay and verification asks it of every event).
    private static func isLowerHex(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(run)
        var offset = 0
        while offset + 8 <= raw.count {
            guard isLowerHex(word: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) else { return false }
            offset += 8
        }
        return raw[offset...].allSatisfy { $0 &- 0x30 < 10 || $0 &- 0x61 < 6 }
    }

    /// Whether each of the eight bytes is 0-9 or a-f. For a byte below 0x80, adding 0x80 − n sets its top
    /// bit exactly when it is n or more, and no sum carries into the next byte.
    private static func isLowerHex(word x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops = ones &* 0x80
        func atLeast(_ n: UInt64) -> UInt64 { (x &+ ones &* (0x80 - n)) & tops }
        let digits = atLeast(0x30) & ~atLeast(0x3A)
        let letters = atLeast(0x61) & ~atLeast(0x67)
        return x & tops == 0 && digits | letters == tops
    }

    /// The `sig` member's text.
    public var text: String { "\(Self.scheme):\(publicKey):\(signature)" }

    /// The bytes an event's signature covers.
    public static func message(origin: String, seq: UInt64, hash: String) -> [UInt8] {
        var message = messagePrefix
        message.append(0x0A)
        message.append(contentsOf: origin.utf8)
        message.append(0x0A)
        message.append(contentsOf: String(seq).utf8)
        message.append(0x0A)
        message.append(contentsOf: hash.utf8)
        return message
    }

    /// Whether the signature is a valid Ed25519 signature of the event's message under the stated key.
    public func isValid(for event: Event) -> Bool {
        guard let key = Self.bytes(hex: publicKey), let bytes = Self.bytes(hex: signature) else { return false }
        return Ed25519.verify(bytes, of: Self.message(origin: event.origin, seq: event.seq, hash: event.hash), publicKey: key)
    }

    static func bytes(hex: String) -> [UInt8]? { Replica.bytes(fromHex: Array(hex.utf8)) }

    /// Whether `text` is a public key as `koers key show` prints it: 64 lowercase hex digits.
    public static func isPublicKey(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.count == 64 && isLowerHex($0) }
    }
}

extension Ed25519.SigningKey {
    /// The public key as `koers key show` prints it and a `sig` names it.
    public var publicKeyHex: String { hexString(publicKey) }

    /// The `sig` member for an event with this origin, seq and hash.
    public func eventSignature(origin: String, seq: UInt64, hash: String) -> String {
        EventSignature(publicKey: publicKeyHex, signature: hexString(sign(EventSignature.message(origin: origin, seq: seq, hash: hash)))).text
    }
}

extension Event {
    /// The parsed `sig` member; nil for an unsigned event.
    public var signature: EventSignature? { sig.flatMap(EventSignature.init(parsing:)) }

    /// The public key the event says signed it (not verified).
    public var signerKey: String? { EventSignature.key(named: sig) }

    /// What is wrong if the event follows events of its origin signed by `earlierKey` (nil: unsigned ones):
    /// all of an origin's events are signed by one key, after any unsigned ones from before signing.
    public func keyProblem(after earlierKey: String?) -> String? {
        EventSignature.keyProblem(origin: origin, sig: sig, after: earlierKey)
    }

    /// Whether the event carries a valid signature under the key it names.
    public var hasValidSignature: Bool { signature?.isValid(for: self) ?? false }
}
