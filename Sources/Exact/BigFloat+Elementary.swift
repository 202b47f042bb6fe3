/// Elementary functions of `BigFloat`: exp, log, log1p, expm1, softplus, sigmoid, and ln 2 and e.
///
/// **Error bound.** Each function evaluates its series in fixed point with at least 64 guard bits
/// beyond the target precision p (see `FixedPointSeries` for the unit counts), so the value before
/// the final rounding is within 2^−(p+40) relative of the true value, and the result after rounding
/// to p bits is within **1 ulp** (½ ulp of rounding plus < 2⁻⁴⁰ ulp of evaluation). This holds for
/// every precision p in `Precision.allowed` (2 … 2²⁴): for exp the evaluation error is
/// ≤ 48W·2^−(p+64+2j) with W = p + 64 + bits(k) + 2j ≤ p + 123 + 2j and j = ⌊√p/2⌋, which is
/// ≤ 2^−(p+40) whenever 48W ≤ 2^(24+2j) — at every p ≥ 2 (derivation in Proofs/exact-arithmetic.md §4);
/// working precisions p + g are not clamped at 2²⁴, so the guard bits exist at p = 2²⁴ too. The tests check
/// this against the same function at p + 128 bits, and the identities exp(log x) = x,
/// exp(a+b) = exp(a)·exp(b), log(ab) = log a + log b, over arguments from 2⁻¹⁰⁰⁰ to 2¹⁰⁰⁰.
///
/// **Range.** Arguments of exp, expm1, softplus and sigmoid must satisfy |x| < 2⁵⁸ where the result
/// depends on e^x (beyond that e^x has an exponent outside `Int`): those throw
/// `ExactError.overflow`; log and log1p accept every argument in their domain.
extension BigFloat {
    static let guardBits = 64
    static let argumentLimitExponent = 58  // |x| < 2^58

    /// The number of argument halvings before a Taylor series: about √p/2 balances series length
    /// against the doublings afterwards.
    static func halvings(_ p: Int) -> Int { Int(Double(p).squareRoot() / 2) }

    func checkExponentialRange(_ function: String) throws {
        if !isZero && topExponent > BigFloat.argumentLimitExponent {
            throw ExactError.overflow(operation: "\(function)(\(Double(self)))",
                                      detail: "e^x is representable only for |x| < 2^\(BigFloat.argumentLimitExponent)")
        }
    }

    /// ln 2 to `precision` (within 1 ulp).
    public static func ln2(precision: Precision = .default) -> BigFloat {
        let w = precision.bits + guardBits
        return rounded(FixedPointSeries.ln2(scale: w), -w, precision: precision)
    }

    /// e = exp(1) to `precision` (within 1 ulp).
    public static func e(precision: Precision = .default) -> BigFloat {
        try! BigFloat(1, precision: precision).exp()
    }

    /// e^self (within 1 ulp). Reduction x = k·ln 2 + r with |r| ≲ ½ ln 2, then expm1(r) by
    /// `FixedPointSeries.expm1`, and e^x = 2^k·(1 + expm1(r)). Throws for |x| ≥ 2⁵⁸.
    public func exp() throws -> BigFloat {
        try checkExponentialRange("exp")
        if isZero { return BigFloat(1, precision: precision) }
        // k = round(x / ln 2), from 128-bit fixed-point values (enough for |x| < 2^58).
        let w0 = 128
        let ln2Coarse = FixedPointSeries.ln2(scale: w0)
        let xCoarse = FixedPointSeries.fixed(significand, exponent, scale: w0)
        let k = (try! xCoarse.shiftedLeft(1) + ln2Coarse).floorDivided(by: try! ln2Coarse.shiftedLeft(1)).exactInt!
        let kBits = Int.bitWidth - k.magnitude.leadingZeroBitCount
        let j = BigFloat.halvings(precision.bits)
        let w = precision.bits + BigFloat.guardBits + kBits + 2 * j
        // r = x − k·ln 2: the ln 2 error (≤ 4W + 4 units) is multiplied by |k| < 2^kBits.
        let r = FixedPointSeries.fixed(significand, exponent, scale: w) - BigInt(k) * FixedPointSeries.ln2(scale: w)
        let (m1, scale) = FixedPointSeries.expm1(r, scale: w, halvings: j)
        return BigFloat.rounded(try! BigInt(1).shiftedLeft(scale) + m1, k - scale, precision: precision)
    }

    /// e^self − 1 (within 1 ulp), accurate for tiny arguments where exp(x) − 1 would cancel.
    public func expm1() throws -> BigFloat {
        try checkExponentialRange("expm1")
        if isZero { return self }
        let wp = precision.bits + BigFloat.guardBits
        if topExponent > -1 {  // |x| ≥ ½: e^x − 1 has no cancellation worse than 2 bits
            let x = rounded(to: precision.adding(BigFloat.guardBits))
            return (try x.exp() - BigFloat(1, precision: x.precision)).rounded(to: precision)
        }
        if topExponent < -wp { return rounded(to: precision) }  // expm1(x) = x(1 + x/2 + …)
        // Fixed point with W chosen so that R = x·2^W has about wp bits.
        let j = max(0, BigFloat.halvings(precision.bits) + topExponent + 1)
        let w = wp - topExponent + 2 * j
        let (m1, scale) = FixedPointSeries.expm1(FixedPointSeries.fixed(significand, exponent, scale: w), scale: w, halvings: j)
        return BigFloat.rounded(m1, -scale, precision: precision)
    }

