import EventLog
import PeerSync
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Frames over a pipe: what goes in comes out, and what a bad peer writes is refused before it is read.
@Suite struct FrameChannelTests {
    /// A channel that reads what `bytes` holds (then the end of input) and writes into a pipe nobody reads.
    static func reading(_ bytes: [UInt8]) -> (FrameChannel, cleanup: () -> Void) {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        precondition(pipe(&input) == 0 && pipe(&output) == 0)
        precondition(bytes.count < 60_000, "stays within a pipe's buffer")
        _ = bytes.withUnsafeBytes { write(input[1], $0.baseAddress, $0.count) }
        close(input[1])
        return (FrameChannel(input: input[0], output: output[1]), { [input, output] in
            close(input[0])
            close(output[0])
            close(output[1])
        })
    }

    static func frame(_ kind: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count + 1)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), kind] + payload
    }

    @Test func framesRoundTripAndAreCounted() throws {
        var pair: [Int32] = [0, 0]
        #expect(pipe(&pair) == 0)
        defer { close(pair[0]) }
        let channel = FrameChannel(input: pair[0], output: pair[1])
        try channel.send(.hello, Array("{}".utf8))
        try channel.send(.proceed, [])
        try channel.send(.events, Array("a\nb\n".utf8))
        close(pair[1])
        #expect(channel.bytesSent == (5 + 2) + 5 + (5 + 4))
        let hello = try channel.receive(expecting: "a hello")
        #expect(hello.kind == .hello && hello.payload == Array("{}".utf8))
        #expect(try channel.receive(expecting: "a proceed").kind == .proceed)
        #expect(try channel.receive(expecting: "events").payload == Array("a\nb\n".utf8))
        #expect(channel.bytesReceived == channel.bytesSent)
        #expect(throws: PeerSyncError.peerClosed(expected: "more")) { try channel.receive(expecting: "more") }
    }

    static let refused: [(label: String, bytes: [UInt8], error: PeerSyncError)] = [
        ("a length of 4 GiB", [0xFF, 0xFF, 0xFF, 0xFF, 0x48], .frameTooLarge(bytes: 0xFFFF_FFFF, limit: 8 << 20)),
        ("one byte over the limit", [0x00, 0x80, 0x00, 0x01, 0x48], .frameTooLarge(bytes: (8 << 20) + 1, limit: 8 << 20)),
        ("an empty frame", [0, 0, 0, 0], .malformedFrame("empty frame")),
        ("an unknown kind", frame(0x5A, [1, 2]), .malformedFrame("unknown frame kind 0x5a")),
        ("a header cut short", [0, 0], .peerClosed(expected: "a hello")),
        ("a payload cut short", [0, 0, 0, 9, 0x48, 1, 2], .peerClosed(expected: "a hello")),
    ]

    @Test(arguments: refused.indices)
    func badFramesAreRefused(_ index: Int) {
        let (label, bytes, error) = Self.refused[index]
        let (channel, cleanup) = Self.reading(bytes)
        defer { cleanup() }
        #expect(throws: error, "\(label)") { try channel.receive(expecting: "a hello") }
    }

    @Test func theLimitIsEightMebibytes() {
        #expect(FrameChannel.maxFrameBytes == 8 << 20)
        #expect(PeerSyncError.frameTooLarge(bytes: 9, limit: 8).description == "the peer sent a frame of 9 bytes, over the limit of 8")
    }
}
