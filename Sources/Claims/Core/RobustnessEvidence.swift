import Engine

/// Which side of the truth one of a claim's robustness numbers lies on, and what it may decide
/// (Proofs/robustness.md, "Two sides"): exact numbers decide anything; certified numbers (lower
/// bounds on robust accuracy) prove "robust"; attack numbers (upper bounds) prove "broken"; a
/// comparison of two models' radii needs exact numbers on both.
public struct RobustnessEvidence: Codable, Equatable, Sendable {
    /// What the number decides in the claim's predicate.
    public enum Decides: String, Codable, Sendable {
        /// A "robust" conjunct (robust accuracy at least, success of an attack at most …).
        case robust
        /// A "not robust" conjunct (robust accuracy at most, a flip found, an attack succeeds …).
        case broken
        /// A comparison of two radii or accuracies (a ratio, an ordering).
        case comparison
        /// Nothing: reported beside the deciding numbers (an attack beside the exact radii).
        case nothing
    }

    /// The trial value or measurement (its name in the result), or a prefix ending in "*".
    public var quantity: String
    /// Exact, certified (a lower bound on robust accuracy) or attack (an upper bound).
    public var side: RadiusBracket.Side
    /// What the number decides in the predicate.
    public var decides: Decides
    /// How the number is obtained (attack, certificate, closed form …).
    public var how: String

    /// A declaration: the quantity (or prefix*), its side, what it decides, how it is obtained.
    public init(_ quantity: String, _ side: RadiusBracket.Side, decides: Decides, how: String) {
        self.quantity = quantity
        self.side = side
        self.decides = decides
        self.how = how
    }

    /// Whether a number on this side may decide what it is declared to decide.
    public var isDecisive: Bool {
        switch (decides, side) {
        case (.nothing, _), (_, .exact): true
        case (.robust, .certified), (.broken, .attack): true
        default: false
        }
    }

    /// Whether `name` (a trial value or measurement) is this declaration's quantity.
    public func names(_ name: String) -> Bool {
        quantity.hasSuffix("*") ? name.hasPrefix(quantity.dropLast()) : name == quantity
    }

    /// The declarations of `evidence` that decide on the wrong side, as readable lines.
    public static func violations(_ evidence: [RobustnessEvidence]) -> [String] {
        evidence.filter { !$0.isDecisive }.map {
            "\($0.quantity): a \($0.side.rawValue) number cannot decide a \($0.decides.rawValue) conjunct"
        }
    }
}

extension ClaimResult {
    /// A result decided on certified numbers (the "robust" side), bracketed by the same predicate
    /// on attack numbers (Proofs/robustness.md, "Two sides"): where the certified verdict is not
    /// `holds` but some seed satisfies the predicate on the attack side, the truth lies in between —
    /// the verdict becomes `inconclusive` unless the attack numbers themselves refute the claim
    /// (`fails` stands). Only for the claim, never its counterfactual.
    public mutating func bracketByAttackNumbers(_ run: ClaimRun, decision: Decision, satisfiedOnAttacks: (Trial) -> Bool) {
        guard run.variant == .claim, verdict != .holds, verdict != .outOfRegime else { return }
        let onAttacks = trials.map { Trial(seed: $0.seed, satisfied: satisfiedOnAttacks($0), values: $0.values, config: $0.config) }
        let attackVerdict = decision.decide(onAttacks).verdict
        let uncertified = zip(onAttacks, trials).filter { $0.satisfied && !$1.satisfied }.count
        guard uncertified > 0, attackVerdict != .fails else { return }
        verdict = .inconclusive
        summary += "; on attack numbers \(onAttacks.filter(\.satisfied).count)/\(onAttacks.count) (\(attackVerdict.rawValue)): "
            + "\(uncertified) seed(s) satisfy the predicate on the attack side, not on certified numbers"
    }
}
