#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something the writer found on opening and put right: reported once, then gone.
public enum Recovery: Sendable, Equatable, CustomStringConvertible {
    /// A torn last line (a crash mid-write) moved from a log into its quarantine file.
    case tornLineSetAside(log: String, quarantine: String, bytes: Int)
    /// A batch whose journal was complete: its missing events were appended.
    case batchCompleted(events: Int)
    /// A batch whose journal was itself torn: never acknowledged, set aside unapplied.
    case batchSetAside(quarantine: String)

    public var description: String {
        switch self {
        case .tornLineSetAside(let log, let quarantine, let bytes):
            "set aside a torn last line of \(log) (\(bytes) bytes, left by an interrupted write) into \(quarantine)"
        case .batchCompleted(let events):
            "completed an interrupted batch: \(events) events were already acknowledged in its journal"
        case .batchSetAside(let quarantine):
            "set aside an interrupted batch that was never acknowledged into \(quarantine)"
        }
    }
}

extension Replica {
    /// Runs `body` as the replica's only writer: takes the lock (or fails at once with "replica is busy"),
    /// repairs what a crash left behind, and releases the lock afterwards.
    public func write<T>(_ body: (ReplicaWriter) throws -> T) throws -> T {
        let fd = try FileIO.open(lockPath, O_RDWR | O_CREAT)
        // Unlocked before closing: a child process that another thread is starting at that moment holds a copy
        // of the descriptor until it runs its program, and closing alone would leave the lock held for it.
        defer {
            flock(fd, LOCK_UN)
            close(fd)
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { throw EventLogError.replicaBusy(path: directory) }
            throw EventLogError.io(path: lockPath, operation: "lock", code: errno)
        }
        let recovered = try recover()
        return try body(ReplicaWriter(replica: self, recovered: recovered))
    }

    /// Whether a crash left something to repair; cheap enough for every open.
    public func needsRecovery() throws(EventLogError) -> Bool {
        if FileIO.exists(batchPath) { return true }
        for origin in try origins() where try LogFile.lastLine(logPath(origin)).partialBytes > 0 { return true }
        return false
    }

    /// Repairs what a crash left, if no writer is active; a reader calls this so that a torn line is reported once.
    /// Returns nothing when another process holds the lock (its write may simply be in progress).
    public func recoverIfIdle() throws -> [Recovery] {
        guard try needsRecovery() else { return [] }
        do {
            return try write { $0.recovered }
        } catch EventLogError.replicaBusy {
            return []
        }
    }

    /// Must run under the lock. Torn tails first, then an interrupted batch (which may re-append what was torn).
    private func recover() throws(EventLogError) -> [Recovery] {
        var done: [Recovery] = []
        for origin in try origins() {
            let path = logPath(origin)
            let partial = try LogFile.lastLine(path).partialBytes
            guard partial > 0 else { continue }
            let fd = try FileIO.open(path, O_RDWR)
            defer { close(fd) }
            let size = try FileIO.size(fd, path: path)
            var torn = [UInt8](repeating: 0, count: partial)
            let count = torn.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, partial, off_t(size - partial)) }
            guard count == partial else { throw .io(path: path, operation: "read", code: errno) }
            try appendDurably(quarantinePath(origin), torn + [0x0A])
            if ftruncate(fd, off_t(size - partial)) != 0 { throw .io(path: path, operation: "truncate", code: errno) }
            try FileIO.sync(fd, path: path)
            done.append(.tornLineSetAside(log: displayPath(origin: origin), quarantine: quarantinePath(origin), bytes: partial))
        }
        if FileIO.exists(batchPath) {
            done.append(try recoverBatch())
        }
        return done
    }

    private func recoverBatch() throws(EventLogError) -> Recovery {
        let bytes = try FileIO.readAll(batchPath)
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        let complete = bytes.last == 0x0A && lines.count >= 1
            && lines.last! + [0x0A] == ReplicaWriter.commitLine(count: lines.count - 1)
        if !complete {
            let quarantine = directory + "/log/batch-\(lines.count)-lines.quarantine"
            try appendDurably(quarantine, bytes.last == 0x0A ? bytes : bytes + [0x0A])
            if unlink(batchPath) != 0 { throw .io(path: batchPath, operation: "remove", code: errno) }
            try FileIO.syncDirectory(directory)
            return .batchSetAside(quarantine: quarantine)
        }
        var missing: [Event] = []
        let heads = try heads()
        for (number, line) in lines.dropLast().enumerated() {
            let event: Event
            do { event = try Event.parse(line: line) } catch {
                throw .badLine(file: batchPath, line: number + 1, error: error)
            }
            if event.seq > heads[event.origin]?.seq ?? 0 { missing.append(event) }
        }
        let writer = try ReplicaWriter(replica: self, recovered: [])
        try writer.appendToLogs(missing, lines: missing.map(\.line))
        if unlink(batchPath) != 0 { throw .io(path: batchPath, operation: "remove", code: errno) }
        try FileIO.syncDirectory(directory)
        return .batchCompleted(events: lines.count - 1)
    }

    private func appendDurably(_ path: String, _ bytes: [UInt8]) throws(EventLogError) {
        let fd = try FileIO.open(path, O_WRONLY | O_APPEND | O_CREAT)
        defer { close(fd) }
        try FileIO.writeAll(fd, bytes, path: path)
        try FileIO.sync(fd, path: path)
    }
}
