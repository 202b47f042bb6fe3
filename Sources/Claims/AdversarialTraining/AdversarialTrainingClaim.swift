import Engine

/// AT.adversarialTraining — Theorem 2 of Li & Li: adversarial training (in the non-robust-feature
/// threat model) reaches adversarial training accuracy 1, learns the robust features (ρ_u ≥ 2ρ_v
/// per class) and is robust on the test set (Proofs/claims/AT.adversarialTraining.md).
public struct AdversarialTrainingClaim: Claim {
    public init() {}
    public let id = "AT.adversarialTraining"
    public let paper = Paper.adversarialTraining
    public let source = "Theorem 2 (adversarial training → robust global minima)"
    public let statement = "adversarial training accuracy 1; max_r⟨w_{i,r}, u_i⟩/‖u_i‖ ≫ max_r⟨w_{i,r}, v_i⟩/‖v_i‖; clean and robust test accuracy high"
    public let predicate = "robust train acc = 1, clean test acc ≥ 0.95, robust test acc ≥ 0.9 under NRF-PGD and under −β·v_y erasure (per-patch ε = 0.75 within span{v}), ρ_u ≥ 2·ρ_v for every class (Wilson 95% lower ≥ 0.75 of seeds)"
    public let counterfactual = "the reversed inequality ρ_v ≥ 2·ρ_u for every class must fail"

