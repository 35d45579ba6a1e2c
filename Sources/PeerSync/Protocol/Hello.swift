import EventLog

/// The first message of a round: who a side is, what it holds (its version vector and the hash of its newest event per origin), and what it wants.
public struct Hello: Sendable, Equatable {
    public static let protocolName = "koers-sync"
    public static let protocolVersion: Int64 = 1

    /// Which way events flow in the round, as the side that starts it asks.
    public enum Direction: String, Sendable {
        case both, pull, push
    }

    public var replica: String
    public var vector: VersionVector
    public var heads: [String: String]
    public var direction: Direction

    public init(replica: String, vector: VersionVector, heads: [String: String], direction: Direction) {
        self.replica = replica
        self.vector = vector
        self.heads = heads
        self.direction = direction
    }

    /// Reads what a replica holds into a hello.
    public init(of replica: Replica, direction: Direction) throws(EventLogError) {
        let heads = try replica.heads()
        var vector = VersionVector()
        for (origin, head) in heads { vector[origin] = head.seq }
        self.init(replica: replica.identity.replica, vector: vector, heads: heads.mapValues(\.hash), direction: direction)
    }

    public var encoded: [UInt8] {
        JSONValue.object([
            ("protocol", .string(Hello.protocolName)), ("version", .integer(Hello.protocolVersion)),
            ("replica", .string(replica)), ("direction", .string(direction.rawValue)),
            ("vector", .object(vector.entries.map { ($0.origin, .integer(Int64($0.seq))) })),
            ("heads", .object(heads.map { ($0.key, .string($0.value)) })),
        ]).canonicalBytes
    }

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
        guard let vectorObject = object["vector"]?.objectValue, let headsObject = object["heads"]?.objectValue else {
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
        self.init(replica: replica, vector: vector, heads: heads, direction: direction)
    }
}
