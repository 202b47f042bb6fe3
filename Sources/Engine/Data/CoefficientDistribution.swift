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

    public func sample(_ stream: inout RandomStream) -> Double {
        lower == upper ? lower : lower + (upper - lower) * stream.uniform()
    }

    func validate(_ field: String) throws {
        try ConfigError.require(lower.isFinite && lower > 0, field + ".lower", lower, "a finite coefficient > 0")
        try ConfigError.require(upper.isFinite && upper >= lower, field + ".upper", upper, "finite and ≥ lower = \(lower)")
    }
}
