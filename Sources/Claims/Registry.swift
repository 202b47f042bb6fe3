import Synchronization

/// Every registered claim, in the order `verify` runs them: the suite's own (`all`), and the claims
/// the command line works on (`active`) — the same list, or a package's own claims given to
/// `TheoryCheckCommand.main(claims:)` (docs/writing-a-claim.md).
public enum ClaimRegistry {
    public static let all: [any Claim] = [
        LipschitzRatioClassifierClaim(),
        MemorizationNetworkClaim(),
        GridLowerBoundClaim(),
        DataSeparationClaim(),
        WeightDecompositionClaim(),
        FeatureAveragingClaim(),
        PaperInitializationClaim(),
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

    private static let chosen = Mutex<[any Claim]?>(nil)

    /// The claims `verify`, `claims` and `regress` work on: `all` unless `use(_:)` chose others.
    public static var active: [any Claim] { chosen.withLock { $0 } ?? all }

    /// Makes `claims` the active registry (ids must be unique). Call before running a command.
    public static func use(_ claims: [any Claim]) {
        precondition(Set(claims.map(\.id)).count == claims.count, "claim ids must be unique")
        chosen.withLock { $0 = claims }
    }

    /// The active claim with this id.
    public static func claim(_ id: String) -> (any Claim)? { active.first { $0.id == id } }

    /// The papers of the active claims, in order of first appearance.
    public static var papers: [Paper] {
        active.reduce(into: [Paper]()) { list, claim in if !list.contains(claim.paper) { list.append(claim.paper) } }
    }
}
