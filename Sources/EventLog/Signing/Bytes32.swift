/// Thirty-two bytes held inline, in memory order, as four words: encodings, scalars and keys without a heap allocation.
struct Bytes32: Sendable, Equatable {
    var w0: UInt64
    var w1: UInt64
    var w2: UInt64
    var w3: UInt64

    @inline(__always) static var zero: Bytes32 { Bytes32(w0: 0, w1: 0, w2: 0, w3: 0) }

    /// The 32 bytes at `bytes`.
    @inline(__always)
    init(bytes: UnsafeRawPointer) {
        w0 = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        w1 = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w3 = bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    @inline(__always)
    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }
}
