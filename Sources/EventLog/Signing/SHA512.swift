/// SHA-512 (FIPS 180-4), incremental.
///
/// Feed bytes with `update(_:)` in pieces of any size, then call `finalize()`
/// once for the 64-byte digest; `digest(_:)` and `hexDigest(_:)` do both in one
/// call. Like `SHA256`, the hasher keeps no heap storage, so copying it forks
/// the hash. Ed25519 hashes its secrets with it: the compression function has
/// no branch or memory access that depends on the data, only on lengths.
public struct SHA512: Sendable {
    /// The eight chaining words `H0...H7`.
    private var state: State
    /// Bytes received but not yet compressed; fewer than 128 between calls.
    private var buffer: Block
    private var bufferCount: Int
    /// Total message length in bytes; the padding records it in bits, and no
    /// message here comes near the 2^61 bytes where the 128-bit field would
    /// need its upper half.
    private var totalCount: UInt64

    /// A fresh hasher, starting from the initial hash value of FIPS 180-4 section 5.3.5.
    public init() {
        state = State()
        buffer = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        bufferCount = 0
        totalCount = 0
    }

    /// Hashes `bytes` as the next part of the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        totalCount &+= UInt64(remaining)

        if bufferCount > 0 {
            let taken = min(remaining, 128 - bufferCount)
            withUnsafeMutableBytes(of: &buffer) { block in
                block.baseAddress!.advanced(by: bufferCount).copyMemory(from: input, byteCount: taken)
            }
            bufferCount += taken
            input += taken
            remaining -= taken
            guard bufferCount == 128 else { return }
            withUnsafeBytes(of: buffer) { block in
                Self.compress(&state, blocks: block.baseAddress!, count: 1)
            }
            bufferCount = 0
        }

        // Whole blocks are compressed straight from the caller's memory, without a copy.
        let wholeBlocks = remaining / 128
        if wholeBlocks > 0 {
            Self.compress(&state, blocks: input, count: wholeBlocks)
            input += wholeBlocks * 128
            remaining -= wholeBlocks * 128
        }

        if remaining > 0 {
            withUnsafeMutableBytes(of: &buffer) { block in
                block.baseAddress!.copyMemory(from: input, byteCount: remaining)
            }
            bufferCount = remaining
        }
    }

    /// Hashes `bytes` as the next part of the message; copies them first only
    /// when the collection has no contiguous storage.
    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Pads the message and returns its 64-byte digest, leaving the hasher
    /// reset to its initial state, ready for a new message.
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 64) { output, initialized in
            finalize(into: UnsafeMutableRawPointer(output.baseAddress!))
            initialized = 64
        }
    }

    /// Pads the message, writes its 64-byte digest to `output` and resets the
    /// hasher; Ed25519 uses it to keep secret digests out of the heap.
    mutating func finalize(into output: UnsafeMutableRawPointer) {
        let bitCount = totalCount &* 8
        withUnsafeMutableBytes(of: &buffer) { block in
            let base = block.baseAddress!
            block[bufferCount] = 0x80
            var zeroFrom = bufferCount + 1
            // No room left for the 16-byte length after the 0x80: it goes in one more block.
            if zeroFrom > 112 {
                (base + zeroFrom).initializeMemory(as: UInt8.self, repeating: 0, count: 128 - zeroFrom)
                Self.compress(&state, blocks: base, count: 1)
                zeroFrom = 0
            }
            (base + zeroFrom).initializeMemory(as: UInt8.self, repeating: 0, count: 120 - zeroFrom)
            block.storeBytes(of: bitCount.bigEndian, toByteOffset: 120, as: UInt64.self)
            Self.compress(&state, blocks: base, count: 1)
        }
        output.storeBytes(of: state.a.bigEndian, toByteOffset: 0, as: UInt64.self)
        output.storeBytes(of: state.b.bigEndian, toByteOffset: 8, as: UInt64.self)
        output.storeBytes(of: state.c.bigEndian, toByteOffset: 16, as: UInt64.self)
        output.storeBytes(of: state.d.bigEndian, toByteOffset: 24, as: UInt64.self)
        output.storeBytes(of: state.e.bigEndian, toByteOffset: 32, as: UInt64.self)
        output.storeBytes(of: state.f.bigEndian, toByteOffset: 40, as: UInt64.self)
        output.storeBytes(of: state.g.bigEndian, toByteOffset: 48, as: UInt64.self)
        output.storeBytes(of: state.h.bigEndian, toByteOffset: 56, as: UInt64.self)
        self = SHA512()
    }

    /// Overwrites the state and buffer with zeros in a way that the optimiser may
    /// not remove; after hashing secrets, a reset alone is a dead store it may drop.
    mutating func wipe() {
        withUnsafeMutablePointer(to: &self) { ConstantTime.wipe(UnsafeMutableRawPointer($0), count: MemoryLayout<SHA512>.size) }
    }

    /// The 64-byte SHA-512 digest of `bytes`.
    public static func digest<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var hasher = SHA512()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The SHA-512 digest of `bytes` as 128 lowercase hexadecimal characters.
    public static func hexDigest<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        hexString(digest(bytes))
    }
}

