import CGMP

/// An arbitrary-size signed integer: GMP's `mpz_t` with Swift value semantics.
///
/// Copies share one GMP value until one of them is mutated (copy-on-write), so passing a `BigInt`
/// around costs a reference-count increment. Every operation is exact. Operations that GMP would
/// answer with a crash (a zero divisor, a result past `ExactLimits.maxBits`) throw `ExactError`.
///
/// `@unchecked Sendable`: the storage is never mutated while shared (`withMutableMPZ` copies first),
/// so concurrent readers of one value only ever read.
public struct BigInt: @unchecked Sendable {
    @usableFromInline var storage: MPZStorage

    /// Zero.
    @inlinable public init() { storage = MPZStorage.make() }

    @inlinable public init(_ value: Int) {
        storage = MPZStorage.make()
        storage.withUnsafeMutablePointerToElements { __gmpz_set_si($0, value) }
    }

    @inlinable public init(_ value: UInt) {
        storage = MPZStorage.make()
        storage.withUnsafeMutablePointerToElements { __gmpz_set_ui($0, value) }
    }

    /// Read-only access to the underlying `mpz_t`.
    @inlinable
    public func withMPZ<R>(_ body: (UnsafePointer<__mpz_struct>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutablePointerToElements { try body(UnsafePointer($0)) }
    }

    /// Mutable access to the underlying `mpz_t`, copying it first if it is shared.
    @inlinable
    public mutating func withMutableMPZ<R>(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try storage.withUnsafeMutablePointerToElements(body)
    }

    /// A new integer written by `body` into a fresh `mpz_t`.
    @inlinable
    static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> Void) rethrows -> BigInt {
        let result = BigInt()
        try result.storage.withUnsafeMutablePointerToElements(body)
        return result
    }

    /// −1, 0 or +1.
    @inlinable public var signum: Int { Int(withMPZ { tc_mpz_sgn($0) }) }
    @inlinable public var isZero: Bool { signum == 0 }
    @inlinable public var isOdd: Bool { withMPZ { tc_mpz_odd_p($0) } != 0 }

    /// The number of bits of |self| (0 for zero): 2^(bitLength−1) ≤ |self| < 2^bitLength.
    @inlinable public var bitLength: Int {
        isZero ? 0 : Int(withMPZ { __gmpz_sizeinbase($0, 2) })
    }

    /// |self|.
    @inlinable public var magnitude: BigInt { withMPZ { s in BigInt.make { __gmpz_abs($0, s) } } }

    /// The value as an `Int`, or nil when it does not fit.
    @inlinable public var exactInt: Int? {
        withMPZ { __gmpz_fits_slong_p($0) != 0 ? __gmpz_get_si($0) : nil }
    }
}

// MARK: Literals

extension BigInt: ExpressibleByIntegerLiteral {
    /// Integer literals of any size: `let googol: BigInt = 1_0000…0000`.
    public init(integerLiteral value: StaticBigInt) {
        let words = (value.bitWidth + UInt.bitWidth - 1) / UInt.bitWidth
        var buffer = [UInt](repeating: 0, count: words)
        for i in 0..<words { buffer[i] = value[i] }
        var result = BigInt()
        result.withMutableMPZ { z in
            buffer.withUnsafeBufferPointer { __gmpz_import(z, words, -1, MemoryLayout<UInt>.size, 0, 0, $0.baseAddress) }
            if value.signum() < 0 {  // the words are two's complement: subtract 2^(64·words)
                let wrap = BigInt.make { __gmpz_setbit($0, mp_bitcnt_t(words * UInt.bitWidth)) }
                wrap.withMPZ { __gmpz_sub(z, z, $0) }
            }
        }
        self = result
    }
}

// MARK: Equality, order, hashing

extension BigInt: Comparable, Hashable {
    @inlinable public static func == (a: BigInt, b: BigInt) -> Bool { compare(a, b) == 0 }
    @inlinable public static func < (a: BigInt, b: BigInt) -> Bool { compare(a, b) < 0 }

