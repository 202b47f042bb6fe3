/// One hypothesis of a theorem, instantiated (docs/methodology.md §1): a named condition on the resolved
/// config, with the constant that makes it finite and where that constant comes from.
///
/// The paper states a hypothesis in orders ("d ≥ poly(k)", "σ = Θ(1)", "α_p ≫ β_p′"); a check needs
/// a number. `origin` says whether the number is the paper's own or our instantiation (whose reason
/// is on the claim's Proofs page), and `introducedAfter` records the verdict that was already seen
/// when a hypothesis or its constant was introduced — so that a condition added to excuse a `fails`
/// is marked as such wherever the ledger is shown.
public struct Hypothesis: Sendable, Hashable, Codable {
    /// Whose constant the finite condition uses.
    public enum Origin: String, Sendable, Hashable, Codable, CaseIterable {
        /// The source (a paper, a book, a theorem's statement) states this condition with this constant.
        case paper
        /// The source states an order (poly(d), "sufficiently large"); the constant is ours (reason
        /// on the Proofs page).
        case instantiation
        /// The statement needs it to be defined at all (a divisor nonzero, an angle between nonzero
        /// vectors), whether or not the source says so.
        case definition
        /// Not in the source: a condition the check adds — a regime in which its finite predicate
        /// means what the statement means, or a restriction of the checker's own (exact arithmetic
        /// needs ReLU). The reason must say why; the report shows the origin, so a reader sees that
        /// the verdict is conditional on it.
        case assumption
    }

    /// A short name, e.g. "non-robust features denser".
    public let name: String
    /// The condition as the paper states it.
    public let statement: String
    /// The finite condition: the measured quantity, its relation and bound.
    public let condition: PredicateConstant
    /// The paper's constant, or our instantiation of an order.
    public let origin: Origin
    /// Why this constant: a reference for `.paper`, the reason for the others.
    public let reason: String
    /// The verdict that had been seen when this hypothesis (or its constant) was introduced; nil for
    /// one written with the derivation, before any confirmatory run.
    public let introducedAfter: String?

    /// A hypothesis: its name, the paper's wording, the finite condition, its origin and reason.
    public init(_ name: String, statement: String, _ condition: PredicateConstant, origin: Origin, reason: String,
                introducedAfter: String? = nil) {
        self.name = name
        self.statement = statement
        self.condition = condition
        self.origin = origin
        self.reason = reason
        self.introducedAfter = introducedAfter
    }

    /// The hypothesis checked on a measured value of its quantity, in a named setting.
    public func check(_ value: Double, setting: String) -> HypothesisCheck {
        HypothesisCheck(hypothesis: self, value: value, setting: setting)
    }
}

/// A hypothesis checked on one resolved setting: the ledger's row.
public struct HypothesisCheck: Sendable, Hashable, Codable {
    /// The hypothesis checked.
    public let hypothesis: Hypothesis
    /// The quantity's value in the setting.
    public let value: Double
    /// Which setting ("at-phase", "d = 512, k = 8", …).
    public let setting: String
    /// Whether the value meets the condition (else the verdict is `outOfRegime`).
    public var satisfied: Bool { hypothesis.condition.admits(value) }

    /// The row for `value` measured in `setting`.
    public init(hypothesis: Hypothesis, value: Double, setting: String) {
        self.hypothesis = hypothesis
        self.value = value
        self.setting = setting
    }

    /// The condition with its value filled in: "quantity = value ≤ bound".
    public var condition: String {
        let c = hypothesis.condition
        return "\(c.quantity) = \(PredicateConstant.display(value)) \(satisfied ? "" : "not ")\(c.relation.rawValue) \(PredicateConstant.text(c.bound))"
    }

    /// Where the constant comes from, and the verdict seen before it, when there was one.
    public var provenance: String {
        hypothesis.origin.rawValue + (hypothesis.introducedAfter.map { "; introduced after: \($0)" } ?? "")
    }

    /// "name: quantity = value (relation bound) in setting".
    public var description: String {
        let c = hypothesis.condition
        return "\(hypothesis.name): \(c.quantity) = \(PredicateConstant.display(value)) (needs \(c.relation.rawValue) \(PredicateConstant.text(c.bound))) in \(setting)"
    }
}

/// The hypotheses ledger of a claim at a scale: every hypothesis checked on every setting the claim
/// runs. A claim whose ledger has a violated row is `outOfRegime`, naming the row, and never `fails`.
public struct Ledger: Sendable, Hashable, Codable {
    /// The rows, in the order shown.
    public var checks: [HypothesisCheck]

    /// A ledger of these rows (empty: a claim whose theorem has no checkable hypothesis).
    public init(_ checks: [HypothesisCheck] = []) { self.checks = checks }

    /// The rows whose condition fails.
    public var violated: [HypothesisCheck] { checks.filter { !$0.satisfied } }

    /// Throws `OutOfRegime` naming every violated hypothesis.
    public func requireRegime() throws {
        let bad = violated
        guard bad.isEmpty else { throw OutOfRegime(bad.map(\.description).joined(separator: "; ")) }
    }

    /// Both ledgers' rows.
    public static func + (a: Ledger, b: Ledger) -> Ledger { Ledger(a.checks + b.checks) }

    /// One row per hypothesis: its value in the setting where it is least safely satisfied (or
    /// violated), over every setting a claim runs — so a sweep's ledger stays one line per condition
    /// and still names the setting that decides it.
    public static func worstCase<Setting>(_ hypotheses: [(Hypothesis, (Setting) throws -> Double)],
                                          over settings: [(name: String, setting: Setting)]) throws -> Ledger {
        var checks: [HypothesisCheck] = []
        for (hypothesis, measure) in hypotheses {
            var worst: HypothesisCheck?
            for (name, setting) in settings {
                let check = hypothesis.check(try measure(setting), setting: name)
                if worst.map({ hypothesis.condition.margin(check.value) < hypothesis.condition.margin($0.value) }) ?? true { worst = check }
            }
            if let worst { checks.append(worst) }
        }
        return Ledger(checks)
    }
}
