import EventLog

/// A message that opens a round or answers it: who a side is, what it wants, and what it holds.
///
/// What a side holds is its frontier: its version vector and the hash of its newest event per
/// origin. A short hello states only the frontier's digest, so that replicas which are already
/// equal find out in one small exchange whatever the number of origins; a full hello adds the
/// frontier itself, sent only once the digests have been found to differ.
public struct Hello: Sendable, Equatable {
    public static let protocolName = "koers-sync"
    public static let protocolVersion: Int64 = 2

    /// Which way events flow in the round, as the side that starts it asks.
    public enum Direction: String, Sendable {
        case both, pull, push
    }

    /// What a replica holds: its version vector and the hash of its newest event per origin.
    public struct Frontier: Sendable, Equatable {
        public var vector: VersionVector
        public var heads: [String: String]
        /// The newest events themselves, signed: if the peer holds another event at the same seq,
        /// the two are evidence of equivocation. Optional in a hello (a peer without them only
        /// ever meets forks); not part of the digest, which the hashes in `heads` already fix.
        public var headEvents: [String: Event]

        public init(vector: VersionVector, heads: [String: String], headEvents: [String: Event] = [:]) {
            self.vector = vector
            self.heads = heads
            self.headEvents = headEvents
        }

        /// What a replica holds now.
        public init(of replica: Replica) throws(EventLogError) {
            let events = try replica.headEvents()
            var vector = VersionVector()
            for (origin, head) in events { vector[origin] = head.seq }
            self.init(vector: vector, heads: events.mapValues(\.hash), headEvents: events)
        }

        /// The members `vector` and `heads` as the digest covers them.
        var digestedMembers: [(String, JSONValue)] {
            [
                ("vector", .object(vector.entries.map { ($0.origin, .integer(Int64($0.seq))) })),
                ("heads", .object(heads.map { ($0.key, .string($0.value)) })),
            ]
        }

        /// The members as a full hello carries them.
        var members: [(String, JSONValue)] {
            guard !headEvents.isEmpty else { return digestedMembers }
            let events = headEvents.compactMap { origin, event in
                (try? JSONValue(parsing: event.line)).map { (origin, $0) }
            }
            return digestedMembers + [("headEvents", .object(events))]
        }

        /// The digest a hello states: the lowercase hex SHA-256 of the canonical JSON (RFC 8785) of
        /// `{"heads":{origin: hash, …},"vector":{origin: seq, …}}`.
        ///
        /// Equal digests mean equal vectors and equal heads, hence (the heads being hashes that chain
        /// every origin's history) equal histories; a different head for the same seq changes it.
        public var digest: String {
            SHA256.hexDigest(JSONValue.object(digestedMembers).canonicalBytes)
        }
    }

    public var replica: String
    public var direction: Direction
    /// The digest of the sender's frontier.
    public var digest: String
    /// The sender's frontier in a full hello; nil in a short one.
    public var frontier: Frontier?

    /// A full hello.
    public init(replica: String, frontier: Frontier, direction: Direction) {
        self.init(replica: replica, digest: frontier.digest, frontier: frontier, direction: direction)
    }

    /// A short hello, stating only the digest.
    public init(replica: String, digest: String, direction: Direction) {
        self.init(replica: replica, digest: digest, frontier: nil, direction: direction)
    }

    private init(replica: String, digest: String, frontier: Frontier?, direction: Direction) {
        self.replica = replica
        self.direction = direction
        self.digest = digest
        self.frontier = frontier
    }

    /// This hello without its frontier.
    public var short: Hello { Hello(replica: replica, digest: digest, direction: direction) }

    public var encoded: [UInt8] {
        JSONValue.object([
            ("protocol", .string(Hello.protocolName)), ("version", .integer(Hello.protocolVersion)),
            ("replica", .string(replica)), ("direction", .string(direction.rawValue)), ("digest", .string(digest)),
        ] + (frontier?.members ?? [])).canonicalBytes
    }

    /// Decodes a short or a full hello; a full one must state the digest of the frontier it carries.
    public init(decoding bytes: [UInt8]) throws(PeerSyncError) {
        let object: JSONObject
        do {
            guard let parsed = try JSONValue(parsing: bytes).objectValue else { throw PeerSyncError.wrongProtocol("hello is not a JSON object") }
            object = parsed
        } catch let error as PeerSyncError {
            throw error
        } catch {
            throw .wrongProtocol("hello is not JSON (\(error))")
        }
        guard object["protocol"] == .string(Hello.protocolName) else {
            throw .wrongProtocol("protocol is \(object["protocol"]?.canonicalString ?? "missing"), not \"\(Hello.protocolName)\"")
        }
        guard object["version"] == .integer(Hello.protocolVersion) else {
            throw .wrongProtocol("protocol version is \(object["version"]?.canonicalString ?? "missing"); this koers speaks version \(Hello.protocolVersion)")
        }
        guard let replica = object["replica"]?.stringValue, Identifier.isValid(replica) else {
            throw .wrongProtocol("replica is missing or not an identifier")
        }
        guard let directionText = object["direction"]?.stringValue, let direction = Direction(rawValue: directionText) else {
            throw .wrongProtocol("direction must be both, pull or push")
        }
        guard let digest = object["digest"]?.stringValue, digest.utf8.count == 64,
            digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw .wrongProtocol("digest is missing or not 64 lowercase hex digits")
        }
        switch (object["vector"], object["heads"]) {
        case (nil, nil):
            self.init(replica: replica, digest: digest, direction: direction)
            return
        case (let vectorValue?, let headsValue?):
            guard let vectorObject = vectorValue.objectValue, let headsObject = headsValue.objectValue else {
                throw .wrongProtocol("vector and heads must be objects")
            }
            var vector = VersionVector()
            var heads: [String: String] = [:]
            for (origin, value) in vectorObject.members {
                guard Identifier.isValid(origin), let seq = value.integerValue, seq >= 1 else {
                    throw .wrongProtocol("vector entry '\(origin)' is not an identifier with a positive seq")
                }
                guard let head = headsObject[origin]?.stringValue else { throw .wrongProtocol("no head hash for '\(origin)'") }
                vector[origin] = UInt64(seq)
                heads[origin] = head
            }
            guard headsObject.count == vectorObject.count else { throw .wrongProtocol("heads and vector name different origins") }
            var headEvents: [String: Event] = [:]
            for (origin, value) in object["headEvents"]?.objectValue?.members ?? [] {
                guard let event = try? Event.parse(line: value.canonicalBytes), event.origin == origin,
                    event.seq == vector[origin], event.hash == heads[origin], event.computedHash == event.hash
                else { throw .wrongProtocol("headEvents.\(origin) is not the event its vector and heads name") }
                headEvents[origin] = event
            }
            let frontier = Frontier(vector: vector, heads: heads, headEvents: headEvents)
            guard frontier.digest == digest else {
                throw .wrongProtocol("digest \(digest) is not the digest of the vector and heads sent with it (\(frontier.digest))")
            }
            self.init(replica: replica, frontier: frontier, direction: direction)
        default:
            throw .wrongProtocol("a hello carries both vector and heads, or neither")
        }
    }
}
