import EventLog
import Programme

/// Deterministic signing keys for tests: each origin's seed is SHA-256 of "koers-test-key:" + origin,
/// so signed test events come out the same in every run and any test can name any origin's key.
enum TestKeys {
    static func seed(_ origin: String) -> [UInt8] {
        SHA256.digest(Array("koers-test-key:\(origin)".utf8))
    }

    static func key(_ origin: String) -> Ed25519.SigningKey {
        Ed25519.SigningKey(seed: seed(origin))
    }

    /// The programme office's key, the one root key the tests trust.
    static let office = key(ProgrammeState.programmeOffice)

    static let roots = [TrustedKey(name: ProgrammeState.programmeOffice, publicKey: office.publicKeyHex)]

    /// The data of a `replica-enrolled` event for the replica's test key.
    static func enrolment(of replica: String, owner: String) -> String {
        #"{"replica": "\#(replica)", "owner": "\#(owner)", "key": "\#(key(replica).publicKeyHex)"}"#
    }
}

extension ProgrammeState {
    /// An empty state that trusts the office's test key as its root, as every test replica does.
    static func trustingTestOffice(trackingHistoryOf projects: Set<String> = []) -> ProgrammeState {
        ProgrammeState(trustedKeys: TestKeys.roots, trackingHistoryOf: projects)
    }
}
