extension BigFloat: CustomStringConvertible {
    /// The most decimal digits `scientificString` gives: ⌊2³² · log₁₀ 2⌋, so that 10ⁿ has at most
    /// `ExactLimits.maxBits` bits.
    public static let maxSignificantDigits = Int(Double(ExactLimits.maxBits) * 0.30102999566398120)

    /// Scientific notation with as many significant decimal digits as the precision carries
    /// (⌈p·log₁₀2⌉ + 1), e.g. "2.718281828459045235360287471352662497757e+0"; values whose binary
    /// exponent exceeds 10⁵ in size are printed as "m·2^e" instead.
    public var description: String {
        if isZero { return "0" }
        if Swift.abs(exponent) > 100_000 { return "\(significand)·2^\(exponent)" }
        let digits = Int((Double(precision.bits) * 0.30102999566398120).rounded(.up)) + 1
        return (try? scientificString(significantDigits: digits)) ?? "\(significand)·2^\(exponent)"
    }

    /// The value rounded (ties to even) to `significantDigits` decimal digits, in scientific
    /// notation "d.ddd…e±x". Exact: the digits are computed from the rational value. Throws
    /// `ExactError.invalidArgument` outside 1 ≤ n ≤ `maxSignificantDigits` (10ⁿ must fit in
    /// `ExactLimits.maxBits`).
    public func scientificString(significantDigits n: Int) throws -> String {
        guard (1...BigFloat.maxSignificantDigits).contains(n) else {
            throw ExactError.invalidArgument(name: "significantDigits", value: "\(n)", allowed: "1 … \(BigFloat.maxSignificantDigits)")
        }
        if isZero { return "0" }
        let value = try rational.magnitude
        // Decimal exponent estimate from the binary one, corrected below.
        var d = Int((Double(topExponent - 1) * 0.30102999566398120).rounded(.down))
        let ten = BigInt(10)
        func scaled(_ d: Int) throws -> BigInt {  // round(|x| · 10^(n−1−d)), ties to even
            let s = n - 1 - d
            let v = s >= 0 ? value * Rational(try ten.power(s)) : try value / Rational(try ten.power(-s))
            var q = v.floor
            let r = v - Rational(q), half = try Rational(1, 2)
            if r > half || (r == half && q.isOdd) { q += BigInt(1) }
            return q
        }
        var q = try scaled(d)
        let upper = try ten.power(n)
        while q >= upper { d += 1; q = try scaled(d) }
        while q < (try ten.power(n - 1)) { d -= 1; q = try scaled(d) }
        var text = q.description
        if n > 1 { text.insert(".", at: text.index(after: text.startIndex)) }
        return (signum < 0 ? "-" : "") + text + "e" + (d >= 0 ? "+" : "") + "\(d)"
    }
}