// The compression function, unrolled so that the round constants (FIPS 180-4
// section 4.2.3) are immediates and the working variables rotate by renaming;
// the sixteen schedule words live in registers and are overwritten in place.
extension SHA512 {
    /// One hundred and twenty-eight bytes of message, held inline so the hasher never allocates.
    private typealias Block = (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
    )

    /// The eight 64-bit chaining words, named like the working variables they seed.
    private struct State: Sendable {
        var a: UInt64 = 0x6a09_e667_f3bc_c908
        var b: UInt64 = 0xbb67_ae85_84ca_a73b
        var c: UInt64 = 0x3c6e_f372_fe94_f82b
        var d: UInt64 = 0xa54f_f53a_5f1d_36f1
        var e: UInt64 = 0x510e_527f_ade6_82d1
        var f: UInt64 = 0x9b05_688c_2b3e_6c1f
        var g: UInt64 = 0x1f83_d9ab_fb41_bd6b
        var h: UInt64 = 0x5be0_cd19_137e_2179
    }

    /// Runs the compression function over `count` consecutive 128-byte blocks,
    /// which may sit at any alignment.
    ///
    /// Kept out of line: `Scripts/check-constant-time` finds it by name and
    /// checks that its only branch is the loop over the (public) block count.
    @inline(never)
    private static func compress(_ state: inout State, blocks: UnsafeRawPointer, count: Int) {
        var block = blocks
        for _ in 0..<count {
            compressBlock(&state, block)
            block += 128
        }
    }

