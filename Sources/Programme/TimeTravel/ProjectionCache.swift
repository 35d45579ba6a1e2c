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
/// events count, so a snapshot made before `trust.json` changed is never resumed. And it notes the
/// dates of the events in each stretch between checkpoints, for views at a date (`DatedFold`).
///
/// A fold of the whole log saves a checkpoint every `checkpointInterval` events and the head at its
/// end; a rewind starts from the checkpoint before its point.
enum ProjectionCache {
    static let format = "koers-projection-9"
    static let checkpointInterval = 25_000
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

        /// Per origin, its last line folded. A fold sets it for every event and a log has few origins, so a list
        /// searched from the origin set last costs less than hashing the origin for a dictionary.
        struct LastLines: Sequence {
            private var entries: [(origin: String, line: Line)] = []
            private var recent = 0

            var count: Int { entries.count }

            subscript(origin: String) -> Line? { entries.first { $0.origin == origin }?.line }

            mutating func set(_ line: Line, for origin: String) {
                if recent < entries.count && entries[recent].origin == origin {
                    entries[recent].line = line
                } else if let index = entries.firstIndex(where: { $0.origin == origin }) {
                    recent = index
                    entries[index].line = line
                } else {
                    recent = entries.count
                    entries.append((origin, line))
                }
            }

            func makeIterator() -> IndexingIterator<[(origin: String, line: Line)]> { entries.makeIterator() }
        }

        var folded = 0
        var last: Event?
        var vector = VersionVector()
        var offsets = LastLines()
        /// The dates of the events folded, per stretch between checkpoints: the closed stretches in order, then
        /// the one since the last checkpoint (nil right after one).
        var spans: [Span] = []
        var openSpan: Span?

        /// Throws `LateArrival` if the event sorts before the last one folded: it arrived after this position was
        /// reached, so a fold that goes on from here would fold it out of order.
        func checkFollowed(by event: Event) throws(LateArrival) {
            if let last, !Event.precedesInLogOrder(last, event) { throw LateArrival(event: event) }
        }

        mutating func advance(past located: LogMerger.Located) {
            let event = located.event
            folded += 1
            last = event
            vector[event.origin] = event.seq
            offsets.set(Line(start: located.lineStart, after: located.offsetAfter, hash: event.hash), for: event.origin)
            let isKeyFact = Cut.isKeyFact(event.type)
            if openSpan == nil {
                openSpan = Span(end: folded, lastHash: "", earliest: isKeyFact ? Span.everyDate : event.effective, latest: nil)
            }
            openSpan!.take(event.effective, isKeyFact: isKeyFact, endingAt: folded)
        }

        /// Ends the open stretch at a checkpoint's place (every `interval` events folded, saved or not).
        mutating func closeSpan() {
            spans += closedOpenSpan.map { [$0] } ?? []
            openSpan = nil
        }

        /// The closed stretches, then the open one.
        var allSpans: [Span] { spans + (closedOpenSpan.map { [$0] } ?? []) }

