import EventLog
import Foundation
import Testing

extension Signing {
    @Suite struct SHA512Tests {
        /// The examples of FIPS 180-4 (NIST CSRC "Examples with intermediate values").
        static let fipsVectors: [(message: String, digest: String)] = [
            (
                "",
                "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
            ),
            (
                "abc",
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"
            ),
        ]

        /// Runs of "a" around the padding boundaries: 111 bytes is the longest
        /// message whose padding (a 0x80 byte and a 16-byte length) fits one block,
        /// 112 the shortest that needs a second. Digests from coreutils `sha512sum`.
        static let boundaryVectors: [(length: Int, digest: String)] = [
            (111, "fa9121c7b32b9e01733d034cfc78cbf67f926c7ed83e82200ef86818196921760b4beff48404df811b953828274461673c68d04e297b0eb7b2b4d60fc6b566a2"),
            (112, "c01d080efd492776a1c43bd23dd99d0a2e626d481e16782e75d54c2503b5dc32bd05f0f1ba33e568b88fd2d970929b719ecbb152f58f130a407c8830604b70ca"),
            (113, "55ddd8ac210a6e18ba1ee055af84c966e0dbff091c43580ae1be703bdb85da31acf6948cf5bd90c55a20e5450f22fb89bd8d0085e39f85a86cc46abbca75e24d"),
            (127, "828613968b501dc00a97e08c73b118aa8876c26b8aac93df128502ab360f91bab50a51e088769a5c1eff4782ace147dce3642554199876374291f5d921629502"),
            (128, "b73d1929aa615934e61a871596b3f3b33359f42b8175602e89f7e06e5f658a243667807ed300314b95cacdd579f3e33abdfbe351909519a846d465c59582f321"),
            (129, "4f681e0bd53cda4b5a2041cc8a06f2eabde44fb16c951fbd5b87702f07aeab611565b19c47fde30587177ebb852e3971bbd8d3fd30da18d71037dfbd98420429"),
            (239, "52c853cb8d907f3d4d6b889beb027985d7c273486d75f8baf26f80d24e90c74c6c3de3e22131582380a7d14d43f2941a31385439cd6ddc469f628015e50bf286"),
            (240, "4c296d90c61052a62ffb1dd196f1b7b09373b1f93e71836baebf89690546b7595684dbe9467a8e484fa0d1094272b4344a7c24f5fee8daedeb0bf549c985ab5f"),
            (256, "6a9169eb662f136d87374070e8828b3e615a7eca32a89446e9225b02832709be095e635c824a2bb70213ba2ea0ababac0809827843992c851903b7ac0c136699"),
        ]

        /// 300 bytes, `(7 * i + 3) mod 256`: more than two blocks, so that splitting
        /// it anywhere crosses block boundaries and both padding thresholds.
        static let splitMessage: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        /// `sha512sum` of `splitMessage`.
        static let splitMessageDigest =
            "46e56ad30db9ef50f8b6762ba55839737f3fba34ab47863c9daff7b3f58f97fe3465a52dd364560db47f802909ced49093322621ea0aebf8e0696b85ca8f81f0"

        @Test(arguments: fipsVectors)
        func fipsExample(message: String, digest: String) {
            #expect(SHA512.hexDigest(message.utf8) == digest)
        }

        @Test func oneMillionA() {
            let expected =
                "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"
            #expect(SHA512.hexDigest([UInt8](repeating: 0x61, count: 1_000_000)) == expected)

            // The same message in uneven pieces exercises the buffered path at scale.
            var hasher = SHA512()
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
            #expect(SHA512.hexDigest([UInt8](repeating: 0x61, count: length)) == digest)
        }

        @Test func splitMessageOneShot() {
            #expect(SHA512.hexDigest(Self.splitMessage) == Self.splitMessageDigest)
        }

        @Test(arguments: 0...300)
        func updateSplitAt(offset: Int) {
            var hasher = SHA512()
            hasher.update(Self.splitMessage[..<offset])
            hasher.update(Self.splitMessage[offset...])
            #expect(hexString(hasher.finalize()) == Self.splitMessageDigest, "split at \(offset)")
        }

        @Test func updateOneByteAtATime() {
            var hasher = SHA512()
            for byte in Self.splitMessage {
                hasher.update(CollectionOfOne(byte))
            }
            #expect(hexString(hasher.finalize()) == Self.splitMessageDigest)
        }

        @Test func rawBufferAndNonContiguousInputsAgree() {
            let message = Self.splitMessage
            var raw = SHA512()
            message.withUnsafeBytes { raw.update($0) }
            #expect(hexString(raw.finalize()) == Self.splitMessageDigest)

            // A lazy map has no contiguous storage, so this takes the copying path.
            #expect(SHA512.hexDigest(message.lazy.map { $0 }) == Self.splitMessageDigest)
            #expect(SHA512.hexDigest(Data(message)) == Self.splitMessageDigest)
        }

        @Test func finalizeResetsTheHasher() {
            var hasher = SHA512()
            hasher.update("some earlier message".utf8)
            _ = hasher.finalize()
            hasher.update("abc".utf8)
            #expect(hexString(hasher.finalize()) == Self.fipsVectors[1].digest)
        }

        @Test func copyForksTheHash() {
            var prefix = SHA512()
            prefix.update("ab".utf8)
            var fork = prefix
            fork.update("c".utf8)
            prefix.update("c".utf8)
            #expect(fork.finalize() == prefix.finalize())
            #expect(hexString(fork.finalize()) == Self.fipsVectors[0].digest)
        }

        @Test func digestIsSixtyFourBytes() {
            let digest = SHA512.digest("abc".utf8)
            #expect(digest.count == 64)
            #expect(digest.prefix(4) == [0xdd, 0xaf, 0x35, 0xa1])
        }
    }
}
