/// Every failure of the exact layer is a thrown `ExactError`: GMP is never allowed to abort the
/// process (it raises SIGFPE on a zero divisor and aborts on size overflow), so each operation that
/// could reach those paths checks its operands first and throws one of these instead.
public enum ExactError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A division, reciprocal or modulus by zero; `operation` names what was attempted.
    case divisionByZero(operation: String)
    /// Text that is not a number of the expected form.
    case parse(input: String, expected: String)
    /// A Double that is NaN or ±∞ where a finite value is required.
    case nonFinite(value: Double, operation: String)
    /// A value that cannot be represented in the target type (e.g. a fraction as an integer).
    case notRepresentable(value: String, target: String)
    /// An argument outside the domain of a function (e.g. the logarithm of a negative number).
    case domain(function: String, argument: String, allowed: String)
    /// A result whose size would exceed the limits of the representation.
    case overflow(operation: String, detail: String)
    /// A parameter outside its allowed range; `name` is the parameter as the caller spelled it.
    case invalidArgument(name: String, value: String, allowed: String)
    /// A linear system without a unique solution.
    case singular(rows: Int, columns: Int, rank: Int)
    /// Operands of incompatible shapes.
    case dimensionMismatch(operation: String, lhs: String, rhs: String)

    public var description: String {
        switch self {
        case let .divisionByZero(operation):
            return "division by zero in \(operation)"
        case let .parse(input, expected):
            return "cannot parse \"\(input)\": expected \(expected)"
        case let .nonFinite(value, operation):
            return "\(operation) needs a finite number, got \(value)"
        case let .notRepresentable(value, target):
            return "\(value) is not representable as \(target)"
        case let .domain(function, argument, allowed):
            return "\(function)(\(argument)) is undefined: the argument must be \(allowed)"
        case let .overflow(operation, detail):
            return "\(operation) overflows: \(detail)"
        case let .invalidArgument(name, value, allowed):
            return "invalid \(name) = \(value): allowed \(allowed)"
        case let .singular(rows, columns, rank):
            return "the \(rows)×\(columns) system is singular (rank \(rank) < \(columns)): no unique solution"
        case let .dimensionMismatch(operation, lhs, rhs):
            return "\(operation): incompatible shapes \(lhs) and \(rhs)"
        }
    }
}

/// Size limits that keep GMP away from its own abort paths.
public enum ExactLimits {
    /// The largest number of bits a single integer result may have (2³² bits = 512 MiB).
    public static let maxBits = 1 << 32
    /// The exponent range of `BigFloat`: a value m·2^e made by a construction, product, quotient,
    /// power or power-of-two scaling has e ≥ −2⁶¹ and its leading bit below 2^(2⁶¹), or the operation
    /// throws `ExactError.overflow`. With operands in range, exponent arithmetic (e₁ ± e₂) cannot
    /// overflow `Int`; a sum's leading bit is at most one above its larger operand's, so sums alone
    /// would need 2⁶¹ additions to reach `Int`'s limits.
    public static let maxBinaryExponent = 1 << 61
    /// The most entries a `RationalMatrix` may have (2²⁸: 2 GiB of references before any value is
    /// stored), so that a shape typo is an error rather than an allocation failure.
    public static let maxMatrixEntries = 1 << 28
}
