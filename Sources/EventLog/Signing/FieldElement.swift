/// An element of the field of integers modulo p = 2^255 - 19, as five limbs of 51 bits.
///
/// The element is `l0 + 2^51 l1 + 2^102 l2 + 2^153 l3 + 2^204 l4` modulo p. Limbs may
/// exceed 51 bits between reductions, so an element has many representations until
/// `encode(into:)` picks the canonical one; each operation states the limb bounds it
/// accepts and produces. Every operation is straight-line code on wrapping integers:
/// no branch and no memory access depends on the value, so the same code serves
/// secret and public data. (The trapping `+` and `*` would add a branch per operation.)
struct FieldElement: Sendable {
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

    static let mask51: UInt64 = (1 << 51) - 1

    // Constants are computed properties, not stored globals, so that using one
    // costs a few immediate loads rather than a lazy-initialisation check.

    @inline(__always) static var zero: FieldElement { FieldElement(0, 0, 0, 0, 0) }
    @inline(__always) static var one: FieldElement { FieldElement(1, 0, 0, 0, 0) }

    /// The curve constant d = -121665/121666.
    @inline(__always) static var d: FieldElement {
        FieldElement(0x34dca135978a3, 0x1a8283b156ebd, 0x5e7a26001c029, 0x739c663a03cbb, 0x52036cee2b6ff)
    }

    /// 2d, which the addition formulas use.
    @inline(__always) static var d2: FieldElement {
        FieldElement(0x69b9426b2f159, 0x35050762add7a, 0x3cf44c0038052, 0x6738cc7407977, 0x2406d9dc56dff)
    }

    /// A square root of -1, that is 2^((p-1)/4).
    @inline(__always) static var sqrtMinusOne: FieldElement {
        FieldElement(0x61b274a0ea0b0, 0x0d5a5fc8f189d, 0x7ef5e9cbd0c60, 0x78595a6804c9e, 0x2b8324804fc1d)
    }
}