    /// One block: the 80 rounds, with the message schedule interleaved.
    @inline(__always)
    private static func compressBlock(_ state: inout State, _ block: UnsafeRawPointer) {
        var a = state.a, b = state.b, c = state.c, d = state.d
        var e = state.e, f = state.f, g = state.g, h = state.h
        var bXorC = b ^ c

        var w0 = loadBigEndian(block, 0), w1 = loadBigEndian(block, 1)
        var w2 = loadBigEndian(block, 2), w3 = loadBigEndian(block, 3)
        var w4 = loadBigEndian(block, 4), w5 = loadBigEndian(block, 5)
        var w6 = loadBigEndian(block, 6), w7 = loadBigEndian(block, 7)
        var w8 = loadBigEndian(block, 8), w9 = loadBigEndian(block, 9)
        var w10 = loadBigEndian(block, 10), w11 = loadBigEndian(block, 11)
        var w12 = loadBigEndian(block, 12), w13 = loadBigEndian(block, 13)
        var w14 = loadBigEndian(block, 14), w15 = loadBigEndian(block, 15)

        round(a, b, c, &d, e, f, g, &h, 0x428a_2f98_d728_ae22 &+ w0, &bXorC)
        round(h, a, b, &c, d, e, f, &g, 0x7137_4491_23ef_65cd &+ w1, &bXorC)
        round(g, h, a, &b, c, d, e, &f, 0xb5c0_fbcf_ec4d_3b2f &+ w2, &bXorC)
        round(f, g, h, &a, b, c, d, &e, 0xe9b5_dba5_8189_dbbc &+ w3, &bXorC)
        round(e, f, g, &h, a, b, c, &d, 0x3956_c25b_f348_b538 &+ w4, &bXorC)
        round(d, e, f, &g, h, a, b, &c, 0x59f1_11f1_b605_d019 &+ w5, &bXorC)
        round(c, d, e, &f, g, h, a, &b, 0x923f_82a4_af19_4f9b &+ w6, &bXorC)
        round(b, c, d, &e, f, g, h, &a, 0xab1c_5ed5_da6d_8118 &+ w7, &bXorC)

        round(a, b, c, &d, e, f, g, &h, 0xd807_aa98_a303_0242 &+ w8, &bXorC)
        round(h, a, b, &c, d, e, f, &g, 0x1283_5b01_4570_6fbe &+ w9, &bXorC)
        round(g, h, a, &b, c, d, e, &f, 0x2431_85be_4ee4_b28c &+ w10, &bXorC)
        round(f, g, h, &a, b, c, d, &e, 0x550c_7dc3_d5ff_b4e2 &+ w11, &bXorC)
        round(e, f, g, &h, a, b, c, &d, 0x72be_5d74_f27b_896f &+ w12, &bXorC)
        round(d, e, f, &g, h, a, b, &c, 0x80de_b1fe_3b16_96b1 &+ w13, &bXorC)
        round(c, d, e, &f, g, h, a, &b, 0x9bdc_06a7_25c7_1235 &+ w14, &bXorC)
        round(b, c, d, &e, f, g, h, &a, 0xc19b_f174_cf69_2694 &+ w15, &bXorC)

        w0 = schedule(w0, w1, w9, w14)
        round(a, b, c, &d, e, f, g, &h, 0xe49b_69c1_9ef1_4ad2 &+ w0, &bXorC)
        w1 = schedule(w1, w2, w10, w15)
        round(h, a, b, &c, d, e, f, &g, 0xefbe_4786_384f_25e3 &+ w1, &bXorC)
        w2 = schedule(w2, w3, w11, w0)
        round(g, h, a, &b, c, d, e, &f, 0x0fc1_9dc6_8b8c_d5b5 &+ w2, &bXorC)
        w3 = schedule(w3, w4, w12, w1)
        round(f, g, h, &a, b, c, d, &e, 0x240c_a1cc_77ac_9c65 &+ w3, &bXorC)
        w4 = schedule(w4, w5, w13, w2)
        round(e, f, g, &h, a, b, c, &d, 0x2de9_2c6f_592b_0275 &+ w4, &bXorC)
        w5 = schedule(w5, w6, w14, w3)
        round(d, e, f, &g, h, a, b, &c, 0x4a74_84aa_6ea6_e483 &+ w5, &bXorC)
        w6 = schedule(w6, w7, w15, w4)
        round(c, d, e, &f, g, h, a, &b, 0x5cb0_a9dc_bd41_fbd4 &+ w6, &bXorC)
        w7 = schedule(w7, w8, w0, w5)
        round(b, c, d, &e, f, g, h, &a, 0x76f9_88da_8311_53b5 &+ w7, &bXorC)

        w8 = schedule(w8, w9, w1, w6)
        round(a, b, c, &d, e, f, g, &h, 0x983e_5152_ee66_dfab &+ w8, &bXorC)
        w9 = schedule(w9, w10, w2, w7)
        round(h, a, b, &c, d, e, f, &g, 0xa831_c66d_2db4_3210 &+ w9, &bXorC)
        w10 = schedule(w10, w11, w3, w8)
        round(g, h, a, &b, c, d, e, &f, 0xb003_27c8_98fb_213f &+ w10, &bXorC)
        w11 = schedule(w11, w12, w4, w9)
        round(f, g, h, &a, b, c, d, &e, 0xbf59_7fc7_beef_0ee4 &+ w11, &bXorC)
        w12 = schedule(w12, w13, w5, w10)
        round(e, f, g, &h, a, b, c, &d, 0xc6e0_0bf3_3da8_8fc2 &+ w12, &bXorC)
        w13 = schedule(w13, w14, w6, w11)
        round(d, e, f, &g, h, a, b, &c, 0xd5a7_9147_930a_a725 &+ w13, &bXorC)
        w14 = schedule(w14, w15, w7, w12)
        round(c, d, e, &f, g, h, a, &b, 0x06ca_6351_e003_826f &+ w14, &bXorC)
        w15 = schedule(w15, w0, w8, w13)
        round(b, c, d, &e, f, g, h, &a, 0x1429_2967_0a0e_6e70 &+ w15, &bXorC)

        w0 = schedule(w0, w1, w9, w14)
        round(a, b, c, &d, e, f, g, &h, 0x27b7_0a85_46d2_2ffc &+ w0, &bXorC)
        w1 = schedule(w1, w2, w10, w15)
        round(h, a, b, &c, d, e, f, &g, 0x2e1b_2138_5c26_c926 &+ w1, &bXorC)
        w2 = schedule(w2, w3, w11, w0)
        round(g, h, a, &b, c, d, e, &f, 0x4d2c_6dfc_5ac4_2aed &+ w2, &bXorC)
        w3 = schedule(w3, w4, w12, w1)
        round(f, g, h, &a, b, c, d, &e, 0x5338_0d13_9d95_b3df &+ w3, &bXorC)
        w4 = schedule(w4, w5, w13, w2)
        round(e, f, g, &h, a, b, c, &d, 0x650a_7354_8baf_63de &+ w4, &bXorC)
        w5 = schedule(w5, w6, w14, w3)
        round(d, e, f, &g, h, a, b, &c, 0x766a_0abb_3c77_b2a8 &+ w5, &bXorC)
        w6 = schedule(w6, w7, w15, w4)
        round(c, d, e, &f, g, h, a, &b, 0x81c2_c92e_47ed_aee6 &+ w6, &bXorC)
        w7 = schedule(w7, w8, w0, w5)
        round(b, c, d, &e, f, g, h, &a, 0x9272_2c85_1482_353b &+ w7, &bXorC)

        w8 = schedule(w8, w9, w1, w6)
        round(a, b, c, &d, e, f, g, &h, 0xa2bf_e8a1_4cf1_0364 &+ w8, &bXorC)
        w9 = schedule(w9, w10, w2, w7)
        round(h, a, b, &c, d, e, f, &g, 0xa81a_664b_bc42_3001 &+ w9, &bXorC)
        w10 = schedule(w10, w11, w3, w8)
        round(g, h, a, &b, c, d, e, &f, 0xc24b_8b70_d0f8_9791 &+ w10, &bXorC)
        w11 = schedule(w11, w12, w4, w9)
        round(f, g, h, &a, b, c, d, &e, 0xc76c_51a3_0654_be30 &+ w11, &bXorC)
        w12 = schedule(w12, w13, w5, w10)
        round(e, f, g, &h, a, b, c, &d, 0xd192_e819_d6ef_5218 &+ w12, &bXorC)
        w13 = schedule(w13, w14, w6, w11)
        round(d, e, f, &g, h, a, b, &c, 0xd699_0624_5565_a910 &+ w13, &bXorC)
        w14 = schedule(w14, w15, w7, w12)
        round(c, d, e, &f, g, h, a, &b, 0xf40e_3585_5771_202a &+ w14, &bXorC)
        w15 = schedule(w15, w0, w8, w13)
        round(b, c, d, &e, f, g, h, &a, 0x106a_a070_32bb_d1b8 &+ w15, &bXorC)

        w0 = schedule(w0, w1, w9, w14)
        round(a, b, c, &d, e, f, g, &h, 0x19a4_c116_b8d2_d0c8 &+ w0, &bXorC)
        w1 = schedule(w1, w2, w10, w15)
        round(h, a, b, &c, d, e, f, &g, 0x1e37_6c08_5141_ab53 &+ w1, &bXorC)
        w2 = schedule(w2, w3, w11, w0)
        round(g, h, a, &b, c, d, e, &f, 0x2748_774c_df8e_eb99 &+ w2, &bXorC)
        w3 = schedule(w3, w4, w12, w1)
        round(f, g, h, &a, b, c, d, &e, 0x34b0_bcb5_e19b_48a8 &+ w3, &bXorC)
        w4 = schedule(w4, w5, w13, w2)
        round(e, f, g, &h, a, b, c, &d, 0x391c_0cb3_c5c9_5a63 &+ w4, &bXorC)
        w5 = schedule(w5, w6, w14, w3)
        round(d, e, f, &g, h, a, b, &c, 0x4ed8_aa4a_e341_8acb &+ w5, &bXorC)
        w6 = schedule(w6, w7, w15, w4)
        round(c, d, e, &f, g, h, a, &b, 0x5b9c_ca4f_7763_e373 &+ w6, &bXorC)
        w7 = schedule(w7, w8, w0, w5)
        round(b, c, d, &e, f, g, h, &a, 0x682e_6ff3_d6b2_b8a3 &+ w7, &bXorC)

        w8 = schedule(w8, w9, w1, w6)
        round(a, b, c, &d, e, f, g, &h, 0x748f_82ee_5def_b2fc &+ w8, &bXorC)
        w9 = schedule(w9, w10, w2, w7)
        round(h, a, b, &c, d, e, f, &g, 0x78a5_636f_4317_2f60 &+ w9, &bXorC)
        w10 = schedule(w10, w11, w3, w8)
        round(g, h, a, &b, c, d, e, &f, 0x84c8_7814_a1f0_ab72 &+ w10, &bXorC)
        w11 = schedule(w11, w12, w4, w9)
        round(f, g, h, &a, b, c, d, &e, 0x8cc7_0208_1a64_39ec &+ w11, &bXorC)
        w12 = schedule(w12, w13, w5, w10)
        round(e, f, g, &h, a, b, c, &d, 0x90be_fffa_2363_1e28 &+ w12, &bXorC)
        w13 = schedule(w13, w14, w6, w11)
        round(d, e, f, &g, h, a, b, &c, 0xa450_6ceb_de82_bde9 &+ w13, &bXorC)
        w14 = schedule(w14, w15, w7, w12)
        round(c, d, e, &f, g, h, a, &b, 0xbef9_a3f7_b2c6_7915 &+ w14, &bXorC)
        w15 = schedule(w15, w0, w8, w13)
        round(b, c, d, &e, f, g, h, &a, 0xc671_78f2_e372_532b &+ w15, &bXorC)

        w0 = schedule(w0, w1, w9, w14)
        round(a, b, c, &d, e, f, g, &h, 0xca27_3ece_ea26_619c &+ w0, &bXorC)
        w1 = schedule(w1, w2, w10, w15)
        round(h, a, b, &c, d, e, f, &g, 0xd186_b8c7_21c0_c207 &+ w1, &bXorC)
        w2 = schedule(w2, w3, w11, w0)
        round(g, h, a, &b, c, d, e, &f, 0xeada_7dd6_cde0_eb1e &+ w2, &bXorC)
        w3 = schedule(w3, w4, w12, w1)
        round(f, g, h, &a, b, c, d, &e, 0xf57d_4f7f_ee6e_d178 &+ w3, &bXorC)
        w4 = schedule(w4, w5, w13, w2)
        round(e, f, g, &h, a, b, c, &d, 0x06f0_67aa_7217_6fba &+ w4, &bXorC)
        w5 = schedule(w5, w6, w14, w3)
        round(d, e, f, &g, h, a, b, &c, 0x0a63_7dc5_a2c8_98a6 &+ w5, &bXorC)
        w6 = schedule(w6, w7, w15, w4)
        round(c, d, e, &f, g, h, a, &b, 0x113f_9804_bef9_0dae &+ w6, &bXorC)
        w7 = schedule(w7, w8, w0, w5)
        round(b, c, d, &e, f, g, h, &a, 0x1b71_0b35_131c_471b &+ w7, &bXorC)

        w8 = schedule(w8, w9, w1, w6)
        round(a, b, c, &d, e, f, g, &h, 0x28db_77f5_2304_7d84 &+ w8, &bXorC)
        w9 = schedule(w9, w10, w2, w7)
        round(h, a, b, &c, d, e, f, &g, 0x32ca_ab7b_40c7_2493 &+ w9, &bXorC)
        w10 = schedule(w10, w11, w3, w8)
        round(g, h, a, &b, c, d, e, &f, 0x3c9e_be0a_15c9_bebc &+ w10, &bXorC)
        w11 = schedule(w11, w12, w4, w9)
        round(f, g, h, &a, b, c, d, &e, 0x431d_67c4_9c10_0d4c &+ w11, &bXorC)
        w12 = schedule(w12, w13, w5, w10)
        round(e, f, g, &h, a, b, c, &d, 0x4cc5_d4be_cb3e_42b6 &+ w12, &bXorC)
        w13 = schedule(w13, w14, w6, w11)
        round(d, e, f, &g, h, a, b, &c, 0x597f_299c_fc65_7e2a &+ w13, &bXorC)
        w14 = schedule(w14, w15, w7, w12)
        round(c, d, e, &f, g, h, a, &b, 0x5fcb_6fab_3ad6_faec &+ w14, &bXorC)
        w15 = schedule(w15, w0, w8, w13)
        round(b, c, d, &e, f, g, h, &a, 0x6c44_198c_4a47_5817 &+ w15, &bXorC)

        state.a &+= a
        state.b &+= b
        state.c &+= c
        state.d &+= d
        state.e &+= e
        state.f &+= f
        state.g &+= g
        state.h &+= h
    }

