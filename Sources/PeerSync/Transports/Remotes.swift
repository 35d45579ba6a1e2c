import EventLog

/// The named peers of a replica (`koers remote add NAME URL`), kept in `remotes.json` in the replica's directory.
public struct Remotes: Sendable, Equatable {
    /// Name → URL (a directory path or an ssh:// URL), listed by name.
    public private(set) var entries: [String: String] = [:]

    static func path(_ replica: Replica) -> String { replica.directory + "/remotes.json" }

    public static func load(_ replica: Replica) throws -> Remotes {
        let path = path(replica)
        guard FileIO.exists(path) else { return Remotes() }
        guard let object = try? JSONValue(parsing: FileIO.readAll(path)).objectValue?["remotes"]?.objectValue else {
            throw PeerSyncError.transport("\(path): not a remotes file ({\"remotes\": {NAME: URL}})")
        }
        var remotes = Remotes()
        for (name, url) in object.members {
            guard let url = url.stringValue else { throw PeerSyncError.transport("\(path): remote '\(name)' has no URL") }
            remotes.entries[name] = url
        }
        return remotes
    }

    public mutating func add(name: String, url: String) throws(PeerSyncError) {
        guard Identifier.isValid(name) else { throw .transport("remote name '\(name)' is not an identifier [a-z0-9][a-z0-9-]{0,63}") }
        guard entries[name] == nil else { throw .transport("remote '\(name)' exists already (\(entries[name]!))") }
        entries[name] = url
    }

    public mutating func remove(name: String) throws(PeerSyncError) {
        guard entries.removeValue(forKey: name) != nil else { throw .transport("no remote named '\(name)'") }
    }

    public func save(_ replica: Replica) throws {
        let object = JSONValue.object([("remotes", .object(entries.map { ($0.key, .string($0.value)) }))])
        try FileIO.writeNewFile(Self.path(replica), object.canonicalBytes + [0x0A], directory: replica.directory)
    }

    public var sortedNames: [String] { entries.keys.sorted { $0.bytesPrecede($1) } }
}
