import CGMP

/// Correctly rounded field operations and square root. Each result is rounded once, to the larger
/// precision of the operands (or to an explicitly given precision): |error| ≤ ½ ulp.
extension BigFloat {
    /// a + b rounded to `precision`.
    public static func sum(_ a: BigFloat, _ b: BigFloat, precision: Precision) -> BigFloat {
        if a.isZero { return b.rounded(to: precision) }
        if b.isZero { return a.rounded(to: precision) }
        // Let `big` be the operand with the higher leading bit.
        let (big, small) = a.topExponent >= b.topExponent ? (a, b) : (b, a)
        // If `small` lies entirely below both the last bit of `big` and big's rounding position
        // (with two bits to spare), only its sign matters: it acts as a sticky bit.
        let floor = min(big.exponent, big.topExponent - precision.bits) - 2
        if small.topExponent < floor {
            // big ± δ with 0 < δ < 2^floor: in units of 2^floor this is |m| + δ' or (|m| − 1) + (1 − δ')
            // with δ' ∈ (0, 1), and m = big/2^floor has at least p + 2 bits.
            let m = try! big.significand.magnitude.shiftedLeft(big.exponent - floor)
            let magnitude = big.signum == small.signum ? m : m - BigInt(1)
            return rounded(big.signum < 0 ? -magnitude : magnitude, floor, sticky: true, precision: precision)
        }
        // Otherwise add exactly (the alignment shift is bounded by both lengths plus p + 2).
        let e = min(a.exponent, b.exponent)
        let exact = try! a.significand.shiftedLeft(a.exponent - e) + b.significand.shiftedLeft(b.exponent - e)
        return rounded(exact, e, precision: precision)
    }

    /// a · b rounded to `precision`; throws `ExactError.overflow` when the product leaves the
    /// exponent range (`ExactLimits.maxBinaryExponent`).
    public static func product(_ a: BigFloat, _ b: BigFloat, precision: Precision) throws -> BigFloat {
        if a.isZero || b.isZero { return zero(precision: precision) }
        let e = try exponentSum(a.exponent, b.exponent, "BigFloat product")
        return try rounded(a.significand * b.significand, e, precision: precision).inRange("BigFloat product")
    }

    /// a / b rounded to `precision`; throws when b = 0.
    public static func quotient(_ a: BigFloat, _ b: BigFloat, precision: Precision) throws -> BigFloat {
        guard !b.isZero else { throw ExactError.divisionByZero(operation: "BigFloat division \(a) / 0") }
        let e = try exponentSum(a.exponent, -b.exponent, "BigFloat quotient")
        return try quotient(a.significand, b.significand, exponent: e, precision: precision).inRange("BigFloat quotient")
    }

    public static func + (a: BigFloat, b: BigFloat) -> BigFloat { sum(a, b, precision: max(a.precision, b.precision)) }
    public static func - (a: BigFloat, b: BigFloat) -> BigFloat { sum(a, -b, precision: max(a.precision, b.precision)) }
    /// a · b; throws `ExactError.overflow` when the product leaves the exponent range.
    public static func * (a: BigFloat, b: BigFloat) throws -> BigFloat { try product(a, b, precision: max(a.precision, b.precision)) }
    /// a / b; throws `ExactError.divisionByZero` when b = 0.
    public static func / (a: BigFloat, b: BigFloat) throws -> BigFloat {
        try quotient(a, b, precision: max(a.precision, b.precision))
    }
    public static prefix func - (a: BigFloat) -> BigFloat {
        BigFloat(normalized: -a.significand, exponent: a.exponent, precision: a.precision)
    }
    public static func += (a: inout BigFloat, b: BigFloat) { a = a + b }
    public static func -= (a: inout BigFloat, b: BigFloat) { a = a - b }
    public static func *= (a: inout BigFloat, b: BigFloat) throws { a = try a * b }

    /// |self|.
    public var magnitude: BigFloat {
        BigFloat(normalized: significand.magnitude, exponent: exponent, precision: precision)
    }

    /// self · 2^n, exact (only the exponent changes); throws `ExactError.overflow` when the result
    /// leaves the exponent range.
    public func timesPowerOfTwo(_ n: Int) throws -> BigFloat {
        if isZero { return self }
        let e = try BigFloat.exponentSum(exponent, n, "BigFloat × 2^\(n)")
        return try BigFloat(normalized: significand, exponent: e, precision: precision).inRange("BigFloat × 2^\(n)")
    }

    /// √self correctly rounded; throws for negative arguments.
    public func squareRoot() throws -> BigFloat {
        guard signum >= 0 else {
            throw ExactError.domain(function: "sqrt", argument: "\(self)", allowed: "≥ 0")
        }
        if isZero { return self }
        // Make the exponent even and the radicand at least 2p + 4 bits long, then take the integer
        // square root; a nonzero remainder is the sticky bit.
        var m = significand, e = exponent
        var shift = max(0, 2 * precision.bits + 4 - m.bitLength)
        if (e - shift) % 2 != 0 { shift += 1 }
        m = try! m.shiftedLeft(shift)
        e -= shift
        var root = BigInt(), remainder = BigInt()
        m.withMPZ { z in
            root.withMutableMPZ { r in remainder.withMutableMPZ { __gmpz_sqrtrem(r, $0, z) } }
        }
        return BigFloat.rounded(root, e / 2, sticky: !remainder.isZero, precision: precision)
    }

    /// selfⁿ for any integer n, with |error| ≤ 1 ulp: binary powering at p + 2·bitLength(n) + 16
    /// bits (each of the ≤ 2·bitLength(n) roundings contributes ≤ 2^−(p+2·bitLength(n)+16) relative
    /// error), then one final rounding. Throws for 0 with n < 0, and `ExactError.overflow` when a
    /// power leaves the exponent range (e.g. 2^(2⁶²)); n = Int.min is handled (|n| = 2⁶³).
    public func power(_ n: Int) throws -> BigFloat {
        let nBits = Int.bitWidth - n.magnitude.leadingZeroBitCount
        let working = precision.adding(2 * nBits + 16)
        var result = BigFloat(1, precision: working)
        var base = rounded(to: working)
        var k = n.magnitude
        while k > 0 {
            if k & 1 == 1 { result = try BigFloat.product(result, base, precision: working) }
            k >>= 1
            if k > 0 { base = try BigFloat.product(base, base, precision: working) }
        }
        if n < 0 { result = try BigFloat.quotient(BigFloat(1, precision: working), result, precision: working) }
        return result.rounded(to: precision)
    }
}
