import EventLog
import Foundation
import Testing
import TestSupport

extension Signing {
    @Suite struct SigningKeyTests {
        /// RFC 8032 section 7.1, byte for byte, through a key made once from the seed.
        @Test(arguments: Ed25519Vectors.rfc8032)
        func rfc8032Example(_ example: Ed25519Vectors.Example) {
            let key = Ed25519.SigningKey(seed: example.seed)
            #expect(hexString(key.publicKey) == example.pk)
            #expect(hexString(key.sign(example.message)) == example.sig)
            // A second signature with the same key: nothing in the key changes by signing.
            #expect(hexString(key.sign(example.message)) == example.sig)
        }

        /// Random seeds, and messages of every length from empty to a few SHA-512
        /// blocks: the key signs exactly as `Ed25519.sign(_:seed:)`, and its public
        /// key is `Ed25519.publicKey(seed:)`.
        @Test(arguments: 0..<4)
        func sameAsSigningWithTheSeed(seed: UInt64) {
            var random = SeededRandom(seed: 0x5167_0b1e &+ seed)
            let secret = Ed25519Tests.randomBytes(32, &random)
            let key = Ed25519.SigningKey(seed: secret)
            #expect(key.publicKey == Ed25519.publicKey(seed: secret), "seed \(seed)")
            for length in [0, 1, 63, 64, 95, 96, 111, 112, 127, 128, 200, 300, Int(random.next() % 1000)] {
                let message = Ed25519Tests.randomBytes(length, &random)
                let signature = key.sign(message)
                #expect(signature == Ed25519.sign(message, seed: secret), "seed \(seed), length \(length)")
                #expect(Ed25519.verify(signature, of: message, publicKey: key.publicKey), "seed \(seed), length \(length)")
            }
        }

        /// Two threads signing different messages with one key at the same time get
        /// the signatures that signing one after the other gives.
        @Test func concurrentSigningGivesTheSameSignatures() {
            var random = SeededRandom(seed: 0xc0c0)
            let secret = Ed25519Tests.randomBytes(32, &random)
            let key = Ed25519.SigningKey(seed: secret)
            let perThread = 300
            let messages = (0..<2).map { _ in
                (0..<perThread).map { _ in Ed25519Tests.randomBytes(1 + Int(random.next() % 250), &random) }
            }
            let expected = messages.map { $0.map { key.sign($0) } }

            let results = Results(threads: 2)
            let start = DispatchSemaphore(value: 0)
            let done = DispatchSemaphore(value: 0)
            for thread in 0..<2 {
                let mine = messages[thread]
                Thread {
                    start.wait()  // both begin together
                    results.set(thread, mine.map { key.sign($0) })
                    done.signal()
                }.start()
            }
            start.signal()
            start.signal()
            done.wait()
            done.wait()
            for thread in 0..<2 {
                let got = results.get(thread)
                #expect(got.count == perThread)
                let wrong = zip(got, expected[thread]).filter { $0 != $1 }.count
                #expect(wrong == 0, "thread \(thread): \(wrong) of \(perThread) signatures differ")
            }
        }

        /// What each thread signed, handed back under a lock.
        final class Results: @unchecked Sendable {
            private let lock = NSLock()
            private var signatures: [[[UInt8]]]

            init(threads: Int) {
                signatures = Array(repeating: [], count: threads)
            }

            func set(_ thread: Int, _ value: [[UInt8]]) {
                lock.withLock { signatures[thread] = value }
            }

            func get(_ thread: Int) -> [[UInt8]] {
                lock.withLock { signatures[thread] }
            }
        }
    }
}

extension Signing {
    /// Signing a batch, whose signatures share one inversion, gives the signatures of signing one by one.
    @Suite struct BatchSigningTests {
        @Test func rfc8032ExamplesAsOneBatchPerKey() {
            for example in Ed25519Vectors.rfc8032 {
                let key = Ed25519.SigningKey(seed: example.seed)
                #expect(key.sign([example.message]).map(hexString) == [example.sig], "\(example.name)")
                #expect(key.sign([example.message, example.message]).map(hexString) == [example.sig, example.sig], "\(example.name)")
            }
        }

        @Test(arguments: [0, 1, 2, 3, 17, 64])
        func sameAsOneByOne(count: Int) {
            var random = SeededRandom(seed: 0xba7c4 &+ UInt64(count))
            let key = Ed25519.SigningKey(seed: Ed25519Tests.randomBytes(32, &random))
            let messages = (0..<count).map { _ in Ed25519Tests.randomBytes(Int(random.next() % 400), &random) }
            let signatures = key.sign(messages)
            #expect(signatures.count == count)
            #expect(signatures == messages.map { key.sign($0) })
        }

        /// Two threads signing batches with one key at once.
        @Test func concurrentBatches() {
            var random = SeededRandom(seed: 0xba7c4c0c0)
            let key = Ed25519.SigningKey(seed: Ed25519Tests.randomBytes(32, &random))
            let messages = (0..<2).map { _ in
                (0..<40).map { _ in Ed25519Tests.randomBytes(1 + Int(random.next() % 250), &random) }
            }
            let expected = messages.map { $0.map { key.sign($0) } }
            let results = SigningKeyTests.Results(threads: 2)
            let done = DispatchSemaphore(value: 0)
            for thread in 0..<2 {
                let mine = messages[thread]
                Thread {
                    results.set(thread, (0..<10).flatMap { _ in key.sign(mine) })
                    done.signal()
                }.start()
            }
            done.wait()
            done.wait()
            for thread in 0..<2 {
                #expect(results.get(thread) == Array((0..<10).map { _ in expected[thread] }.joined()), "thread \(thread)")
            }
        }
    }
}
