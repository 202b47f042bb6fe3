/// Every registered claim, in the order `verify` runs them.
public enum ClaimRegistry {
    public static let all: [any Claim] = [
        LipschitzRatioClassifierClaim(),
        MemorizationNetworkClaim(),
        GridLowerBoundClaim(),
        DataSeparationClaim(),
        WeightDecompositionClaim(),
        FeatureAveragingClaim(),
        NonRobustnessClaim(),
        RobustSolutionClaim(),
        FeatureDecouplingClaim(),
        PaperReproductionClaim(),
        RealImagesClaim(),
        StandardTrainingClaim(),
        AdversarialTrainingClaim(),
        PhaseTransitionClaim(),
        TargetedAttacksClaim(),
        DenseMixtureClaim(),
        PurificationClaim(),
        PurificationPrincipleClaim(),
        LowComplexityClaim(),
    ]

    public static func claim(_ id: String) -> (any Claim)? { all.first { $0.id == id } }
}
