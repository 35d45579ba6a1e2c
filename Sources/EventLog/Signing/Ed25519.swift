#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An Ed25519 key pair (RFC 8032): a 32-byte secret seed and its 32-byte public key.
///
/// The type holds no state: the seed is the whole secret, and these functions
/// take it, or the public key, as bytes. Signing is deterministic and runs in
/// constant time: no branch and no memory address depends on the seed or the
/// nonce (`Scripts/check-constant-time` checks the machine code), and the secret
/// intermediates are wiped before it returns. Verification is strict and
/// cofactorless, so that every replica accepts exactly the same signatures.
public struct Ed25519: Sendable {
    /// The 32-byte public key of `seed`, which must be 32 bytes.
    public static func publicKey(seed: [UInt8]) -> [UInt8] {
        precondition(seed.count == 32, "an Ed25519 seed is 32 bytes, not \(seed.count)")
        let table = BasePointTable.shared
        return [UInt8](unsafeUninitializedCapacity: 32) { output, initialized in
            seed.withUnsafeBytes { seedBytes in
                derivePublicKey(seed: seedBytes.baseAddress.unsafelyUnwrapped, table: table, into: output.baseAddress.unsafelyUnwrapped)
            }
            initialized = 32
        }
    }

    /// The 64-byte signature of `message` under `seed` (32 bytes): R, then S.
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

// The work, on fixed-size buffers.
extension Ed25519 {
    /// The secret half of a key, SHA-512 of the seed: the clamped scalar a, then the prefix that derives nonces.
    private struct ExpandedSecret {
        var scalar = Bytes32.zero
        var prefix = Bytes32.zero
    }

    /// SHA-512 of the seed, with the low half clamped (RFC 8032 section 5.1.5):
    /// the three low bits cleared so that a is a multiple of the cofactor 8, bit
    /// 255 cleared and bit 254 set.
    @inline(__always)
    private static func expand(seed: UnsafeRawPointer, into secret: UnsafeMutablePointer<ExpandedSecret>) {
        var hasher = SHA512()
        hasher.update(UnsafeRawBufferPointer(start: seed, count: 32))
        hasher.finalize(into: UnsafeMutableRawPointer(secret))
        hasher.wipe()
        let bytes = UnsafeMutableRawPointer(secret)
        bytes.storeBytes(of: bytes.load(fromByteOffset: 0, as: UInt8.self) & 0xf8, toByteOffset: 0, as: UInt8.self)
        bytes.storeBytes(of: (bytes.load(fromByteOffset: 31, as: UInt8.self) & 0x7f) | 0x40, toByteOffset: 31, as: UInt8.self)
    }

    /// Kept out of line: `Scripts/check-constant-time` checks its machine code.
    @inline(never)
    static func derivePublicKey(seed: UnsafeRawPointer, table: BasePointTable, into output: UnsafeMutableRawPointer) {
        var secret = ExpandedSecret()
        expand(seed: seed, into: &secret)
        var point = withUnsafePointer(to: &secret.scalar) { table.multiply(secret: UnsafeRawPointer($0)) }
        point.encode(into: output)
        ConstantTime.wipe(&secret)
        ConstantTime.wipe(&point)
    }

    /// RFC 8032 section 5.1.6, writing R and S to `signature`.
    ///
    /// Kept out of line: `Scripts/check-constant-time` checks its machine code.
    /// Its hashing goes through `SHA512.update` and `finalize(into:)`, which
    /// branch on byte counts only.
    @inline(never)
    static func sign(
        _ message: UnsafeRawBufferPointer, seed: UnsafeRawPointer, table: BasePointTable,
        into signature: UnsafeMutableRawPointer
    ) {
        var secret = ExpandedSecret()
        expand(seed: seed, into: &secret)

        // r = SHA-512(prefix || M) mod L, the nonce: secret, and unique per message.
        var hasher = SHA512()
        withUnsafePointer(to: &secret.prefix) { hasher.update(UnsafeRawBufferPointer(start: $0, count: 32)) }
        hasher.update(message)
        var digest = (Bytes32.zero, Bytes32.zero)
        withUnsafeMutablePointer(to: &digest) { hasher.finalize(into: UnsafeMutableRawPointer($0)) }
        var nonce = withUnsafePointer(to: &digest) { Scalar(reducingWide: UnsafeRawPointer($0)) }
        var nonceBytes = Bytes32.zero
        withUnsafeMutablePointer(to: &nonceBytes) { nonce.encode(into: UnsafeMutableRawPointer($0)) }

        // R = [r]B and A = [a]B, encoded with one shared inversion.
        var noncePoint = withUnsafePointer(to: &nonceBytes) { table.multiply(secret: UnsafeRawPointer($0)) }
        var publicPoint = withUnsafePointer(to: &secret.scalar) { table.multiply(secret: UnsafeRawPointer($0)) }
        var publicKey = Bytes32.zero
        withUnsafeMutablePointer(to: &publicKey) {
            EdwardsPoint.encode(noncePoint, into: signature, publicPoint, into: UnsafeMutableRawPointer($0))
        }

        // k = SHA-512(R || A || M) mod L, public; S = (r + k a) mod L.
        hasher.update(UnsafeRawBufferPointer(start: signature, count: 32))
        withUnsafePointer(to: &publicKey) { hasher.update(UnsafeRawBufferPointer(start: $0, count: 32)) }
        hasher.update(message)
        withUnsafeMutablePointer(to: &digest) { hasher.finalize(into: UnsafeMutableRawPointer($0)) }
        let challenge = withUnsafePointer(to: &digest) { Scalar(reducingWide: UnsafeRawPointer($0)) }
        var scalar = withUnsafePointer(to: &secret.scalar) { Scalar(unreducedBytes: UnsafeRawPointer($0)) }
        let s = Scalar.multiplyAdd(scalar, challenge, nonce)
        s.encode(into: signature + 32)

        ConstantTime.wipe(&secret)
        hasher.wipe()
        ConstantTime.wipe(&digest)
        ConstantTime.wipe(&nonce)
        ConstantTime.wipe(&nonceBytes)
        ConstantTime.wipe(&noncePoint)
        ConstantTime.wipe(&publicPoint)
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
