/// A point of edwards25519, -x^2 + y^2 = 1 + d x^2 y^2 over the integers modulo 2^255 - 19, in extended coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z and xy = T/Z.
///
/// The formulas are those of Hisil, Wong, Carter and Dawson ("Twisted Edwards
/// curves revisited", 2008) as arranged in ref10 and curve25519-dalek: a sum or a
/// double first comes out as a `CompletedPoint`, which is then brought back to
/// extended coordinates, or to `ProjectivePoint` when the next step is a doubling
/// that does not need T. The formulas are complete (they hold for every pair of
/// points, equal, opposite or the identity), so no case depends on the data.
struct EdwardsPoint: Sendable {
    var x: FieldElement
    var y: FieldElement
    var z: FieldElement
    var t: FieldElement

    /// The neutral element, (0, 1).
    @inline(__always) static var identity: EdwardsPoint {
        EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)
    }

    /// The base point B of RFC 8032, (x, 4/5) with x even.
    @inline(__always) static var base: EdwardsPoint {
        EdwardsPoint(
            x: FieldElement(0xc956_2d60_8f25_d51a, 0x692c_c760_9525_a7b2, 0xc0a4_e231_fdd6_dc5c, 0x2169_36d3_cd6e_53fe),
            y: FieldElement(0x6666_6666_6666_6658, 0x6666_6666_6666_6666, 0x6666_6666_6666_6666, 0x6666_6666_6666_6666),
            z: .one,
            t: FieldElement(0x6dde_8ab3_a5b7_dda3, 0x20f0_9f80_7751_52f5, 0x66ea_4e8e_64ab_e37d, 0x6787_5f0f_d78b_7665))
    }

    @inline(__always)
    var negated: EdwardsPoint {
        EdwardsPoint(x: x.negated, y: y, z: z, t: t.negated)
    }

    @inline(__always)
    var projective: ProjectivePoint {
        ProjectivePoint(x: x, y: y, z: z)
    }

    /// The form that `+` and `-` take as their right operand.
    @inline(__always)
    var projectiveNiels: ProjectiveNielsPoint {
        ProjectiveNielsPoint(yPlusX: y + x, yMinusX: y - x, z: z, t2d: t * .d2)
    }

    /// The affine form of the precomputed tables; one inversion.
    var affineNiels: AffineNielsPoint {
        let zInverse = z.inverse()
        let affineX = x * zInverse
        let affineY = y * zInverse
        return AffineNielsPoint(yPlusX: affineY + affineX, yMinusX: affineY - affineX, xy2d: affineX * affineY * .d2)
    }

    @inline(__always)
    func doubled() -> CompletedPoint {
        projective.doubled()
    }

    @inline(__always)
    static func + (p: EdwardsPoint, q: ProjectiveNielsPoint) -> CompletedPoint {
        let pp = (p.y + p.x) * q.yPlusX
        let mm = (p.y - p.x) * q.yMinusX
        let tt2d = p.t * q.t2d
        let zz = p.z * q.z
        let zz2 = zz + zz
        return CompletedPoint(x: pp - mm, y: pp + mm, z: zz2 + tt2d, t: zz2 - tt2d)
    }

    @inline(__always)
    static func - (p: EdwardsPoint, q: ProjectiveNielsPoint) -> CompletedPoint {
        let pm = (p.y + p.x) * q.yMinusX
        let mp = (p.y - p.x) * q.yPlusX
        let tt2d = p.t * q.t2d
        let zz = p.z * q.z
        let zz2 = zz + zz
        return CompletedPoint(x: pm - mp, y: pm + mp, z: zz2 - tt2d, t: zz2 + tt2d)
    }

    @inline(__always)
    static func + (p: EdwardsPoint, q: AffineNielsPoint) -> CompletedPoint {
        let pp = (p.y + p.x) * q.yPlusX
        let mm = (p.y - p.x) * q.yMinusX
        let txy2d = p.t * q.xy2d
        let z2 = p.z + p.z
        return CompletedPoint(x: pp - mm, y: pp + mm, z: z2 + txy2d, t: z2 - txy2d)
    }

    @inline(__always)
    static func - (p: EdwardsPoint, q: AffineNielsPoint) -> CompletedPoint {
        let pm = (p.y + p.x) * q.yMinusX
        let mp = (p.y - p.x) * q.yPlusX
        let txy2d = p.t * q.xy2d
        let z2 = p.z + p.z
        return CompletedPoint(x: pm - mp, y: pm + mp, z: z2 - txy2d, t: z2 + txy2d)
    }
}

// Encoding (RFC 8032 section 5.1.2) and decoding (section 5.1.3).
extension EdwardsPoint {
    /// Writes the 32-byte encoding: y, with the parity of x in the top bit.
    func encode(into output: UnsafeMutableRawPointer) {
        projective.encode(into: output, zInverse: z.inverse())
    }

