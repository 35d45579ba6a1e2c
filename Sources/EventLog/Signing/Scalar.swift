/// An integer modulo the prime order L = 2^252 + 27742317777372353535851937790883648493 of the Ed25519 base point, as five limbs of 52 bits.
///
/// The value is `l0 + 2^52 l1 + 2^104 l2 + 2^156 l3 + 2^208 l4`. Reduction uses
/// Montgomery multiplication with R = 2^260, after curve25519-dalek's `Scalar52`:
/// straight-line code on wrapping integers, whose only data-dependent decision
/// (whether to subtract L once more) is made with a mask, so the same code serves
/// the secret nonce and key.
struct Scalar: Sendable {
    var l0: UInt64
    var l1: UInt64
    var l2: UInt64
    var l3: UInt64
    var l4: UInt64

    @inline(__always)
    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
        self.l4 = l4
    }

    static let mask52: UInt64 = (1 << 52) - 1

    /// L itself; its limb 3 is zero, which the reduction uses to skip products.
    @inline(__always) static var order: Scalar {
        Scalar(0x2631a5cf5d3ed, 0xdea2f79cd6581, 0x000000014def9, 0, 0x0100000000000)
    }

    /// R mod L, with R = 2^260.
    @inline(__always) private static var montgomeryR: Scalar {
        Scalar(0xf48bd6721e6ed, 0x3bab5ac67e45a, 0xfffffeb35e51b, 0xfffffffffffff, 0x00fffffffffff)
    }

    /// R^2 mod L.
    @inline(__always) private static var montgomeryR2: Scalar {
        Scalar(0x9d265e952d13b, 0xd63c715bea69f, 0x5be65cb687604, 0x3dceec73d217f, 0x009411b7c309a)
    }

    /// -1/L modulo 2^52.
    private static let montgomeryFactor: UInt64 = 0x51da312547e1b

    /// The integer in 32 little-endian bytes, not reduced: below 2^256, which is
    /// what `multiplyAdd` accepts for its first factor (a clamped secret key).
    @inline(__always)
    init(unreducedBytes bytes: UnsafeRawPointer) {
        let w0 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let w1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let w2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let w3 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        self.init(
            w0 & Self.mask52,
            ((w0 &>> 52) | (w1 &<< 12)) & Self.mask52,
            ((w1 &>> 40) | (w2 &<< 24)) & Self.mask52,
            ((w2 &>> 28) | (w3 &<< 36)) & Self.mask52,
            w3 &>> 16)
    }

    /// The integer in 64 little-endian bytes (a SHA-512 digest), reduced modulo L.
    ///
    /// Kept out of line so that `Scripts/check-constant-time` checks it: signing
    /// reduces its secret nonce with it.
    @inline(never)
    init(reducingWide bytes: UnsafeRawPointer) {
        var w = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        w.0 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        w.1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        w.2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        w.3 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        w.4 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        w.5 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
        w.6 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
        w.7 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
        let m = Self.mask52
        // The low 260 bits and the high 252 bits; 2^260 = R, so the value is low + R high.
        var low = Scalar(
            w.0 & m,
            ((w.0 &>> 52) | (w.1 &<< 12)) & m,
            ((w.1 &>> 40) | (w.2 &<< 24)) & m,
            ((w.2 &>> 28) | (w.3 &<< 36)) & m,
            ((w.3 &>> 16) | (w.4 &<< 48)) & m)
        var high = Scalar(
            (w.4 &>> 4) & m,
            ((w.4 &>> 56) | (w.5 &<< 8)) & m,
            ((w.5 &>> 44) | (w.6 &<< 20)) & m,
            ((w.6 &>> 32) | (w.7 &<< 32)) & m,
            w.7 &>> 20)
        // low R / R = low and high R^2 / R = high R, both fully reduced.
        let reducedLow = Self.montgomeryMultiply(low, Self.montgomeryR)
        let reducedHigh = Self.montgomeryMultiply(high, Self.montgomeryR2)
        self = Self.add(reducedHigh, reducedLow)
        ConstantTime.wipe(&w)
        ConstantTime.wipe(&low)
        ConstantTime.wipe(&high)
    }

    /// (a b + c) mod L, for a below 2^256 and b, c below L: the S of a signature.
    ///
    /// Kept out of line so that `Scripts/check-constant-time` checks it.
    @inline(never)
    static func multiplyAdd(_ a: Scalar, _ b: Scalar, _ c: Scalar) -> Scalar {
        // a b / R, then times R^2 / R to undo the division.
        var product = montgomeryMultiply(montgomeryMultiply(a, b), montgomeryR2)
        let sum = add(product, c)
        ConstantTime.wipe(&product)
        return sum
    }

    /// Writes the value, which must be reduced, as 32 little-endian bytes.
    @inline(__always)
    func encode(into output: UnsafeMutableRawPointer) {
        output.storeBytes(of: (l0 | (l1 &<< 52)).littleEndian, toByteOffset: 0, as: UInt64.self)
        output.storeBytes(of: ((l1 &>> 12) | (l2 &<< 40)).littleEndian, toByteOffset: 8, as: UInt64.self)
        output.storeBytes(of: ((l2 &>> 24) | (l3 &<< 28)).littleEndian, toByteOffset: 16, as: UInt64.self)
        output.storeBytes(of: ((l3 &>> 36) | (l4 &<< 16)).littleEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Whether 32 little-endian bytes hold an integer below L, the only
    /// encodings of S that verification accepts. Variable time: for public data.
    static func isCanonical(_ bytes: UnsafeRawPointer) -> Bool {
        // L = 2^252 + 0x14def9dea2f79cd6_5812631a5cf5d3ed, compared from the top word down.
        let order: [UInt64] = [0x5812_631a_5cf5_d3ed, 0x14de_f9de_a2f7_9cd6, 0, 0x1000_0000_0000_0000]
        for index in stride(from: 3, through: 0, by: -1) {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            if word != order[index] { return word < order[index] }
        }
        return false
    }
}

// Montgomery arithmetic.
extension Scalar {
    /// The full product as nine 128-bit column sums.
    @inline(__always)
    private static func multiplyWide(_ a: Scalar, _ b: Scalar) -> WideProduct {
        WideProduct(
            c0: wide(a.l0, b.l0),
            c1: wide(a.l0, b.l1) &+ wide(a.l1, b.l0),
            c2: wide(a.l0, b.l2) &+ wide(a.l1, b.l1) &+ wide(a.l2, b.l0),
            c3: wide(a.l0, b.l3) &+ wide(a.l1, b.l2) &+ wide(a.l2, b.l1) &+ wide(a.l3, b.l0),
            c4: wide(a.l0, b.l4) &+ wide(a.l1, b.l3) &+ wide(a.l2, b.l2) &+ wide(a.l3, b.l1) &+ wide(a.l4, b.l0),
            c5: wide(a.l1, b.l4) &+ wide(a.l2, b.l3) &+ wide(a.l3, b.l2) &+ wide(a.l4, b.l1),
            c6: wide(a.l2, b.l4) &+ wide(a.l3, b.l3) &+ wide(a.l4, b.l2),
            c7: wide(a.l3, b.l4) &+ wide(a.l4, b.l3),
            c8: wide(a.l4, b.l4))
    }

    /// a b / R mod L, fully reduced, for a b below R L.
    @inline(__always)
    private static func montgomeryMultiply(_ a: Scalar, _ b: Scalar) -> Scalar {
        montgomeryReduce(multiplyWide(a, b))
    }

    /// x / R mod L for x below R L: adds the multiple n L of L that clears the
    /// low 260 bits, then keeps the high ones; the result is below 2L and one
    /// masked subtraction finishes it.
    @inline(__always)
    private static func montgomeryReduce(_ x: WideProduct) -> Scalar {
        let l = order
        let (carry0, n0) = adjustment(x.c0)
        let (carry1, n1) = adjustment(carry0 &+ x.c1 &+ wide(n0, l.l1))
        let (carry2, n2) = adjustment(carry1 &+ x.c2 &+ wide(n0, l.l2) &+ wide(n1, l.l1))
        let (carry3, n3) = adjustment(carry2 &+ x.c3 &+ wide(n1, l.l2) &+ wide(n2, l.l1))
        let (carry4, n4) = adjustment(carry3 &+ x.c4 &+ wide(n0, l.l4) &+ wide(n2, l.l2) &+ wide(n3, l.l1))
        let (carry5, r0) = split(carry4 &+ x.c5 &+ wide(n1, l.l4) &+ wide(n3, l.l2) &+ wide(n4, l.l1))
        let (carry6, r1) = split(carry5 &+ x.c6 &+ wide(n2, l.l4) &+ wide(n4, l.l2))
        let (carry7, r2) = split(carry6 &+ x.c7 &+ wide(n3, l.l4))
        let (carry8, r3) = split(carry7 &+ x.c8 &+ wide(n4, l.l4))
        return subtract(Scalar(r0, r1, r2, r3, UInt64(truncatingIfNeeded: carry8)), order)
    }

    /// For a column sum: the multiplier n of L that zeroes its low 52 bits, and the carry out after adding n L's first limb.
    @inline(__always)
    private static func adjustment(_ sum: UInt128) -> (carry: UInt128, n: UInt64) {
        let n = (UInt64(truncatingIfNeeded: sum) &* montgomeryFactor) & mask52
        return ((sum &+ wide(n, order.l0)) &>> 52, n)
    }

    @inline(__always)
    private static func split(_ sum: UInt128) -> (carry: UInt128, limb: UInt64) {
        (sum &>> 52, UInt64(truncatingIfNeeded: sum) & mask52)
    }

    /// (a + b) mod L for a and b below L.
    @inline(__always)
    private static func add(_ a: Scalar, _ b: Scalar) -> Scalar {
        var carry = a.l0 &+ b.l0
        let s0 = carry & mask52
        carry = a.l1 &+ b.l1 &+ (carry &>> 52)
        let s1 = carry & mask52
        carry = a.l2 &+ b.l2 &+ (carry &>> 52)
        let s2 = carry & mask52
        carry = a.l3 &+ b.l3 &+ (carry &>> 52)
        let s3 = carry & mask52
        carry = a.l4 &+ b.l4 &+ (carry &>> 52)
        return subtract(Scalar(s0, s1, s2, s3, carry), order)
    }

    /// a - b, plus L if that is negative; a and b with limbs below 2^52 and a - b above -L.
    @inline(__always)
    private static func subtract(_ a: Scalar, _ b: Scalar) -> Scalar {
        // Each limb difference borrows through its top bit.
        var borrow = a.l0 &- b.l0
        let d0 = borrow & mask52
        borrow = a.l1 &- (b.l1 &+ (borrow &>> 63))
        let d1 = borrow & mask52
        borrow = a.l2 &- (b.l2 &+ (borrow &>> 63))
        let d2 = borrow & mask52
        borrow = a.l3 &- (b.l3 &+ (borrow &>> 63))
        let d3 = borrow & mask52
        borrow = a.l4 &- (b.l4 &+ (borrow &>> 63))
        let d4 = borrow & mask52
        var underflow = ConstantTime.mask(borrow &>> 63)
        ConstantTime.hide(&underflow)
        let l = order
        var carry = d0 &+ (l.l0 & underflow)
        let r0 = carry & mask52
        carry = d1 &+ (l.l1 & underflow) &+ (carry &>> 52)
        let r1 = carry & mask52
        carry = d2 &+ (l.l2 & underflow) &+ (carry &>> 52)
        let r2 = carry & mask52
        carry = d3 &+ (l.l3 & underflow) &+ (carry &>> 52)
        let r3 = carry & mask52
        carry = d4 &+ (l.l4 & underflow) &+ (carry &>> 52)
        let r4 = carry & mask52
        return Scalar(r0, r1, r2, r3, r4)
    }

    @inline(__always)
    private static func wide(_ a: UInt64, _ b: UInt64) -> UInt128 {
        UInt128(truncatingIfNeeded: a) &* UInt128(truncatingIfNeeded: b)
    }

    /// The nine column sums of a 5-by-5-limb product.
    private struct WideProduct {
        var c0, c1, c2, c3, c4, c5, c6, c7, c8: UInt128
    }
}
