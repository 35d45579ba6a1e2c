#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An Ed25519 key pair (RFC 8032): a 32-byte secret seed and its 32-byte public key.
///
/// These functions take the seed, or the public key, as bytes; to sign many
/// messages with one key, make a `SigningKey` once, which does the work that
/// depends on the seed alone (hashing it and deriving the public key) once
/// instead of for every signature. Signing is deterministic and runs in
/// constant time: no branch and no memory address depends on the seed or the
/// nonce (`Scripts/check-constant-time` checks the machine code), and the secret
/// intermediates are wiped before it returns. Verification is strict and
/// cofactorless, so that every replica accepts exactly the same signatures.
public struct Ed25519: Sendable {
    /// The 32-byte public key of `seed`, which must be 32 bytes.
    public static func publicKey(seed: [UInt8]) -> [UInt8] {
        precondition(seed.count == 32, "an Ed25519 seed is 32 bytes, not \(seed.count)")
        let table = BasePointTable.shared
        var key = ExpandedKey()
        seed.withUnsafeBytes { expand(seed: $0.baseAddress.unsafelyUnwrapped, table: table, into: &key) }
        let publicKey = withUnsafeBytes(of: key.publicKey) { [UInt8]($0) }
        ConstantTime.wipe(&key)
        return publicKey
    }

    /// The 64-byte signature of `message` under `seed` (32 bytes): R, then S.
    ///
    /// Expands the seed and derives the public key on every call, which costs
    /// most of a second signature: `SigningKey` does that once.
    public static func sign(_ message: [UInt8], seed: [UInt8]) -> [UInt8] {
        precondition(seed.count == 32, "an Ed25519 seed is 32 bytes, not \(seed.count)")
        let table = BasePointTable.shared
        return [UInt8](unsafeUninitializedCapacity: 64) { output, initialized in
            seed.withUnsafeBytes { seedBytes in
                message.withUnsafeBytes { messageBytes in
                    sign(
                        messageBytes, seed: seedBytes.baseAddress.unsafelyUnwrapped, table: table,
                        into: output.baseAddress.unsafelyUnwrapped)
                }
            }
            initialized = 64
        }
    }

    /// Whether `signature` is a valid signature of `message` under `publicKey`.
    ///
    /// Strict: S must be below L, and A and R must be canonical encodings of
    /// curve points (y below p; x = 0 with a clear sign bit). Cofactorless: the
    /// check is [S]B - [k]A = R exactly, with k = SHA-512(R || A || M) mod L,
    /// not the same equation multiplied by 8, which implementations differ on.
    /// Wrong lengths are simply invalid.
    public static func verify(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32 else { return false }
        return signature.withUnsafeBytes { signatureBytes in
            publicKey.withUnsafeBytes { keyBytes in
                message.withUnsafeBytes { messageBytes in
                    verify(
                        signature: signatureBytes.baseAddress.unsafelyUnwrapped, message: messageBytes,
                        publicKey: keyBytes.baseAddress.unsafelyUnwrapped)
                }
            }
        }
    }

    /// A new random 32-byte seed from the operating system's generator.
    ///
    /// Stops the program if the generator fails: there is no safe fallback for key material.
    public static func generateSeed() -> [UInt8] {
        var seed = [UInt8](repeating: 0, count: 32)
        seed.withUnsafeMutableBytes { fillRandom($0) }
        return seed
    }
}

extension Ed25519 {
    /// A secret key, expanded once, that signs any number of messages.
    ///
    /// Creating one hashes the seed and derives the public key (one base-point
    /// multiplication); each signature then costs one base-point multiplication,
    /// two hashes and an inversion, about 60% of what `Ed25519.sign(_:seed:)`
    /// costs, and under 50% when messages are signed in batches with `sign(_: [[UInt8]])`.
    ///
    /// A final class rather than a struct, because the secret must be wiped when
    /// the key is released, and a deinit is what runs then: a copyable struct has
    /// none, and its copies would scatter the secret where nothing wipes it. (A
    /// noncopyable struct has a deinit too, but could not be kept in ordinary
    /// collections, captured by escaping closures or shared between threads
    /// without handing it over.) The secret is in a fixed-size allocation of its
    /// own, never in an array, which may be copied or reallocated and leave
    /// unwiped bytes in freed memory; and at a stable address, so that signing
    /// reads it in place rather than copying it to the stack, and without the
    /// exclusivity check that borrowing a stored `var` in place would need, which
    /// two threads signing at once would trip.
    ///
    /// `@unchecked Sendable`: nothing is written after `init` until `deinit`, when
    /// no other reference is left, and `sign` keeps all of its state on its own
    /// stack, so any number of threads may sign with one key at once.
    public final class SigningKey: @unchecked Sendable {
        /// The 32-byte public key.
        public let publicKey: [UInt8]
        private let key: UnsafeMutablePointer<ExpandedKey>
        private let table: BasePointTable

