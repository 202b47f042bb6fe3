import RealModule

/// Linear relaxations of σ on an interval (Proofs/robustness.md, "Linear bounds"): two lines with
///
///     lower(z) ≤ σ(z) ≤ upper(z)   for every z ∈ [l, u],
///
/// the building block of linear bound propagation (CROWN: Zhang et al., NeurIPS 2018). Each line is
/// the tightest of a simple family for its shape of σ:
/// - identity, and any σ on an interval where it is linear: the function itself, both sides;
/// - ReLU across 0: above, the chord u·(z − l)/(u − l); below, z where u ≥ −l, else 0 (CROWN's
///   choice, whose area is the smaller);
/// - convex σ (the smoothed ReLU, z²): above, the chord; below, the tangent at the point where σ′
///   equals the chord's slope (clamped to [l, u]) — any tangent of a convex function lies below it;
/// - the soft threshold (piecewise linear, neither convex nor concave): the chord, moved up (down)
///   by the largest gap to σ at the kinks ±b inside [l, u]: a piecewise-linear function minus a line
///   takes its extremes at kinks or ends.
/// Rounding: slopes and intercepts are computed in Double, so a line may cross σ by a few ulps of
/// the values involved; certificates built on them keep a slack far above that (LinearBoundCertificate).
extension Activation {
    public struct Line: Sendable, Equatable {
        public var slope: Double
        public var intercept: Double
        public init(slope: Double, intercept: Double) { (self.slope, self.intercept) = (slope, intercept) }
        @inlinable public func callAsFunction(_ z: Double) -> Double { slope * z + intercept }
    }

    public struct Relaxation: Sendable, Equatable {
        public var lower: Line
        public var upper: Line
    }

    /// Lines below and above σ on [l, u] (l ≤ u, both finite).
    public func relaxation(on l: Double, _ u: Double) -> Relaxation {
        precondition(l <= u && l.isFinite && u.isFinite, "a relaxation needs a finite interval l ≤ u (got [\(l), \(u)])")
        let chordSlope = u > l ? (value(u) - value(l)) / (u - l) : derivative(l)
        let chord = Line(slope: chordSlope, intercept: value(l) - chordSlope * l)
        func tangent(at t: Double) -> Line { Line(slope: derivative(t), intercept: value(t) - derivative(t) * t) }
        switch self {
        case .identity:
            return Relaxation(lower: Line(slope: 1, intercept: 0), upper: Line(slope: 1, intercept: 0))
        case .relu:
            if u <= 0 { return Relaxation(lower: Line(slope: 0, intercept: 0), upper: Line(slope: 0, intercept: 0)) }
            if l >= 0 { return Relaxation(lower: Line(slope: 1, intercept: 0), upper: Line(slope: 1, intercept: 0)) }
            return Relaxation(lower: Line(slope: u >= -l ? 1 : 0, intercept: 0), upper: chord)
        case let .smoothedReLU(q, rho):
            // σ′ = (z/ρ)^{q−1} on (0, ρ): the point where it equals the chord's slope s ∈ (0, 1).
            let t = chordSlope <= 0 ? l : chordSlope >= 1 ? rho : rho * Double.pow(chordSlope, 1 / Double(q - 1))
            return Relaxation(lower: tangent(at: min(max(t, l), u)), upper: chord)
        case .square:
            return Relaxation(lower: tangent(at: min(max(chordSlope / 2, l), u)), upper: chord)
        case let .softThreshold(b):
            var above = 0.0, below = 0.0
            for kink in [-b, b] where l < kink && kink < u {
                above = max(above, value(kink) - chord(kink))
                below = max(below, chord(kink) - value(kink))
            }
            return Relaxation(lower: Line(slope: chordSlope, intercept: chord.intercept - below),
                              upper: Line(slope: chordSlope, intercept: chord.intercept + above))
        }
    }

    /// For convex σ (identity, ReLU, the smoothed ReLU, z²): the line of slope s that lies below σ
    /// on the whole line and touches it at t with σ′(t) = s — intercept σ(t) − s·t, i.e. −σ*(s), a
    /// concave function of s — for s clamped to σ′'s range. Every such line is a valid lower line on
    /// any interval, so a certificate may choose s freely in [σ′(l), σ′(u)] (α-CROWN's freedom); nil
    /// for the soft threshold, which is not convex.
    public func supportingLine(slope s: Double) -> (line: Line, touching: Double)? {
        switch self {
        case .identity: return (Line(slope: 1, intercept: 0), 0)
        case .relu: return (Line(slope: min(max(s, 0), 1), intercept: 0), 0)
        case let .smoothedReLU(q, rho):
            let slope = min(max(s, 0), 1)
            let t = slope <= 0 ? 0 : slope >= 1 ? rho : rho * Double.pow(slope, 1 / Double(q - 1))
            return (Line(slope: slope, intercept: value(t) - slope * t), t)
        case .square: return (Line(slope: s, intercept: -(s * s) / 4), s / 2)
        case .softThreshold: return nil
        }
    }

    /// [min σ, max σ] over [l, u]: the ends for nondecreasing σ; for z², 0 where the interval holds 0.
    public func valueRange(on l: Double, _ u: Double) -> ClosedRange<Double> {
        guard case .square = self else { return value(l)...value(u) }
        let high = max(l * l, u * u)
        return (l <= 0 && 0 <= u ? 0 : min(l * l, u * u))...high
    }

    /// [min σ′, max σ′] over [l, u] with the conventions of `derivative` at the kinks: the ends for
    /// nondecreasing σ′ (identity, ReLU, the smoothed ReLU, z²: σ′ = 2z); for the soft threshold
    /// (σ′ = 0 on [−b, b], 1 outside) 0 where the interval meets [−b, b] and 1 where it leaves it.
    public func derivativeRange(on l: Double, _ u: Double) -> ClosedRange<Double> {
        guard case let .softThreshold(b) = self else { return derivative(l)...derivative(u) }
        let meetsInside = l <= b && u >= -b, leaves = l < -b || u > b
        return (meetsInside ? 0 : 1)...(leaves ? 1 : 0)
    }
}
