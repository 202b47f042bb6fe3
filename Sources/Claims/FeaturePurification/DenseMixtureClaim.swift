import Engine

/// FP.denseMixture — clean training leaves dense mixtures in the hidden weights and a network that
/// is not robust at ε = 0.3 (Proofs/claims/FP.denseMixture.md).
public struct DenseMixtureClaim: Claim {
    public init() {}
    public let id = "FP.denseMixture"
    public let paper = Paper.featurePurification
    public let source = "clean training accumulates small dense mixtures (the non-robustness result)"
    public let statement = "after clean training the hidden weights carry dense mixtures besides their dictionary features, and the network is non-robust at a radius where a purified network is robust"
    public let predicate = "clean test acc ≥ 0.9, median dense-mixture mass (outside the top-s atoms) ≥ 0.25, robust test acc ≤ 0.5 at ε = 0.3 under the dense attack and 10-step PGD (Wilson 95% lower ≥ 0.75 of seeds)"
    public let counterfactual = "pure neurons after clean training (median mass ≤ 0.05) must fail"

    /// The predicate's constants (Proofs/claims/FP.denseMixture.md, "Pinned constants").
    enum Bound {
        static let accuracy = PredicateConstant("testAccuracy", .atLeast, 0.9)
        static let mass = PredicateConstant("medianMixtureMass", .atLeast, 0.25)
        static let robust = PredicateConstant("robustTestAccuracy", .atMost, 0.5)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        static let pure = PredicateConstant("medianMixtureMass", .atMost, 0.05, variant: .counterfactual)
    }
    public func ledger(_ run: ClaimRun) throws -> Ledger { try PurificationSetting.ledger(run.scale) }
    public var constants: [PredicateConstant] { [Bound.accuracy, Bound.mass, Bound.robust, Bound.level, PurificationSetting.radius, Bound.pure] }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("robustTestAccuracy", .attack, decides: .broken, how: "the dense attack and 10-step PGD at ε = 0.3")]
    }

    /// The FP setting's configs, sweep, attacks and certificate (`PurificationSetting.protocolSettings`).
    public func protocolSettings(_ scale: Scale) -> [String: String] { PurificationSetting.protocolSettings(scale) }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: Bound.level.fractionDecision) { seed in
            let (clean, data) = try PurificationSetting.clean(run.scale, seed: seed, parallelism: run.parallelism)
            let mass = PurificationSetting.medianMass(clean.final.weights, data)
            let accuracy = clean.final.accuracy(clean.test, run.parallelism)
            let robust = PurificationSetting.robustAccuracy(clean, clean.final, data, epsilon: PurificationSetting.epsilon, strong: false,
                                                            parallelism: run.parallelism)
            let satisfied = run.variant == .counterfactual ? Bound.pure.admits(mass)
                : Bound.accuracy.admits(accuracy) && Bound.mass.admits(mass) && Bound.robust.admits(robust)
            return (satisfied, ["testAccuracy": accuracy, "medianMixtureMass": mass, "robustTestAccuracy": robust],
                    TheoremSetting.describe(clean.config))
        }
    }
}