        /// The key of `seed`, which must be 32 bytes; the caller keeps, and wipes, its own copy of the seed.
        public init(seed: [UInt8]) {
            precondition(seed.count == 32, "an Ed25519 seed is 32 bytes, not \(seed.count)")
            let table = BasePointTable.shared
            let key = UnsafeMutablePointer<ExpandedKey>.allocate(capacity: 1)
            key.initialize(to: ExpandedKey())
            seed.withUnsafeBytes { Ed25519.expand(seed: $0.baseAddress.unsafelyUnwrapped, table: table, into: key) }
            self.table = table
            self.key = key
            publicKey = withUnsafeBytes(of: key.pointee.publicKey) { [UInt8]($0) }
        }

        deinit {
            ConstantTime.wipe(UnsafeMutableRawPointer(key), count: MemoryLayout<ExpandedKey>.size)
            key.deallocate()
        }

        /// The 64-byte signature of `message`: R, then S; the same bytes as `Ed25519.sign(message, seed:)`.
        public func sign(_ message: [UInt8]) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: 64) { output, initialized in
                message.withUnsafeBytes { messageBytes in
                    Ed25519.sign(messageBytes, key: key, table: table, into: output.baseAddress.unsafelyUnwrapped)
                }
                initialized = 64
            }
        }

        /// The signatures of `messages`, in order: the same bytes as `sign(_:)` on
        /// each, for less work. Encoding R takes a field inversion, about a fifth of
        /// the cost of a signature, and the signatures of a batch share one
        /// (Montgomery's trick: three multiplications per message instead).
        public func sign(_ messages: [[UInt8]]) -> [[UInt8]] {
            let count = messages.count
            guard count > 0 else { return [] }
            // Secret until encoded (R's coordinates and Z products, the nonces): one allocation, wiped.
            let commitments = UnsafeMutablePointer<Commitment>.allocate(capacity: count)
            commitments.initialize(repeating: Commitment(), count: count)
            defer {
                ConstantTime.wipe(UnsafeMutableRawPointer(commitments), count: count * MemoryLayout<Commitment>.stride)
                commitments.deallocate()
            }
            for (index, message) in messages.enumerated() {
                message.withUnsafeBytes { Ed25519.commit($0, key: key, table: table, into: commitments + index) }
            }
            Ed25519.encodeNoncePoints(commitments, count: count)
            return messages.enumerated().map { index, message in
                [UInt8](unsafeUninitializedCapacity: 64) { output, initialized in
                    let signature = UnsafeMutableRawPointer(output.baseAddress.unsafelyUnwrapped)
                    withUnsafeBytes(of: commitments[index].encoded) { signature.copyMemory(from: $0.baseAddress!, byteCount: 32) }
                    message.withUnsafeBytes { Ed25519.finish($0, key: key, commitment: commitments + index, into: signature) }
                    initialized = 64
                }
            }
        }
    }
}

// The work, on fixed-size buffers.
extension Ed25519 {
    /// A key with everything that depends on the seed alone: SHA-512 of the seed,
    /// whose low half is clamped into the scalar a and whose high half is the
    /// prefix that derives nonces, then the public key A = [a]B, encoded.
    /// Laid out in that order, 32 bytes each: `expand` writes the digest over the
    /// first 64 bytes.
    fileprivate struct ExpandedKey {
        var scalar = Bytes32.zero
        var prefix = Bytes32.zero
        var publicKey = Bytes32.zero
    }

    /// Fills `key` from `seed` (32 bytes): the hashed seed and the public key.
    ///
    /// Kept out of line: `Scripts/check-constant-time` checks its machine code.
    @inline(never)
    fileprivate static func expand(seed: UnsafeRawPointer, table: BasePointTable, into key: UnsafeMutablePointer<ExpandedKey>) {
        hash(seed: seed, into: key)
        var point = table.multiply(secret: UnsafeRawPointer(key))
        point.encode(into: UnsafeMutableRawPointer(key) + 64)
        ConstantTime.wipe(&point)
    }

