/// Elementary functions built only from IEEE-754 + − × ÷ and √ (all correctly rounded), so their
/// results are the same bits on every conforming machine — unlike a platform libm, whose `log` or
/// `exp` may differ in the last place between systems. Used where bits must be reproducible across
/// platforms (sampling); the training losses use swift-numerics-free stable formulas of their own.
public enum DeterministicMath {
    /// ln 2 split into a high part with trailing zero bits (so e·ln2Hi is exact for |e| < 2¹¹) and
    /// the rest.
    static let ln2Hi = 0.693147180369123816490, ln2Lo = 1.90821492927058770002e-10
    /// 1.0/23, 1.0/21, …, 1.0/1 (each a correctly rounded IEEE division).
    static let seriesCoefficients: [Double] = stride(from: 23, through: 1, by: -2).map { 1.0 / Double($0) }

    /// The natural logarithm of a positive finite x, with error below 2 ulp (tested against a
    /// 256-bit BigFloat logarithm). x = m·2^e with m ∈ [√½, √2), then
    /// log m = 2·atanh(z), z = (m − 1)/(m + 1), |z| ≤ 0.1716, by 12 terms of the odd series
    /// (the remainder is below z²⁵/25 < 10⁻²⁰).
    public static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "DeterministicMath.log needs a positive finite argument")
        var bits = x.bitPattern
        var e = Int(bits >> 52) - 1023
        if bits >> 52 == 0 {  // subnormal: scale into the normal range first
            bits = (x * 0x1p64).bitPattern
            e = Int(bits >> 52) - 1023 - 64
        }
        var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)  // [1, 2)
        if m > 1.4142135623730951 { m *= 0.5; e += 1 }
        let z = (m - 1) / (m + 1), z2 = z * z
        // Horner on 1/23, 1/21, …, 1/1: the reciprocals are the correctly rounded 1.0/k, formed once
        // (`seriesCoefficients`) rather than by eleven divisions per call — the same bits.
        var term = seriesCoefficients[0]
        for k in 1..<12 { term = seriesCoefficients[k] + z2 * term }
        let logM = 2 * z * term
        return (Double(e) * ln2Hi + (logM + Double(e) * ln2Lo))
    }
}
