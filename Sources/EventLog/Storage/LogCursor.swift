#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Reads one origin's log event by event, on demand, from a byte offset: memory stays one chunk, whatever the log's size.
///
/// A last line without its newline (a write in progress) is not returned.
public final class LogCursor {
    public let origin: String
    let path: String
    let displayPath: String
    private let fd: Int32
    /// With prefetching, another thread parses ahead and this cursor hands out its batches.
    private let prefetch: Prefetch?
    /// The last line to read, if not the end of the log.
    private let throughLine: Int?
    /// The batch being handed out. Its events are handed out as copies and the batch, once spent, goes back
    /// to the parsing thread: the last release, which frees each event's many allocations, happens there
    /// rather than on the thread that folds, which a replay waits for (a tenth of its time).
    private var batch: [LogMerger.Located] = []
    private var batchIndex = 0
    private var batchEnded = false
    /// The strings earlier lines read, shared with the lines that repeat them.
    private let repeated = RepeatedStrings()
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    /// Byte offset in the file just after the last event returned.
    public private(set) var offset: Int
    /// Byte offset in the file where the last event returned begins.
    public private(set) var lastLineStart = 0
    /// Line number of the last event returned, counted from the starting offset's line (1-based when starting at 0).
    public private(set) var lineNumber: Int

    init(
        origin: String, path: String, displayPath: String, offset: Int, firstLineNumber: Int, prefetching: Bool = false,
        throughLine: Int? = nil
    ) throws(EventLogError) {
        self.origin = origin
        self.path = path
        self.displayPath = displayPath
        self.prefetch = prefetching ? Prefetch() : nil
        self.throughLine = throughLine
        self.offset = offset
        self.lineNumber = firstLineNumber - 1
        // A prefetching cursor reads nothing itself: its parsing thread has a cursor of its own.
        guard !prefetching else {
            fd = -1
            buffer = []
            return
        }
        self.fd = try FileIO.open(path, O_RDONLY)
        self.buffer = [UInt8](repeating: 0, count: 1 << 18)
        if lseek(fd, off_t(offset), SEEK_SET) < 0 {
            close(fd)
            throw .io(path: path, operation: "seek", code: errno)
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
        prefetch?.cancel()
    }

    /// The next complete event, or nil at the end of the log.
    public func next() throws(EventLogError) -> Event? {
        if let throughLine, lineNumber >= throughLine { return nil }
        if let prefetch { return try nextPrefetched(prefetch) }
        return try readLine { line throws(EventLogError) in
            do throws(EnvelopeError) {
                return try Event.parse(line: line, repeated: repeated)
            } catch {
                throw .badLine(file: displayPath, line: lineNumber + 1, error: error)
            }
        }
    }

    /// The next complete line's bytes without its newline, not parsed (to be sent on as it stands), or nil at
    /// the end of the log. Not for a prefetching cursor.
    public func nextLine() throws(EventLogError) -> [UInt8]? {
        precondition(prefetch == nil, "a prefetching cursor hands out parsed events only")
        if let throughLine, lineNumber >= throughLine { return nil }
        return try readLine { line in Array(line) }
    }

    /// What `read` makes of the next complete line (without its newline), the cursor then past it; nil at the end.
    private func readLine<T>(_ read: (UnsafeBufferPointer<UInt8>) throws(EventLogError) -> T) throws(EventLogError) -> T? {
        while true {
            if let newline = findNewline() {
                let value = try buffer.withUnsafeBufferPointer { all throws(EventLogError) in
                    try read(UnsafeBufferPointer(rebasing: all[start..<newline]))
                }
                lastLineStart = offset
                offset += newline + 1 - start
                start = newline + 1
                lineNumber += 1
                return value
            }
            if atEndOfFile { return nil }
            try fill()
        }
    }

    private func nextPrefetched(_ prefetch: Prefetch) throws(EventLogError) -> Event? {
        if batchIndex == batch.count {
            if batchEnded { return nil }
            if !prefetch.started {
                prefetch.start(
                    origin: origin, path: path, displayPath: displayPath, offset: offset, firstLineNumber: lineNumber + 1,
                    throughLine: throughLine)
            }
            let next = prefetch.take()
            prefetch.leave(batch)
            if let error = next.error { throw error }
            batch = next.items
            batchIndex = 0
            batchEnded = next.end
            if batch.isEmpty { return nil }
        }
        let located = batch[batchIndex]
        batchIndex += 1
        lastLineStart = located.lineStart
        offset = located.offsetAfter
        lineNumber += 1
        return located.event
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { all -> Int? in
            guard let found = memchr(all.baseAddress! + start, 0x0A, end - start) else { return nil }
            return all.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Moves the unread bytes to the front and reads more; grows the buffer for a line longer than it.
    private func fill() throws(EventLogError) {
        if start > 0 {
            buffer.withUnsafeMutableBytes { raw in _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start) }
            end -= start
            start = 0
        }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + end, raw.count - end) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", code: errno)
            }
            if count == 0 { atEndOfFile = true }
            end += count
            return
        }
    }
}

/// Parsing ahead on another thread, so that reading the log and folding it use both cores.
///
/// The parsing thread makes its own sequential cursor and hands over batches of events through
/// a queue at most two batches deep, so memory stays bounded.
final class Prefetch: Sendable {
    struct Batch: Sendable {
        var items: [LogMerger.Located]
        var error: EventLogError?
        var end: Bool
    }

