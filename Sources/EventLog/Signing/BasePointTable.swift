/// Precomputed multiples of the base point B, and the two scalar multiplications that use them: constant-time [a]B for signing, variable-time [s]B + [k]P for verification.
///
/// Computed once, on first use (well under a millisecond), rather than spelled
/// out as thousands of constants in the source: the tests against RFC 8032's
/// vectors then check the derivation too.
struct BasePointTable: Sendable {
    /// 32 groups of 8 for the signed radix-16 method of ref10: entry 8i + k - 1
    /// is k 256^i B, for k in 1...8, as the 12 words of an `AffineNielsPoint`
    /// (y + x, y - x, 2dxy, four words each), so that selection can read entries
    /// as vectors without depending on how Swift lays out a struct.
    private let radix16: [UInt64]
    /// (2j + 1) B at index j, for j in 0..<64: the odd multiples that a width-8 non-adjacent form needs.
    private let oddMultiples: [AffineNielsPoint]

    static let shared = BasePointTable()

    /// Words per table entry.
    private static let entryWords = 12

    private init() {
        var points: [EdwardsPoint] = []
        points.reserveCapacity(256 + 64)
        var groupBase = EdwardsPoint.base
        for _ in 0..<32 {
            let adder = groupBase.projectiveNiels
            var multiple = groupBase
            for _ in 1...8 {
                points.append(multiple)
                multiple = (multiple + adder).extended
            }
            for _ in 0..<8 {
                groupBase = groupBase.doubled().extended
            }
        }
        let twiceBase = EdwardsPoint.base.doubled().extended.projectiveNiels
        var multiple = EdwardsPoint.base
        for _ in 0..<64 {
            points.append(multiple)
            multiple = (multiple + twiceBase).extended
        }

        let affine = Self.affineNiels(points)
        radix16 = affine[..<256].flatMap { entry in
            [entry.yPlusX, entry.yMinusX, entry.xy2d].flatMap { [$0.w0, $0.w1, $0.w2, $0.w3] }
        }
        oddMultiples = Array(affine[256...])
    }

    /// The affine forms of many points with a single inversion (Montgomery's
    /// trick) instead of one per point, the bulk of the cost of building the tables.
    private static func affineNiels(_ points: [EdwardsPoint]) -> [AffineNielsPoint] {
        // prefix[i] = z_0 ... z_(i-1)
        var prefix: [FieldElement] = [.one]
        for point in points {
            prefix.append(prefix[prefix.count - 1] * point.z)
        }
        var inverse = prefix[points.count].inverse()
        var result = [AffineNielsPoint](repeating: .identity, count: points.count)
        for i in points.indices.reversed() {
            // inverse is 1/(z_0 ... z_i) here.
            let zInverse = inverse * prefix[i]
            inverse = inverse * points[i].z
            let x = points[i].x * zInverse
            let y = points[i].y * zInverse
            result[i] = AffineNielsPoint(yPlusX: y + x, yMinusX: y - x, xy2d: x * y * .d2)
        }
        return result
    }
}

// Signing: [a]B for a secret a, in constant time.
extension BasePointTable {
    /// [a]B for the integer a in 32 little-endian bytes, below 2^255 (a clamped
    /// secret key or a reduced nonce).
    ///
    /// a = sum of e_i 16^i with 64 signed digits e_i in -8...8, so that
    /// [a]B = sum over i of [e_2i] 256^i B + 16 (sum over i of [e_2i+1] 256^i B):
    /// 64 additions of table entries and 4 doublings. Each entry is picked by
    /// reading all 8 of its group and keeping one with masks, so neither the
    /// instructions run nor the addresses read depend on a.
    ///
    /// Kept out of line: `Scripts/check-constant-time` checks its machine code.
    @inline(never)
    func multiply(secret scalar: UnsafeRawPointer) -> EdwardsPoint {
        var digits: SecretDigits = (0, 0, 0, 0, 0, 0, 0, 0)
        var masks: SelectionMasks = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var sum = EdwardsPoint.identity
        withUnsafeMutablePointer(to: &digits) { digitsPointer in
            let digit = UnsafeMutableRawPointer(digitsPointer)
            recode(scalar, into: digit)
            radix16.withUnsafeBytes { entries in
                let table = entries.baseAddress.unsafelyUnwrapped
                let groupBytes = 8 &* Self.entryWords &* 8
                for i in 0..<32 {
                    let entry = Self.select(table + i &* groupBytes, digit.load(fromByteOffset: i &* 2 &+ 1, as: Int8.self), &masks)
                    sum = (sum + entry).extended
                }
                sum = sum.doubled().projective.doubled().projective.doubled().projective.doubled().extended
                for i in 0..<32 {
                    let entry = Self.select(table + i &* groupBytes, digit.load(fromByteOffset: i &* 2, as: Int8.self), &masks)
                    sum = (sum + entry).extended
                }
            }
        }
        ConstantTime.wipe(&digits)
        ConstantTime.wipe(&masks)
        return sum
    }

