#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A replica on disk: a directory holding its identity and one append-only JSON Lines log per origin.
///
/// Layout (format 1):
/// - `replica.json`: `{"format":1,"owner":…,"replica":…}`
/// - `log/ORIGIN.jsonl`: the events of one origin, one canonical JSON object a line, in `seq` order
/// - `log/ORIGIN.quarantine`: torn last lines set aside after a crash (evidence, never read as events)
/// - `batch.pending`: a batch being appended, replayed or set aside on the next open
/// - `key.secret`: the replica's Ed25519 secret seed (hex), mode 0600, never synced or bundled
/// - `trust.json`: the root keys this replica trusts (local configuration, never synced)
/// - `evidence/ORIGIN-SEQ.jsonl`: two validly signed events with one origin and seq (see `Equivocation`)
/// - `lock`: taken by the one writer
/// - `cache/`: derived files, deletable at any time
public struct Replica: Sendable {
    /// Who this replica is: its id (the origin of the events it authors) and its owner organisation.
    public struct Identity: Sendable, Equatable {
        public var replica: String
        public var owner: String
    }

    /// The newest event held of one origin.
    public struct Head: Sendable, Equatable {
        public var seq: UInt64
        public var hash: String
        public var hlc: HybridTimestamp
        public var clock: VersionVector
        /// The event's signature member, as it states it; nil if unsigned.
        public var sig: String?

        public init(_ event: Event) {
            seq = event.seq
            hash = event.hash
            hlc = event.hlc
            clock = event.clock
            sig = event.sig
        }

        /// The public key that signed it, as the event states it; nil if unsigned (worked out when asked:
        /// a head is made for every event appended).
        public var signerKey: String? { EventSignature.key(named: sig) }
    }

    public static let formatVersion: Int64 = 1

    public let directory: String
    public let identity: Identity

    var logDirectory: String { directory + "/log" }
    var identityPath: String { directory + "/replica.json" }
    var lockPath: String { directory + "/lock" }
    var batchPath: String { directory + "/batch.pending" }
    public var cacheDirectory: String { directory + "/cache" }

    func logPath(_ origin: String) -> String { logDirectory + "/" + origin + ".jsonl" }
    func quarantinePath(_ origin: String) -> String { logDirectory + "/" + origin + ".quarantine" }

    /// The path of a log file relative to the replica, as messages show it.
    public func displayPath(origin: String) -> String {
        directory + "/log/" + origin + ".jsonl"
    }

    /// Creates a new, empty replica; the directory must not exist or be empty.
    public static func create(at directory: String, replica: String, owner: String) throws(EventLogError) -> Replica {
        guard Identifier.isValid(replica) else { throw .invalidIdentifier(field: "replica", value: replica) }
        guard Identifier.isValid(owner) else { throw .invalidIdentifier(field: "owner", value: owner) }
        if FileIO.exists(directory) {
            guard FileIO.isDirectory(directory), try FileIO.listDirectory(directory).isEmpty else {
                throw .replicaExists(path: directory)
            }
        } else {
            try FileIO.makeDirectory(directory)
        }
        let made = Replica(directory: directory, identity: Identity(replica: replica, owner: owner))
        try FileIO.makeDirectory(made.logDirectory)
        let object = try! JSONObject([
            ("format", .integer(formatVersion)), ("replica", .string(replica)), ("owner", .string(owner)),
        ])
        try FileIO.writeNewFile(made.identityPath, JSONValue.object(object).canonicalBytes + [0x0A], directory: directory)
        try made.createKey()
        return made
    }

    /// Opens an existing replica for reading. Readers never take the lock and never block.
    public static func open(at directory: String) throws(EventLogError) -> Replica {
        let identityPath = directory + "/replica.json"
        guard FileIO.exists(identityPath) else { throw .notAReplica(path: directory) }
        let bytes = try FileIO.readAll(identityPath)
        let object: JSONObject
        do {
            guard let parsed = try JSONValue(parsing: bytes).objectValue else {
                throw EventLogError.badIdentity(path: identityPath, problem: "not a json object")
            }
            object = parsed
        } catch let error as JSONError {
            throw .badIdentity(path: identityPath, problem: error.description)
        } catch {
            throw .badIdentity(path: identityPath, problem: "\(error)")
        }
        guard object["format"]?.integerValue == formatVersion else {
            throw .badIdentity(path: identityPath, problem: "format must be \(formatVersion); this koers reads format \(formatVersion) only")
        }
        guard let replica = object["replica"]?.stringValue, Identifier.isValid(replica) else {
            throw .badIdentity(path: identityPath, problem: "replica: missing or not an identifier")
        }
        guard let owner = object["owner"]?.stringValue, Identifier.isValid(owner) else {
            throw .badIdentity(path: identityPath, problem: "owner: missing or not an identifier")
        }
        return Replica(directory: directory, identity: Identity(replica: replica, owner: owner))
    }

    /// The origins that have a log here, sorted. A file whose name is not an identifier is not a log.
    public func origins() throws(EventLogError) -> [String] {
        guard FileIO.isDirectory(logDirectory) else { return [] }
        return try FileIO.listDirectory(logDirectory).compactMap { name in
            guard name.hasSuffix(".jsonl") else { return nil }
            let origin = String(name.dropLast(6))
            return Identifier.isValid(origin) ? origin : nil
        }
    }

    /// The newest event of every origin, read from the end of each log: cheap whatever the log size.
    public func heads() throws(EventLogError) -> [String: Head] {
        try headEvents().mapValues(Head.init)
    }

    /// The newest event of every origin itself.
    public func headEvents() throws(EventLogError) -> [String: Event] {
        var heads: [String: Event] = [:]
        for origin in try origins() {
            guard let line = try LogFile.lastLine(logPath(origin)).line else { continue }
            do throws(EnvelopeError) { heads[origin] = try Event.parse(line: line) } catch {
                throw .badLastLine(file: displayPath(origin: origin), error: error)
            }
        }
        return heads
    }

    /// The version vector of everything this replica holds.
    public func versionVector() throws(EventLogError) -> VersionVector {
        var vector = VersionVector()
        for (origin, head) in try heads() { vector[origin] = head.seq }
        return vector
    }

    /// Calls `body` with every complete event of one origin in `seq` order, with its line number.
    ///
    /// Line n of a log holds seq n, so events before `fromSeq` are skipped without being parsed.
    public func forEachEvent(origin: String, fromSeq: UInt64 = 1, _ body: (Event, Int) throws -> Void) throws {
        let path = logPath(origin)
        guard FileIO.exists(path) else { return }
        try LogFile.forEachLine(path) { line, number in
            guard number >= fromSeq else { return }
            let event: Event
            do throws(EnvelopeError) { event = try Event.parse(line: line) } catch {
                throw EventLogError.badLine(file: displayPath(origin: origin), line: number, error: error)
            }
            try body(event, number)
        }
    }

    /// All events of one origin, in `seq` order.
    public func events(origin: String) throws -> [Event] {
        var events: [Event] = []
        try forEachEvent(origin: origin) { event, _ in events.append(event) }
        return events
    }

    /// All events held, per origin in `seq` order, origins in sorted order.
    public func allEvents() throws -> [Event] {
        var events: [Event] = []
        for origin in try origins() {
            try forEachEvent(origin: origin) { event, _ in events.append(event) }
        }
        return events
    }
}
