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
        /// When the predicate fails at D = 64: the exponents in D that approach it (Proofs page).
        static let cosineTrend = PredicateConstant.band("medianCosineVersusD.exponent", 0...Double.infinity)
        static let densityTrend = PredicateConstant.band("massRatioVersusD.exponent", 0...Double.infinity)
    }
    public func ledger(_ run: ClaimRun) throws -> Ledger { try PurificationSetting.ledger(run.scale) }
    public var constants: [PredicateConstant] { [Bound.dominant, Bound.denser, Bound.level] + Bound.cosineTrend + Bound.densityTrend }

    /// (fraction of rows r with ‖βw′‖ > ‖v‖, median mass of the residuals v, median |cos(w, w′)|)
    /// for w = clean row r and w′ = adversarial row partner(r); ‖βw′‖ > ‖v‖ ⟺ |cos(w, w′)| > 1/√2.
    static func decomposition(_ clean: Matrix, _ adversarial: Matrix, _ data: SparseCodingData, partner: (Int) -> Int)
        -> (dominant: Double, residualMass: Double, medianCosine: Double) {
        var dominant = 0, masses: [Double] = [], cosines: [Double] = []
        for r in 0..<clean.rows {
            let w = (0..<clean.columns).map { clean[r, $0] }, p = (0..<clean.columns).map { adversarial[partner(r), $0] }
            let pp = p.reduce(0) { $0 + $1 * $1 }, wp = zip(w, p).reduce(0) { $0 + $1.0 * $1.1 }
            let beta = pp > 0 ? wp / pp : 0
            let v = zip(w, p).map { $0 - beta * $1 }
            let ww = w.reduce(0) { $0 + $1 * $1 }
            cosines.append(pp > 0 && ww > 0 ? abs(wp) / (pp * ww).squareRoot() : 0)
            if beta * beta * pp > v.reduce(0, { $0 + $1 * $1 }) { dominant += 1 }
            masses.append(PurificationSetting.mixtureMass(v, dictionary: data.dictionary, sparsity: data.config.sparsity))
        }
        return (Double(dominant) / Double(clean.rows), PurificationSetting.median(masses), PurificationSetting.median(cosines))
    }

    /// The predicate's quantities on seed `seed` at d = D = `size`, and whether it holds.
    static func measure(_ run: ClaimRun, seed: UInt64, size: Int) throws -> (satisfied: Bool, values: [String: Double]) {
        let (clean, adversarial, data) = try PurificationSetting.runs(run.scale, seed: seed, size: size, parallelism: run.parallelism)
        let neurons = clean.final.weights.rows
        let partner: (Int) -> Int = run.variant == .claim ? { $0 } : { ($0 + neurons / 2) % neurons }
        let (dominant, residualMass, cosine) = decomposition(clean.final.weights, adversarial.final.weights, data, partner: partner)
        let purifiedMass = PurificationSetting.medianMass(adversarial.final.weights, data)
        return (Bound.dominant.admits(dominant) && Bound.denser.admits(residualMass, times: purifiedMass),
                ["D": Double(size), "fractionDominant": dominant, "medianResidualMass": residualMass, "medianPurifiedMass": purifiedMass,
                 "medianCosine": cosine])
    }

    /// The size sweep, used when the main trials fail (`PurificationSetting.sweepStage`).
    public func followUps(_ run: ClaimRun) -> [FollowUpStage] { PurificationSetting.sweepStage(run) }

    /// One seed at one size of the sweep.
    public func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue {
        let point = try PurificationSetting.sweepPoint(self, stage: stage, instance: instance)
        return UnitValue(values: try Self.measure(run, seed: point.seed, size: point.size).values)
    }

    /// The FP setting's configs, sweep, attacks and certificate (`PurificationSetting.protocolSettings`).
    public func protocolSettings(_ scale: Scale) -> [String: String] { PurificationSetting.protocolSettings(scale) }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        var result = try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: Bound.level.fractionDecision) { seed in
            let (satisfied, values) = try Self.measure(run, seed: seed, size: PurificationSetting.mainSize)
            return (satisfied, values, TheoremSetting.describe(PurificationSetting.config(run.scale, seed: seed, adversarial: true)))
        }
        guard run.variant == .claim, result.verdict == .fails else { return result }
        // The statement is asymptotic in d = D: decide it on the size sweep's trend (Proofs page).
        let points = try PurificationSetting.sweepPoints(self, run, main: result.trials)
        let density = { (v: [String: Double]) in v["medianResidualMass"]! / v["medianPurifiedMass"]! }
        let dominant = points.medianAtLargest { $0["fractionDominant"]! }, denser = points.medianAtLargest(density)
        result.measurements["trend.fractionDominant@D=\(points.largest).median"] = dominant
        result.measurements["trend.medianCosine@D=\(points.largest).median"] = points.medianAtLargest { $0["medianCosine"]! }
        result.measurements["trend.massRatio@D=\(points.largest).median"] = denser
        result.verdict = result.trendOfFailingConjuncts(x: ("D", points.sizes), [
            ConjunctTrend("medianCosineVersusD", label: "median |cos(w, w′)|", values: points.all.map { $0["medianCosine"]! },
                          failsAtLargest: !Bound.dominant.admits(dominant), approaching: PredicateConstant.range(Bound.cosineTrend)),
            ConjunctTrend("massRatioVersusD", label: "mass(v)/mass(w′)", values: points.all.map(density),
                          failsAtLargest: !Bound.denser.admits(denser), approaching: PredicateConstant.range(Bound.densityTrend)),
        ])
        return result
    }
}
