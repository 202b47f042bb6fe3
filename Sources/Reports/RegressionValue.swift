/// One recorded quantity of a regression baseline: a float compared with a relative tolerance, or
/// an integer / text (verdicts, counts) compared exactly.
public enum RegressionValue: Equatable, Sendable, CustomStringConvertible {
    case float(Double)
    case integer(Int)
    case text(String)

    public var description: String {
        switch self {
        case let .float(x): x.isFinite ? "\(x)" : "\"\(x)\""
        case let .integer(n): "\(n)"
        case let .text(s): "\"\(s)\""
        }
    }
}

/// The quantities of one regression case, by name.
public typealias RegressionRecord = [String: RegressionValue]
