/// The distribution of a positive feature coefficient (α_p or β_p of the patch model): uniform on
/// [lower, upper], a constant when lower = upper (our default: constants).
public struct CoefficientRange: Codable, Equatable, Sendable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public static func constant(_ value: Double) -> CoefficientRange { CoefficientRange(lower: value, upper: value) }

    /// E[c^τ] for c uniform on [lower, upper] (c^τ for a constant): the density sums Σ_p E[β_p^τ].
    public func meanPower(_ tau: Double) -> Double {
        guard upper > lower else { return Double.pow(lower, tau) }
        return (Double.pow(upper, tau + 1) - Double.pow(lower, tau + 1)) / ((tau + 1) * (upper - lower))
    }

    public func sample(_ stream: inout RandomStream) -> Double {
        lower == upper ? lower : lower + (upper - lower) * stream.uniform()
    }

    func validate(_ field: String) throws {
        try ConfigError.require(lower.isFinite && lower > 0, field + ".lower", lower, "a finite coefficient > 0")
        try ConfigError.require(upper.isFinite && upper >= lower, field + ".upper", upper, "finite and ≥ lower = \(lower)")
    }
}