    /// The point encoded in 32 bytes, or nil if they are not the canonical
    /// encoding of a curve point: y must be below p, x must exist, and x = 0 must
    /// come with a clear sign bit. Variable time: for public keys only.
    static func decode(_ bytes: UnsafeRawPointer) -> EdwardsPoint? {
        guard let y = FieldElement.decodeCanonical(bytes) else { return nil }
        let sign = UInt64(bytes.load(fromByteOffset: 31, as: UInt8.self) >> 7)
        // x^2 = u/v with u = y^2 - 1 and v = d y^2 + 1; the candidate root is
        // u v^3 (u v^7)^((p-5)/8).
        let yy = y.squared()
        let u = yy - .one
        let v = yy * .d + .one
        let v3 = v.squared() * v
        let v7 = v3.squared() * v
        var x = u * v3 * (u * v7).power2523()
        let vxx = v * x.squared()
        if !(vxx == u) {
            // Then x is a root of -u/v, and x sqrt(-1) one of u/v; or there is none.
            guard vxx == u.negated else { return nil }
            x = x * .sqrtMinusOne
        }
        if x == .zero && sign == 1 { return nil }
        if x.isNegative != sign {
            x = x.negated
        }
        return EdwardsPoint(x: x, y: y, z: .one, t: x * y)
    }

    /// Encodes two points with one inversion between them (Montgomery's trick);
    /// signing from a seed encodes both its public key and R.
    static func encode(_ p: EdwardsPoint, into first: UnsafeMutableRawPointer, _ q: EdwardsPoint, into second: UnsafeMutableRawPointer) {
        let bothInverse = (p.z * q.z).inverse()
        p.projective.encode(into: first, zInverse: bothInverse * q.z)
        q.projective.encode(into: second, zInverse: bothInverse * p.z)
    }
}

/// A point in projective coordinates (X : Y : Z), x = X/Z and y = Y/Z: extended coordinates without T, the input of a doubling.
struct ProjectivePoint: Sendable {
    var x: FieldElement
    var y: FieldElement
    var z: FieldElement

    @inline(__always) static var identity: ProjectivePoint {
        ProjectivePoint(x: .zero, y: .one, z: .one)
    }

    @inline(__always)
    func doubled() -> CompletedPoint {
        let xx = x.squared()
        let yy = y.squared()
        let zz2 = z.squaredDoubled()
        let xPlusYSquared = (x + y).squared()
        let yyPlusXX = yy + xx
        let yyMinusXX = yy - xx
        return CompletedPoint(x: xPlusYSquared - yyPlusXX, y: yyPlusXX, z: yyMinusXX, t: zz2 - yyMinusXX)
    }

    /// Writes the encoding, given 1/Z.
    @inline(__always)
    func encode(into output: UnsafeMutableRawPointer, zInverse: FieldElement) {
        let affineX = x * zInverse
        let affineY = y * zInverse
        affineY.encode(into: output)
        let last = output.load(fromByteOffset: 31, as: UInt8.self)
        output.storeBytes(of: last | UInt8(truncatingIfNeeded: affineX.isNegative &<< 7), toByteOffset: 31, as: UInt8.self)
    }
}

/// The result of an addition or doubling, ((X : Z), (Y : T)) with x = X/Z and y = Y/T, before it is brought back to one of the other forms.
struct CompletedPoint: Sendable {
    var x: FieldElement
    var y: FieldElement
    var z: FieldElement
    var t: FieldElement

    @inline(__always)
    var extended: EdwardsPoint {
        EdwardsPoint(x: x * t, y: y * z, z: z * t, t: x * y)
    }

    /// Cheaper than `extended` by one multiplication, for a point that is only going to be doubled.
    @inline(__always)
    var projective: ProjectivePoint {
        ProjectivePoint(x: x * t, y: y * z, z: z * t)
    }
}

/// A point prepared for adding: (y + x, y - x, 2dxy) of its affine coordinates; what the precomputed tables of multiples of B hold.
struct AffineNielsPoint: Sendable {
    var yPlusX: FieldElement
    var yMinusX: FieldElement
    var xy2d: FieldElement

    @inline(__always) static var identity: AffineNielsPoint {
        AffineNielsPoint(yPlusX: .one, yMinusX: .one, xy2d: .zero)
    }

    /// The opposite point: (x, y) becomes (-x, y).
    @inline(__always)
    var negated: AffineNielsPoint {
        AffineNielsPoint(yPlusX: yMinusX, yMinusX: yPlusX, xy2d: xy2d.negated)
    }

    /// Replaces self with `other` where `mask` is all ones; keeps self where it is zero.
    @inline(__always)
    mutating func assign(_ other: AffineNielsPoint, where mask: UInt64) {
        yPlusX.assign(other.yPlusX, where: mask)
        yMinusX.assign(other.yMinusX, where: mask)
        xy2d.assign(other.xy2d, where: mask)
    }
}

/// A point prepared for adding without an inversion: (Y + X, Y - X, Z, 2dT).
struct ProjectiveNielsPoint: Sendable {
    var yPlusX: FieldElement
    var yMinusX: FieldElement
    var z: FieldElement
    var t2d: FieldElement
}
