/// The Wilson score interval for a binomial proportion (Wilson, 1927): with p̂ = s/n and the normal
/// quantile z,
///
///     centre = (p̂ + z²/2n) / (1 + z²/n),   half-width = z·√(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n).
///
/// Unlike the Wald interval it stays inside [0, 1] and keeps its coverage for s = 0 or s = n, the
/// cases a claim check meets most (all seeds satisfy the predicate, or none does): for s = n the
/// lower end is n/(n + z²).
public struct WilsonInterval: Codable, Equatable, Sendable {
    public let successes: Int
    public let trials: Int
    public let confidence: Double
    public let lower: Double
    public let upper: Double

    /// z for the two-sided confidence levels the suite uses (Φ⁻¹(1 − (1 − c)/2), to 7 digits).
    static func quantile(_ confidence: Double) -> Double {
        switch confidence {
        case 0.90: 1.6448536
        case 0.95: 1.9599640
        case 0.99: 2.5758293
        default: preconditionFailure("confidence \(confidence) is not one of 0.90, 0.95, 0.99")
        }
    }

    public init(successes s: Int, trials n: Int, confidence: Double = 0.95) {
        precondition(n > 0 && (0...n).contains(s), "need 0 ≤ successes ≤ trials, trials > 0")
        successes = s
        trials = n
        self.confidence = confidence
        let z = Self.quantile(confidence), p = Double(s) / Double(n), nn = Double(n)
        let denominator = 1 + z * z / nn
        let centre = (p + z * z / (2 * nn)) / denominator
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / denominator
        lower = s == 0 ? 0 : max(0, centre - half)
        upper = s == n ? 1 : min(1, centre + half)
    }
}
