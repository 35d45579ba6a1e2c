#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EventLog

/// Snapshots of the folded state in the replica's `cache/` folder: derived files, deletable at any time.
///
/// A snapshot records how far it folded: the last event's place in the total order, and per
/// origin the byte range of its last line and that line's hash. It is used for a cut only if
/// every event it folded belongs to the cut, the recorded lines still hold the same events
/// (the logs were not replaced), and every event read after it sorts after its place: a late
/// arrival that sorts earlier makes it stale, and the state is replayed from the start.
/// A snapshot also names the trusted root keys it was folded under: with other roots, other
/// events count, so a snapshot made before `trust.json` changed is never resumed.
enum ProjectionCache {
    static let format = "koers-projection-4"
    static let checkpointInterval = 100_000
    /// A resumed fold writes a new head snapshot once it has folded this many events.
    static let resaveAfter = 1_000

    struct Stale: Error {}

    /// How far a fold got.
    struct Position {
        struct Line {
            var start: Int
            var after: Int
            var hash: String
        }

        var folded = 0
        var last: Event?
        var vector = VersionVector()
        var offsets: [String: Line] = [:]

        mutating func advance(past located: LogMerger.Located) {
            folded += 1
            last = located.event
            vector[located.event.origin] = located.event.seq
            offsets[located.event.origin] = Line(start: located.lineStart, after: located.offsetAfter, hash: located.event.hash)
        }
    }

    struct Snapshot {
        var position: Position
        var state: ProgrammeState
    }

    static func directory(_ replica: Replica) -> String { replica.cacheDirectory }

    /// SHA-256 of the root keys (sorted by name, then key) as canonical JSON: what a snapshot was folded under.
    static func trustDigest(_ keys: [TrustedKey]) -> String {
        let sorted = keys.sorted { $0.name != $1.name ? $0.name.bytesPrecede($1.name) : $0.publicKey.bytesPrecede($1.publicKey) }
        return SHA256.hexDigest(JSONValue.array(sorted.map { .array([.string($0.name), .string($0.publicKey)]) }).canonicalBytes)
    }

    /// The snapshot that gets furthest while staying inside the cut, if any is valid under these root keys.
    static func best(for cut: Cut, in replica: Replica, trustedKeys: [TrustedKey]) -> Snapshot? {
        guard let names = try? FileIO.listDirectory(directory(replica)) else { return nil }
        var candidates: [(folded: Int, path: String)] = []
        for name in names where name.hasPrefix("projection-") && name.hasSuffix(".json") {
            let middle = name.dropFirst("projection-".count).dropLast(".json".count)
            if middle == "head" { candidates.append((Int.max, name)) } else if let n = Int(middle) { candidates.append((n, name)) }
        }
        for candidate in candidates.sorted(by: { $0.folded > $1.folded }) {
            guard let snapshot = load(directory(replica) + "/" + candidate.path, trustedKeys: trustedKeys), fits(snapshot, cut),
                stillHolds(snapshot, replica)
            else { continue }
            return snapshot
        }
        return nil
    }

    private static func fits(_ snapshot: Snapshot, _ cut: Cut) -> Bool {
        guard let last = snapshot.position.last else { return false }
        if let knownAt = cut.knownAtMillis, last.hlc.millis > knownAt { return false }
        if let upto = cut.upto, ![.before, .equal].contains(snapshot.position.vector.compare(to: upto)) { return false }
        return true
    }

    private static func stillHolds(_ snapshot: Snapshot, _ replica: Replica) -> Bool {
        snapshot.position.offsets.allSatisfy { origin, line in
            replica.event(origin: origin, lineStart: line.start, end: line.after)?.hash == line.hash
        }
    }

    static func save(_ state: ProgrammeState, at position: Position, in replica: Replica, head: Bool) {
        guard let last = position.last else { return }
        let document = JSONValue.object([
            ("format", .string(format)), ("trust", .string(trustDigest(state.trustedKeys))), ("folded", .integer(Int64(position.folded))),
            ("last", .string(String(decoding: last.line, as: UTF8.self))),
            ("vector", .object(position.vector.entries.map { ($0.origin, .integer(Int64($0.seq))) })),
            ("offsets", .object(position.offsets.map { origin, line in
                (origin, .array([.integer(Int64(line.start)), .integer(Int64(line.after)), .string(line.hash)]))
            })),
            ("state", state.snapshot),
        ])
        let dir = directory(replica)
        let name = head ? "projection-head.json" : "projection-\(position.folded).json"
        // A cache may not be writable (a read-only checkout): then views are just slower.
        guard (try? FileIO.makeDirectory(dir)) != nil else { return }
        let temporary = "\(dir)/.\(name).\(getpid())"
        guard let fd = try? FileIO.open(temporary, O_WRONLY | O_CREAT | O_TRUNC) else { return }
        let written = (try? FileIO.writeAll(fd, document.canonicalBytes, path: temporary)) != nil
        close(fd)
        if !written || rename(temporary, "\(dir)/\(name)") != 0 { unlink(temporary) }
    }

    static func load(_ path: String, trustedKeys: [TrustedKey]) -> Snapshot? {
        guard let bytes = try? FileIO.readAll(path), let root = try? JSONValue(parsing: bytes).objectValue,
            root["format"] == .string(format), root["trust"] == .string(trustDigest(trustedKeys)),
            let folded = root["folded"]?.integerValue,
            let lastLine = root["last"]?.stringValue, let last = try? Event.parse(line: Array(lastLine.utf8)),
            let offsets = root["offsets"]?.objectValue, let stateValue = root["state"],
            let state = try? ProgrammeState(snapshot: stateValue, trustedKeys: trustedKeys)
        else { return nil }
        var position = Position(folded: Int(folded), last: last)
        for (origin, value) in offsets.members {
            guard let a = value.arrayValue, a.count == 3, let start = a[0].integerValue, let after = a[1].integerValue,
                let hash = a[2].stringValue
            else { return nil }
            position.offsets[origin] = Position.Line(start: Int(start), after: Int(after), hash: hash)
        }
        guard let vector = root["vector"]?.objectValue else { return nil }
        for (origin, seq) in vector.members {
            guard let n = seq.integerValue, n > 0 else { return nil }
            position.vector[origin] = UInt64(n)
        }
        return Snapshot(position: position, state: state)
    }
}
