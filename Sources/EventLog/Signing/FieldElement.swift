/// An element of the field of integers modulo p = 2^255 - 19, as a 256-bit integer in four 64-bit words.
///
/// The value is `w0 + 2^64 w1 + 2^128 w2 + 2^192 w3`, any integer below 2^256 that
/// is congruent to the element: the operations accept every such input and
/// return another, folding what overflows 2^256 back in as 38 (2^256 = 2 * 2^255
/// = 38 modulo p). So an element has up to three representations until
/// `encode(into:)` picks the canonical one. Every operation is straight-line code
/// on wrapping integers, its carries taken from the upper halves of 128-bit
/// sums: no branch and no memory access depends on the value, so the same code
/// serves secret and public data. (The trapping `+` and `*` would add a branch
/// per operation.)
///
/// Four full words rather than five 51-bit limbs: measured on x86-64 a product
/// takes about 165 instructions instead of 230, because sixteen partial products
/// replace twenty-five and the compiler spills far fewer of them. (Exponentiation
/// still uses limbs: see `FieldElement+Exponentiation.swift`.)
struct FieldElement: Sendable {
    var w0: UInt64
    var w1: UInt64
    var w2: UInt64
    var w3: UInt64

    @inline(__always)
    init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    // Constants are computed properties, not stored globals, so that using one
    // costs a few immediate loads rather than a lazy-initialisation check.

    @inline(__always) static var zero: FieldElement { FieldElement(0, 0, 0, 0) }
    @inline(__always) static var one: FieldElement { FieldElement(1, 0, 0, 0) }

    /// The curve constant d = -121665/121666.
    @inline(__always) static var d: FieldElement {
        FieldElement(0x75eb_4dca_1359_78a3, 0x0070_0a4d_4141_d8ab, 0x8cc7_4079_7779_e898, 0x5203_6cee_2b6f_fe73)
    }

    /// 2d, which the addition formulas use.
    @inline(__always) static var d2: FieldElement {
        FieldElement(0xebd6_9b94_26b2_f159, 0x00e0_149a_8283_b156, 0x198e_80f2_eef3_d130, 0x2406_d9dc_56df_fce7)
    }

    /// A square root of -1, that is 2^((p-1)/4).
    @inline(__always) static var sqrtMinusOne: FieldElement {
        FieldElement(0xc4ee_1b27_4a0e_a0b0, 0x2f43_1806_ad2f_e478, 0x2b4d_0099_3dfb_d7a7, 0x2b83_2480_4fc1_df0b)
    }
}

