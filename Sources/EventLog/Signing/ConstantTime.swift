#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Building blocks for code that handles secrets: selection masks the optimiser cannot see through, and wiping.
///
/// Given `mask = 0 &- bit` and `x ^ (mask & (x ^ y))`, LLVM proves that the mask is
/// 0 or all ones and turns the expression back into a select, which may become a
/// `cmov` or a conditional jump on the secret bit. Passing the masks through
/// `hide(_:)`, a call it may not look into, leaves it with an arbitrary word, for
/// which the masking arithmetic is the only correct code.
enum ConstantTime {
    /// All ones if `a == b`, else zero; both below 2^63.
    @inline(__always)
    static func equalMask(_ a: UInt64, _ b: UInt64) -> UInt64 {
        // (a ^ b) - 1 wraps to the top half of the range exactly when a ^ b is zero.
        0 &- (((a ^ b) &- 1) &>> 63)
    }

    /// All ones if `bit` is 1, zero if it is 0.
    @inline(__always)
    static func mask(_ bit: UInt64) -> UInt64 {
        0 &- bit
    }

    /// Makes the optimiser forget what it knows about the bytes of `value`.
    ///
    /// A call to an unoptimised, never-inlined function that receives the address:
    /// afterwards the caller has to reload `value` as unknown bits.
    @inline(__always)
    static func hide<T: BitwiseCopyable>(_ value: inout T) {
        withUnsafeMutablePointer(to: &value) { opaqueTouch(UnsafeMutableRawPointer($0)) }
    }

    /// Does nothing, but neither the optimiser nor its interprocedural analyses may assume so.
    @inline(never) @_optimize(none)
    static func opaqueTouch(_ address: UnsafeMutableRawPointer) {}

    /// Overwrites `value` with zeros in a way that the optimiser may not remove,
    /// even when `value` is never read again.
    @inline(__always)
    static func wipe<T: BitwiseCopyable>(_ value: inout T) {
        withUnsafeMutablePointer(to: &value) { wipe(UnsafeMutableRawPointer($0), count: MemoryLayout<T>.size) }
    }

    /// Overwrites `count` bytes at `address` with zeros in a way that the optimiser may not remove.
    @inline(__always)
    static func wipe(_ address: UnsafeMutableRawPointer, count: Int) {
        #if canImport(Glibc)
        explicit_bzero(address, count)
        #else
        _ = memset_s(address, count, 0, count)
        #endif
    }
}