// Arithmetic. Bounds: `*` and `squared` accept limbs below 2^54 and return limbs
// below 2^51 + 2^13 (call that "reduced", below 2^52); `+` does not reduce, so the
// sum of two reduced elements (below 2^53) may go straight into a multiplication;
// `-` and `negated` accept limbs below 2^55 and return reduced limbs.
extension FieldElement {
    @inline(__always)
    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(a.l0 &+ b.l0, a.l1 &+ b.l1, a.l2 &+ b.l2, a.l3 &+ b.l3, a.l4 &+ b.l4)
    }

    /// a - b, computed as a + 16p - b so that no limb goes below zero.
    @inline(__always)
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        weaklyReduced(
            (a.l0 &+ 0x7f_ffff_ffff_fed0) &- b.l0,
            (a.l1 &+ 0x7f_ffff_ffff_fff0) &- b.l1,
            (a.l2 &+ 0x7f_ffff_ffff_fff0) &- b.l2,
            (a.l3 &+ 0x7f_ffff_ffff_fff0) &- b.l3,
            (a.l4 &+ 0x7f_ffff_ffff_fff0) &- b.l4)
    }

    @inline(__always)
    var negated: FieldElement { .zero - self }

    @inline(__always)
    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        // 2^255 = 19 modulo p, so a product limb that lands at 2^255 or above
        // wraps round to the bottom multiplied by 19.
        let b1 = b.l1 &* 19, b2 = b.l2 &* 19, b3 = b.l3 &* 19, b4 = b.l4 &* 19
        let c0 = wide(a.l0, b.l0) &+ wide(a.l4, b1) &+ wide(a.l3, b2) &+ wide(a.l2, b3) &+ wide(a.l1, b4)
        let c1 = wide(a.l1, b.l0) &+ wide(a.l0, b.l1) &+ wide(a.l4, b2) &+ wide(a.l3, b3) &+ wide(a.l2, b4)
        let c2 = wide(a.l2, b.l0) &+ wide(a.l1, b.l1) &+ wide(a.l0, b.l2) &+ wide(a.l4, b3) &+ wide(a.l3, b4)
        let c3 = wide(a.l3, b.l0) &+ wide(a.l2, b.l1) &+ wide(a.l1, b.l2) &+ wide(a.l0, b.l3) &+ wide(a.l4, b4)
        let c4 = wide(a.l4, b.l0) &+ wide(a.l3, b.l1) &+ wide(a.l2, b.l2) &+ wide(a.l1, b.l3) &+ wide(a.l0, b.l4)
        return carried(c0, c1, c2, c3, c4)
    }

    @inline(__always)
    func squared() -> FieldElement {
        let a3 = l3 &* 19, a4 = l4 &* 19
        let c0 = Self.wide(l0, l0) &+ ((Self.wide(l1, a4) &+ Self.wide(l2, a3)) &<< 1)
        let c1 = Self.wide(l3, a3) &+ ((Self.wide(l0, l1) &+ Self.wide(l2, a4)) &<< 1)
        let c2 = Self.wide(l1, l1) &+ ((Self.wide(l0, l2) &+ Self.wide(l4, a3)) &<< 1)
        let c3 = Self.wide(l4, a4) &+ ((Self.wide(l0, l3) &+ Self.wide(l1, l2)) &<< 1)
        let c4 = Self.wide(l2, l2) &+ ((Self.wide(l0, l4) &+ Self.wide(l1, l3)) &<< 1)
        return FieldElement.carried(c0, c1, c2, c3, c4)
    }

    /// 2 self^2, with limbs below 2^53: doubled after the reduction, because
    /// doubling the 128-bit column sums could overflow the carries.
    @inline(__always)
    func squaredDoubled() -> FieldElement {
        let s = squared()
        return FieldElement(s.l0 &<< 1, s.l1 &<< 1, s.l2 &<< 1, s.l3 &<< 1, s.l4 &<< 1)
    }

    /// self^(2^count), by `count` squarings; `count` is a public constant.
    @inline(__always)
    func squared(times count: Int) -> FieldElement {
        var x = self
        for _ in 0..<count {
            x = x.squared()
        }
        return x
    }

    /// The full product of two limbs.
    @inline(__always)
    private static func wide(_ a: UInt64, _ b: UInt64) -> UInt128 {
        UInt128(truncatingIfNeeded: a) &* UInt128(truncatingIfNeeded: b)
    }

    @inline(__always)
    private static func low(_ x: UInt128) -> UInt64 {
        UInt64(truncatingIfNeeded: x)
    }

    /// Carries five column sums (each below 2^115) down to reduced limbs.
    @inline(__always)
    private static func carried(_ c0: UInt128, _ c1: UInt128, _ c2: UInt128, _ c3: UInt128, _ c4: UInt128) -> FieldElement {
        // Each carry is below 2^64, and the last one times 19 still fits.
        let c1 = c1 &+ UInt128(truncatingIfNeeded: low(c0 &>> 51))
        let c2 = c2 &+ UInt128(truncatingIfNeeded: low(c1 &>> 51))
        let c3 = c3 &+ UInt128(truncatingIfNeeded: low(c2 &>> 51))
        let c4 = c4 &+ UInt128(truncatingIfNeeded: low(c3 &>> 51))
        var r0 = (low(c0) & mask51) &+ low(c4 &>> 51) &* 19
        let r1 = (low(c1) & mask51) &+ (r0 &>> 51)
        r0 &= mask51
        return FieldElement(r0, r1, low(c2) & mask51, low(c3) & mask51, low(c4) & mask51)
    }

    /// Limbs of any size brought below 2^51 + 2^18, the carries computed in parallel.
    @inline(__always)
    private static func weaklyReduced(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) -> FieldElement {
        FieldElement(
            (l0 & mask51) &+ (l4 &>> 51) &* 19,
            (l1 & mask51) &+ (l0 &>> 51),
            (l2 & mask51) &+ (l1 &>> 51),
            (l3 & mask51) &+ (l2 &>> 51),
            (l4 & mask51) &+ (l3 &>> 51))
    }
}

// Exponentiation, with the addition chain of ref10 and curve25519-dalek: 254
// squarings and 11 or 12 multiplications, the same sequence for every input.
extension FieldElement {
    /// (self^(2^250 - 1), self^11), the common prefix of both exponents below.
    @inline(__always)
    private func power22501() -> (FieldElement, FieldElement) {
        let t0 = squared()  // 2
        let t1 = t0.squared(times: 2)  // 8
        let t2 = self * t1  // 9
        let t3 = t0 * t2  // 11
        let t4 = t3.squared()  // 22
        let t5 = t2 * t4  // 2^5 - 1
        let t7 = t5.squared(times: 5) * t5  // 2^10 - 1
        let t9 = t7.squared(times: 10) * t7  // 2^20 - 1
        let t11 = t9.squared(times: 20) * t9  // 2^40 - 1
        let t13 = t11.squared(times: 10) * t7  // 2^50 - 1
        let t15 = t13.squared(times: 50) * t13  // 2^100 - 1
        let t17 = t15.squared(times: 100) * t15  // 2^200 - 1
        let t19 = t17.squared(times: 50) * t13  // 2^250 - 1
        return (t19, t3)
    }

