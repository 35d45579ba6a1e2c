import EventLog

/// A bundle file for air-gapped exchange: a JSON Lines file whose first line says what it holds, followed by event lines in the log's total order.
///
/// First line: `{"bundle":"koers","version":1,"replica":…,"since":{…},"vector":{…}}`. Applying a
/// bundle checks every event as a live round does, and takes all of its new events or none.
public enum Bundle {
    public struct Summary: Sendable {
        public var replica: String
        public var events: Int
        public var perOrigin: [String: Int]
        public var vector: VersionVector
    }

    /// Writes the events beyond `since` (everything by default) into a new file.
    public static func create(from replica: Replica, at path: String, since: VersionVector = VersionVector()) throws -> Summary {
        let vector = try replica.versionVector()
        var events: [Event] = []
        for origin in try replica.origins() where vector[origin] > since[origin] {
            try replica.forEachEvent(origin: origin, fromSeq: since[origin] + 1) { event, _ in
                events.append(event)
            }
        }
        events.sort(by: Event.precedesInLogOrder)
        let header = JSONValue.object([
            ("bundle", .string("koers")), ("version", .integer(1)), ("replica", .string(replica.identity.replica)),
            ("since", .object(since.entries.map { ($0.origin, .integer(Int64($0.seq))) })),
            ("vector", .object(vector.entries.map { ($0.origin, .integer(Int64($0.seq))) })),
        ])
        var bytes = header.canonicalBytes + [0x0A]
        var perOrigin: [String: Int] = [:]
        for event in events {
            bytes += event.line + [0x0A]
            perOrigin[event.origin, default: 0] += 1
        }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        try FileIO.writeNewFile(path, bytes, directory: directory.isEmpty ? "/" : directory)
        return Summary(replica: replica.identity.replica, events: events.count, perOrigin: perOrigin, vector: vector)
    }

    /// Takes in a bundle's events that this replica lacks, with the checks of a live round; all or nothing.
    public static func apply(_ path: String, to replica: Replica) throws -> Summary {
        let bytes = try FileIO.readAll(path)
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let headerLine = lines.first,
            let header = try? JSONValue(parsing: Array(headerLine)).objectValue,
            header["bundle"] == .string("koers")
        else { throw PeerSyncError.badBundle(file: path, line: 1, problem: "not a koers bundle (the first line must be its header)") }
        guard header["version"] == .integer(1) else {
            throw PeerSyncError.badBundle(file: path, line: 1, problem: "bundle version \(header["version"]?.canonicalString ?? "missing") is not 1")
        }
        let sender = header["replica"]?.stringValue ?? "?"
        var events: [Event] = []
        var stored: [[UInt8]] = []
        for (offset, line) in lines.dropFirst().enumerated() {
            let read: Event.Hashed
            do { read = try EventReceiver.read(line) } catch {
                throw PeerSyncError.badBundle(file: path, line: offset + 2, problem: "\(error)")
            }
            events.append(read.event)
            stored.append(read.lineIsCanonical ? Array(line) : read.event.line)
        }
        // Events we already hold must be the very same events; the rest are new.
        let held = try replica.versionVector()
        var overlapping: [String: [UInt64: Event]] = [:]
        for event in events where event.seq <= held[event.origin] {
            overlapping[event.origin, default: [:]][event.seq] = event
        }
        for (origin, theirs) in overlapping {
            try replica.forEachEvent(origin: origin, fromSeq: theirs.keys.min() ?? 1) { ours, _ in
                guard let other = theirs[ours.seq], other.hash != ours.hash else { return }
                throw try PeerSyncError.differing(ours: ours, theirs: other, in: replica)
            }
        }
        let fresh = events.indices.filter { events[$0].seq > held[events[$0].origin] }
        let receiver = EventReceiver(replica: replica)
        try receiver.append(fresh.map { events[$0] }, lines: fresh.map { stored[$0] })
        return Summary(replica: sender, events: fresh.count, perOrigin: receiver.received, vector: try replica.versionVector())
    }
}
