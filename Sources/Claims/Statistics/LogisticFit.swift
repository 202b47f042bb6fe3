import Foundation

/// The logistic regression P(y = 1 | x) = σ(a + b·x) of binary outcomes on a covariate, by maximum
/// likelihood (Newton–Raphson on the two-parameter log-likelihood, which is concave), with the Wald
/// 95% interval of the slope b from the inverse Fisher information: b ± 1.96·se(b).
///
/// Used to decide whether a satisfying fraction of seeds rises with a size (docs/methodology.md §3). The
/// maximum likelihood estimate does not exist when the outcomes are perfectly separated by x (every
/// 0 below every 1, or the reverse) or all equal; `separation` reports those cases, and the slope is
/// then ±∞ (separated) or 0 (all equal) with an infinite interval.
public struct LogisticFit: Codable, Equatable, Sendable {
    public enum Separation: String, Codable, Sendable {
        case none
        /// Every 0 lies at a smaller x than every 1.
        case increasing
        /// Every 0 lies at a larger x than every 1.
        case decreasing
        /// All outcomes equal.
        case constant
    }

    public let intercept: Double
    public let slope: Double
    public let standardError: Double
    public let lower: Double
    public let upper: Double
    public let points: Int
    public let separation: Separation

    public init(x: [Double], y: [Bool]) {
        precondition(x.count == y.count && !x.isEmpty, "one outcome per covariate")
        points = x.count
        let zeros = zip(x, y).filter { !$1 }.map(\.0), ones = zip(x, y).filter { $1 }.map(\.0)
        if zeros.isEmpty || ones.isEmpty {
            separation = .constant
        } else if zeros.max()! < ones.min()! {
            separation = .increasing
        } else if zeros.min()! > ones.max()! {
            separation = .decreasing
        } else {
            separation = .none
        }
        guard separation == .none else {
            intercept = 0
            slope = separation == .increasing ? .infinity : separation == .decreasing ? -.infinity : 0
            standardError = .infinity
            // A separated direction is certain at this sample: its interval excludes the other sign.
            (lower, upper) = separation == .increasing ? (0, .infinity)
                : separation == .decreasing ? (-.infinity, -Double.leastNonzeroMagnitude) : (-.infinity, .infinity)
            return
        }
        // Newton–Raphson from (logit of the mean, 0); 50 steps are far more than the quadratic
        // convergence of a concave two-parameter problem needs.
        let mean = Double(ones.count) / Double(points)
        var a = log(mean / (1 - mean)), b = 0.0
        var information = (aa: 0.0, ab: 0.0, bb: 0.0)
        for _ in 0..<50 {
            var (ga, gb) = (0.0, 0.0)
            information = (0, 0, 0)
            for (xi, yi) in zip(x, y) {
                let p = 1 / (1 + exp(-(a + b * xi))), w = p * (1 - p), r = (yi ? 1 : 0) - p
                ga += r
                gb += r * xi
                information.aa += w
                information.ab += w * xi
                information.bb += w * xi * xi
            }
            let det = information.aa * information.bb - information.ab * information.ab
            guard det > 0 else { break }
            let da = (information.bb * ga - information.ab * gb) / det, db = (information.aa * gb - information.ab * ga) / det
            a += da
            b += db
            if abs(da) + abs(db) < 1e-12 { break }
        }
        let det = information.aa * information.bb - information.ab * information.ab
        intercept = a
        slope = b
        standardError = det > 0 ? (information.aa / det).squareRoot() : .infinity
        lower = b - 1.96 * standardError
        upper = b + 1.96 * standardError
    }

    /// holds: [lower, upper] ⊂ band; fails: disjoint from band; inconclusive: overlapping — as
    /// `PowerLawFit.decide`.
    public func decide(band: ClosedRange<Double>) -> Verdict {
        if band.contains(lower) && band.contains(upper) { return .holds }
        if upper < band.lowerBound || lower > band.upperBound { return .fails }
        return .inconclusive
    }
}
