import Exact
import Foundation

/// A named constant of a claim's finite-d predicate (docs/methodology.md §2): the bound one measured
/// quantity is compared with — a threshold (robust test accuracy ≥ 0.9), a ratio (ρ_u ≥ 2·ρ_v), an
/// end of a scaling band (exponent ≤ 0) or a decision level (Wilson lower bound ≥ 0.75).
///
/// Declared once per claim (`Claim.constants`), read by the claim's decision, and pinned against the
/// table on the claim's Proofs page by `PredicateConstantTests`: a constant cannot change in the code
/// without the derivation changing with it, nor the other way round.
public struct PredicateConstant: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the measured quantity is compared with the bound.
    public enum Relation: String, Sendable, Codable, CaseIterable {
        case atLeast = "≥", atMost = "≤", above = ">", below = "<", equals = "="
    }

    /// The measured quantity, named as in the trial values where it is recorded.
    public let quantity: String
    /// ≥, ≤, >, < or =.
    public let relation: Relation
    /// The constant itself (±∞ allowed for an open band).
    public let bound: Double
    /// Whether the claim or its counterfactual states it.
    public let variant: ClaimVariant

    /// A constant of the claim's predicate (or, with `variant: .counterfactual`, of its counterfactual).
    public init(_ quantity: String, _ relation: Relation, _ bound: Double, variant: ClaimVariant = .claim) {
        self.quantity = quantity
        self.relation = relation
        self.bound = bound
        self.variant = variant
    }

    /// Whether x stands in the relation to the bound (NaN never does).
    public func admits(_ x: Double) -> Bool {
        switch relation {
        case .atLeast: x >= bound
        case .atMost: x <= bound
        case .above: x > bound
        case .below: x < bound
        case .equals: x == bound
        }
    }

    /// How far x lies inside the relation (negative: outside; −∞ for NaN): x − bound for ≥ and >,
    /// bound − x for ≤ and <, −|x − bound| for =. Ranks settings from the most to the least safely
    /// inside (a ledger shows the worst).
    public func margin(_ x: Double) -> Double {
        guard !x.isNaN else { return -.infinity }
        switch relation {
        case .atLeast, .above: return x - bound
        case .atMost, .below: return bound - x
        case .equals: return -abs(x - bound)
        }
    }

    /// Whether x stands in the relation to bound·y, for constants that are factors between two
    /// measured quantities (ρ_u ≥ 2·ρ_v is `admits(ρ_u, times: ρ_v)`): no division, so y = 0 is fine.
    public func admits(_ x: Double, times y: Double) -> Bool {
        PredicateConstant(quantity, relation, bound * y, variant: variant).admits(x)
    }

    /// Whether x stands in the relation to y + bound, for constants that are margins over a measured
    /// quantity (≤ p_maj + 0.05 is `admits(best, plus: p_maj)`): the sum is formed as the
    /// comparison has always formed it, so a boundary case does not move by a rounding of x − y.
    public func admits(_ x: Double, plus y: Double) -> Bool {
        PredicateConstant(quantity, relation, y + bound, variant: variant).admits(x)
    }

    /// The band [lower, upper] of a scaling exponent as its two constants (an infinite end is kept,
    /// so the table says so).
    public static func band(_ quantity: String, _ range: ClosedRange<Double>, variant: ClaimVariant = .claim) -> [PredicateConstant] {
        [PredicateConstant(quantity + ".lower", .atLeast, range.lowerBound, variant: variant),
         PredicateConstant(quantity + ".upper", .atMost, range.upperBound, variant: variant)]
    }

    /// The range that `band` split into two constants.
    public static func range(_ pair: [PredicateConstant]) -> ClosedRange<Double> {
        precondition(pair.count == 2 && pair[0].relation == .atLeast && pair[1].relation == .atMost, "not a band")
        return pair[0].bound...pair[1].bound
    }

    /// The bound as the exact decimal its shortest text denotes (0.99 → 99/100, not the Double
    /// nearest to it), for predicates decided in rationals.
    public func exactDecimal() throws -> Rational { try Rational(parsing: "\(bound)") }

    /// The Wilson decision of a w.h.p. claim, from its level constant.
    public var fractionDecision: Decision { .fraction(level: bound) }

    /// "quantity relation bound".
    public var description: String { "\(quantity) \(relation.rawValue) \(PredicateConstant.text(bound))" }

    /// A bound as the Proofs tables write it: shortest round-trip digits, "∞" and "−∞".
    public static func text(_ x: Double) -> String {
        if x == .infinity { return "∞" }
        if x == -.infinity { return "−∞" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    /// A measured value for display: integers as such, others to 6 significant digits.
    public static func display(_ x: Double) -> String {
        if !x.isFinite || (x == x.rounded() && abs(x) < 1e15) { return text(x) }
        return String(format: "%.6g", x)
    }

    /// Parses what `text` writes (and "-inf", "inf", a leading "−" or "-").
    public static func parse(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "−", with: "-")
        switch t {
        case "∞", "inf", "+∞": return .infinity
        case "-∞", "-inf": return -.infinity
        default: return Double(t)
        }
    }
}