    /// One round: adds T1 into `d` and leaves T1 + T2 in `h`, the two words
    /// that change; the caller renames the others for the next round.
    ///
    /// `bXorC` carries `b ^ c` in and `a ^ b` out, which is the next round's
    /// `b ^ c`, so that the majority function costs three operations, not four.
    @inline(__always)
    private static func round(
        _ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: inout UInt64,
        _ e: UInt64, _ f: UInt64, _ g: UInt64, _ h: inout UInt64,
        _ constantPlusWord: UInt64, _ bXorC: inout UInt64
    ) {
        let bigSigma1 = rotateRight(e, 14) ^ rotateRight(e, 18) ^ rotateRight(e, 41)
        let choice = g ^ (e & (f ^ g))
        let t1 = h &+ constantPlusWord &+ choice &+ bigSigma1
        let bigSigma0 = rotateRight(a, 28) ^ rotateRight(a, 34) ^ rotateRight(a, 39)
        let aXorB = a ^ b
        let majority = b ^ (aXorB & bXorC)
        bXorC = aXorB
        d &+= t1
        h = t1 &+ bigSigma0 &+ majority
    }

    /// W[t] from W[t - 16], W[t - 15], W[t - 7] and W[t - 2].
    @inline(__always)
    private static func schedule(_ w16: UInt64, _ w15: UInt64, _ w7: UInt64, _ w2: UInt64) -> UInt64 {
        let smallSigma0 = rotateRight(w15, 1) ^ rotateRight(w15, 8) ^ (w15 &>> 7)
        let smallSigma1 = rotateRight(w2, 19) ^ rotateRight(w2, 61) ^ (w2 &>> 6)
        return w16 &+ smallSigma0 &+ w7 &+ smallSigma1
    }

    @inline(__always)
    private static func rotateRight(_ x: UInt64, _ n: UInt64) -> UInt64 {
        (x &>> n) | (x &<< (64 &- n))
    }

    @inline(__always)
    private static func loadBigEndian(_ block: UnsafeRawPointer, _ index: Int) -> UInt64 {
        UInt64(bigEndian: block.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self))
    }
}
