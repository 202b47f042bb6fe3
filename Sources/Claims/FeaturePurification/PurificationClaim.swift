import Engine

/// FP.purification — FGM adversarial training, continued from the clean weights, halves the
/// dense-mixture mass and is robust at ε = 0.3 against PGD with restarts and the dense attack
/// (Proofs/claims/FP.purification.md).
public struct PurificationClaim: Claim {
    public init() {}
    public let id = "FP.purification"
    public let paper = Paper.featurePurification
    public let source = "adversarial training (even FGM) purifies the weights and is robust at the same radius"
    public let statement = "FGM adversarial training removes the dense mixtures and makes the network robust at ε against any perturbation"
    public let predicate = "median mass after ≤ ½·before, clean test acc ≥ 0.9, robust test acc ≥ 0.9 at ε = 0.3 under 20-step PGD with 3 restarts and the dense attack (Wilson 95% lower ≥ 0.75 of seeds)"
    public let counterfactual = "the mixture survives (median mass after ≥ before) must fail"

    /// The predicate's constants (Proofs/claims/FP.purification.md, "Pinned constants").
    enum Bound {
        static let halving = PredicateConstant("medianMassAfter/medianMassBefore", .atMost, 0.5)
        static let accuracy = PredicateConstant("testAccuracy", .atLeast, 0.9)
        static let robust = PredicateConstant("robustTestAccuracy", .atLeast, 0.9)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        static let survives = PredicateConstant("medianMassAfter/medianMassBefore", .atLeast, 1, variant: .counterfactual)
    }
    public func ledger(_ run: ClaimRun) throws -> Ledger { try PurificationSetting.ledger(run.scale) }
    public var constants: [PredicateConstant] { [Bound.halving, Bound.accuracy, Bound.robust, Bound.level, PurificationSetting.radius, Bound.survives] }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: Bound.level.fractionDecision) { seed in
            let (clean, adversarial, data) = try PurificationSetting.runs(run.scale, seed: seed, parallelism: run.parallelism)
            let before = PurificationSetting.medianMass(clean.final.weights, data)
            let after = PurificationSetting.medianMass(adversarial.final.weights, data)
            let accuracy = adversarial.final.accuracy(adversarial.test, run.parallelism)
            func robust(_ e: ExperimentRun) -> Double {
                PurificationSetting.robustAccuracy(e, e.final, data, epsilon: PurificationSetting.epsilon, strong: true, parallelism: run.parallelism)
            }
            let (robustAfter, robustBefore) = (robust(adversarial), robust(clean))
            let satisfied = run.variant == .counterfactual ? Bound.survives.admits(after, times: before)
                : Bound.halving.admits(after, times: before) && Bound.accuracy.admits(accuracy) && Bound.robust.admits(robustAfter)
            return (satisfied, ["medianMassBefore": before, "medianMassAfter": after, "testAccuracy": accuracy,
                                "robustTestAccuracy": robustAfter, "robustTestAccuracyClean": robustBefore],
                    TheoremSetting.describe(adversarial.config))
        }
    }
}
