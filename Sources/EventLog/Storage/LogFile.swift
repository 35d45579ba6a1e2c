#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One origin's append-only JSON Lines file: reading it line by line, and finding its last complete line.
///
/// A last line without its newline is a write in progress or a torn write from a crash;
/// readers leave it alone, and only the writer (holding the lock) sets it aside.
package enum LogFile {
    /// What follows the last complete line.
    package struct Tail: Sendable, Equatable {
        /// Bytes after the last newline: 0 when the file ends cleanly.
        package var partialBytes: Int
        /// The number of complete lines.
        package var lines: Int
    }

    /// Calls `body` with each complete line (without its newline) and its 1-based line number, streaming the file in chunks.
    @discardableResult
    package static func forEachLine(
        _ path: String, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void
    ) throws -> Tail {
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let chunkSize = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        var lineNumber = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + filled, raw.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw EventLogError.io(path: path, operation: "read", code: errno)
            }
            if count == 0 { return Tail(partialBytes: filled, lines: lineNumber) }
            let scanFrom = filled
            filled += count
            var consumed = 0
            try buffer.withUnsafeBufferPointer { all in
                let base = all.baseAddress!
                var searchFrom = scanFrom
                while searchFrom < filled,
                    let found = memchr(base + searchFrom, 0x0A, filled - searchFrom)
                {
                    let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    lineNumber += 1
                    try body(UnsafeBufferPointer(start: base + consumed, count: end - consumed), lineNumber)
                    consumed = end + 1
                    searchFrom = consumed
                }
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, filled - consumed)
                }
                filled -= consumed
            }
        }
    }

    /// The last complete line of the file (without its newline) and how many bytes of a partial line follow it.
    package static func lastLine(_ path: String) throws(EventLogError) -> (line: [UInt8]?, partialBytes: Int) {
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let size = try FileIO.size(fd, path: path)
        var window = 4096
        while true {
            let start = max(0, size - window)
            var bytes = [UInt8](repeating: 0, count: size - start)
            let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(start)) }
            if count < 0 { throw EventLogError.io(path: path, operation: "read", code: errno) }
            bytes.removeLast(bytes.count - count)
            guard let lastNewline = bytes.lastIndex(of: 0x0A) else {
                if start == 0 { return (nil, bytes.count) }
                window *= 4
                continue
            }
            let partial = bytes.count - lastNewline - 1
            if let previousNewline = bytes[..<lastNewline].lastIndex(of: 0x0A) {
                return (Array(bytes[(previousNewline + 1)..<lastNewline]), partial)
            }
            if start == 0 { return (Array(bytes[..<lastNewline]), partial) }
            window *= 4
        }
    }
    /// Where line `number` (1-based) of a file with `completeLines` complete lines begins, found by counting
    /// newlines back from the end, so that finding one of the last lines reads only the end of the file;
    /// nil if the file has fewer lines than that.
    package static func startOfLine(_ number: Int, of path: String, completeLines: Int) throws(EventLogError) -> Int? {
        guard number > 1 else { return 0 }
        guard number <= completeLines + 1 else { return nil }
        // Line `number` begins after newline number − 1, which is newline completeLines − number + 2 counted from the end.
        var toMeet = completeLines - number + 2
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        var end = try FileIO.size(fd, path: path)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while end > 0 {
            let start = max(0, end - chunk.count)
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, end - start, off_t(start)) }
            guard count == end - start else { throw .io(path: path, operation: "read", code: count < 0 ? errno : EIO) }
            let found = chunk.withUnsafeBytes { raw -> Int? in
                let base = raw.baseAddress!
                var newlines: [Int] = []
                var from = 0
                while from < end - start, let hit = memchr(base + from, 0x0A, end - start - from) {
                    newlines.append(base.distance(to: hit))
                    from = newlines.last! + 1
                }
                if newlines.count < toMeet {
                    toMeet -= newlines.count
                    return nil
                }
                return start + newlines[newlines.count - toMeet] + 1
            }
            if let found { return found }
            end = start
        }
        return nil
    }
}

extension Replica {
    /// The event whose line lies at `start..<end` of an origin's log, or nil if those bytes are not one event.
    public func event(origin: String, lineStart start: Int, end: Int) -> Event? {
        guard end > start, let fd = try? FileIO.open(logPath(origin), O_RDONLY) else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: end - start)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(start)) }
        guard count == end - start, bytes.last == 0x0A else { return nil }
        return try? Event.parse(line: Array(bytes.dropLast()))
    }
}
