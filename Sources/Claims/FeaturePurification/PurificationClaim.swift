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
        /// When the predicate fails at D = 64: the exponents in D of each failing conjunct's quantity
        /// that approach the prediction (Proofs page, "Trend in D").
        static let robustErrorTrend = PredicateConstant.band("robustErrorVersusD.exponent", -.infinity...0)
        static let cleanErrorTrend = PredicateConstant.band("cleanErrorVersusD.exponent", -.infinity...0)
        static let massRatioTrend = PredicateConstant.band("massRatioVersusD.exponent", -.infinity...0)
        static let survives = PredicateConstant("medianMassAfter/medianMassBefore", .atLeast, 1, variant: .counterfactual)
    }
    public func ledger(_ run: ClaimRun) throws -> Ledger { try PurificationSetting.ledger(run.scale) }
    public var constants: [PredicateConstant] { [Bound.halving, Bound.accuracy, Bound.robust, Bound.level, PurificationSetting.radius]
        + Bound.robustErrorTrend + Bound.cleanErrorTrend + Bound.massRatioTrend + [Bound.survives] }

    /// The predicate's quantities on seed `seed` at d = D = `size`.
    static func measure(_ run: ClaimRun, seed: UInt64, size: Int) throws -> [String: Double] {
        let (clean, adversarial, data) = try PurificationSetting.runs(run.scale, seed: seed, size: size, parallelism: run.parallelism)
        func robust(_ e: ExperimentRun) -> Double {
            PurificationSetting.robustAccuracy(e, e.final, data, epsilon: PurificationSetting.epsilon, strong: true, parallelism: run.parallelism)
        }
        return ["D": Double(size), "medianMassBefore": PurificationSetting.medianMass(clean.final.weights, data),
                "medianMassAfter": PurificationSetting.medianMass(adversarial.final.weights, data),
                "testAccuracy": adversarial.final.accuracy(adversarial.test, run.parallelism),
                "robustTestAccuracy": robust(adversarial), "robustTestAccuracyClean": robust(clean),
                "robustTestAccuracyCertified": PurificationSetting.certifiedAccuracy(adversarial, parallelism: run.parallelism)]
    }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("robustTestAccuracy", .attack, decides: .robust,
                            how: "20-step PGD with 3 restarts and the dense attack: refutes \"robust\" (fails stand); a `holds` on it is capped at inconclusive"),
         RobustnessEvidence("robustTestAccuracyCertified", .certified, decides: .nothing, how: "linear-bound certificates (ℓ2 ε = 0.3, whole input space) of the adversarially trained net, reported"),
         RobustnessEvidence("robustTestAccuracyClean", .attack, decides: .nothing, how: "the clean-trained net under the same attacks, reported")]
    }

    /// The size sweep, used when the main trials fail (`PurificationSetting.sweepStage`).
    public func followUps(_ run: ClaimRun) -> [FollowUpStage] { PurificationSetting.sweepStage(run) }

    /// One seed at one size of the sweep.
    public func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue {
        let point = try PurificationSetting.sweepPoint(self, stage: stage, instance: instance)
        return UnitValue(values: try Self.measure(run, seed: point.seed, size: point.size))
    }

    /// The FP setting's configs, sweep, attacks and certificate (`PurificationSetting.protocolSettings`).
    public func protocolSettings(_ scale: Scale) -> [String: String] { PurificationSetting.protocolSettings(scale) }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        var result = try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: Bound.level.fractionDecision) { seed in
            let v = try Self.measure(run, seed: seed, size: PurificationSetting.mainSize)
            let (before, after) = (v["medianMassBefore"]!, v["medianMassAfter"]!)
            let satisfied = run.variant == .counterfactual ? Bound.survives.admits(after, times: before)
                : Bound.halving.admits(after, times: before) && Bound.accuracy.admits(v["testAccuracy"]!) && Bound.robust.admits(v["robustTestAccuracy"]!)
            return (satisfied, v, TheoremSetting.describe(PurificationSetting.config(run.scale, seed: seed, adversarial: true)))
        }
        guard run.variant == .claim, result.verdict == .fails else { return result }
        // The statement is asymptotic in d = D: decide it on the size sweep's trend (Proofs page).
        let points = try PurificationSetting.sweepPoints(self, run, main: result.trials)
        let robustError = { (v: [String: Double]) in 1 - v["robustTestAccuracy"]! }
        let cleanError = { (v: [String: Double]) in 1 - v["testAccuracy"]! }
        let massRatio = { (v: [String: Double]) in v["medianMassAfter"]! / v["medianMassBefore"]! }
        let (robust, clean, ratio) = (1 - points.medianAtLargest(robustError), 1 - points.medianAtLargest(cleanError), points.medianAtLargest(massRatio))
        for (key, value) in [("robustTestAccuracy", robust), ("testAccuracy", clean), ("massRatio", ratio)] {
            result.measurements["trend.\(key)@D=\(points.largest).median"] = value
        }
        result.verdict = result.trendOfFailingConjuncts(x: ("D", points.sizes), [
            ConjunctTrend("robustErrorVersusD", label: "robust error", values: points.all.map(robustError),
                          failsAtLargest: !Bound.robust.admits(robust), approaching: PredicateConstant.range(Bound.robustErrorTrend)),
            ConjunctTrend("cleanErrorVersusD", label: "clean error", values: points.all.map(cleanError),
                          failsAtLargest: !Bound.accuracy.admits(clean), approaching: PredicateConstant.range(Bound.cleanErrorTrend)),
            ConjunctTrend("massRatioVersusD", label: "mass after/before", values: points.all.map(massRatio),
                          failsAtLargest: !Bound.halving.admits(ratio), approaching: PredicateConstant.range(Bound.massRatioTrend)),
        ])
        return result
    }
}