// Arithmetic.
extension FieldElement {
    @inline(__always)
    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        var t = wide(a.w0) &+ wide(b.w0)
        let s0 = low(t)
        t = wide(a.w1) &+ wide(b.w1) &+ (t &>> 64)
        let s1 = low(t)
        t = wide(a.w2) &+ wide(b.w2) &+ (t &>> 64)
        let s2 = low(t)
        t = wide(a.w3) &+ wide(b.w3) &+ (t &>> 64)
        return folded(s0, s1, s2, low(t), carry: high(t))
    }

    /// a - b: a borrow out of the top word means the wrapped difference is
    /// 2^256 too large, which is taken off again as 38; that can borrow once
    /// more (the difference was below 38), never twice.
    @inline(__always)
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        var t = wide(a.w0) &- wide(b.w0)
        var d0 = low(t)
        t = wide(a.w1) &- wide(b.w1) &- (t &>> 127)
        var d1 = low(t)
        t = wide(a.w2) &- wide(b.w2) &- (t &>> 127)
        var d2 = low(t)
        t = wide(a.w3) &- wide(b.w3) &- (t &>> 127)
        var d3 = low(t)
        // The borrow is the top bit of the wrapped 128-bit difference.
        t = wide(d0) &- (t &>> 127) &* 38
        d0 = low(t)
        t = wide(d1) &- (t &>> 127)
        d1 = low(t)
        t = wide(d2) &- (t &>> 127)
        d2 = low(t)
        t = wide(d3) &- (t &>> 127)
        d3 = low(t)
        return FieldElement(d0 &- low(t &>> 127) &* 38, d1, d2, d3)
    }

    @inline(__always)
    var negated: FieldElement { .zero - self }

    @inline(__always)
    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        // Schoolbook, one row per word of a; no sum can exceed 2^128 - 1:
        // (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1.
        var t = product(a.w0, b.w0)
        let r0 = low(t)
        t = product(a.w0, b.w1) &+ (t &>> 64)
        var r1 = low(t)
        t = product(a.w0, b.w2) &+ (t &>> 64)
        var r2 = low(t)
        t = product(a.w0, b.w3) &+ (t &>> 64)
        var r3 = low(t)
        var r4 = high(t)

        t = product(a.w1, b.w0) &+ wide(r1)
        r1 = low(t)
        t = product(a.w1, b.w1) &+ wide(r2) &+ (t &>> 64)
        r2 = low(t)
        t = product(a.w1, b.w2) &+ wide(r3) &+ (t &>> 64)
        r3 = low(t)
        t = product(a.w1, b.w3) &+ wide(r4) &+ (t &>> 64)
        r4 = low(t)
        var r5 = high(t)

        t = product(a.w2, b.w0) &+ wide(r2)
        r2 = low(t)
        t = product(a.w2, b.w1) &+ wide(r3) &+ (t &>> 64)
        r3 = low(t)
        t = product(a.w2, b.w2) &+ wide(r4) &+ (t &>> 64)
        r4 = low(t)
        t = product(a.w2, b.w3) &+ wide(r5) &+ (t &>> 64)
        r5 = low(t)
        var r6 = high(t)

        t = product(a.w3, b.w0) &+ wide(r3)
        r3 = low(t)
        t = product(a.w3, b.w1) &+ wide(r4) &+ (t &>> 64)
        r4 = low(t)
        t = product(a.w3, b.w2) &+ wide(r5) &+ (t &>> 64)
        r5 = low(t)
        t = product(a.w3, b.w3) &+ wide(r6) &+ (t &>> 64)
        r6 = low(t)
        return reduced(r0, r1, r2, r3, r4, r5, r6, high(t))
    }

    @inline(__always)
    func squared() -> FieldElement {
        // The six cross products once, doubled by a shift, then the four squares.
        var t = Self.product(w0, w1)
        var r1 = Self.low(t)
        t = Self.product(w0, w2) &+ (t &>> 64)
        var r2 = Self.low(t)
        t = Self.product(w0, w3) &+ (t &>> 64)
        var r3 = Self.low(t)
        var r4 = Self.high(t)
        t = Self.product(w1, w2) &+ Self.wide(r3)
        r3 = Self.low(t)
        t = Self.product(w1, w3) &+ Self.wide(r4) &+ (t &>> 64)
        r4 = Self.low(t)
        var r5 = Self.high(t)
        t = Self.product(w2, w3) &+ Self.wide(r5)
        r5 = Self.low(t)
        var r6 = Self.high(t)

        var r7 = r6 &>> 63
        r6 = (r6 &<< 1) | (r5 &>> 63)
        r5 = (r5 &<< 1) | (r4 &>> 63)
        r4 = (r4 &<< 1) | (r3 &>> 63)
        r3 = (r3 &<< 1) | (r2 &>> 63)
        r2 = (r2 &<< 1) | (r1 &>> 63)
        r1 &<<= 1

        var square = Self.product(w0, w0)
        let r0 = Self.low(square)
        t = Self.wide(r1) &+ (square &>> 64)
        r1 = Self.low(t)
        square = Self.product(w1, w1)
        t = Self.wide(r2) &+ Self.wide(Self.low(square)) &+ (t &>> 64)
        r2 = Self.low(t)
        t = Self.wide(r3) &+ (square &>> 64) &+ (t &>> 64)
        r3 = Self.low(t)
        square = Self.product(w2, w2)
        t = Self.wide(r4) &+ Self.wide(Self.low(square)) &+ (t &>> 64)
        r4 = Self.low(t)
        t = Self.wide(r5) &+ (square &>> 64) &+ (t &>> 64)
        r5 = Self.low(t)
        square = Self.product(w3, w3)
        t = Self.wide(r6) &+ Self.wide(Self.low(square)) &+ (t &>> 64)
        r6 = Self.low(t)
        r7 = r7 &+ Self.high(square) &+ Self.high(t)
        return Self.reduced(r0, r1, r2, r3, r4, r5, r6, r7)
    }

    /// 2 self^2.
    @inline(__always)
    func squaredDoubled() -> FieldElement {
        let square = squared()
        return square + square
    }

    @inline(__always)
    private static func wide(_ a: UInt64) -> UInt128 {
        UInt128(truncatingIfNeeded: a)
    }

    /// The full product of two words.
    @inline(__always)
    private static func product(_ a: UInt64, _ b: UInt64) -> UInt128 {
        UInt128(truncatingIfNeeded: a) &* UInt128(truncatingIfNeeded: b)
    }

    @inline(__always)
    private static func low(_ x: UInt128) -> UInt64 {
        UInt64(truncatingIfNeeded: x)
    }

    @inline(__always)
    private static func high(_ x: UInt128) -> UInt64 {
        UInt64(truncatingIfNeeded: x &>> 64)
    }

    /// A 512-bit product brought below 2^256: the upper half times 38 added to the lower.
    @inline(__always)
    private static func reduced(
        _ r0: UInt64, _ r1: UInt64, _ r2: UInt64, _ r3: UInt64,
        _ r4: UInt64, _ r5: UInt64, _ r6: UInt64, _ r7: UInt64
    ) -> FieldElement {
        var t = product(r4, 38) &+ wide(r0)
        let s0 = low(t)
        t = product(r5, 38) &+ wide(r1) &+ (t &>> 64)
        let s1 = low(t)
        t = product(r6, 38) &+ wide(r2) &+ (t &>> 64)
        let s2 = low(t)
        t = product(r7, 38) &+ wide(r3) &+ (t &>> 64)
        return folded(s0, s1, s2, low(t), carry: high(t))
    }

    /// s + 2^256 carry, for a carry of at most 38, brought below 2^256. Adding
    /// 38 carry can carry out once more, and then the low word is small, so
    /// the second 38 fits without a third carry.
    @inline(__always)
    private static func folded(_ s0: UInt64, _ s1: UInt64, _ s2: UInt64, _ s3: UInt64, carry: UInt64) -> FieldElement {
        var t = wide(s0) &+ product(carry, 38)
        let x0 = low(t)
        t = wide(s1) &+ (t &>> 64)
        let x1 = low(t)
        t = wide(s2) &+ (t &>> 64)
        let x2 = low(t)
        t = wide(s3) &+ (t &>> 64)
        return FieldElement(x0 &+ high(t) &* 38, x1, x2, low(t))
    }
}

