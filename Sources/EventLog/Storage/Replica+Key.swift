#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The replica's Ed25519 key pair: the secret seed in `key.secret` (readable by its owner only; never printed, synced or bundled).
extension Replica {
    var secretKeyPath: String { directory + "/key.secret" }

    /// Creates the replica's key pair; called once by `create`.
    func createKey() throws(EventLogError) {
        var seed = Ed25519.generateSeed()
        defer { for index in seed.indices { seed[index] = 0 } }
        let fd = try FileIO.open(secretKeyPath, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        defer { close(fd) }
        // The mode asked for at creation is reduced by the umask; make sure it is exactly owner-only.
        if fchmod(fd, 0o600) != 0 { throw .io(path: secretKeyPath, operation: "protect", code: errno) }
        try FileIO.writeAll(fd, Array(hexString(seed).utf8) + [0x0A], path: secretKeyPath)
        try FileIO.sync(fd, path: secretKeyPath)
        try FileIO.syncDirectory(directory)
    }

    /// The public key (32 bytes as 64 lowercase hex digits), derived from the secret seed.
    public func publicKey() throws(EventLogError) -> String {
        try signingKey().publicKeyHex
    }

    /// The replica's signing key, read from `key.secret`.
    public func signingKey() throws(EventLogError) -> Ed25519.SigningKey {
        guard FileIO.exists(secretKeyPath) else { throw .noKey(path: directory) }
        var text = try FileIO.readAll(secretKeyPath)
        defer { for index in text.indices { text[index] = 0 } }
        if text.last == 0x0A { text.removeLast() }
        guard text.count == 64, var seed = Self.bytes(fromHex: text) else {
            throw .badIdentity(path: secretKeyPath, problem: "not a 32-byte seed in hex")
        }
        defer { for index in seed.indices { seed[index] = 0 } }
        return Ed25519.SigningKey(seed: seed)
    }

    static func bytes(fromHex hex: [UInt8]) -> [UInt8]? {
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = value(hex[index]), let low = value(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
