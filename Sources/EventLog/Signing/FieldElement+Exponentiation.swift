// Inversion and the square-root exponent, with the addition chain of ref10 and
// curve25519-dalek: 254 squarings and 11 or 12 multiplications, the same
// sequence for every input.
//
// The chain runs in five 51-bit limbs rather than the four words of
// `FieldElement`: a long run of squarings is bound by the latency of one
// squaring, and the limb form is shorter there (its five column sums are
// independent; the word form's carries run in series), about 20% faster over
// the chain, where the word form wins on throughput everywhere else.
extension FieldElement {
    /// self^(p - 2), which is 1/self for nonzero self (and 0 for 0).
    ///
    /// Kept out of line, and so checked on its own by `Scripts/check-constant-time`:
    /// signing inverts secret-derived Z coordinates.
    @inline(never)
    func inverse() -> FieldElement {
        let (t19, t3) = Limbs(self).power22501()
        return (t19.squared(times: 5) * t3).element  // 2^255 - 21
    }

    /// self^((p - 5) / 8), the heart of a square root modulo p.
    func power2523() -> FieldElement {
        let x = Limbs(self)
        let (t19, _) = x.power22501()
        return (x * t19.squared(times: 2)).element  // 2^252 - 3
    }
}

/// A field element as five limbs of 51 bits, `l0 + 2^51 l1 + ... + 2^204 l4`, for exponentiation only.
///
/// Products accept limbs below 2^54 and return limbs below 2^51 + 2^13, so
/// products and squares chain without further reduction.
private struct Limbs {
    var l0: UInt64
    var l1: UInt64
    var l2: UInt64
    var l3: UInt64
    var l4: UInt64

    static let mask51: UInt64 = (1 << 51) - 1

    @inline(__always)
    init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
        self.l4 = l4
    }

    /// The same value, split at every 51 bits; the top limb takes bits 204
    /// to 255, so it may have 52 bits.
    @inline(__always)
    init(_ x: FieldElement) {
        self.init(
            x.w0 & Self.mask51,
            ((x.w0 &>> 51) | (x.w1 &<< 13)) & Self.mask51,
            ((x.w1 &>> 38) | (x.w2 &<< 26)) & Self.mask51,
            ((x.w2 &>> 25) | (x.w3 &<< 39)) & Self.mask51,
            x.w3 &>> 12)
    }

    /// The value as four words. The limbs of a product overlap by a few bits,
    /// so they are added, not ORed; the total is below 2^256.
    @inline(__always)
    var element: FieldElement {
        var t = UInt128(truncatingIfNeeded: l0) &+ (UInt128(truncatingIfNeeded: l1) &<< 51)
        let w0 = UInt64(truncatingIfNeeded: t)
        t = (t &>> 64) &+ (UInt128(truncatingIfNeeded: l2) &<< 38)
        let w1 = UInt64(truncatingIfNeeded: t)
        t = (t &>> 64) &+ (UInt128(truncatingIfNeeded: l3) &<< 25)
        let w2 = UInt64(truncatingIfNeeded: t)
        t = (t &>> 64) &+ (UInt128(truncatingIfNeeded: l4) &<< 12)
        return FieldElement(w0, w1, w2, UInt64(truncatingIfNeeded: t))
    }

    /// (self^(2^250 - 1), self^11), the common prefix of both exponents.
    @inline(__always)
    func power22501() -> (Limbs, Limbs) {
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

    @inline(__always)
    static func * (a: Limbs, b: Limbs) -> Limbs {
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
    func squared() -> Limbs {
        // Doubled and 19-fold limbs, so that each cross term is one product.
        let d0 = l0 &<< 1, d1 = l1 &<< 1, d2 = l2 &<< 1, d3 = l3 &<< 1
        let t3 = l3 &* 19, t4 = l4 &* 19
        let c0 = Self.wide(l0, l0) &+ Self.wide(d1, t4) &+ Self.wide(d2, t3)
        let c1 = Self.wide(d0, l1) &+ Self.wide(d2, t4) &+ Self.wide(l3, t3)
        let c2 = Self.wide(d0, l2) &+ Self.wide(l1, l1) &+ Self.wide(d3, t4)
        let c3 = Self.wide(d0, l3) &+ Self.wide(d1, l2) &+ Self.wide(l4, t4)
        let c4 = Self.wide(d0, l4) &+ Self.wide(d1, l3) &+ Self.wide(l2, l2)
        return Self.carried(c0, c1, c2, c3, c4)
    }

    /// self^(2^count), by `count` squarings; `count` is a public constant.
    @inline(__always)
    func squared(times count: Int) -> Limbs {
        var x = self
        for _ in 0..<count {
            x = x.squared()
        }
        return x
    }

    @inline(__always)
    private static func wide(_ a: UInt64, _ b: UInt64) -> UInt128 {
        UInt128(truncatingIfNeeded: a) &* UInt128(truncatingIfNeeded: b)
    }

    @inline(__always)
    private static func low(_ x: UInt128) -> UInt64 {
        UInt64(truncatingIfNeeded: x)
    }

    /// Carries five column sums (each below 2^115) down to limbs below 2^51 + 2^13.
    @inline(__always)
    private static func carried(_ c0: UInt128, _ c1: UInt128, _ c2: UInt128, _ c3: UInt128, _ c4: UInt128) -> Limbs {
        // Each carry is below 2^64, and the last one times 19 still fits.
        let c1 = c1 &+ UInt128(truncatingIfNeeded: low(c0 &>> 51))
        let c2 = c2 &+ UInt128(truncatingIfNeeded: low(c1 &>> 51))
        let c3 = c3 &+ UInt128(truncatingIfNeeded: low(c2 &>> 51))
        let c4 = c4 &+ UInt128(truncatingIfNeeded: low(c3 &>> 51))
        var r0 = (low(c0) & mask51) &+ low(c4 &>> 51) &* 19
        let r1 = (low(c1) & mask51) &+ (r0 &>> 51)
        r0 &= mask51
        return Limbs(r0, r1, low(c2) & mask51, low(c3) & mask51, low(c4) & mask51)
    }
}
