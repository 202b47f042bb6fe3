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
