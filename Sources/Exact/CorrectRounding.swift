import CGMP

/// Correctly rounded conversion to `Double` (IEEE 754 binary64, round to nearest, ties to even).
///
/// Every exact value (integer, rational, `BigFloat`) is first reduced to a *sticky significand*:
/// value = ± top · 2^exponent where either `top` is exact, or `top` ≥ 2⁶² and its lowest bit is
/// OR-ed with "some nonzero bits were discarded below it". Because `top` then has at least 9 bits
/// below the 53 that are kept, the rounding decision (below, at or above half an ulp) is the same for
/// the sticky significand as for the exact value, so one rounding step gives the correctly rounded
/// result — including subnormal results (fewer bits kept) and overflow to ±∞.
/// GMP's own `mpz_get_d` and `mpq_get_d` truncate; they are not used.
enum CorrectRounding {
    /// The nearest Double (ties to even) to ± top · 2^exponent.
    static func double(negative: Bool, top: UInt64, exponent: Int) -> Double {
        guard top != 0 else { return negative ? -0.0 : 0.0 }
        let exponent = min(max(exponent, -1 << 20), 1 << 20)  // far outside Double's range either way
        let length = UInt64.bitWidth - top.leadingZeroBitCount
        let unbiased = length - 1 + exponent  // 2^unbiased ≤ value < 2^(unbiased+1)
        if unbiased > 1023 { return negative ? -.infinity : .infinity }
        // Bits of precision available at this binade: 53 for normal numbers, fewer for subnormals.
        let precision = unbiased >= -1022 ? 53 : unbiased + 1075
        let drop = length - precision
        var q = top
        var scale = exponent
        if drop > 0 {
            guard drop <= 64 else { return negative ? -0.0 : 0.0 }  // value < ½·2⁻¹⁰⁷⁴
            let remainder = drop == 64 ? top : top & ((1 << UInt64(drop)) - 1)
            let half: UInt64 = 1 << UInt64(drop - 1)
            q = drop == 64 ? 0 : top >> UInt64(drop)
            if remainder > half || (remainder == half && q & 1 == 1) { q += 1 }
            scale += drop
        }
        return assemble(negative: negative, significand: q, exponent: scale)
    }

    /// ± q · 2^k, which the caller guarantees is representable (q ≤ 2⁵³, and k ≥ −1074 if q ≠ 0),
    /// or overflows to ±∞ when the rounding carried past the largest binade.
    static func assemble(negative: Bool, significand: UInt64, exponent: Int) -> Double {
        var q = significand, k = exponent
        guard q != 0 else { return negative ? -0.0 : 0.0 }
        let length = UInt64.bitWidth - q.leadingZeroBitCount
        if length > 53 { q >>= UInt64(length - 53); k += length - 53 }  // only q = 2⁵³ (exact)
        let unbiased = (UInt64.bitWidth - q.leadingZeroBitCount) - 1 + k
        let sign: UInt64 = negative ? 1 << 63 : 0
        if unbiased > 1023 { return negative ? -.infinity : .infinity }
        if unbiased >= -1022 {
            let normalized = q << UInt64(52 - (unbiased - k))  // leading bit at position 52
            let fraction = normalized & ((1 << 52) - 1)
            return Double(bitPattern: sign | (UInt64(unbiased + 1023) << 52) | fraction)
        }
        return Double(bitPattern: sign | (q << UInt64(k + 1074)))  // subnormal: q·2^k is a multiple of 2⁻¹⁰⁷⁴
    }

    /// The sticky significand of |z|: |z| ≈ top · 2^shift with 64-bit `top` (see the type's comment).
    static func stickyTop(_ z: UnsafePointer<__mpz_struct>) -> (top: UInt64, shift: Int) {
        guard tc_mpz_sgn(z) != 0 else { return (0, 0) }
        let length = Int(__gmpz_sizeinbase(z, 2))
        if length <= 64 { return (UInt64(__gmpz_get_ui(z)), 0) }
        let shift = length - 64
        let limb = shift / 64, offset = shift % 64
        var top = UInt64(__gmpz_getlimbn(z, limb)) >> UInt64(offset)
        if offset > 0 { top |= UInt64(__gmpz_getlimbn(z, limb + 1)) << UInt64(64 - offset) }
        if Int(__gmpz_scan1(z, 0)) < shift { top |= 1 }
        return (top, shift)
    }
}

// MARK: Exact values from Double

extension Double {
    /// The exact dyadic decomposition of a finite Double: self = significand · 2^exponent with an
    /// integer |significand| < 2⁵³ that is odd unless self is 0.
    var dyadicDecomposition: (significand: Int64, exponent: Int) {
        precondition(isFinite)
        if self == 0 { return (0, 0) }
        var m = Int64(significandBitPattern), e: Int
        if exponentBitPattern == 0 { e = -1074 } else { m |= 1 << 52; e = Int(exponentBitPattern) - 1075 }
        let zeros = m.trailingZeroBitCount
        m >>= Int64(zeros); e += zeros
        return (sign == .minus ? -m : m, e)
    }

    /// The Double nearest to `value` (ties to even); overflow gives ±∞, underflow ±0.
    public init(_ value: BigInt) {
        self = value.withMPZ { z in
            let (top, shift) = CorrectRounding.stickyTop(z)
            return CorrectRounding.double(negative: tc_mpz_sgn(z) < 0, top: top, exponent: shift)
        }
    }

    /// The Double nearest to `value` (ties to even); overflow gives ±∞, underflow ±0.
    ///
    /// For |p/q| the quotient ⌊|p|·2^s / q⌋ is formed with s chosen so that it has 63 or 64 bits,
    /// and a nonzero remainder becomes the sticky bit.
    public init(_ value: Rational) {
        self = value.withMPQ { r in
            let n = tc_mpq_numref_const(r)!, d = tc_mpq_denref_const(r)!
            guard tc_mpz_sgn(n) != 0 else { return 0 }
            let s = 63 - (Int(__gmpz_sizeinbase(n, 2)) - Int(__gmpz_sizeinbase(d, 2)))
            return withTemporaryMPZ(4) { t in
                let (num, den, q, rem) = (t, t + 1, t + 2, t + 3)
                __gmpz_abs(num, n)
                __gmpz_set(den, d)
                if s >= 0 { __gmpz_mul_2exp(num, num, mp_bitcnt_t(s)) } else { __gmpz_mul_2exp(den, den, mp_bitcnt_t(-s)) }
                __gmpz_tdiv_qr(q, rem, num, den)
                var top = UInt64(__gmpz_get_ui(q))  // 2⁶² ≤ q < 2⁶⁴
                if tc_mpz_sgn(rem) != 0 { top |= 1 }
                return CorrectRounding.double(negative: tc_mpz_sgn(n) < 0, top: top, exponent: -s)
            }
        }
    }
}
