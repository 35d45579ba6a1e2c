import EventLog
import Testing
import TestSupport

extension Signing {
    @Suite struct Ed25519Tests {
        @Test func fixturesArePresent() {
            #expect(Ed25519Vectors.rfc8032.count == 5, "missing or unreadable Fixtures/ed25519/rfc8032-7.1.json")
            #expect(Ed25519Vectors.wycheproof.count == 151, "missing or unreadable Fixtures/ed25519/wycheproof_ed25519_test.json")
        }

        /// RFC 8032 section 7.1, byte for byte: signing is deterministic, so the signature must match exactly.
        @Test(arguments: Ed25519Vectors.rfc8032)
        func rfc8032Example(_ example: Ed25519Vectors.Example) {
            #expect(hexString(Ed25519.publicKey(seed: example.seed)) == example.pk)
            #expect(hexString(Ed25519.sign(example.message, seed: example.seed)) == example.sig)
            #expect(Ed25519.verify(example.signature, of: example.message, publicKey: example.publicKey))
        }

        /// Every Wycheproof case accepted or rejected exactly as the file says; the
        /// invalid ones include non-canonical S, R and A, truncated signatures, and
        /// signatures that only a cofactored check would accept.
        @Test func wycheproof() {
            var mismatches: [String] = []
            for test in Ed25519Vectors.wycheproof {
                let accepted = Ed25519.verify(test.signature, of: test.message, publicKey: test.publicKey)
                if accepted != test.valid {
                    mismatches.append("tcId \(test.tcId) (\(test.comment)): expected \(test.valid ? "valid" : "invalid")")
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) Wycheproof mismatches:\n\(mismatches.joined(separator: "\n"))")
        }

        /// Random seeds and messages: each signature verifies, signing again gives
        /// the same bytes, and it does not verify for another message or key.
        @Test(arguments: 0..<8)
        func roundTrip(seed: UInt64) {
            var random = SeededRandom(seed: 0xed25519 &+ seed)
            for _ in 0..<3 {
                let secret = Self.randomBytes(32, &random)
                let message = Self.randomBytes(Int(random.next() % 300), &random)
                let publicKey = Ed25519.publicKey(seed: secret)
                let signature = Ed25519.sign(message, seed: secret)
                #expect(signature.count == 64)
                #expect(Ed25519.verify(signature, of: message, publicKey: publicKey), "seed \(seed)")
                #expect(Ed25519.sign(message, seed: secret) == signature, "seed \(seed)")
                #expect(!Ed25519.verify(signature, of: message + [0], publicKey: publicKey), "seed \(seed)")
                let otherKey = Ed25519.publicKey(seed: Self.randomBytes(32, &random))
                #expect(!Ed25519.verify(signature, of: message, publicKey: otherKey), "seed \(seed)")
            }
        }

        /// A single changed bit makes verification fail: random bits anywhere in the
        /// signature, the public key and the message, and always the bits that a lax
        /// decoder might ignore: the sign bits of R and A (bit 255 of each) and the
        /// top bits of S, which a reduction modulo L would hide.
        @Test(arguments: 0..<6)
        func flippedBitFails(seed: UInt64) {
            var random = SeededRandom(seed: 0xf11b &+ seed)
            let secret = Self.randomBytes(32, &random)
            let message = Self.randomBytes(1 + Int(random.next() % 200), &random)
            let publicKey = Ed25519.publicKey(seed: secret)
            let signature = Ed25519.sign(message, seed: secret)
            #expect(Ed25519.verify(signature, of: message, publicKey: publicKey), "seed \(seed)")

            func randomBits(_ count: Int, below limit: Int) -> [Int] {
                (0..<count).map { _ in Int(random.next() % UInt64(limit)) }
            }
            for bit in [255, 508, 509, 510, 511] + randomBits(12, below: 512) {
                var changed = signature
                changed[bit / 8] ^= 1 << (bit % 8)
                #expect(!Ed25519.verify(changed, of: message, publicKey: publicKey), "signature bit \(bit), seed \(seed)")
            }
            for bit in [254, 255] + randomBits(8, below: 256) {
                var changed = publicKey
                changed[bit / 8] ^= 1 << (bit % 8)
                #expect(!Ed25519.verify(signature, of: message, publicKey: changed), "public key bit \(bit), seed \(seed)")
            }
            for bit in randomBits(8, below: message.count * 8) {
                var changed = message
                changed[bit / 8] ^= 1 << (bit % 8)
                #expect(!Ed25519.verify(signature, of: changed, publicKey: publicKey), "message bit \(bit), seed \(seed)")
            }
        }

        /// S + L is the same S modulo L, but a second encoding: strict verification refuses it.
        @Test func nonCanonicalSIsRejected() {
            let example = Ed25519Vectors.rfc8032[0]
            var signature = example.signature
            let order: [UInt8] = Ed25519Vectors.bytes(hex: "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
            var carry = 0
            for i in 0..<32 {
                let sum = Int(signature[32 + i]) + Int(order[i]) + carry
                signature[32 + i] = UInt8(sum & 0xff)
                carry = sum >> 8
            }
            #expect(carry == 0)
            #expect(!Ed25519.verify(signature, of: example.message, publicKey: example.publicKey))
        }

        @Test func wrongLengthsAreInvalid() {
            let example = Ed25519Vectors.rfc8032[1]
            #expect(Ed25519.verify(example.signature, of: example.message, publicKey: example.publicKey))
            #expect(!Ed25519.verify(Array(example.signature.dropLast()), of: example.message, publicKey: example.publicKey))
            #expect(!Ed25519.verify(example.signature + [0], of: example.message, publicKey: example.publicKey))
            #expect(!Ed25519.verify(example.signature, of: example.message, publicKey: Array(example.publicKey.dropLast())))
            #expect(!Ed25519.verify(example.signature, of: example.message, publicKey: example.publicKey + [0]))
            #expect(!Ed25519.verify([], of: example.message, publicKey: []))
        }

        @Test func generatedSeedsAreFreshAndUsable() {
            let first = Ed25519.generateSeed()
            let second = Ed25519.generateSeed()
            #expect(first.count == 32)
            #expect(first != second)
            let signature = Ed25519.sign(Array("koers".utf8), seed: first)
            #expect(Ed25519.verify(signature, of: Array("koers".utf8), publicKey: Ed25519.publicKey(seed: first)))
        }

        static func randomBytes(_ count: Int, _ random: inout SeededRandom) -> [UInt8] {
            (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
    }
}