    /// self^(p - 2), which is 1/self for nonzero self (and 0 for 0).
    ///
    /// Kept out of line, and so checked on its own by `Scripts/check-constant-time`:
    /// signing inverts secret-derived Z coordinates.
    @inline(never)
    func inverse() -> FieldElement {
        let (t19, t3) = power22501()
        return t19.squared(times: 5) * t3  // 2^255 - 21
    }

    /// self^((p - 5) / 8), the heart of a square root modulo p.
    func power2523() -> FieldElement {
        let (t19, _) = power22501()
        return self * t19.squared(times: 2)  // 2^252 - 3
    }
}

// Bytes and constant-time helpers.
extension FieldElement {
    /// The element from 32 little-endian bytes, ignoring the top bit; the value
    /// may be p or more (a non-canonical encoding), which `decodeCanonical` refuses.
    @inline(__always)
    init(bytes: UnsafeRawPointer) {
        let w0 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let w1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let w2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let w3 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        self.init(
            w0 & Self.mask51,
            ((w0 &>> 51) | (w1 &<< 13)) & Self.mask51,
            ((w1 &>> 38) | (w2 &<< 26)) & Self.mask51,
            ((w2 &>> 25) | (w3 &<< 39)) & Self.mask51,
            (w3 &>> 12) & Self.mask51)
    }

    /// The element from 32 bytes if they are its canonical encoding (below p,
    /// top bit ignored), else nil. For public data only: it branches on the value.
    static func decodeCanonical(_ bytes: UnsafeRawPointer) -> FieldElement? {
        let element = FieldElement(bytes: bytes)
        var check = Bytes32.zero
        withUnsafeMutableBytes(of: &check) { element.encode(into: $0.baseAddress!) }
        var equal = true
        withUnsafeBytes(of: check) { encoded in
            for i in 0..<31 where encoded[i] != bytes.load(fromByteOffset: i, as: UInt8.self) {
                equal = false
            }
            if encoded[31] != bytes.load(fromByteOffset: 31, as: UInt8.self) & 0x7f {
                equal = false
            }
        }
        return equal ? element : nil
    }

    /// Writes the canonical encoding, the value fully reduced below p, as 32 little-endian bytes.
    @inline(__always)
    func encode(into output: UnsafeMutableRawPointer) {
        let r = FieldElement.weaklyReduced(l0, l1, l2, l3, l4)
        // q is 1 exactly when the value is p or more: adding 19 then carries past 2^255.
        var q = (r.l0 &+ 19) &>> 51
        q = (r.l1 &+ q) &>> 51
        q = (r.l2 &+ q) &>> 51
        q = (r.l3 &+ q) &>> 51
        q = (r.l4 &+ q) &>> 51
        // Subtract qp: add 19q and drop bit 255.
        var l0 = r.l0 &+ 19 &* q
        var l1 = r.l1 &+ (l0 &>> 51)
        l0 &= Self.mask51
        var l2 = r.l2 &+ (l1 &>> 51)
        l1 &= Self.mask51
        var l3 = r.l3 &+ (l2 &>> 51)
        l2 &= Self.mask51
        var l4 = r.l4 &+ (l3 &>> 51)
        l3 &= Self.mask51
        l4 &= Self.mask51
        output.storeBytes(of: (l0 | (l1 &<< 51)).littleEndian, toByteOffset: 0, as: UInt64.self)
        output.storeBytes(of: ((l1 &>> 13) | (l2 &<< 38)).littleEndian, toByteOffset: 8, as: UInt64.self)
        output.storeBytes(of: ((l2 &>> 26) | (l3 &<< 25)).littleEndian, toByteOffset: 16, as: UInt64.self)
        output.storeBytes(of: ((l3 &>> 39) | (l4 &<< 12)).littleEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// The canonical encoding as a value, for comparisons.
    @inline(__always)
    var encoded: Bytes32 {
        var bytes = Bytes32.zero
        withUnsafeMutableBytes(of: &bytes) { encode(into: $0.baseAddress!) }
        return bytes
    }

    /// 1 if the canonical value is odd ("negative" in RFC 8032's terms), else 0.
    @inline(__always)
    var isNegative: UInt64 {
        UInt64(littleEndian: encoded.w0) & 1
    }

    /// Whether two elements are equal modulo p. Variable time: for public data only.
    static func == (a: FieldElement, b: FieldElement) -> Bool {
        a.encoded == b.encoded
    }

    /// Replaces self with `other` where `mask` is all ones; keeps self where it is zero.
    @inline(__always)
    mutating func assign(_ other: FieldElement, where mask: UInt64) {
        l0 ^= mask & (l0 ^ other.l0)
        l1 ^= mask & (l1 ^ other.l1)
        l2 ^= mask & (l2 ^ other.l2)
        l3 ^= mask & (l3 ^ other.l3)
        l4 ^= mask & (l4 ^ other.l4)
    }
}
