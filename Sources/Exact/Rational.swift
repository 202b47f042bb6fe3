import CGMP

/// An exact rational number p/q: GMP's `mpq_t` with Swift value semantics (copy-on-write).
///
/// Always canonical: gcd(p, q) = 1 and q > 0, so equal values have equal representations.
/// Division by zero throws `ExactError.divisionByZero`; nothing here can make GMP abort.
///
/// `@unchecked Sendable`: the storage is copied before any mutation while shared.
public struct Rational: @unchecked Sendable {
    @usableFromInline var storage: MPQStorage

    /// Zero.
    @inlinable public init() { storage = MPQStorage.make() }

    @inlinable public init(_ value: Int) {
        storage = MPQStorage.make()
        storage.withUnsafeMutablePointerToElements { __gmpq_set_si($0, value, 1) }
    }

    public init(_ value: BigInt) {
        storage = MPQStorage.make()
        value.withMPZ { z in storage.withUnsafeMutablePointerToElements { __gmpq_set_z($0, z) } }
    }

    /// numerator / denominator, reduced to lowest terms; throws when the denominator is zero.
    public init(_ numerator: BigInt, _ denominator: BigInt) throws {
        guard !denominator.isZero else {
            throw ExactError.divisionByZero(operation: "Rational \(numerator)/0")
        }
        storage = MPQStorage.make()
        storage.withUnsafeMutablePointerToElements { q in
            numerator.withMPZ { __gmpz_set(tc_mpq_numref(q), $0) }
            denominator.withMPZ { __gmpz_set(tc_mpq_denref(q), $0) }
            __gmpq_canonicalize(q)
        }
    }

    /// numerator / denominator for machine integers; throws when the denominator is zero.
    public init(_ numerator: Int, _ denominator: Int) throws {
        try self.init(BigInt(numerator), BigInt(denominator))
    }

    /// The exact value of a finite Double (every finite Double is a dyadic rational m·2^e).
    /// Throws `ExactError.nonFinite` for NaN and ±∞. A rational is a real number, and the reals
    /// have one zero: −0.0 and +0.0 both give 0, and converting 0 back gives +0.0 (the sign of an
    /// IEEE zero records the direction of an underflow, not a value).
    public init(exactly value: Double) throws {
        guard value.isFinite else { throw ExactError.nonFinite(value: value, operation: "Rational(exactly:)") }
        let (m, e) = value.dyadicDecomposition
        storage = MPQStorage.make()
        storage.withUnsafeMutablePointerToElements { q in
            __gmpz_set_si(tc_mpq_numref(q), Int(m))
            __gmpz_set_ui(tc_mpq_denref(q), 1)
            // m is odd (or zero), so m·2^e with the power of two on one side is already canonical.
            if m != 0, e > 0 { __gmpz_mul_2exp(tc_mpq_numref(q), tc_mpq_numref(q), mp_bitcnt_t(e)) }
            if m != 0, e < 0 { __gmpz_mul_2exp(tc_mpq_denref(q), tc_mpq_denref(q), mp_bitcnt_t(-e)) }
        }
    }

    @inlinable
    public func withMPQ<R>(_ body: (UnsafePointer<__mpq_struct>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutablePointerToElements { try body(UnsafePointer($0)) }
    }

    @inlinable
    public mutating func withMutableMPQ<R>(_ body: (UnsafeMutablePointer<__mpq_struct>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try storage.withUnsafeMutablePointerToElements(body)
    }

    @inlinable
    static func make(_ body: (UnsafeMutablePointer<__mpq_struct>) throws -> Void) rethrows -> Rational {
        let result = Rational()
        try result.storage.withUnsafeMutablePointerToElements(body)
        return result
    }

    /// p, the numerator in lowest terms (carries the sign).
    public var numerator: BigInt { withMPQ { q in BigInt.make { __gmpz_set($0, tc_mpq_numref_const(q)) } } }
    /// q > 0, the denominator in lowest terms.
    public var denominator: BigInt { withMPQ { q in BigInt.make { __gmpz_set($0, tc_mpq_denref_const(q)) } } }

    @inlinable public var signum: Int { Int(withMPQ { tc_mpq_sgn($0) }) }
    @inlinable public var isZero: Bool { signum == 0 }
    public var isInteger: Bool { withMPQ { tc_mpz_cmp_ui(tc_mpq_denref_const($0), 1) == 0 } }
    public var magnitude: Rational { withMPQ { x in Rational.make { __gmpq_abs($0, x) } } }

    /// Whether the denominator is a power of two (every Double converts to such a value).
    public var isDyadic: Bool {
        withMPQ { q in
            let d = tc_mpq_denref_const(q)!
            return __gmpz_scan1(d, 0) == __gmpz_sizeinbase(d, 2) - 1
        }
    }
}

extension BigInt {
    /// The integer value of a rational; throws when it is not an integer.
    public init(exactly value: Rational) throws {
        guard value.isInteger else { throw ExactError.notRepresentable(value: "\(value)", target: "an integer") }
        self = value.numerator
    }

    /// The integer value of a finite, integral Double; throws for NaN, ±∞ and fractions.
    public init(exactly value: Double) throws {
        try self.init(exactly: Rational(exactly: value))
    }
}

// MARK: Literals, equality, order, hashing

extension Rational: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: StaticBigInt) { self.init(BigInt(integerLiteral: value)) }
}

