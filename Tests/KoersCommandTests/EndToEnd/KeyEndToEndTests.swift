import EventLog
import Foundation
import Testing
import TestSupport

/// Every replica gets a key pair at init; the secret stays in its file, readable by the owner only.
@Suite struct KeyEndToEndTests {
    @Test func initCreatesAnOwnerOnlySecretAndKeyShowPrintsThePublicKey() throws {
        let tmp = TemporaryDirectory()
        for id in ["programmabureau", "enschede"] {
            #expect(Koers.run(["init", tmp.at(id), "--replica", id, "--owner", id]).status == 0)
        }
        let secretPath = tmp.at("programmabureau") + "/key.secret"
        let attributes = try FileManager.default.attributesOfItem(atPath: secretPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let secret = String(decoding: fileBytes(secretPath), as: UTF8.self).trimmingCharacters(in: .newlines)
        #expect(secret.count == 64 && secret.allSatisfy(\.isHexDigit))

        let shown = Koers.run(["key", "show", "--store", tmp.at("programmabureau")])
        #expect(shown.status == 0, "\(shown)")
        let key = shown.stdout.trimmingCharacters(in: .newlines)
        #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
        #expect(key != secret, "the public key is not the secret")
        #expect(Koers.run(["key", "show", "--store", tmp.at("programmabureau")]).stdout == shown.stdout, "stable")
        let other = Koers.run(["key", "show", "--store", tmp.at("enschede")]).stdout
        #expect(other != shown.stdout, "each replica has its own key")
        let json = try JSONValue(parsing: Koers.run(["key", "show", "--json", "--store", tmp.at("programmabureau")]).stdout
            .trimmingCharacters(in: .newlines)).objectValue
        #expect(json?["publicKey"] == .string(key))

        // The secret never leaves its file: not in output, a bundle, or a peer after a sync round.
        let store = tmp.at("programmabureau")
        #expect(Koers.run(["trust", "add", "bureau", key, "--store", store]).status == 0)
        #expect(Koers.run(["record", "theme-defined", "--theme", "jeugd", "--name", "Jeugd", "--store", store]).status == 0)
        let outputs = ["status", "log", "verify"].map { Koers.run([$0, "--json", "--store", store]).stdout }
        #expect(!outputs.joined().contains(secret))
        #expect(Koers.run(["bundle", "create", tmp.at("b.bundle"), "--store", store]).status == 0)
        #expect(!String(decoding: fileBytes(tmp.at("b.bundle")), as: UTF8.self).contains(secret))
        #expect(Koers.run(["sync", store, "--store", tmp.at("enschede")]).status == 0)
        for (name, bytes) in snapshot(of: tmp.at("enschede")) {
            #expect(!String(decoding: bytes, as: UTF8.self).contains(secret), "the secret reached \(name)")
        }
    }

    @Test func aReplicaWithoutAKeySaysSo() {
        let tmp = TemporaryDirectory()
        let store = tmp.at("old")
        #expect(Koers.run(["init", store, "--replica", "old", "--owner", "evaluator"]).status == 0)
        try? FileManager.default.removeItem(atPath: store + "/key.secret")
        let result = Koers.run(["key", "show", "--store", store])
        #expect(result.status == 1)
        #expect(result.stderr.contains("has no key pair"), "\(result)")
    }
}