    /// Sixty-four signed radix-16 digits, one byte each; secret, so held inline and wiped.
    private typealias SecretDigits = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// For one digit: a mask per magnitude 1...8, then one for magnitude 0, then the sign mask.
    private typealias SelectionMasks = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// Writes the digits e_0...e_63 of a (below 2^255), each in -8...8, with a = sum of e_i 16^i.
    @inline(__always)
    private func recode(_ scalar: UnsafeRawPointer, into digits: UnsafeMutableRawPointer) {
        for i in 0..<32 {
            let byte = scalar.load(fromByteOffset: i, as: UInt8.self)
            digits.storeBytes(of: byte & 15, toByteOffset: i &* 2, as: UInt8.self)
            digits.storeBytes(of: byte &>> 4, toByteOffset: i &* 2 &+ 1, as: UInt8.self)
        }
        // Nibbles of 8 or more become nibble - 16 and carry one into the next.
        var carry: Int8 = 0
        for i in 0..<63 {
            var digit = digits.load(fromByteOffset: i, as: Int8.self) &+ carry
            carry = (digit &+ 8) &>> 4
            digit &-= carry &<< 4
            digits.storeBytes(of: digit, toByteOffset: i, as: Int8.self)
        }
        // The top nibble is at most 7 because a is below 2^255, so this stays within 8.
        let top = digits.load(fromByteOffset: 63, as: Int8.self) &+ carry
        digits.storeBytes(of: top, toByteOffset: 63, as: Int8.self)
    }

    /// [digit] 256^i B from the group of 8 entries for position i, reading every entry.
    ///
    /// Each entry is read as six 128-bit vectors and ORed into the result under
    /// its mask; the identity comes in the same way for digit 0.
    @inline(__always)
    private static func select(_ group: UnsafeRawPointer, _ digit: Int8, _ masks: inout SelectionMasks) -> AffineNielsPoint {
        let signed = Int64(truncatingIfNeeded: digit)
        let negative = UInt64(bitPattern: signed) &>> 63
        let signMask = ConstantTime.mask(negative)
        let magnitude = (UInt64(bitPattern: signed) ^ signMask) &+ negative
        masks = (
            ConstantTime.equalMask(magnitude, 1), ConstantTime.equalMask(magnitude, 2),
            ConstantTime.equalMask(magnitude, 3), ConstantTime.equalMask(magnitude, 4),
            ConstantTime.equalMask(magnitude, 5), ConstantTime.equalMask(magnitude, 6),
            ConstantTime.equalMask(magnitude, 7), ConstantTime.equalMask(magnitude, 8),
            ConstantTime.equalMask(magnitude, 0), signMask)
        ConstantTime.hide(&masks)
        return withUnsafePointer(to: &masks) { maskPointer in
            let mask = UnsafeRawPointer(maskPointer)
            // The identity (1, 1, 0): words 0 and 4 are one.
            let identityMask = mask.load(fromByteOffset: 64, as: UInt64.self)
            var v0 = SIMD2<UInt64>(1, 0) & SIMD2(repeating: identityMask)
            var v1 = SIMD2<UInt64>()
            var v2 = SIMD2<UInt64>(1, 0) & SIMD2(repeating: identityMask)
            var v3 = SIMD2<UInt64>()
            var v4 = SIMD2<UInt64>()
            var v5 = SIMD2<UInt64>()
            for k in 0..<8 {
                let m = SIMD2(repeating: mask.load(fromByteOffset: k &* 8, as: UInt64.self))
                let entry = group + k &* (entryWords &* 8)
                v0 |= entry.loadUnaligned(fromByteOffset: 0, as: SIMD2<UInt64>.self) & m
                v1 |= entry.loadUnaligned(fromByteOffset: 16, as: SIMD2<UInt64>.self) & m
                v2 |= entry.loadUnaligned(fromByteOffset: 32, as: SIMD2<UInt64>.self) & m
                v3 |= entry.loadUnaligned(fromByteOffset: 48, as: SIMD2<UInt64>.self) & m
                v4 |= entry.loadUnaligned(fromByteOffset: 64, as: SIMD2<UInt64>.self) & m
                v5 |= entry.loadUnaligned(fromByteOffset: 80, as: SIMD2<UInt64>.self) & m
            }
            var entry = AffineNielsPoint(
                yPlusX: FieldElement(v0[0], v0[1], v1[0], v1[1]),
                yMinusX: FieldElement(v2[0], v2[1], v3[0], v3[1]),
                xy2d: FieldElement(v4[0], v4[1], v5[0], v5[1]))
            entry.assign(entry.negated, where: mask.load(fromByteOffset: 72, as: UInt64.self))
            return entry
        }
    }
}

