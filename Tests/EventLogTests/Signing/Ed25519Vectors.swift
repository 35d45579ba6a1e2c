import Foundation

/// The Ed25519 test vectors of `Tests/EventLogTests/Fixtures/ed25519/`, read from the source tree found through this file's path.
enum Ed25519Vectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Signing
        .deletingLastPathComponent()  // EventLogTests
        .appendingPathComponent("Fixtures/ed25519")

    /// One example of RFC 8032 section 7.1: a seed, its public key, a message and its signature.
    struct Example: Sendable, Decodable, CustomStringConvertible {
        var name: String
        var sk: String
        var pk: String
        var msg: String
        var sig: String

        var seed: [UInt8] { bytes(hex: sk) }
        var publicKey: [UInt8] { bytes(hex: pk) }
        var message: [UInt8] { bytes(hex: msg) }
        var signature: [UInt8] { bytes(hex: sig) }
        var description: String { name }
    }

    /// One Wycheproof verification case, with the public key of its group.
    struct WycheproofCase: Sendable {
        var tcId: Int
        var comment: String
        var publicKey: [UInt8]
        var message: [UInt8]
        var signature: [UInt8]
        var valid: Bool
    }

    /// The five examples, or none if the file is missing (which a test reports).
    static let rfc8032: [Example] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("rfc8032-7.1.json")) else { return [] }
        return (try? JSONDecoder().decode([Example].self, from: data)) ?? []
    }()

    /// The 151 cases of `wycheproof_ed25519_test.json`, or none if the file is missing.
    static let wycheproof: [WycheproofCase] = {
        struct File: Decodable {
            var numberOfTests: Int
            var testGroups: [Group]
        }
        struct Group: Decodable {
            var publicKey: Key
            var tests: [Case]
        }
        struct Key: Decodable {
            var pk: String
        }
        struct Case: Decodable {
            var tcId: Int
            var comment: String
            var msg: String
            var sig: String
            var result: String
        }
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("wycheproof_ed25519_test.json")),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.testGroups.flatMap { group in
            group.tests.map { test in
                WycheproofCase(
                    tcId: test.tcId, comment: test.comment, publicKey: bytes(hex: group.publicKey.pk),
                    message: bytes(hex: test.msg), signature: bytes(hex: test.sig), valid: test.result == "valid")
            }
        }
    }()

    /// The bytes of a hexadecimal string; an odd length or a non-hex character is a broken fixture.
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        precondition(digits.count % 2 == 0, "odd-length hex in a fixture")
        func value(_ digit: UInt8) -> UInt8 {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
            default: preconditionFailure("not a hex digit in a fixture: \(digit)")
            }
        }
        return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
    }
}