    /// Writes SHA-512 of the seed over the scalar and the prefix of `key`, with the
    /// low half clamped (RFC 8032 section 5.1.5): the three low bits cleared so
    /// that a is a multiple of the cofactor 8, bit 255 cleared and bit 254 set.
    @inline(__always)
    private static func hash(seed: UnsafeRawPointer, into key: UnsafeMutablePointer<ExpandedKey>) {
        let bytes = UnsafeMutableRawPointer(key)
        var hasher = SHA512()
        hasher.update(UnsafeRawBufferPointer(start: seed, count: 32))
        hasher.finalize(into: bytes)
        hasher.wipe()
        bytes.storeBytes(of: bytes.load(fromByteOffset: 0, as: UInt8.self) & 0xf8, toByteOffset: 0, as: UInt8.self)
        bytes.storeBytes(of: (bytes.load(fromByteOffset: 31, as: UInt8.self) & 0x7f) | 0x40, toByteOffset: 31, as: UInt8.self)
    }

    /// RFC 8032 section 5.1.6 from the seed, writing R and S to `signature`: what
    /// `expand` and then `sign(_:key:table:into:)` do, but with A and R encoded
    /// by one shared inversion instead of one each.
    ///
    /// Kept out of line: `Scripts/check-constant-time` checks its machine code.
    @inline(never)
    fileprivate static func sign(
        _ message: UnsafeRawBufferPointer, seed: UnsafeRawPointer, table: BasePointTable,
        into signature: UnsafeMutableRawPointer
    ) {
        var key = ExpandedKey()
        hash(seed: seed, into: &key)
        var publicPoint = withUnsafePointer(to: &key) { table.multiply(secret: UnsafeRawPointer($0)) }
        var commitment = Commitment()
        commit(message, key: &key, table: table, into: &commitment)
        withUnsafeMutablePointer(to: &key.publicKey) {
            EdwardsPoint.encode(commitment.point, into: signature, publicPoint, into: UnsafeMutableRawPointer($0))
        }
        finish(message, key: &key, commitment: &commitment, into: signature)
        ConstantTime.wipe(&key)
        ConstantTime.wipe(&publicPoint)
        ConstantTime.wipe(&commitment)
    }

    /// The half of a signature that precedes the challenge: the nonce r and R =
    /// [r]B, not yet encoded (the encoding takes an inversion, which a batch of
    /// signatures shares); then, in a batch, the running product of the Z
    /// coordinates and the encoding. All of it is secret until R is encoded.
    fileprivate struct Commitment {
        var nonce = Scalar(0, 0, 0, 0, 0)
        var point = EdwardsPoint.identity
        var product = FieldElement.zero
        var encoded = Bytes32.zero
    }

    /// RFC 8032 section 5.1.6 with an expanded key, writing R and S to `signature`.
    ///
    /// Kept out of line, like `commit` and `finish`: `Scripts/check-constant-time`
    /// checks their machine code.
    @inline(never)
    fileprivate static func sign(
        _ message: UnsafeRawBufferPointer, key: UnsafePointer<ExpandedKey>, table: BasePointTable,
        into signature: UnsafeMutableRawPointer
    ) {
        var commitment = Commitment()
        commit(message, key: key, table: table, into: &commitment)
        commitment.point.encode(into: signature)
        finish(message, key: key, commitment: &commitment, into: signature)
        ConstantTime.wipe(&commitment)
    }

    /// The nonce r = SHA-512(prefix || M) mod L, secret and unique per message, and R = [r]B.
    ///
    /// The hashing goes through `SHA512.update` and `finalize(into:)`, which branch on byte counts only.
    @inline(never)
    fileprivate static func commit(
        _ message: UnsafeRawBufferPointer, key: UnsafePointer<ExpandedKey>, table: BasePointTable,
        into commitment: UnsafeMutablePointer<Commitment>
    ) {
        var hasher = SHA512()
        hasher.update(UnsafeRawBufferPointer(start: UnsafeRawPointer(key) + 32, count: 32))
        hasher.update(message)
        var digest = (Bytes32.zero, Bytes32.zero)
        withUnsafeMutablePointer(to: &digest) { hasher.finalize(into: UnsafeMutableRawPointer($0)) }
        commitment.pointee.nonce = withUnsafePointer(to: &digest) { Scalar(reducingWide: UnsafeRawPointer($0)) }
        var nonceBytes = Bytes32.zero
        withUnsafeMutablePointer(to: &nonceBytes) { commitment.pointee.nonce.encode(into: UnsafeMutableRawPointer($0)) }
        commitment.pointee.point = withUnsafePointer(to: &nonceBytes) { table.multiply(secret: UnsafeRawPointer($0)) }
        hasher.wipe()
        ConstantTime.wipe(&digest)
        ConstantTime.wipe(&nonceBytes)
    }