    /// The predicate's constants (Proofs/claims/AT.adversarialTraining.md, "Pinned constants").
    enum Bound {
        static let robustTrain = PredicateConstant("robustTrainAccuracy", .equals, 1)
        static let clean = PredicateConstant("testAccuracy", .atLeast, 0.95)
        static let robustNRF = PredicateConstant("robustTestAccuracyNRF", .atLeast, 0.9)
        static let robustErased = PredicateConstant("robustTestAccuracyErased", .atLeast, 0.9)
        static let ratio = PredicateConstant("minRobustOverNonRobust", .atLeast, 2)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        static let inverse = PredicateConstant("minNonRobustOverRobust", .atLeast, 2, variant: .counterfactual)
    }
    public var constants: [PredicateConstant] {
        [Bound.robustTrain, Bound.clean, Bound.robustNRF, Bound.robustErased, Bound.ratio, Bound.level, Bound.inverse]
    }

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let config = PhaseSetting.config(run.scale, seed: 1)
        return try PhaseSetting.ledger([(config.preset, config)], introducedAfter: "AT.adversarialTraining holds 12/12 at standard (2026-11-23)")
    }

    /// The strongest attack run in the threat model: 10-step targeted-margin PGD toward every
    /// other class, steps ε/4 (the probe's attack, evaluated on the final model).
    static let evaluation = AttackConfig(norm: .l2, steps: 10, stepSizeFactor: 0.25, start: .none, objective: .targetedMargin,
                                         subspace: .nonRobust)

    /// The same attack in the whole patch space (reported, predicted to break every net).
    static var fullSpace: AttackConfig {
        var attack = evaluation
        attack.subspace = .full
        return attack
    }
    /// Robust training accuracy is measured on the first this many training samples.
    static let trainSubset = 200

    /// The config (seed 0; the units carry it), the attacks, the training subset and the certificate.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        ["config": ClaimProtocol.setting(PhaseSetting.config(scale, seed: 0)), "attack.evaluation": ClaimProtocol.setting(Self.evaluation),
         "attack.fullSpace": ClaimProtocol.setting(Self.fullSpace), "trainSubset": "\(Self.trainSubset)",
         "certificate": "LinearBoundCertificate (linear bounds with optimised slopes), ε per patch within span{v}",
         "erasure": "−β_max·v_y on every non-robust patch"]
    }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("robustTrainAccuracyCertified", .certified, decides: .robust, how: "linear-bound certificates, ε per patch within span{v}"),
         RobustnessEvidence("robustTestAccuracyCertified", .certified, decides: .robust, how: "linear-bound certificates, ε per patch within span{v}"),
         RobustnessEvidence("robustTrainAccuracy", .attack, decides: .broken, how: "NRF-PGD; refutes in the attack-number fallback"),
         RobustnessEvidence("robustTestAccuracyNRF", .attack, decides: .broken, how: "NRF-PGD; refutes in the attack-number fallback"),
         RobustnessEvidence("robustTestAccuracyErased", .exact, decides: .robust, how: "the fixed perturbation −β·v_y on every non-robust patch, evaluated exactly"),
         RobustnessEvidence("robustTestAccuracyFullSpace", .attack, decides: .nothing, how: "PGD in the whole patch space, reported")]
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        var result = try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: Bound.level.fractionDecision) { seed in
            let config = PhaseSetting.config(run.scale, seed: seed).recordingFirstAndLast()  // in regime: the ledger checked it (seed-independent)
            guard case let .patchStructured(data) = config.data else { preconditionFailure() }
            let e = try PhaseSetting.run(config, parallelism: run.parallelism)
            let (ru, rv) = PhaseSetting.correlations(e, e.final.weights)
            let minRatio = zip(ru, rv).map { $1 > 0 ? $0 / $1 : .infinity }.min()!
            let minInverse = zip(ru, rv).map { $0 > 0 ? $1 / $0 : .infinity }.min()!
            let epsilon = config.adversarialTraining.epsilon
            let trainSubset = e.train.subset(Array(0..<min(Self.trainSubset, e.train.count)))
            let robustTrain = PhaseSetting.robustAccuracy(e, e.final, trainSubset, epsilon: epsilon,
                                                          attack: Self.evaluation, label: "train", parallelism: run.parallelism)
            let robustTest = PhaseSetting.robustAccuracy(e, e.final, e.test, epsilon: epsilon, attack: Self.evaluation,
                                                         label: "test", parallelism: run.parallelism)
            let v = e.data.probeFeatures.first { $0.name == "nonRobustCorrelation" }!.features
            let erased = Attacks.negativeNonRobust(inputs: e.test.inputs, labels: e.test.labels, nonRobustFeatures: v,
                                                   patches: data.robustPatches..<(data.robustPatches + data.nonRobustPatches),
                                                   epsilon: data.beta.upper)
            let erasedSamples = RobustAccuracy.robustSamples(e.final, e.test, perturbed: erased, parallelism: run.parallelism)
            let robustErased = Double(erasedSamples.filter { $0 }.count) / Double(erasedSamples.count)
            let fullSpace = Self.fullSpace
            let robustFull = PhaseSetting.robustAccuracy(e, e.final, e.test, epsilon: epsilon, attack: fullSpace,
                                                         label: "full", parallelism: run.parallelism)
            let clean = e.final.accuracy(e.test, run.parallelism)
            // The certified side (Proofs/robustness.md, "Linear bounds"): a lower bound on
            // robust test accuracy in the same threat model (ε per patch within span{v}).
            func certifiedFraction(_ set: Dataset) -> Double {
                let certified = LinearBoundCertificate.certified(e.final, set, epsilon: epsilon, basis: v, parallelism: run.parallelism)
                return Double(certified.filter { $0 }.count) / Double(certified.count)
            }
            let (robustCertified, robustTrainCertified) = (certifiedFraction(e.test), certifiedFraction(trainSubset))
            let satisfied = run.variant == .counterfactual ? Bound.inverse.admits(minInverse)
                : Self.satisfies(robustTrain: robustTrainCertified, clean: clean, robustTest: robustCertified, erased: robustErased, ratio: minRatio)
            return (satisfied, ["robustTrainAccuracy": robustTrain, "testAccuracy": clean, "robustTestAccuracyNRF": robustTest,
                                "robustTestAccuracyErased": robustErased, "robustTestAccuracyCertified": robustCertified,
                                "robustTrainAccuracyCertified": robustTrainCertified, "robustTestAccuracyFullSpace": robustFull,
                                "minRobustOverNonRobust": minRatio, "minNonRobustOverRobust": minInverse,
                                "maxRobustCorrelation": ru.max()!, "maxNonRobustCorrelation": rv.max()!],
                    TheoremSetting.describe(config))
        }
        // Robustness is decided on certified numbers; where that is not `holds`, the attack numbers
        // decide whether the claim is refuted (Proofs page, "Decided on certified numbers").
        result.bracketByAttackNumbers(run, decision: Bound.level.fractionDecision) { t in
            Self.satisfies(robustTrain: t.values["robustTrainAccuracy"]!, clean: t.values["testAccuracy"]!,
                           robustTest: t.values["robustTestAccuracyNRF"]!, erased: t.values["robustTestAccuracyErased"]!,
                           ratio: t.values["minRobustOverNonRobust"]!)
        }
        return result
    }

    /// The predicate on the given robustness numbers (certified, or the attacks' for the fallback).
    static func satisfies(robustTrain: Double, clean: Double, robustTest: Double, erased: Double, ratio: Double) -> Bool {
        Bound.robustTrain.admits(robustTrain) && Bound.clean.admits(clean) && Bound.robustNRF.admits(robustTest)
            && Bound.robustErased.admits(erased) && Bound.ratio.admits(ratio)
    }
}
