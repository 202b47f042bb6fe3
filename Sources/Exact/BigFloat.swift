import CGMP

/// An arbitrary-precision binary floating-point number: value = significand · 2^exponent.
///
/// Each value carries its precision p (bits of significand). The results of `+ − × ÷` and `sqrt`
/// are **correctly rounded** (round to nearest, ties to even) to p = the larger precision of the
/// operands; there are no infinities, NaNs or signed zeros — a division by zero or a square root of
/// a negative number throws. The exponent range is ±2⁶¹ (`ExactLimits.maxBinaryExponent`): a
/// construction, product, quotient, power or scaling whose result would leave it throws
/// `ExactError.overflow` instead of wrapping an `Int` — there is no silent overflow or underflow.
///
/// The representation is unique (significand odd, or zero with exponent 0), so `==` and hashing
/// compare values, not precisions.
public struct BigFloat: Sendable {
    /// Odd, or zero.
    public let significand: BigInt
    public let exponent: Int
    /// The precision this value was rounded to, and that results computed from it are rounded to.
    public let precision: Precision

    /// A number of bits of significand, validated: 2 ≤ bits ≤ 2²⁴.
    public struct Precision: Sendable, Hashable, Comparable, CustomStringConvertible {
        public private(set) var bits: Int
        public static let allowed = 2...(1 << 24)
        /// 256 bits, the default: about 77 significant decimal digits.
        public static let `default` = Precision(unchecked: 256)
        public static let double = Precision(unchecked: 53)

        public init(bits: Int) throws {
            guard Precision.allowed.contains(bits) else {
                throw ExactError.invalidArgument(name: "precision", value: "\(bits) bits",
                                                 allowed: "\(Precision.allowed.lowerBound)…\(Precision.allowed.upperBound) bits")
            }
            self.bits = bits
        }
        init(unchecked bits: Int) { self.bits = min(max(bits, 2), Precision.allowed.upperBound) }
        /// This precision plus `extra` guard bits, for intermediate results. Not clamped to
        /// `allowed`: at p = 2²⁴ the guard bits are still there (a working precision may exceed 2²⁴
        /// by them; every public result is rounded back to a precision in `allowed`).
        func adding(_ extra: Int) -> Precision {
            var working = self
            working.bits = bits + max(extra, 0)
            return working
        }
        public static func < (a: Precision, b: Precision) -> Bool { a.bits < b.bits }
        public var description: String { "\(bits) bits" }
    }

    /// A value that is already normalised (odd significand or zero) and fits in `precision`.
    init(normalized significand: BigInt, exponent: Int, precision: Precision) {
        self.significand = significand
        self.exponent = significand.isZero ? 0 : exponent
        self.precision = precision
    }

    public static func zero(precision: Precision = .default) -> BigFloat {
        BigFloat(normalized: BigInt(), exponent: 0, precision: precision)
    }

    public var isZero: Bool { significand.isZero }
    public var signum: Int { significand.signum }

    /// The position just above the leading bit: 2^(top−1) ≤ |self| < 2^top (undefined for zero).
    public var topExponent: Int { exponent + significand.bitLength }

    /// The unit in the last place at this value's precision: 2^(top − p).
    public var ulp: BigFloat {
        BigFloat(normalized: BigInt(1), exponent: topExponent - precision.bits, precision: precision)
    }

    // MARK: Rounding

    /// The value ±(|m| + δ)·2^e rounded to `precision`, where m carries the sign and
    /// δ ∈ [0, 1) is nonzero exactly when `sticky` (the discarded part of an inexact quotient or
    /// root). Round to nearest, ties to even. With `sticky`, m must have more than p bits, so that
    /// δ lies below the rounding bit and decides only ties.
    static func rounded(_ m: BigInt, _ e: Int, sticky: Bool = false, precision: Precision) -> BigFloat {
        guard !m.isZero else { return zero(precision: precision) }
        let p = precision.bits
        var m = m, e = e
        let length = m.bitLength
        precondition(!sticky || length > p, "a sticky remainder needs at least p + 1 significant bits")
        if length > p {
            let drop = length - p
            let negative = m.signum < 0
            var q = BigInt()
            let roundUp: Bool = m.withMPZ { z in
                q.withMutableMPZ { qz in
                    __gmpz_abs(qz, z)
                    let half = __gmpz_tstbit(qz, mp_bitcnt_t(drop - 1)) != 0
                    let belowHalf = Int(__gmpz_scan1(qz, 0)) < drop - 1
                    __gmpz_tdiv_q_2exp(qz, qz, mp_bitcnt_t(drop))
                    return half && (belowHalf || sticky || tc_mpz_odd_p(qz) != 0)
                }
            }
            if roundUp { q += BigInt(1) }
            m = negative ? -q : q
            e += drop
        }
        let zeros = m.trailingZeroBitCount
        if zeros > 0 { m = m.shiftedRightFloor(count: UInt(zeros)); e += zeros }
        return BigFloat(normalized: m, exponent: e, precision: precision)
    }

    /// This value rounded to another precision (exact when the new precision is not smaller).
    public func rounded(to precision: Precision) -> BigFloat {
        BigFloat.rounded(significand, exponent, precision: precision)
    }
}

// MARK: Exponent range

