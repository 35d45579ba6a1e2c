#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one writer of a replica: exists only while the replica's lock is held, authors new events and appends events durably.
///
/// Durability: `append` returns only after the events are fsynced. A batch of more than one
/// event is first written whole to `batch.pending` (fsynced), then appended to the logs, then
/// the pending file is removed; a crash in between is completed on the next open, so a batch
/// is all or nothing and no event ever lands without its causal past.
public final class ReplicaWriter {
    public let replica: Replica
    public private(set) var heads: [String: Replica.Head]
    /// What was set aside or completed when the lock was taken, for the command to report once.
    public let recovered: [Recovery]
    private var clock: HybridClock
    private var key: Ed25519.SigningKey?

    /// The replica's key, read once per writer.
    private func signingKey() throws(EventLogError) -> Ed25519.SigningKey {
        if let key { return key }
        let loaded = try replica.signingKey()
        key = loaded
        return loaded
    }

    init(replica: Replica, recovered: [Recovery]) throws(EventLogError) {
        self.replica = replica
        self.recovered = recovered
        self.heads = try replica.heads()
        var clock = HybridClock()
        for head in heads.values { clock.observe(head.hlc) }
        self.clock = clock
    }

    /// The version vector of everything held.
    public var versionVector: VersionVector {
        var vector = VersionVector()
        for (origin, head) in heads { vector[origin] = head.seq }
        return vector
    }

    /// Builds the envelopes for new events of this replica, in order, without writing them.
    ///
    /// Each event's clock is everything held before it; its timestamp is later than every held event's.
    /// Each is signed with the replica's key.
    public func author(_ drafts: [EventDraft], wallMillis: Int64) throws(EventLogError) -> [Event] {
        try authorSigning(drafts, wallMillis: wallMillis).finish().events
    }

    /// As `author`, but the hashes and signatures are made on other threads while the caller goes on (to check
    /// the events against the rules, say); `finish` waits for them and gives the events with their stored lines.
    public func authorSigning(_ drafts: [EventDraft], wallMillis: Int64) throws(EventLogError) -> SigningBatch {
        let key = try signingKey()
        let origin = replica.identity.replica
        if let held = heads[origin]?.signerKey, held != key.publicKeyHex {
            throw .foreignOrigin(replica: origin, key: held)
        }
        var vector = versionVector
        var hybrid = clock
        var events: [Event] = []
        events.reserveCapacity(drafts.count)
        for draft in drafts {
            vector[origin] += 1
            events.append(Event(
                origin: origin, seq: vector[origin], clock: vector, hlc: hybrid.tick(wallMillis: wallMillis),
                effective: draft.effective, type: draft.type, data: draft.data, prev: nil))
        }
        return SigningBatch(key: key, events: events, after: heads[origin]?.hash)
    }

    /// Appends events durably. Each must continue its origin's chain (next `seq`, `prev` the held head's hash)
    /// and come after its causal past (events in the same batch count).
    public func append(_ events: [Event], lines knownLines: [[UInt8]]? = nil) throws(EventLogError) {
        guard !events.isEmpty else { return }
        var expected = heads
        // By index: `for event in events` copies every event (a retain per member) in this hot loop.
        for index in events.indices {
            let event = events[index]
            let head = expected[event.origin]
            let wantSeq = (head?.seq ?? 0) + 1
            guard event.seq == wantSeq else {
                throw .doesNotFollow(origin: event.origin, seq: event.seq, problem: "does not follow: the replica expects seq \(wantSeq)")
            }
            guard event.prev == head?.hash else {
                throw .doesNotFollow(origin: event.origin, seq: event.seq, problem: "has prev \(event.prev ?? "null") but the held event \(event.origin):\(event.seq - 1) has hash \(head?.hash ?? "none")")
            }
            guard event.clock[event.origin] == event.seq else {
                throw .doesNotFollow(origin: event.origin, seq: event.seq, problem: "has clock[\(event.origin)] = \(event.clock[event.origin]), not its own seq")
            }
            if let head {
                guard event.hlc > head.hlc else {
                    throw .doesNotFollow(origin: event.origin, seq: event.seq, problem: "has hlc \(event.hlc), not later than its predecessor's \(head.hlc)")
                }
                guard head.clock.compare(to: event.clock) == .before else {
                    throw .doesNotFollow(origin: event.origin, seq: event.seq, problem: "has clock \(event.clock), which does not extend its predecessor's \(head.clock)")
                }
            }
            for entry in event.clock.entries where entry.origin != event.origin {
                let held = expected[entry.origin]?.seq ?? 0
                guard entry.seq <= held else {
                    throw .doesNotFollow(origin: event.origin, seq: event.seq, problem: "depends on \(entry.origin):\(entry.seq), which the replica does not hold (it holds \(held))")
                }
            }
            expected[event.origin] = Replica.Head(event)
        }
        let lines = knownLines ?? events.map(\.line)
        if events.count > 1 {
            try writeJournal(lines)
            try appendToLogs(events, lines: lines)
            if unlink(replica.batchPath) != 0 {
                throw .io(path: replica.batchPath, operation: "remove", code: errno)
            }
        } else {
            try appendToLogs(events, lines: lines)
        }
        heads = expected
        for index in events.indices { clock.observe(events[index].hlc) }
    }

