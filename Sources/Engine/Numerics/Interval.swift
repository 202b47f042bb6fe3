import Exact

/// A closed interval [lo, hi] of reals with outward-rounded arithmetic: the result of every
/// operation encloses every exact result of the operation on members of the operands.
///
/// **Why one ulp suffices.** In IEEE 754 binary64 with round-to-nearest, the computed fl(a ∘ b) of
/// an exact real a ∘ b (∘ ∈ {+, −, ×, ÷}, √) differs from it by at most half an ulp of fl(a ∘ b)
/// where the result is normal, and by at most half the least subnormal spacing where it is
/// subnormal; an overflow gives ±∞, beyond which no finite real lies. So the exact value lies in
/// [fl(·).nextDown, fl(·).nextUp] in every case (Higham, Accuracy and Stability of Numerical
/// Algorithms, §2.2, Thm 2.2). Stepping one ulp outward after each operation is therefore sound
/// without switching the rounding mode (the approach of Rump's INTLAB "rounding to nearest"
/// mode). NaN never arises from finite operands except as 0·∞ or ∞ − ∞; such an interval is
/// widened to the whole line, which every caller reads as "no information".
public struct Interval: Sendable, Equatable, CustomStringConvertible {
    public var lo: Double
    public var hi: Double

    /// The interval [lo, hi]; lo ≤ hi is the caller's to keep (NaN ends mean the whole line).
    @inlinable public init(_ lo: Double, _ hi: Double) {
        if lo.isNaN || hi.isNaN { self.lo = -.infinity; self.hi = .infinity } else { self.lo = lo; self.hi = hi }
    }

    /// The degenerate interval of an exactly representable value.
    @inlinable public init(exactly value: Double) { self.init(value, value) }

    /// An interval enclosing the rational `value`: its nearest Double, one ulp either way.
    public init(_ value: Rational) {
        let x = Double(value)
        if (try? Rational(exactly: x)) == value { self.init(x, x) } else { self.init(x.nextDown, x.nextUp) }
    }

    public static let whole = Interval(-.infinity, .infinity)

    public var description: String { "[\(lo), \(hi)]" }
    public var isPositive: Bool { lo > 0 }

    @inlinable static func widened(_ lo: Double, _ hi: Double) -> Interval { Interval(lo.nextDown, hi.nextUp) }

    @inlinable public static func + (a: Interval, b: Interval) -> Interval { widened(a.lo + b.lo, a.hi + b.hi) }
    @inlinable public static func - (a: Interval, b: Interval) -> Interval { widened(a.lo - b.hi, a.hi - b.lo) }
    @inlinable public static prefix func - (a: Interval) -> Interval { Interval(-a.hi, -a.lo) }

    @inlinable public static func * (a: Interval, b: Interval) -> Interval {
        if a.lo == a.hi && b.lo == b.hi {  // points: one product
            let p = a.lo * b.lo
            return p.isNaN ? .whole : widened(p, p)
        }
        return hull(a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi)
    }

    /// a / b; the whole line when b holds 0.
    public static func / (a: Interval, b: Interval) -> Interval {
        guard b.lo > 0 || b.hi < 0 else { return .whole }
        return hull(a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi)
    }

    /// The four corner values' hull, widened; the whole line if one is NaN (0·∞, ∞/∞).
    @inlinable static func hull(_ p: Double, _ q: Double, _ r: Double, _ s: Double) -> Interval {
        if p.isNaN || q.isNaN || r.isNaN || s.isNaN { return .whole }
        return widened(min(min(p, q), min(r, s)), max(max(p, q), max(r, s)))
    }

    /// {x² : x ∈ a}.
    public var squared: Interval {
        let l = abs(lo), h = abs(hi)
        let low = (lo <= 0 && hi >= 0) ? 0 : min(l, h)
        let high = max(l, h)
        return Interval(low == 0 ? 0 : max(0, (low * low).nextDown), (high * high).nextUp)
    }

    /// {max(x, 0) : x ∈ a}.
    public var positivePart: Interval { Interval(max(lo, 0), max(hi, 0)) }

    @inlinable public static func += (a: inout Interval, b: Interval) { a = a + b }
    @inlinable public static func -= (a: inout Interval, b: Interval) { a = a - b }
}
