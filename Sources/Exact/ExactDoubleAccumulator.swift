import CGMP

/// An exact accumulator for sums of Doubles and of products of two Doubles (a Kulisch long
/// accumulator): one fixed-point integer wide enough for every such product.
///
/// A finite Double is m·2^e with |m| < 2⁵³ and −1074 ≤ e ≤ 971, so a product of two is an integer
/// of < 106 bits times 2^e with −2148 ≤ e ≤ 1942. Holding the sum as a two's-complement integer in
/// units of 2⁻²¹⁴⁸ over 68 64-bit limbs (4352 bits) represents every such sum exactly, with
/// 150 bits of headroom (over 2¹⁴⁰ terms before it could wrap). Adding a term touches three limbs
/// plus an amortised O(1) carry, with no allocation and no rounding — so an exact dot product of
/// Double vectors costs a few nanoseconds per term, and its value can then be read exactly
/// (`rational`) or correctly rounded (`roundedDouble`): a correctly rounded dot product.
public struct ExactDoubleAccumulator: Sendable {
    /// Bit i of the accumulator has weight 2^(i − bias).
    static let bias = 2148
    static let limbCount = 68

    @usableFromInline var limbs: [UInt64]
    /// The first non-finite input seen, if any (the value is then undefined and reading it throws).
    public private(set) var nonFinite: Double?

    public init() {
        limbs = [UInt64](repeating: 0, count: ExactDoubleAccumulator.limbCount)
    }

    /// sum += x.
    public mutating func add(_ x: Double) {
        guard x.isFinite else { nonFinite = nonFinite ?? x; return }
        let (m, e) = x.rawDecomposition
        limbs.withUnsafeMutableBufferPointer {
            ExactDoubleAccumulator.add(high: 0, low: m, at: e + ExactDoubleAccumulator.bias, negative: x.sign == .minus, $0)
        }
    }

    /// sum += a·b, exactly.
    public mutating func addProduct(_ a: Double, _ b: Double) {
        guard a.isFinite, b.isFinite else { nonFinite = nonFinite ?? (a.isFinite ? b : a); return }
        limbs.withUnsafeMutableBufferPointer { ExactDoubleAccumulator.addProduct(a, b, $0) }
    }

    /// sum += Σ aᵢ·bᵢ, exactly; throws `ExactError.dimensionMismatch` (adding nothing) when the
    /// lengths differ, as `exactDot` does.
    public mutating func addProducts(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) throws {
        guard a.count == b.count else {
            throw ExactError.dimensionMismatch(operation: "addProducts", lhs: "[\(a.count)]", rhs: "[\(b.count)]")
        }
        limbs.withUnsafeMutableBufferPointer { acc in
            for i in 0..<a.count {
                let x = a[i], y = b[i]
                if x.isFinite && y.isFinite {
                    ExactDoubleAccumulator.addProduct(x, y, acc)
                } else if nonFinite == nil {
                    nonFinite = x.isFinite ? y : x
                }
            }
        }
    }

    public mutating func reset() {
        for i in limbs.indices { limbs[i] = 0 }
        nonFinite = nil
    }

    @inline(__always) @usableFromInline
    static func addProduct(_ a: Double, _ b: Double, _ acc: UnsafeMutableBufferPointer<UInt64>) {
        let (ma, ea) = a.rawDecomposition, (mb, eb) = b.rawDecomposition
        let (high, low) = ma.multipliedFullWidth(by: mb)
        add(high: high, low: low, at: ea + eb + bias, negative: (a.sign == .minus) != (b.sign == .minus), acc)
    }

    /// acc ± (high·2⁶⁴ + low)·2^offset in two's complement.
    @inline(__always) @usableFromInline
    static func add(high: UInt64, low: UInt64, at offset: Int, negative: Bool, _ acc: UnsafeMutableBufferPointer<UInt64>) {
        if high == 0 && low == 0 { return }
        let i = offset >> 6, s = UInt64(offset & 63)
        let w0 = low << s
        let w1 = s == 0 ? high : (high << s) | (low >> (64 - s))
        let w2 = s == 0 ? 0 : high >> (64 - s)
        var carry = false
        if !negative {
            (acc[i], carry) = acc[i].addingReportingOverflow(w0)
            addWithCarry(w1, at: i + 1, acc, &carry)
            addWithCarry(w2, at: i + 2, acc, &carry)
            var j = i + 3
            while carry && j < acc.count { (acc[j], carry) = acc[j].addingReportingOverflow(1); j += 1 }
        } else {
            (acc[i], carry) = acc[i].subtractingReportingOverflow(w0)
            subtractWithBorrow(w1, at: i + 1, acc, &carry)
            subtractWithBorrow(w2, at: i + 2, acc, &carry)
            var j = i + 3
            while carry && j < acc.count { (acc[j], carry) = acc[j].subtractingReportingOverflow(1); j += 1 }
        }
    }

