#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A two-way channel of length-prefixed frames over a pair of file descriptors (pipes, a subprocess, ssh).
///
/// A frame is a 4-byte big-endian length, then one kind byte, then the payload. Frames over
/// `maxFrameBytes` are refused before they are read, so a bad peer cannot make us allocate
/// without bound.
public final class FrameChannel {
    public enum Kind: UInt8, Sendable {
        case hello = 0x48  // H: JSON hello
        case proceed = 0x50  // P: go on after the hello checks
        case events = 0x45  // E: event lines, newline-separated
        case error = 0x58  // X: UTF-8 message, the sender stops
        case evidence = 0x56  // V: two event lines proving an equivocation, sent just before an error
    }

    public static let maxFrameBytes = 8 << 20

    let input: Int32
    let output: Int32
    public private(set) var bytesSent = 0
    public private(set) var bytesReceived = 0

    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
        Self.widenIfPipe(input)
        Self.widenIfPipe(output)
    }

    /// Lets a pipe hold a whole frame (1 MiB, Linux's limit for a user) instead of 64 KiB: a frame then crosses
    /// in one wakeup of each side, not sixteen, and wakeups are dear (in a virtual machine above all).
    /// Not a pipe, or not allowed: the pipe stays as it was, which only costs time.
    private static func widenIfPipe(_ fd: Int32) {
        #if os(Linux)
        let setPipeSize: Int32 = 1031  // F_SETPIPE_SZ, which Glibc's Swift module does not export
        _ = fcntl(fd, setPipeSize, Int32(1 << 20))
        #endif
    }

    public func send(_ kind: Kind, _ payload: [UInt8]) throws(PeerSyncError) {
        let length = UInt32(payload.count + 1)
        var frame: [UInt8] = [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), kind.rawValue]
        frame += payload
        var offset = 0
        while offset < frame.count {
            let written = frame.withUnsafeBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .transport("cannot send to the peer: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        bytesSent += frame.count
    }

    /// Reads one frame; `expecting` names what was awaited, for the message if the peer hangs up.
    public func receive(expecting: String) throws(PeerSyncError) -> (kind: Kind, payload: [UInt8]) {
        guard let header = try readExactly(4, expecting: expecting) else { throw .peerClosed(expected: expecting) }
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard length >= 1 else { throw .malformedFrame("empty frame") }
        guard length <= Self.maxFrameBytes else { throw .frameTooLarge(bytes: length, limit: Self.maxFrameBytes) }
        guard let body = try readExactly(length, expecting: expecting) else { throw .peerClosed(expected: expecting) }
        guard let kind = Kind(rawValue: body[0]) else {
            throw .malformedFrame("unknown frame kind 0x\(String(body[0], radix: 16))")
        }
        return (kind, Array(body[1...]))
    }

    /// Reads exactly `count` bytes; nil if the peer closed before the first byte.
    private func readExactly(_ count: Int, expecting: String) throws(PeerSyncError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress! + filled, count - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .transport("cannot read from the peer: \(String(cString: strerror(errno)))")
            }
            if got == 0 {
                if filled == 0 { return nil }
                throw .peerClosed(expected: expecting)
            }
            filled += got
        }
        bytesReceived += count
        return buffer
    }
}