// Bytes and constant-time helpers.
extension FieldElement {
    /// The element from 32 little-endian bytes, ignoring the top bit; the value
    /// may be p or more (a non-canonical encoding), which `decodeCanonical` refuses.
    @inline(__always)
    init(bytes: UnsafeRawPointer) {
        self.init(
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)) & (UInt64.max &>> 1))
    }

    /// The element from 32 bytes if they are its canonical encoding (below p,
    /// top bit ignored), else nil. For public data only: it branches on the value.
    static func decodeCanonical(_ bytes: UnsafeRawPointer) -> FieldElement? {
        let element = FieldElement(bytes: bytes)
        let canonical = element.canonical
        let same = canonical.w0 == element.w0 && canonical.w1 == element.w1
            && canonical.w2 == element.w2 && canonical.w3 == element.w3
        return same ? element : nil
    }

    /// Writes the canonical encoding, the value fully reduced below p, as 32 little-endian bytes.
    @inline(__always)
    func encode(into output: UnsafeMutableRawPointer) {
        let canonical = self.canonical
        output.storeBytes(of: canonical.w0.littleEndian, toByteOffset: 0, as: UInt64.self)
        output.storeBytes(of: canonical.w1.littleEndian, toByteOffset: 8, as: UInt64.self)
        output.storeBytes(of: canonical.w2.littleEndian, toByteOffset: 16, as: UInt64.self)
        output.storeBytes(of: canonical.w3.littleEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// The canonical representative, below p.
    @inline(__always)
    var canonical: FieldElement {
        // Fold bit 255 back in as 19: the value is then below 2^255 + 19.
        var t = Self.wide(w0) &+ Self.product(w3 &>> 63, 19)
        var v0 = Self.low(t)
        t = Self.wide(w1) &+ (t &>> 64)
        var v1 = Self.low(t)
        t = Self.wide(w2) &+ (t &>> 64)
        var v2 = Self.low(t)
        var v3 = (w3 & (UInt64.max &>> 1)) &+ Self.low(t &>> 64)
        // It is p or more exactly when adding 19 reaches bit 255; then the
        // result is that sum without bit 255, which is the value minus p.
        t = Self.wide(v0) &+ 19
        t = Self.wide(v1) &+ (t &>> 64)
        t = Self.wide(v2) &+ (t &>> 64)
        let q = (v3 &+ Self.low(t &>> 64)) &>> 63
        t = Self.wide(v0) &+ Self.product(q, 19)
        v0 = Self.low(t)
        t = Self.wide(v1) &+ (t &>> 64)
        v1 = Self.low(t)
        t = Self.wide(v2) &+ (t &>> 64)
        v2 = Self.low(t)
        v3 = (v3 &+ Self.low(t &>> 64)) & (UInt64.max &>> 1)
        return FieldElement(v0, v1, v2, v3)
    }

    /// 1 if the canonical value is odd ("negative" in RFC 8032's terms), else 0.
    @inline(__always)
    var isNegative: UInt64 {
        canonical.w0 & 1
    }

    /// Whether two elements are equal modulo p. Variable time: for public data only.
    static func == (a: FieldElement, b: FieldElement) -> Bool {
        let x = a.canonical, y = b.canonical
        return x.w0 == y.w0 && x.w1 == y.w1 && x.w2 == y.w2 && x.w3 == y.w3
    }

    /// Replaces self with `other` where `mask` is all ones; keeps self where it is zero.
    @inline(__always)
    mutating func assign(_ other: FieldElement, where mask: UInt64) {
        w0 ^= mask & (w0 ^ other.w0)
        w1 ^= mask & (w1 ^ other.w1)
        w2 ^= mask & (w2 ^ other.w2)
        w3 ^= mask & (w3 ^ other.w3)
    }
}