    /// log(self) (within 1 ulp); throws for self ≤ 0.
    /// Reduction x = f·2^E with f ∈ [1/√2, √2), then log f = 2·atanh((f−1)/(f+1)), |z| ≤ 0.172.
    public func log() throws -> BigFloat {
        guard signum > 0 else { throw ExactError.domain(function: "log", argument: "\(self)", allowed: "> 0") }
        // f = m / 2^s with m the significand; E = exponent + s.
        var s = significand.bitLength
        if significand * significand < (try! BigInt(1).shiftedLeft(2 * s - 1)) { s -= 1 }  // f < 1/√2
        let denominator = try! BigInt(1).shiftedLeft(s)
        return BigFloat.logarithm(ofRatio: significand, denominator, plusLn2Times: exponent + s, precision: precision)
    }

    /// log(1 + self) (within 1 ulp), accurate for tiny arguments; throws for self ≤ −1.
    public func log1p() throws -> BigFloat {
        guard self > BigFloat(-1, precision: precision) else {
            throw ExactError.domain(function: "log1p", argument: "\(self)", allowed: "> −1")
        }
        if isZero { return self }
        let wp = precision.bits + BigFloat.guardBits
        if topExponent < -wp { return rounded(to: precision) }  // log1p(x) = x(1 − x/2 + …)
        if topExponent > -1 {  // |x| ≥ ½: |log(1+x)| ≥ 0.405, no cancellation
            let onePlus = BigFloat.sum(BigFloat(1, precision: precision), self, precision: precision.adding(BigFloat.guardBits))
            return try onePlus.log().rounded(to: precision)
        }
        // 1 + x = (2^s + m)/2^s for x = m/2^s (s = −exponent > 0 here).
        let one = try! BigInt(1).shiftedLeft(-exponent)
        return BigFloat.logarithm(ofRatio: one + significand, one, plusLn2Times: 0, precision: precision)
    }

    /// log(a/b) + E·ln 2 for a/b ∈ [1/√2 − small, √2 + small] with a, b > 0, via 2·atanh((a−b)/(a+b)).
    static func logarithm(ofRatio a: BigInt, _ b: BigInt, plusLn2Times e: Int, precision: Precision) -> BigFloat {
        let wp = precision.bits + guardBits
        let numerator = a - b, denominator = a + b
        // z = numerator/denominator; its leading bit is at about bitLength(num) − bitLength(den).
        let tz = numerator.isZero ? 0 : numerator.bitLength - denominator.bitLength + 1
        let eBits = Int.bitWidth - e.magnitude.leadingZeroBitCount
        var w = wp - min(tz, 0) + 8
        if e != 0 { w = max(w, wp + eBits + 8) }
        var total = BigInt()
        if !numerator.isZero {
            let z = FixedPointSeries.fixed(numerator, over: denominator, scale: w)
            total = try! FixedPointSeries.atanh(z, scale: w).shiftedLeft(1)
        }
        if e != 0 { total += BigInt(e) * FixedPointSeries.ln2(scale: w) }
        return rounded(total, -w, precision: precision)
    }

    /// softplus(x) = log(1 + e^x) (within 1 ulp): log1p(e^x) for x ≤ 0, x + log1p(e^−x) for x > 0.
    /// Throws only for x ≤ −2⁵⁸ (the result e^x is then not representable).
    public func softplus() throws -> BigFloat {
        let working = precision.adding(16)
        let x = rounded(to: working)
        if signum <= 0 { return try x.exp().log1p().rounded(to: precision) }
        if topExponent > BigFloat.argumentLimitExponent { return rounded(to: precision) }  // e^−x ≪ ulp
        return (x + (try (-x).exp().log1p())).rounded(to: precision)
    }

    /// sigmoid(x) = 1/(1 + e^−x) (within 1 ulp), evaluated as e^x/(1 + e^x) for x < 0 so that
    /// neither branch cancels. Throws only for x ≤ −2⁵⁸ (the result is then not representable).
    public func sigmoid() throws -> BigFloat {
        let working = precision.adding(16)
        let one = BigFloat(1, precision: working)
        if signum >= 0 {
            if topExponent > BigFloat.argumentLimitExponent { return one.rounded(to: precision) }
            let e = try (-rounded(to: working)).exp()
            return try (one / (one + e)).rounded(to: precision)
        }
        let e = try rounded(to: working).exp()
        return try (e / (one + e)).rounded(to: precision)
    }
}
