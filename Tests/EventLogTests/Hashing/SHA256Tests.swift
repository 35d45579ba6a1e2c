import EventLog
import Foundation
import Testing

@Suite struct SHA256Tests {
    /// The examples of FIPS 180-4 (NIST CSRC "Examples with intermediate values").
    static let fipsVectors: [(message: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    /// Runs of "a" around the padding boundaries: 55 bytes is the longest message
    /// whose padding fits one block, 56 the shortest that needs a second.
    /// Digests from coreutils `sha256sum`.
    static let boundaryVectors: [(length: Int, digest: String)] = [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
    ]

    /// 131 bytes, `(7 * i + 3) mod 256`: long enough to cross two block
    /// boundaries and both padding thresholds when split anywhere.
    static let splitMessage: [UInt8] = (0..<131).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    /// `sha256sum` of `splitMessage`.
    static let splitMessageDigest = "4c14830d5f17552093a46de0f6884f8f3010789462dab3db3d1cc679575e01ad"

    @Test(arguments: fipsVectors)
    func fipsExample(message: String, digest: String) {
        #expect(SHA256.hexDigest(message.utf8) == digest)
    }

    @Test func oneMillionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 1_000_000)) == expected)

        // The same message in uneven pieces exercises the buffered path at scale.
        var hasher = SHA256()
        let piece = [UInt8](repeating: 0x61, count: 997)
        var remaining = 1_000_000
        while remaining > 0 {
            let count = min(remaining, piece.count)
            hasher.update(piece[..<count])
            remaining -= count
        }
        #expect(hexString(hasher.finalize()) == expected)
    }

    @Test(arguments: boundaryVectors)
    func paddingBoundary(length: Int, digest: String) {
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: length)) == digest)
    }

    @Test func splitMessageOneShot() {
        #expect(SHA256.hexDigest(Self.splitMessage) == Self.splitMessageDigest)
    }

    @Test(arguments: 0...130)
    func updateSplitAt(offset: Int) {
        var hasher = SHA256()
        hasher.update(Self.splitMessage[..<offset])
        hasher.update(Self.splitMessage[offset...])
        #expect(hexString(hasher.finalize()) == Self.splitMessageDigest, "split at \(offset)")
    }

    @Test func updateSplitAtEveryPairOfOffsets() {
        let message = Self.splitMessage
        for first in 0...message.count {
            for second in first...message.count {
                var hasher = SHA256()
                hasher.update(message[..<first])
                hasher.update(message[first..<second])
                hasher.update(message[second...])
                let digest = hexString(hasher.finalize())
                guard digest == Self.splitMessageDigest else {
                    Issue.record("split at \(first) and \(second): \(digest)")
                    return
                }
            }
        }
    }

    @Test func updateOneByteAtATime() {
        var hasher = SHA256()
        for byte in Self.splitMessage {
            hasher.update(CollectionOfOne(byte))
        }
        #expect(hexString(hasher.finalize()) == Self.splitMessageDigest)
    }

    @Test func rawBufferAndNonContiguousInputsAgree() {
        let message = Self.splitMessage
        var raw = SHA256()
        message.withUnsafeBytes { raw.update($0) }
        #expect(hexString(raw.finalize()) == Self.splitMessageDigest)

        // A lazy map has no contiguous storage, so this takes the copying path.
        #expect(SHA256.hexDigest(message.lazy.map { $0 }) == Self.splitMessageDigest)
        #expect(SHA256.hexDigest(Data(message)) == Self.splitMessageDigest)
    }

    @Test func finalizeResetsTheHasher() {
        var hasher = SHA256()
        hasher.update("some earlier message".utf8)
        _ = hasher.finalize()
        hasher.update("abc".utf8)
        #expect(hexString(hasher.finalize()) == Self.fipsVectors[1].digest)
    }

    @Test func copyForksTheHash() {
        var prefix = SHA256()
        prefix.update("ab".utf8)
        var fork = prefix
        fork.update("c".utf8)
        prefix.update("c".utf8)
        #expect(fork.finalize() == prefix.finalize())
    }

    @Test func digestIsThirtyTwoBytes() {
        let digest = SHA256.digest("abc".utf8)
        #expect(digest.count == 32)
        #expect(digest.prefix(4) == [0xba, 0x78, 0x16, 0xbf])
    }

    @Test func hexStringIsLowercaseTwoCharactersPerByte() {
        #expect(hexString([UInt8]()) == "")
        #expect(hexString([0x00, 0x01, 0x0a, 0x7f, 0x80, 0xab, 0xff]) == "00010a7f80abff")
        #expect(hexString(AnySequence([0xde, 0xad, 0xbe, 0xef] as [UInt8])) == "deadbeef")
    }
}