    static let batchSize = 2048
    private let queue = Mutex<(batches: [Batch], started: Bool)>(([], false))
    /// Batches handed out, freed by the parsing thread.
    private let spent = SpentValues<[LogMerger.Located]>()
    private let ready = DispatchSemaphore(value: 0)
    /// Room for two batches. It starts at 0 and is given its two by signals: libdispatch traps when a semaphore
    /// is freed below the value it was made with, as this one is when a reader stops before the end.
    private let room = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)

    init() {
        room.signal()
        room.signal()
    }

    var started: Bool { queue.withLock { $0.started } }

    func start(origin: String, path: String, displayPath: String, offset: Int, firstLineNumber: Int, throughLine: Int?) {
        queue.withLock { $0.started = true }
        DetachedThread.start { [self] in
            do {
                let cursor = try LogCursor(
                    origin: origin, path: path, displayPath: displayPath, offset: offset, firstLineNumber: firstLineNumber,
                    throughLine: throughLine)
                while true {
                    room.wait()
                    if cancelled.load(ordering: .relaxed) { return }
                    spent.free()
                    var items: [LogMerger.Located] = []
                    items.reserveCapacity(Self.batchSize)
                    var end = false
                    while items.count < Self.batchSize {
                        guard let event = try cursor.next() else {
                            end = true
                            break
                        }
                        items.append(LogMerger.Located(event: event, lineStart: cursor.lastLineStart, offsetAfter: cursor.offset))
                    }
                    put(Batch(items: items, error: nil, end: end))
                    if end { return }
                }
            } catch let error as EventLogError {
                put(Batch(items: [], error: error, end: true))
            } catch {
                put(Batch(items: [], error: .io(path: path, operation: "read", code: EIO), end: true))
            }
        }
    }

    private func put(_ batch: Batch) {
        queue.withLock { $0.batches.append(batch) }
        ready.signal()
    }

    /// Leaves a spent batch to the parsing thread to free (or to this one's end, once it has stopped).
    func leave(_ items: [LogMerger.Located]) {
        if !items.isEmpty { spent.leave(items) }
    }

    func take() -> Batch {
        ready.wait()
        let batch = queue.withLock { $0.batches.removeFirst() }
        room.signal()
        return batch
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        room.signal()
    }
}

extension Replica {
    /// A cursor over one origin's log from a byte offset (0: the start) where line `firstLineNumber` begins
    /// (line numbers in messages, and `throughLine`, are right only if it is given), to the end or through
    /// line `throughLine` (line n holds seq n). With `prefetching`, another thread parses ahead.
    public func cursor(
        origin: String, offset: Int = 0, firstLineNumber: Int = 1, throughLine: Int? = nil, prefetching: Bool = false
    ) throws(EventLogError) -> LogCursor {
        try LogCursor(
            origin: origin, path: logPath(origin), displayPath: displayPath(origin: origin), offset: offset,
            firstLineNumber: firstLineNumber, prefetching: prefetching, throughLine: throughLine)
    }

    /// A cursor over one origin's log from the event `seq` on, found by counting lines back from the end of the
    /// log (line n holds seq n), so that reading the newest events costs what they cost, not the whole log.
    /// `heldSeq` is the origin's newest seq.
    public func cursor(origin: String, fromSeq seq: UInt64, heldSeq: UInt64) throws(EventLogError) -> LogCursor {
        guard let offset = try LogFile.startOfLine(Int(seq), of: logPath(origin), completeLines: Int(heldSeq)) else {
            throw .lineOutOfPlace(file: displayPath(origin: origin), line: Int(seq), problem: "no such line, though the last event has seq \(heldSeq)")
        }
        return try cursor(origin: origin, offset: offset, firstLineNumber: Int(seq))
    }
}

/// Merges the logs of several origins into the log's total order (hlc, origin, seq), one event at a time.
///
/// Each origin's log is already in that order (an origin's timestamps only grow), so a merge of
/// the heads is the whole order; memory stays one pending event per origin.
public final class LogMerger {
    private var cursors: [LogCursor]
    /// Where an event's line lies in its origin's file.
    public struct Located: Sendable {
        public var event: Event
        public var lineStart: Int
        public var offsetAfter: Int

        public init(event: Event, lineStart: Int, offsetAfter: Int) {
            self.event = event
            self.lineStart = lineStart
            self.offsetAfter = offsetAfter
        }
    }

    /// Per cursor: its next event.
    private var pending: [Located?]

    public init(_ cursors: [LogCursor]) throws(EventLogError) {
        self.cursors = cursors
        self.pending = []
        for cursor in cursors { pending.append(try Self.read(cursor)) }
    }

    private static func read(_ cursor: LogCursor) throws(EventLogError) -> Located? {
        guard let event = try cursor.next() else { return nil }
        return Located(event: event, lineStart: cursor.lastLineStart, offsetAfter: cursor.offset)
    }

    /// The next event in the total order, with where its line lies.
    public func next() throws(EventLogError) -> Located? {
        var best: Int?
        for index in pending.indices {
            guard let candidate = pending[index] else { continue }
            if let current = best, !Event.precedesInLogOrder(candidate.event, pending[current]!.event) { continue }
            best = index
        }
        guard let best else { return nil }
        let next = pending[best].take()
        pending[best] = try Self.read(cursors[best])
        return next
    }
}