    /// The sign of a − b.
    @inlinable static func compare(_ a: BigInt, _ b: BigInt) -> Int {
        let c = a.withMPZ { x in b.withMPZ { y in __gmpz_cmp(x, y) } }
        return c < 0 ? -1 : (c > 0 ? 1 : 0)
    }

    public func hash(into hasher: inout Hasher) {
        withMPZ { z in
            hasher.combine(z.pointee._mp_size)
            for i in 0..<Int(__gmpz_size(z)) { hasher.combine(__gmpz_getlimbn(z, i)) }
        }
    }
}

// MARK: Ring operations

extension BigInt: AdditiveArithmetic {
    public static var zero: BigInt { BigInt() }

    @inlinable public static func + (a: BigInt, b: BigInt) -> BigInt {
        a.withMPZ { x in b.withMPZ { y in make { __gmpz_add($0, x, y) } } }
    }
    @inlinable public static func - (a: BigInt, b: BigInt) -> BigInt {
        a.withMPZ { x in b.withMPZ { y in make { __gmpz_sub($0, x, y) } } }
    }
    @inlinable public static func * (a: BigInt, b: BigInt) -> BigInt {
        a.withMPZ { x in b.withMPZ { y in make { __gmpz_mul($0, x, y) } } }
    }
    @inlinable public static prefix func - (a: BigInt) -> BigInt {
        a.withMPZ { x in make { __gmpz_neg($0, x) } }
    }
    @inlinable public static func += (a: inout BigInt, b: BigInt) {
        b.withMPZ { y in a.withMutableMPZ { __gmpz_add($0, $0, y) } }
    }
    @inlinable public static func -= (a: inout BigInt, b: BigInt) {
        b.withMPZ { y in a.withMutableMPZ { __gmpz_sub($0, $0, y) } }
    }
    @inlinable public static func *= (a: inout BigInt, b: BigInt) {
        b.withMPZ { y in a.withMutableMPZ { __gmpz_mul($0, $0, y) } }
    }

    /// self += a·b in place, with no temporary (GMP's `mpz_addmul`).
    @inlinable public mutating func addProduct(_ a: BigInt, _ b: BigInt) {
        a.withMPZ { x in b.withMPZ { y in withMutableMPZ { __gmpz_addmul($0, x, y) } } }
    }
}

// MARK: Division

extension BigInt {
    /// Truncating division (rounds toward zero, like Swift's `Int`), with the remainder taking the
    /// sign of the dividend: a = q·b + r, |r| < |b|.
    public func quotientAndRemainder(dividingBy b: BigInt) throws -> (quotient: BigInt, remainder: BigInt) {
        guard !b.isZero else { throw ExactError.divisionByZero(operation: "BigInt division \(self) / 0") }
        var q = BigInt(), r = BigInt()
        withMPZ { a in b.withMPZ { d in
            q.withMutableMPZ { qp in r.withMutableMPZ { rp in __gmpz_tdiv_qr(qp, rp, a, d) } }
        } }
        return (q, r)
    }

    /// Truncating quotient; throws on a zero divisor.
    public static func / (a: BigInt, b: BigInt) throws -> BigInt { try a.quotientAndRemainder(dividingBy: b).quotient }
    /// Truncating remainder (sign of the dividend); throws on a zero divisor.
    public static func % (a: BigInt, b: BigInt) throws -> BigInt { try a.quotientAndRemainder(dividingBy: b).remainder }

    /// The least non-negative residue of self modulo |m|.
    public func modulo(_ m: BigInt) throws -> BigInt {
        guard !m.isZero else { throw ExactError.divisionByZero(operation: "BigInt modulo \(self) mod 0") }
        return withMPZ { a in m.withMPZ { d in BigInt.make { __gmpz_mod($0, a, d) } } }
    }

    /// ⌊self / d⌋ (rounds toward −∞) for d ≠ 0 (the caller's obligation).
    func floorDivided(by d: BigInt) -> BigInt {
        precondition(!d.isZero)
        return withMPZ { a in d.withMPZ { b in BigInt.make { __gmpz_fdiv_q($0, a, b) } } }
    }