    @inline(__always) @usableFromInline
    static func addWithCarry(_ w: UInt64, at j: Int, _ acc: UnsafeMutableBufferPointer<UInt64>, _ carry: inout Bool) {
        let (t, c1) = acc[j].addingReportingOverflow(w)
        let (u, c2) = t.addingReportingOverflow(carry ? 1 : 0)
        acc[j] = u
        carry = c1 || c2
    }

    @inline(__always) @usableFromInline
    static func subtractWithBorrow(_ w: UInt64, at j: Int, _ acc: UnsafeMutableBufferPointer<UInt64>, _ borrow: inout Bool) {
        let (t, c1) = acc[j].subtractingReportingOverflow(w)
        let (u, c2) = t.subtractingReportingOverflow(borrow ? 1 : 0)
        acc[j] = u
        borrow = c1 || c2
    }

    /// The sign of the exact sum: −1, 0 or +1 (nil if a NaN or ±∞ was added) — read from the
    /// two's-complement limbs, without forming the number.
    public var signum: Int? {
        if nonFinite != nil { return nil }
        if limbs[limbs.count - 1] >> 63 == 1 { return -1 }
        return limbs.allSatisfy { $0 == 0 } ? 0 : 1
    }

    /// The accumulated integer N (the sum is N·2^−bias).
    var scaledInteger: BigInt {
        let negative = limbs[limbs.count - 1] >> 63 == 1
        var magnitude = limbs
        if negative {  // two's complement negation
            var carry = true
            for i in magnitude.indices {
                magnitude[i] = ~magnitude[i]
                if carry { (magnitude[i], carry) = magnitude[i].addingReportingOverflow(1) }
            }
        }
        var n = BigInt()
        n.withMutableMPZ { z in
            magnitude.withUnsafeBufferPointer { __gmpz_import(z, $0.count, -1, 8, 0, 0, $0.baseAddress) }
            if negative { __gmpz_neg(z, z) }
        }
        return n
    }

    /// The exact sum; throws `ExactError.nonFinite` if a NaN or ±∞ was added.
    public func rational() throws -> Rational {
        if let bad = nonFinite { throw ExactError.nonFinite(value: bad, operation: "exact Double accumulation") }
        return try Rational(scaledInteger).timesPowerOfTwo(-ExactDoubleAccumulator.bias)
    }

    /// The exact sum correctly rounded to a Double (ties to even); throws if a NaN or ±∞ was added.
    ///
    /// A sum that is exactly zero gives +0.0, also when every term was −0.0 (where IEEE 754's
    /// round-to-nearest addition gives −0.0): this is the rounding of the exact real sum, and the
    /// real number 0 has no sign — as `Rational(exactly: -0.0) == 0`.
    public func roundedDouble() throws -> Double {
        if let bad = nonFinite { throw ExactError.nonFinite(value: bad, operation: "exact Double accumulation") }
        return scaledInteger.withMPZ { z in
            let (top, shift) = CorrectRounding.stickyTop(z)
            return CorrectRounding.double(negative: tc_mpz_sgn(z) < 0, top: top, exponent: shift - ExactDoubleAccumulator.bias)
        }
    }
}

extension Double {
    /// |self| = m·2^e with the raw IEEE fields (m < 2⁵³, not normalised), for finite values.
    @inline(__always) @usableFromInline
    var rawDecomposition: (m: UInt64, e: Int) {
        let biased = Int(exponentBitPattern)
        return biased == 0 ? (significandBitPattern, -1074) : (significandBitPattern | (1 << 52), biased - 1075)
    }
}

/// The exact inner product Σ aᵢ bᵢ of Double vectors; throws for unequal lengths or non-finite entries.
public func exactDot(_ a: [Double], _ b: [Double]) throws -> Rational {
    try exactDotAccumulator(a, b).rational()
}

/// Σ aᵢ bᵢ computed exactly and rounded once: the correctly rounded dot product.
public func correctlyRoundedDot(_ a: [Double], _ b: [Double]) throws -> Double {
    try exactDotAccumulator(a, b).roundedDouble()
}

func exactDotAccumulator(_ a: [Double], _ b: [Double]) throws -> ExactDoubleAccumulator {
    guard a.count == b.count else {
        throw ExactError.dimensionMismatch(operation: "dot", lhs: "[\(a.count)]", rhs: "[\(b.count)]")
    }
    var acc = ExactDoubleAccumulator()
    try a.withUnsafeBufferPointer { x in try b.withUnsafeBufferPointer { y in try acc.addProducts(x, y) } }
    return acc
}