    static func commitLine(count: Int) -> [UInt8] {
        Array("{\"commit\":\(count)}\n".utf8)
    }

    /// Appends to each origin's log in one write and one fsync per origin; a failed write is cut back to where it began.
    func appendToLogs(_ events: [Event], lines: [[UInt8]]) throws(EventLogError) {
        var order: [String] = []
        var linesOf: [String: [Int]] = [:]
        for index in events.indices {
            let origin = events[index].origin
            if linesOf[origin] == nil { order.append(origin) }
            linesOf[origin, default: []].append(index)
        }
        var newFiles = false
        for origin in order {
            let path = replica.logPath(origin)
            let existed = FileIO.exists(path)
            let fd = try FileIO.open(path, O_WRONLY | O_APPEND | O_CREAT)
            defer { close(fd) }
            let start = try FileIO.size(fd, path: path)
            do {
                try Self.writeLines(linesOf[origin]!.lazy.map { lines[$0] }, to: fd, path: path)
                try FileIO.sync(fd, path: path)
            } catch {
                _ = ftruncate(fd, off_t(start))
                throw error
            }
            newFiles = newFiles || !existed
        }
        if newFiles { try FileIO.syncDirectory(replica.logDirectory) }
    }

    /// Writes the batch journal whole and durably: the lines, then the commit line, under a temporary name renamed into place.
    private func writeJournal(_ lines: [[UInt8]]) throws(EventLogError) {
        let temporary = replica.batchPath + ".tmp"
        let fd = try FileIO.open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try Self.writeLines(lines, to: fd, path: temporary)
            try FileIO.writeAll(fd, Self.commitLine(count: lines.count), path: temporary)
            try FileIO.sync(fd, path: temporary)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        if rename(temporary, replica.batchPath) != 0 { throw .io(path: replica.batchPath, operation: "rename", code: errno) }
        try FileIO.syncDirectory(replica.directory)
    }

    /// Writes lines, each followed by a newline, through a buffer of 1 MiB, so a large batch is never copied whole.
    private static func writeLines<Lines: Sequence>(_ lines: Lines, to fd: Int32, path: String) throws(EventLogError)
    where Lines.Element == [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        for line in lines {
            if buffer.count + line.count + 1 > 1 << 20 && !buffer.isEmpty {
                try FileIO.writeAll(fd, buffer, path: path)
                buffer.removeAll(keepingCapacity: true)
            }
            buffer.append(contentsOf: line)
            buffer.append(0x0A)
        }
        if !buffer.isEmpty { try FileIO.writeAll(fd, buffer, path: path) }
    }
}

/// A new event as a command describes it, before the log gives it an envelope.
public struct EventDraft: Sendable, Equatable {
    public var type: String
    public var effective: LocalDate
    public var data: JSONObject

    public init(type: String, effective: LocalDate, data: JSONObject) {
        self.type = type
        self.effective = effective
        self.data = data
    }
}
