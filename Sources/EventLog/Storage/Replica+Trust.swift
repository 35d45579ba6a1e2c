/// The root keys a replica trusts, in `trust.json`: local configuration, never synced, copied to a replica made from this one.
///
/// Events signed by a root key count as the programme office's; every other replica's key is
/// vouched for by a `replica-enrolled` event signed with a root key (see the Programme rules).
/// File: `{"format":1,"roots":{"NAME":"<public key hex>",…}}`, canonical JSON, replaced whole.
public struct TrustedKey: Sendable, Equatable {
    /// A name for people: who holds the key (`archive`, `bureau-2026` …), an identifier.
    public var name: String
    /// The Ed25519 public key, 64 lowercase hex digits.
    public var publicKey: String

    public init(name: String, publicKey: String) {
        self.name = name
        self.publicKey = publicKey
    }
}

extension Replica {
    var trustPath: String { directory + "/trust.json" }

    /// The trusted root keys, sorted by name; none when the replica trusts no one yet.
    public func trustedKeys() throws(EventLogError) -> [TrustedKey] {
        guard FileIO.exists(trustPath) else { return [] }
        let object: JSONObject
        do {
            guard let parsed = try JSONValue(parsing: FileIO.readAll(trustPath)).objectValue else {
                throw EventLogError.badIdentity(path: trustPath, problem: "not a JSON object")
            }
            object = parsed
        } catch let error as EventLogError {
            throw error
        } catch {
            throw .badIdentity(path: trustPath, problem: "\(error)")
        }
        guard object["format"] == .integer(1), let roots = object["roots"]?.objectValue else {
            throw .badIdentity(path: trustPath, problem: "expected {\"format\":1,\"roots\":{NAME: KEY, …}}")
        }
        var keys: [TrustedKey] = []
        for (name, value) in roots.members {
            guard Identifier.isValid(name), let key = value.stringValue, EventSignature.isPublicKey(key) else {
                throw .badIdentity(path: trustPath, problem: "roots.\(name): not an identifier with a public key of 64 lowercase hex digits")
            }
            keys.append(TrustedKey(name: name, publicKey: key))
        }
        return keys.sorted { $0.name < $1.name }
    }

    /// Replaces the trusted keys, durably (written whole under a temporary name, then renamed).
    public func setTrustedKeys(_ keys: [TrustedKey]) throws(EventLogError) {
        let roots = keys.sorted { $0.name < $1.name }.map { ($0.name, JSONValue.string($0.publicKey)) }
        let object = JSONValue.object([("format", .integer(1)), ("roots", .object(roots))])
        try FileIO.writeNewFile(trustPath, object.canonicalBytes + [0x0A], directory: directory)
    }
}
