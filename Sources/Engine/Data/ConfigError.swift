/// An invalid configuration: names the field as the user spells it, the value, and what is allowed.
/// The CLI turns it into exit status 2 before anything is written.
public struct ConfigError: Error, Equatable, CustomStringConvertible, Sendable {
    public let field: String
    public let value: String
    public let allowed: String

    public init(field: String, value: String, allowed: String) {
        self.field = field
        self.value = value
        self.allowed = allowed
    }

    public var description: String { "invalid \(field) = \(value): allowed \(allowed)" }

    /// The training and test set sizes every data model has.
    static func requireSampleCounts(train: Int, test: Int, prefix: String) throws {
        try require(train >= 1 && train <= 10_000_000, prefix + "trainSamples", train, "1 … 10000000")
        try require(test >= 0 && test <= 10_000_000, prefix + "testSamples", test, "0 … 10000000")
    }

    /// Throws unless `condition`.
    static func require(_ condition: Bool, _ field: String, _ value: Any, _ allowed: String) throws {
        if !condition { throw ConfigError(field: field, value: "\(value)", allowed: allowed) }
    }
}

/// A training divergence: a NaN or ±∞ appeared; names the step and the quantity.
public struct DivergenceError: Error, Equatable, CustomStringConvertible, Sendable {
    public let step: Int
    public let quantity: String
    public let value: Double

    public var description: String { "training diverged at step \(step): \(quantity) = \(value)" }
}