        /// The open stretch with the hash of its last event, which is noted only here rather than for every event.
        private var closedOpenSpan: Span? {
            guard var span = openSpan, let last else { return nil }
            span.lastHash = last.hash
            return span
        }
    }

    /// A stretch of the fold between two checkpoints, by the dates of its events: a fold `--at` a date
    /// starts from a checkpoint only when no event before it is dated later (its state then holds exactly
    /// the facts in effect), and steps over a stretch none of whose events counts on that date.
    struct Span: Equatable {
        /// The number of events folded at its end, and the hash of the last of them (the open stretch's is set
        /// when it is closed or saved).
        var end: Int
        var lastHash: String
        /// The earliest date on which one of its events counts: a key fact counts on every date.
        var earliest: LocalDate
        /// The latest effective date of its events that a date can leave out; nil if all are key facts.
        var latest: LocalDate?

        static let everyDate = LocalDate(year: 1, month: 1, day: 1)!

        mutating func take(_ effective: LocalDate, isKeyFact: Bool, endingAt folded: Int) {
            end = folded
            if isKeyFact {
                earliest = Self.everyDate
            } else {
                if effective < earliest { earliest = effective }
                if latest.map({ effective > $0 }) ?? true { latest = effective }
            }
        }

        /// Whether a view at the date leaves out every event of the stretch.
        func isLeftOut(at date: LocalDate) -> Bool { earliest > date }
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
        for name in snapshotFiles(replica) {
            let loaded = load(name, in: replica, trustedKeys: trustedKeys) { position in
                guard fits(position, cut), late.map({ Event.precedesInLogOrder(position.last!, $0) }) ?? true else { return .refuse }
                return .state(current.map { eventsBehind(position, $0) >= resaveAfter } == true ? .whole : scope)
            }
            if let loaded, let state = loaded.state { return Snapshot(position: loaded.position, state: state) }
        }
        return nil
    }

    /// The position of the newest snapshot, head or checkpoint, valid under these root keys; its state is not read.
    static func newestPosition(in replica: Replica, trustedKeys: [TrustedKey]) -> Position? {
        for name in snapshotFiles(replica) {
            if let loaded = load(name, in: replica, trustedKeys: trustedKeys, decoding: { _ in .position }) { return loaded.position }
        }
        return nil
    }

    /// The names of the snapshot files, newest first: the head, then the checkpoints from the furthest.
    private static func snapshotFiles(_ replica: Replica) -> [String] {
        guard let names = try? FileIO.listDirectory(directory(replica)) else { return [] }
        var files: [(folded: Int, name: String)] = []
        for name in names where name.hasPrefix(filePrefix) && name.hasSuffix(fileSuffix) {
            let middle = name.dropFirst(filePrefix.count).dropLast(fileSuffix.count)
            if middle == "head" { files.append((Int.max, name)) } else if let n = Int(middle) { files.append((n, name)) }
        }
        return files.sorted { $0.folded > $1.folded }.map(\.name)
    }

    /// The snapshot at the end of a span, checkpoint or head, if one is saved there from the same fold: the same
    /// number of events folded, ending with the same event. With `scope` nil only its position is read.
    static func snapshot(
        endingWith span: Span, in replica: Replica, trustedKeys: [TrustedKey], scope: ProgrammeState.Scope?
    ) -> (position: Position, state: ProgrammeState?)? {
        for middle in ["\(span.end)", "head"] {
            let loaded = load(filePrefix + middle + fileSuffix, in: replica, trustedKeys: trustedKeys) { position in
                guard position.folded == span.end && position.last?.hash == span.lastHash else { return .refuse }
                return scope.map { .state($0) } ?? .position
            }
            if let loaded { return loaded }
        }
        return nil
    }

    /// What to read of a snapshot file, decided from its position.
    private enum Reading { case refuse, position, state(ProgrammeState.Scope) }

    /// Reads a snapshot file that holds under these root keys and whose lines the logs still hold, as far as
    /// `decoding` says once it has seen the position: the state is decoded only if the position fits, since
    /// most of the time goes there.
    private static func load(
        _ name: String, in replica: Replica, trustedKeys: [TrustedKey], decoding: (Position) -> Reading
    ) -> (position: Position, state: ProgrammeState?)? {
        mapped(directory(replica) + "/" + name) { raw in
            guard var reader = checkedReader(raw), let position = try? readPosition(&reader, trust: trustDigest(trustedKeys))
            else { return nil }
            let wanted = decoding(position)
            if case .refuse = wanted { return nil }
            guard stillHolds(position, replica) else { return nil }
            guard case .state(let scope) = wanted else { return (position, nil) }
            guard let state = try? ProgrammeState(reading: &reader, trustedKeys: trustedKeys, scope: scope) else { return nil }
            return (position, state)
        }
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
        let spans = position.allSpans
        header.write(spans.count)
        for span in spans {
            header.write(span.end); header.write(inline: span.lastHash); header.write(inline: span.earliest.description)
            header.write(inline: span.latest?.description ?? "")
        }
        header.write(position.openSpan != nil)
        var file = magic + [UInt8](repeating: 0, count: checksumSize) + header.bytes
        state.appendSnapshot(to: &file)
        file.withUnsafeMutableBytes { raw in
            let checksum = SnapshotChecksum.of(UnsafeRawBufferPointer(rebasing: raw[(magic.count + checksumSize)...]))
            raw.storeBytes(of: checksum.littleEndian, toByteOffset: magic.count, as: UInt64.self)
        }
        return file
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

    /// Runs `body` over a whole file mapped into memory; nil if it cannot be mapped.
    ///
    /// Mapped rather than read: reading a head snapshot of several MB into fresh memory took a seventh of
    /// a command that records one event. Snapshot files are only ever replaced whole (`write`), so the
    /// mapped file does not shrink under the reader; its bytes are checked and bounded like any others.
    private static func mapped<T>(_ path: String, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
        guard let fd = try? FileIO.open(path, O_RDONLY) else { return nil }
        defer { close(fd) }
        guard let size = try? FileIO.size(fd, path: path), size > 0,
            let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED
        else { return nil }
        defer { munmap(base, size) }
        return body(UnsafeRawBufferPointer(start: base, count: size))
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
            guard line.start >= 0, line.after > line.start, position.offsets[origin] == nil else { throw Stale() }
            position.offsets.set(line, for: origin)
        }
        var spans: [Span] = []
        for _ in 0..<(try reader.readCount()) {
            let end = try reader.readInt(), lastHash = try reader.readInline()
            guard let earliest = LocalDate(parsing: try reader.readInline()) else { throw Stale() }
            let latest = try reader.readInline()
            guard end > (spans.last?.end ?? 0), end <= folded, latest.isEmpty || LocalDate(parsing: latest) != nil else { throw Stale() }
            spans.append(Span(end: end, lastHash: lastHash, earliest: earliest, latest: LocalDate(parsing: latest)))
        }
        if try reader.readBool() {
            guard let open = spans.popLast(), open.end == folded else { throw Stale() }
            position.openSpan = open
        }
        guard (position.openSpan ?? spans.last)?.end ?? 0 == folded else { throw Stale() }
        position.spans = spans
        return position
    }
}
