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
    static let format = "koers-projection-7"
    static let checkpointInterval = 100_000
    /// A resumed fold writes a new head snapshot once it has folded this many events: folding them
    /// again costs every later command about 20 µs each, writing the snapshot a few ms once.
    static let resaveAfter = 100

    struct Stale: Error {}

    /// An event read after a snapshot's place that sorts before it: it arrived after the snapshot was made.
    struct LateArrival: Error {
        var event: Event
    }

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

    /// The snapshot that gets furthest while staying inside the cut, if any is valid under these root keys;
    /// with `late`, the furthest one that this event sorts after. It is read as far as `scope` says, but whole
    /// when it is `resaveAfter` events or more behind `current` (the replica's holdings): the fold after it
    /// then saves a new head, which only a whole state may be.
    static func best(
        for cut: Cut, in replica: Replica, trustedKeys: [TrustedKey], scope: ProgrammeState.Scope = .whole,
        wholeIfBehind current: VersionVector? = nil, before late: Event? = nil
    ) -> Snapshot? {
        guard let names = try? FileIO.listDirectory(directory(replica)) else { return nil }
        var candidates: [(folded: Int, path: String)] = []
        for name in names where name.hasPrefix(filePrefix) && name.hasSuffix(fileSuffix) {
            let middle = name.dropFirst(filePrefix.count).dropLast(fileSuffix.count)
            if middle == "head" { candidates.append((Int.max, name)) } else if let n = Int(middle) { candidates.append((n, name)) }
        }
        let trust = trustDigest(trustedKeys)
        for candidate in candidates.sorted(by: { $0.folded > $1.folded }) {
            guard let bytes = read(directory(replica) + "/" + candidate.path) else { continue }
            // The state is decoded only once the position is known to fit: most of the time goes there.
            let snapshot: Snapshot? = bytes.withUnsafeBytes { raw in
                guard var reader = checkedReader(raw), let position = try? readPosition(&reader, trust: trust),
                    fits(position, cut), late.map({ Event.precedesInLogOrder(position.last!, $0) }) ?? true,
                    stillHolds(position, replica),
                    let state = try? ProgrammeState(
                        reading: &reader, trustedKeys: trustedKeys,
                        scope: current.map { eventsBehind(position, $0) >= resaveAfter } == true ? .whole : scope)
                else { return nil }
                return Snapshot(position: position, state: state)
            }
            if let snapshot { return snapshot }
        }
        return nil
    }

    private static func fits(_ position: Position, _ cut: Cut) -> Bool {
        guard let last = position.last else { return false }
        if let knownAt = cut.knownAtMillis, last.hlc.millis > knownAt { return false }
        if let upto = cut.upto, ![.before, .equal].contains(position.vector.compare(to: upto)) { return false }
        return true
    }

    /// How many events `current` holds beyond the snapshot's position.
    private static func eventsBehind(_ position: Position, _ current: VersionVector) -> Int {
        current.entries.reduce(0) { sum, entry in sum + Int(entry.seq - min(entry.seq, position.vector[entry.origin])) }
    }

    private static func stillHolds(_ position: Position, _ replica: Replica) -> Bool {
        position.offsets.allSatisfy { origin, line in
            replica.event(origin: origin, lineStart: line.start, end: line.after)?.hash == line.hash
        }
    }

    /// `projection-head.snapshot` (the latest fold of the whole log) or `projection-N.snapshot` (a checkpoint after N events).
    private static let filePrefix = "projection-"
    private static let fileSuffix = ".snapshot"

    /// A file starts with the format's name and a newline, then the checksum of the rest (8 bytes,
    /// little-endian), then the position, then the state (`ProgrammeState.snapshot`).
    private static var magic: [UInt8] { Array((format + "\n").utf8) }
    private static let checksumSize = 8

    /// Saves the checkpoints and the head of one fold. A head at the place of the checkpoint saved last (a
    /// fold that ends on a checkpoint) is written from that checkpoint's bytes rather than encoded again.
    struct Saves {
        let replica: Replica
        private var lastCheckpoint: (folded: Int, bytes: [UInt8])?

        init(_ replica: Replica) { self.replica = replica }

        mutating func checkpoint(_ state: ProgrammeState, at position: Position) {
            guard let bytes = fileBytes(state, at: position) else { return }
            write(bytes, named: "\(position.folded)", in: replica)
            lastCheckpoint = (position.folded, bytes)
        }

        func head(_ state: ProgrammeState, at position: Position) {
            if let lastCheckpoint, lastCheckpoint.folded == position.folded {
                write(lastCheckpoint.bytes, named: "head", in: replica)
            } else if let bytes = fileBytes(state, at: position) {
                write(bytes, named: "head", in: replica)
            }
        }
    }

    /// A snapshot file's bytes; nil for a fold of no events.
    private static func fileBytes(_ state: ProgrammeState, at position: Position) -> [UInt8]? {
        guard let last = position.last else { return nil }
        var header = SnapshotWriter(reservingCapacity: 4096)
        header.write(inline: trustDigest(state.trustedKeys))
        header.write(position.folded)
        header.write(raw: last.line)
        let vector = position.vector.entries
        header.write(vector.count)
        for entry in vector { header.write(inline: entry.origin); header.write(entry.seq) }
        header.write(position.offsets.count)
        for (origin, line) in position.offsets {
            header.write(inline: origin); header.write(line.start); header.write(line.after); header.write(inline: line.hash)
        }
        let rest = header.bytes + state.snapshot
        var checksum = rest.withUnsafeBytes { SnapshotChecksum.of($0) }.littleEndian
        return magic + withUnsafeBytes(of: &checksum) { Array($0) } + rest
    }

    /// Writes `projection-NAME.snapshot` whole or not at all (a temporary file renamed over it).
    private static func write(_ bytes: [UInt8], named middle: String, in replica: Replica) {
        let dir = directory(replica)
        let name = filePrefix + middle + fileSuffix
        // A cache may not be writable (a read-only checkout): then views are just slower.
        guard (try? FileIO.makeDirectory(dir)) != nil else { return }
        let temporary = "\(dir)/.\(name).\(getpid())"
        guard let fd = try? FileIO.open(temporary, O_WRONLY | O_CREAT | O_TRUNC) else { return }
        let written = (try? FileIO.writeAll(fd, bytes, path: temporary)) != nil
        close(fd)
        if !written || rename(temporary, "\(dir)/\(name)") != 0 { unlink(temporary) }
    }

    /// A whole file in one read of its size; nil if it cannot be read.
    private static func read(_ path: String) -> [UInt8]? {
        guard let fd = try? FileIO.open(path, O_RDONLY) else { return nil }
        defer { close(fd) }
        guard let size = try? FileIO.size(fd, path: path) else { return nil }
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let n = Glibc_read(fd, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { complete = false; break }
                count += n
            }
        }
        return complete ? bytes : nil
    }

    /// A reader past the magic and checksum if the file is of this format and its checksum holds.
    private static func checkedReader(_ raw: UnsafeRawBufferPointer) -> SnapshotReader? {
        let start = magic.count + checksumSize
        guard raw.count >= start, raw.prefix(magic.count).elementsEqual(magic) else { return nil }
        let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: magic.count, as: UInt64.self))
        guard SnapshotChecksum.of(UnsafeRawBufferPointer(rebasing: raw[start...])) == stored else { return nil }
        return SnapshotReader(raw, from: start)
    }

    /// The position a snapshot folded to, if it was folded under the root keys with this digest.
    private static func readPosition(_ reader: inout SnapshotReader, trust: String) throws -> Position {
        guard try reader.readInline() == trust else { throw Stale() }
        let folded = try reader.readInt()
        let last = try Event.parse(line: Array(try reader.readRaw()))
        var position = Position(folded: folded, last: last)
        for _ in 0..<(try reader.readCount()) {
            let origin = try reader.readInline()
            let seq = try reader.readUInt64()
            guard seq > 0, position.vector[origin] == 0 else { throw Stale() }
            position.vector[origin] = seq
        }
        for _ in 0..<(try reader.readCount()) {
            let origin = try reader.readInline()
            let line = Position.Line(start: try reader.readInt(), after: try reader.readInt(), hash: try reader.readInline())
            guard line.start >= 0, line.after > line.start else { throw Stale() }
            position.offsets[origin] = line
        }
        return position
    }
}

#if canImport(Glibc)
private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { Glibc.read(fd, buffer, count) }
#else
private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { Darwin.read(fd, buffer, count) }
#endif
