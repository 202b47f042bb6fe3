import Synchronization

/// Power series evaluated in fixed point: a real r is held as the integer R = r·2^W ("scale W").
///
/// Each product and quotient truncates toward zero, so every operation adds at most one unit
/// (2^−W) of absolute error; the error bounds below count those units. The elementary functions of
/// `BigFloat` choose W with enough guard bits that these bounds sit far below half an ulp.
enum FixedPointSeries {
    /// round(x·2^W) for an exact value m·2^e (|error| ≤ 1 unit).
    static func fixed(_ m: BigInt, _ e: Int, scale w: Int) -> BigInt {
        let shift = e + w
        return shift >= 0 ? try! m.shiftedLeft(shift) : m.shiftedRightFloor(count: UInt(-shift))
    }

    /// ⌊p·2^W / q⌋ for q > 0 (|error| ≤ 1 unit).
    static func fixed(_ p: BigInt, over q: BigInt, scale w: Int) -> BigInt {
        try! (p.shiftedLeft(w) / q)
    }

    /// atanh(z)·2^W for z = Z/2^W with |z| ≤ 1/2, by the series Σ z^(2k+1)/(2k+1).
    ///
    /// Error: the K = ⌈W / log₂(1/z²)⌉ terms each carry ≤ 2 units of truncation and the tail after
    /// the first zero term is < 1 unit, so |error| ≤ 2K + 1 units ≤ 2W + 1 units.
    static func atanh(_ z: BigInt, scale w: Int) -> BigInt {
        let z2 = (z * z).shiftedRightFloor(count: UInt(w))
        var term = z, sum = z, k = 1
        while true {
            term = (term * z2).shiftedRightTruncating(count: UInt(w))
            if term.isZero { return sum }
            sum += term.dividedTruncating(by: UInt(2 * k + 1))
            k += 1
        }
    }

    /// ln 2 · 2^W = 2·atanh(1/3)·2^W, with |error| ≤ 4W + 5 units.
    ///
    /// Memoised without breaking purity: the series is always evaluated at the scale
    /// S(W) = the next power of two ≥ max(W, 512), and the result is that value shifted down by
    /// S − W bits. S depends only on W, so the same W gives the same integer whatever was computed
    /// before (results are bit-identical across call histories and threads).
    static func ln2(scale w: Int) -> BigInt {
        var s = 512
        while s < w { s *= 2 }
        if let cached = ln2Cache.withLock({ $0[s] }) { return cached.shiftedRightFloor(count: UInt(s - w)) }
        let value = try! atanh(BigInt(1).shiftedLeft(s).dividedTruncating(by: 3), scale: s).shiftedLeft(1)
        ln2Cache.withLock { $0[s] = value }
        return value.shiftedRightFloor(count: UInt(s - w))
    }

    private static let ln2Cache = Mutex<[Int: BigInt]>([:])

    /// expm1(r)·2^(W+j) for r = R/2^W with |r| ≤ 1: the Taylor series of expm1 at r/2^j, then j
    /// doublings expm1(2a) = expm1(a)·(expm1(a) + 2).
    ///
    /// Error, in units u = 2^−(W+j) (Proofs/exact-arithmetic.md §4 has the derivation):
    /// - Taylor: term n is ⌊⌊term·a⌋/n⌋, so its error e_n ≤ e_{n−1}·|a|/n + 2 ≤ 2(e − 1) + 2 < 5.5 u,
    ///   and the tail after the first zero term is < 13 u: the series is within 5.5K + 13 u for K terms;
    ///   an error δ in R itself (in units 2^−W) reaches the result multiplied by d expm1(r)/dr = e^r.
    /// - Doubling: (s + ε)(s + ε + 2) = s(s + 2) + ε·2e^a + ε², so each doubling multiplies the error
    ///   by 2e^a (not 2e^a + 1) and adds < 1 u of truncation. Over the j doublings the a's are
    ///   r/2^j … r/2, so the factors multiply to 2^j·e^(r(1 − 2^−j)) ≤ 2^j·e^|r|.
    /// - Total: ≤ e^|r|·2^j·(5.5K + 13 + 2) u + e^|r|·δ·2^−W = e^|r|·((5.5K + 15)·2^−W + δ·2^−W):
    ///   the 2^j growth is exactly paid for by the j extra bits of the scale W + j, so callers need
    ///   no guard bits for j beyond those.
    static func expm1(_ r: BigInt, scale w: Int, halvings j: Int) -> (value: BigInt, scale: Int) {
        let w2 = w + j  // the same integer R now reads r/2^j
        let one = try! BigInt(1).shiftedLeft(w2)
        var term = r, sum = r, n = 2
        while true {
            term = (term * r).shiftedRightTruncating(count: UInt(w2)).dividedTruncating(by: UInt(n))
            if term.isZero { break }
            sum += term
            n += 1
        }
        let two = try! one.shiftedLeft(1)
        for _ in 0..<j { sum = (sum * (sum + two)).shiftedRightTruncating(count: UInt(w2)) }
        return (sum, w2)
    }
}