extension BigFloat {
    /// Throws `ExactError.overflow` unless |e| ≤ `ExactLimits.maxBinaryExponent`.
    static func checkExponent(_ e: Int, _ operation: @autoclosure () -> String) throws {
        guard e.magnitude <= UInt(ExactLimits.maxBinaryExponent) else {
            throw ExactError.overflow(operation: operation(),
                                      detail: "binary exponent \(e) outside ±2^61, the range of BigFloat")
        }
    }

    /// e₁ + e₂ for exponents, throwing instead of wrapping (operands made by sums may lie a few bits
    /// past the range, so the addition itself is checked).
    static func exponentSum(_ a: Int, _ b: Int, _ operation: @autoclosure () -> String) throws -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else {
            throw ExactError.overflow(operation: operation(), detail: "binary exponent outside ±2^61, the range of BigFloat")
        }
        return sum
    }

    /// self, when it lies in the exponent range: exponent ≥ −2⁶¹ and leading bit below 2^(2⁶¹).
    func inRange(_ operation: @autoclosure () -> String) throws -> BigFloat {
        if !isZero {
            try BigFloat.checkExponent(exponent, operation())
            try BigFloat.checkExponent(topExponent, operation())
        }
        return self
    }
}

// MARK: Conversions

extension BigFloat {
    public init(_ value: BigInt, precision: Precision = .default) {
        self = BigFloat.rounded(value, 0, precision: precision)
    }

    public init(_ value: Int, precision: Precision = .default) {
        self.init(BigInt(value), precision: precision)
    }

    /// value · 2^exponent rounded to `precision`; throws `ExactError.overflow` when the value lies
    /// outside the exponent range (`ExactLimits.maxBinaryExponent`).
    public init(significand value: BigInt, exponent: Int, precision: Precision = .default) throws {
        try BigFloat.checkExponent(exponent, "BigFloat(significand:exponent:)")
        self = try BigFloat.rounded(value, exponent, precision: precision).inRange("BigFloat(significand:exponent:)")
    }

    /// A finite Double, exactly when precision ≥ 53 (otherwise rounded). Throws for NaN and ±∞.
    public init(_ value: Double, precision: Precision = .default) throws {
        guard value.isFinite else { throw ExactError.nonFinite(value: value, operation: "BigFloat(Double)") }
        let (m, e) = value.dyadicDecomposition
        self = BigFloat.rounded(BigInt(Int(m)), e, precision: precision)
    }

    /// p/q correctly rounded to `precision`.
    public init(_ value: Rational, precision: Precision = .default) {
        self = BigFloat.quotient(value.numerator, value.denominator, precision: precision)
    }

    /// Parses anything `Rational(parsing:)` accepts ("3.14159", "1e-30", "22/7") and rounds it.
    public init(parsing text: String, precision: Precision = .default) throws {
        self.init(try Rational(parsing: text), precision: precision)
    }

    /// The exact value as a rational; throws `ExactError.overflow` when |exponent| exceeds
    /// `ExactLimits.maxBits` (the rational would not fit in memory).
    public var rational: Rational {
        get throws { try Rational(significand).timesPowerOfTwo(exponent) }
    }

    /// a/b correctly rounded (b ≠ 0 is the caller's obligation).
    static func quotient(_ a: BigInt, _ b: BigInt, exponent: Int = 0, precision: Precision) -> BigFloat {
        precondition(!b.isZero)
        guard !a.isZero else { return zero(precision: precision) }
        // Shift the dividend so that the quotient has at least p + 2 bits; the remainder is sticky.
        let shift = max(0, precision.bits + 2 + b.bitLength - a.bitLength)
        let (q, r) = try! a.magnitude.shiftedLeft(shift).quotientAndRemainder(dividingBy: b.magnitude)
        let negative = (a.signum < 0) != (b.signum < 0)
        return rounded(negative ? -q : q, exponent - shift, sticky: !r.isZero, precision: precision)
    }
}

extension Double {
    /// The Double nearest to `value` (ties to even); overflow gives ±∞, underflow ±0.
    public init(_ value: BigFloat) {
        self = value.significand.withMPZ { z in
            let (top, shift) = CorrectRounding.stickyTop(z)
            let (sum, overflow) = value.exponent.addingReportingOverflow(shift)
            let exponent = overflow ? (value.exponent > 0 ? Int.max : Int.min) : sum
            return CorrectRounding.double(negative: tc_mpz_sgn(z) < 0, top: top, exponent: exponent)
        }
    }
}

// MARK: Order and equality

extension BigFloat: Comparable, Hashable {
    /// Exact comparison of values (precisions are ignored).
    public static func == (a: BigFloat, b: BigFloat) -> Bool {
        a.significand == b.significand && a.exponent == b.exponent
    }

    public static func < (a: BigFloat, b: BigFloat) -> Bool { compare(a, b) < 0 }

    /// The sign of a − b, computed exactly.
    static func compare(_ a: BigFloat, _ b: BigFloat) -> Int {
        if a.signum != b.signum { return a.signum < b.signum ? -1 : 1 }
        if a.isZero { return 0 }
        let s = a.signum
        if a.topExponent != b.topExponent { return a.topExponent < b.topExponent ? -s : s }
        // Same binade: align the significands (the shift is below the longer significand's length).
        let e = min(a.exponent, b.exponent)
        let x = try! a.significand.shiftedLeft(a.exponent - e), y = try! b.significand.shiftedLeft(b.exponent - e)
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(significand)
        hasher.combine(exponent)
    }
}
