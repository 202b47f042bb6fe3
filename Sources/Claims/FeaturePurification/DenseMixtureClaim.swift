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

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: .fraction(level: 0.75)) { seed in
            let (clean, data) = try PurificationSetting.clean(run.scale, seed: seed, parallelism: run.parallelism)
            let mass = PurificationSetting.medianMass(clean.final.weights, data)
            let accuracy = clean.final.accuracy(clean.test, run.parallelism)
            let robust = PurificationSetting.robustAccuracy(clean, clean.final, data, epsilon: PurificationSetting.epsilon, strong: false,
                                                            parallelism: run.parallelism)
            let satisfied = run.variant == .counterfactual ? mass <= 0.05 : accuracy >= 0.9 && mass >= 0.25 && robust <= 0.5
            return (satisfied, ["testAccuracy": accuracy, "medianMixtureMass": mass, "robustTestAccuracy": robust],
                    TheoremSetting.describe(clean.config))
        }
    }
}