extension Rational: Comparable, Hashable {
    @inlinable public static func == (a: Rational, b: Rational) -> Bool {
        a.withMPQ { x in b.withMPQ { y in __gmpq_equal(x, y) != 0 } }
    }
    @inlinable public static func < (a: Rational, b: Rational) -> Bool {
        a.withMPQ { x in b.withMPQ { y in __gmpq_cmp(x, y) < 0 } }
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(numerator)
        hasher.combine(denominator)
    }
}

// MARK: Field operations

extension Rational: AdditiveArithmetic {
    public static var zero: Rational { Rational() }

    @inlinable public static func + (a: Rational, b: Rational) -> Rational {
        a.withMPQ { x in b.withMPQ { y in make { __gmpq_add($0, x, y) } } }
    }
    @inlinable public static func - (a: Rational, b: Rational) -> Rational {
        a.withMPQ { x in b.withMPQ { y in make { __gmpq_sub($0, x, y) } } }
    }
    @inlinable public static func * (a: Rational, b: Rational) -> Rational {
        a.withMPQ { x in b.withMPQ { y in make { __gmpq_mul($0, x, y) } } }
    }
    @inlinable public static prefix func - (a: Rational) -> Rational {
        a.withMPQ { x in make { __gmpq_neg($0, x) } }
    }
    /// a / b; throws `ExactError.divisionByZero` when b = 0.
    public static func / (a: Rational, b: Rational) throws -> Rational {
        guard !b.isZero else { throw ExactError.divisionByZero(operation: "Rational division \(a) / 0") }
        return a.withMPQ { x in b.withMPQ { y in make { __gmpq_div($0, x, y) } } }
    }
    @inlinable public static func += (a: inout Rational, b: Rational) {
        b.withMPQ { y in a.withMutableMPQ { __gmpq_add($0, $0, y) } }
    }
    @inlinable public static func -= (a: inout Rational, b: Rational) {
        b.withMPQ { y in a.withMutableMPQ { __gmpq_sub($0, $0, y) } }
    }
    @inlinable public static func *= (a: inout Rational, b: Rational) {
        b.withMPQ { y in a.withMutableMPQ { __gmpq_mul($0, $0, y) } }
    }
    public static func /= (a: inout Rational, b: Rational) throws { a = try a / b }

    /// 1/self; throws when self = 0.
    public func reciprocal() throws -> Rational {
        guard !isZero else { throw ExactError.divisionByZero(operation: "Rational reciprocal 1/0") }
        return withMPQ { x in Rational.make { __gmpq_inv($0, x) } }
    }

    /// selfⁿ for any integer n (0⁰ = 1); throws for 0 with n < 0 and when the result would exceed
    /// `ExactLimits.maxBits`.
    public func power(_ n: Int) throws -> Rational {
        let base = n < 0 ? try reciprocal() : self
        return try Rational(base.numerator.power(count: n.magnitude), base.denominator.power(count: n.magnitude))
    }

    /// self · 2^n, exact, for any integer n.
    public func timesPowerOfTwo(_ n: Int) throws -> Rational {
        guard n.magnitude <= UInt(ExactLimits.maxBits) else {
            throw ExactError.overflow(operation: "Rational × 2^\(n)", detail: "more than \(ExactLimits.maxBits) bits")
        }
        return withMPQ { x in
            Rational.make { n >= 0 ? __gmpq_mul_2exp($0, x, mp_bitcnt_t(n)) : __gmpq_div_2exp($0, x, mp_bitcnt_t(-n)) }
        }
    }

    /// ⌊self⌋.
    public var floor: BigInt {
        withMPQ { q in BigInt.make { __gmpz_fdiv_q($0, tc_mpq_numref_const(q), tc_mpq_denref_const(q)) } }
    }
}
