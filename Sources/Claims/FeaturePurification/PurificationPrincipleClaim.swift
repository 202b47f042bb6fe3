import Engine

/// FP.purificationPrinciple — the clean weights are the adversarially trained ones plus a small
/// dense mixture: w = βw′ + v with ‖βw′‖ > ‖v‖ for most neurons and v denser than w′
/// (Proofs/claims/FP.purificationPrinciple.md).
public struct PurificationPrincipleClaim: Claim {
    public init() {}
    public let id = "FP.purificationPrinciple"
    public let paper = Paper.featurePurification
    public let source = "the feature-purification principle (abstract)"
    public let statement = "clean weights w = β·w′ + v with w′ the adversarially trained weights, ‖βw′‖ > ‖v‖ for most neurons, v a dense mixture"
    public let predicate = "β = ⟨w, w′⟩/‖w′‖²: more than half of the neurons have ‖βw′‖ > ‖v‖, and median mass(v) > median mass(w′) (Wilson 95% lower ≥ 0.75 of seeds)"
    public let counterfactual = "the same decomposition against a neuron of the other output sign must fail"

    /// The predicate's constants (Proofs/claims/FP.purificationPrinciple.md, "Pinned constants").
    enum Bound {
        static let dominant = PredicateConstant("fractionDominant", .above, 0.5)
        static let denser = PredicateConstant("medianResidualMass/medianPurifiedMass", .above, 1)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
    }
    public func ledger(_ run: ClaimRun) throws -> Ledger { try PurificationSetting.ledger(run.scale) }
    public var constants: [PredicateConstant] { [Bound.dominant, Bound.denser, Bound.level] }

    /// (fraction of rows r with ‖βw′‖ > ‖v‖, median mass of the residuals v) for w = clean row r and
    /// w′ = adversarial row partner(r).
    static func decomposition(_ clean: Matrix, _ adversarial: Matrix, _ data: SparseCodingData, partner: (Int) -> Int) -> (dominant: Double, residualMass: Double) {
        var dominant = 0, masses: [Double] = []
        for r in 0..<clean.rows {
            let w = (0..<clean.columns).map { clean[r, $0] }, p = (0..<clean.columns).map { adversarial[partner(r), $0] }
            let pp = p.reduce(0) { $0 + $1 * $1 }, wp = zip(w, p).reduce(0) { $0 + $1.0 * $1.1 }
            let beta = pp > 0 ? wp / pp : 0
            let v = zip(w, p).map { $0 - beta * $1 }
            if beta * beta * pp > v.reduce(0, { $0 + $1 * $1 }) { dominant += 1 }
            masses.append(PurificationSetting.mixtureMass(v, dictionary: data.dictionary, sparsity: data.config.sparsity))
        }
        return (Double(dominant) / Double(clean.rows), PurificationSetting.median(masses))
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: Bound.level.fractionDecision) { seed in
            let (clean, adversarial, data) = try PurificationSetting.runs(run.scale, seed: seed, parallelism: run.parallelism)
            let neurons = clean.final.weights.rows
            let partner: (Int) -> Int = run.variant == .claim ? { $0 } : { ($0 + neurons / 2) % neurons }
            let (dominant, residualMass) = Self.decomposition(clean.final.weights, adversarial.final.weights, data, partner: partner)
            let purifiedMass = PurificationSetting.medianMass(adversarial.final.weights, data)
            let satisfied = Bound.dominant.admits(dominant) && Bound.denser.admits(residualMass, times: purifiedMass)
            return (satisfied, ["fractionDominant": dominant, "medianResidualMass": residualMass, "medianPurifiedMass": purifiedMass],
                    TheoremSetting.describe(adversarial.config))
        }
    }
}