// Verification: [s]B + [k]P on public data, in variable time.
extension BasePointTable {
    /// [s]B + [k]P, for s and k in 32 little-endian bytes, both below 2^255.
    ///
    /// Straus's method over the non-adjacent forms of both scalars: one shared
    /// chain of about 253 doublings, with an addition wherever either form has a
    /// nonzero digit; width 8 for B, whose odd multiples are precomputed, and
    /// width 5 for P, whose eight odd multiples are computed here.
    func multiplyVariableTime(base s: UnsafeRawPointer, point p: EdwardsPoint, times k: UnsafeRawPointer) -> ProjectivePoint {
        let sDigits = Self.nonAdjacentForm(s, width: 8)
        let kDigits = Self.nonAdjacentForm(k, width: 5)

        var pMultiples: [ProjectiveNielsPoint] = []
        pMultiples.reserveCapacity(8)
        let twiceP = p.doubled().extended.projectiveNiels
        var multiple = p
        for _ in 0..<8 {
            pMultiples.append(multiple.projectiveNiels)
            multiple = (multiple + twiceP).extended
        }

        var top = 255
        while top >= 0 && sDigits[top] == 0 && kDigits[top] == 0 {
            top -= 1
        }
        var sum = ProjectivePoint.identity
        guard top >= 0 else { return sum }
        for i in stride(from: top, through: 0, by: -1) {
            var step = sum.doubled()
            let kDigit = Int(kDigits[i])
            if kDigit > 0 {
                step = step.extended + pMultiples[kDigit / 2]
            } else if kDigit < 0 {
                step = step.extended - pMultiples[-kDigit / 2]
            }
            let sDigit = Int(sDigits[i])
            if sDigit > 0 {
                step = step.extended + oddMultiples[sDigit / 2]
            } else if sDigit < 0 {
                step = step.extended - oddMultiples[-sDigit / 2]
            }
            sum = step.projective
        }
        return sum
    }

    /// The width-w non-adjacent form of a scalar below 2^255: 256 digits, each
    /// zero or odd with magnitude below 2^(w-1), any two nonzero digits at least
    /// w positions apart, and the scalar equal to the sum of digit_i 2^i.
    static func nonAdjacentForm(_ scalar: UnsafeRawPointer, width: Int) -> [Int8] {
        var words = [UInt64](repeating: 0, count: 5)
        for i in 0..<4 {
            words[i] = UInt64(littleEndian: scalar.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        }
        let windowSize = 1 << width
        let windowMask = UInt64(windowSize - 1)
        var digits = [Int8](repeating: 0, count: 256)
        var position = 0
        var carry = 0
        while position < 256 {
            let word = position / 64
            let bit = position % 64
            let bits = bit < 64 - width
                ? words[word] >> bit
                : (words[word] >> bit) | (words[word + 1] << (64 - bit))
            let window = carry + Int(bits & windowMask)
            if window & 1 == 0 {
                position += 1
                continue
            }
            if window < windowSize / 2 {
                carry = 0
                digits[position] = Int8(window)
            } else {
                carry = 1
                digits[position] = Int8(window - windowSize)
            }
            position += width
        }
        return digits
    }
}