    /// self / d for a divisor known to divide self (GMP's fast `mpz_divexact`); checked in debug builds
    /// (the tests) — callers use it only where exactness is a theorem.
    func dividedExactly(by d: BigInt) -> BigInt {
        assert(!d.isZero && isDivisible(by: d), "dividedExactly: \(d) does not divide \(self)")
        return withMPZ { a in d.withMPZ { b in BigInt.make { __gmpz_divexact($0, a, b) } } }
    }

    /// self / d rounded toward zero, for a small positive divisor (GMP's single-limb division).
    func dividedTruncating(by d: UInt) -> BigInt {
        precondition(d > 0)
        return withMPZ { a in BigInt.make { _ = __gmpz_tdiv_q_ui($0, a, d) } }
    }

    /// Whether `d` divides self exactly (0 divides only 0).
    public func isDivisible(by d: BigInt) -> Bool {
        withMPZ { a in d.withMPZ { __gmpz_divisible_p(a, $0) != 0 } }
    }

    /// self · 2^n, exact, for any integer n: a negative n shifts right, rounding toward −∞ (as
    /// `shiftedRightFloor`). Throws `ExactError.overflow` when the result would exceed
    /// `ExactLimits.maxBits`.
    public func shiftedLeft(_ n: Int) throws -> BigInt {
        guard n >= 0 else { return shiftedRightFloor(count: n.magnitude) }
        guard n <= ExactLimits.maxBits - bitLength else {
            throw ExactError.overflow(operation: "shift left by \(n)", detail: "more than \(ExactLimits.maxBits) bits")
        }
        return shiftedLeft(count: UInt(n))
    }

    /// ⌊self / 2^n⌋ (rounds toward −∞, also for negative numbers) for any integer n: a negative n
    /// shifts left, and throws `ExactError.overflow` when that result would exceed `ExactLimits.maxBits`.
    public func shiftedRightFloor(_ n: Int) throws -> BigInt {
        n >= 0 ? shiftedRightFloor(count: UInt(n)) : try shiftedLeft(count: n.magnitude, checked: ())
    }

    /// self / 2^n rounded toward zero (the magnitude is shifted, the sign kept) for any integer n: a
    /// negative n shifts left, and throws `ExactError.overflow` when that result would exceed
    /// `ExactLimits.maxBits`.
    public func shiftedRightTruncating(_ n: Int) throws -> BigInt {
        n >= 0 ? shiftedRightTruncating(count: UInt(n)) : try shiftedLeft(count: n.magnitude, checked: ())
    }

    /// self · 2^n for a count whose result is known to fit (internal: the caller's bound).
    func shiftedLeft(count n: UInt) -> BigInt {
        withMPZ { a in BigInt.make { __gmpz_mul_2exp($0, a, mp_bitcnt_t(n)) } }
    }

    /// self · 2^n, throwing when the result would exceed `ExactLimits.maxBits`.
    func shiftedLeft(count n: UInt, checked: Void) throws -> BigInt {
        guard n <= UInt(ExactLimits.maxBits - bitLength) else {
            throw ExactError.overflow(operation: "shift left by \(n)", detail: "more than \(ExactLimits.maxBits) bits")
        }
        return shiftedLeft(count: n)
    }

    /// ⌊self / 2^n⌋ for a non-negative count (a count past the length gives 0 or −1).
    func shiftedRightFloor(count n: UInt) -> BigInt {
        let n = min(n, UInt(bitLength) + 1)
        return withMPZ { a in BigInt.make { __gmpz_fdiv_q_2exp($0, a, mp_bitcnt_t(n)) } }
    }

    /// self / 2^n rounded toward zero for a non-negative count.
    func shiftedRightTruncating(count n: UInt) -> BigInt {
        let n = min(n, UInt(bitLength) + 1)
        return withMPZ { a in BigInt.make { __gmpz_tdiv_q_2exp($0, a, mp_bitcnt_t(n)) } }
    }

    /// The number of trailing zero bits of |self| (0 for zero).
    public var trailingZeroBitCount: Int {
        isZero ? 0 : Int(withMPZ { __gmpz_scan1($0, 0) })
    }
}