    /// Encodes the R of `count` commitments with one inversion: the product of all
    /// their Z coordinates is inverted, and each 1/Z is taken out of it with three
    /// multiplications. The same operations whatever the points; the loops count
    /// messages, which are public.
    @inline(never)
    fileprivate static func encodeNoncePoints(_ commitments: UnsafeMutablePointer<Commitment>, count: Int) {
        // product of entry i = Z_0 ... Z_(i-1)
        var product = FieldElement.one
        var index = 0
        while index < count {
            commitments[index].product = product
            product = product * commitments[index].point.z
            index &+= 1
        }
        var inverse = product.inverse()
        while index > 0 {
            index &-= 1
            // inverse is 1/(Z_0 ... Z_index) here.
            var zInverse = inverse * commitments[index].product
            inverse = inverse * commitments[index].point.z
            withUnsafeMutablePointer(to: &commitments[index].encoded) {
                commitments[index].point.projective.encode(into: UnsafeMutableRawPointer($0), zInverse: zInverse)
            }
            ConstantTime.wipe(&zInverse)
        }
        ConstantTime.wipe(&product)
        ConstantTime.wipe(&inverse)
    }

    /// The challenge k = SHA-512(R || A || M) mod L, public, and S = (r + k a) mod
    /// L, for a signature whose first 32 bytes already hold R.
    @inline(never)
    fileprivate static func finish(
        _ message: UnsafeRawBufferPointer, key: UnsafePointer<ExpandedKey>, commitment: UnsafePointer<Commitment>,
        into signature: UnsafeMutableRawPointer
    ) {
        let scalarBytes = UnsafeRawPointer(key)
        var hasher = SHA512()
        hasher.update(UnsafeRawBufferPointer(start: signature, count: 32))
        hasher.update(UnsafeRawBufferPointer(start: scalarBytes + 64, count: 32))
        hasher.update(message)
        var digest = (Bytes32.zero, Bytes32.zero)
        withUnsafeMutablePointer(to: &digest) { hasher.finalize(into: UnsafeMutableRawPointer($0)) }
        let challenge = withUnsafePointer(to: &digest) { Scalar(reducingWide: UnsafeRawPointer($0)) }
        var scalar = Scalar(unreducedBytes: scalarBytes)
        let s = Scalar.multiplyAdd(scalar, challenge, commitment.pointee.nonce)
        s.encode(into: signature + 32)
        ConstantTime.wipe(&scalar)
    }

    /// RFC 8032 section 5.1.7 with the strict checks described at `verify(_:of:publicKey:)`.
    private static func verify(signature: UnsafeRawPointer, message: UnsafeRawBufferPointer, publicKey: UnsafeRawPointer) -> Bool {
        guard Scalar.isCanonical(signature + 32), let a = EdwardsPoint.decode(publicKey) else { return false }
        var hasher = SHA512()
        hasher.update(UnsafeRawBufferPointer(start: signature, count: 32))
        hasher.update(UnsafeRawBufferPointer(start: publicKey, count: 32))
        hasher.update(message)
        var digest = (Bytes32.zero, Bytes32.zero)
        withUnsafeMutablePointer(to: &digest) { hasher.finalize(into: UnsafeMutableRawPointer($0)) }
        let challenge = withUnsafePointer(to: &digest) { Scalar(reducingWide: UnsafeRawPointer($0)) }
        var challengeBytes = Bytes32.zero
        withUnsafeMutablePointer(to: &challengeBytes) { challenge.encode(into: UnsafeMutableRawPointer($0)) }

        // R is not decoded: the encoding of the computed point is canonical, so
        // comparing bytes also rejects an R that is non-canonical or off the curve.
        let check = withUnsafePointer(to: challengeBytes) { k in
            BasePointTable.shared.multiplyVariableTime(base: signature + 32, point: a.negated, times: UnsafeRawPointer(k))
        }
        var encoded = Bytes32.zero
        withUnsafeMutablePointer(to: &encoded) { check.encode(into: UnsafeMutableRawPointer($0), zInverse: check.z.inverse()) }
        return encoded == Bytes32(bytes: signature)
    }

    /// Fills `buffer` (at most 256 bytes) from the kernel's random number generator.
    ///
    /// `getentropy` is the `getrandom` system call on Linux, and its equivalent
    /// on macOS: no file descriptor to run out of, and it waits until the kernel's
    /// pool has been seeded, which reading /dev/urandom early in boot does not.
    private static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, getentropy(base, buffer.count) == 0 else {
            fatalError("Ed25519: the system random number generator failed (errno \(errno))")
        }
    }
}
