import Engine

/// AT.targetedAttacks — the synthetic analogue of Li & Li's Table 2: targeted PGD confined to the
/// non-robust features (NRF-PGD) succeeds far more often than confined to the robust ones (RF-PGD)
/// on the standard model, and collapses after adversarial training
/// (Proofs/claims/AT.targetedAttacks.md).
public struct TargetedAttacksClaim: Claim {
    public init() {}
    public let id = "AT.targetedAttacks"
    public let paper = Paper.adversarialTraining
    public let source = "Table 2 (targeted NRF-PGD vs RF-PGD, standard vs adversarial training)"
    public let statement = "standard model: NRF-PGD target success ≫ RF-PGD's; adversarially trained model: NRF-PGD success collapses"
    public let predicate = "standard: NRF success ≥ 0.5 and ≥ 2·RF success; adversarially trained: NRF success ≤ 0.1 (targeted ℓ2 PGD per patch, ε = 0.75, 20 steps of ε/4; RF success and NRF success after AT on certified upper bounds — targets not excluded by linear-bound certificates; Wilson 95% lower ≥ 0.75 of seeds)"
    public let counterfactual = "roles swapped on the standard model: RF success ≥ 0.5 and ≥ 2·NRF success must fail"

    /// The predicate's constants (Proofs/claims/AT.targetedAttacks.md, "Pinned constants").
    enum Bound {
        static let nrf = PredicateConstant("standard.nrfSuccess", .atLeast, 0.5)
        static let nrfOverRF = PredicateConstant("standard.nrfSuccess/rfSuccessCertifiedBound", .atLeast, 2)
        static let nrfAfterAT = PredicateConstant("adversarial.nrfSuccessCertifiedBound", .atMost, 0.1)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        static let rf = PredicateConstant("standard.rfSuccess", .atLeast, 0.5, variant: .counterfactual)
        static let rfOverNRF = PredicateConstant("standard.rfSuccess/nrfSuccess", .atLeast, 2, variant: .counterfactual)
    }
    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let config = PhaseSetting.config(run.scale, seed: 1)
        return try PhaseSetting.ledger([(config.preset, config)], introducedAfter: "AT.targetedAttacks holds 12/12 at standard (2026-11-23)")
    }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("standard.nrfSuccess", .attack, decides: .broken, how: "targeted NRF-PGD: the perturbations exist"),
         RobustnessEvidence("standard.rfSuccessCertifiedBound", .certified, decides: .robust, how: "targets not excluded by linear-bound certificates within span{u}"),
         RobustnessEvidence("adversarial.nrfSuccessCertifiedBound", .certified, decides: .robust, how: "targets not excluded by linear-bound certificates within span{v}"),
         RobustnessEvidence("standard.rfSuccess", .attack, decides: .broken, how: "targeted RF-PGD; refutes the ratio only in the attack-number fallback"),
         RobustnessEvidence("adversarial.nrfSuccess", .attack, decides: .broken, how: "targeted NRF-PGD; refutes the collapse"),
         RobustnessEvidence("adversarial.rfSuccess", .attack, decides: .nothing, how: "targeted RF-PGD, reported")]
    }

    public var constants: [PredicateConstant] { [Bound.nrf, Bound.nrfOverRF, Bound.nrfAfterAT, Bound.level, Bound.rf, Bound.rfOverNRF] }

    /// Targeted PGD of 20 steps ε/4 from the clean point (the objective is set per target).
    static let attack = AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .none, objective: .margin)

    /// Both configs (seed 0; the units carry it), the attack and the certificate.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        ["config.adversarial": ClaimProtocol.setting(PhaseSetting.config(scale, seed: 0)),
         "config.standard": ClaimProtocol.setting(PhaseSetting.config(scale, seed: 0, adversarial: false)),
         "attack": ClaimProtocol.setting(Self.attack), "attack.targets": "every j ≠ y (MarginLoss(targetShift: 1 … k − 1)), within span{v} and span{u}",
         "certificate": "LinearBoundCertificate.excludedClasses (linear bounds with optimised slopes), ε per patch within span{u} (standard) and span{v} (adversarial)"]
    }

    /// Over the correctly classified points of `data` and every target class j ≠ y, the fraction
    /// whose prediction after the targeted attack within `subspace` is j.
    static func successRate(_ run: ExperimentRun, _ model: TwoLayerNetwork, _ data: Dataset, epsilon: Double,
                            subspace: AttackConfig.Subspace, parallelism: Parallelism) -> Double {
        let correct = zip(model.predictions(data.inputs, parallelism), data.labels).enumerated().filter { $1.0 == $1.1 }.map(\.offset)
        guard !correct.isEmpty else { return 0 }
        let points = data.subset(correct)
        var attack = Self.attack
        attack.subspace = subspace
        attack = run.data.resolving(run.config.resolved(attack))
        let k = model.outputs
        var successes = 0
        for shift in 1..<k {
            let x = Attacks.pgd(model, inputs: points.inputs, labels: points.labels, epsilon: epsilon, config: attack,
                                objective: MarginLoss(targetShift: shift),
                                key: PRNGKey(seed: run.config.seed).child("targeted").child(UInt64(shift)), keep: .last,
                                parallelism: parallelism)
            let predicted = model.predictions(x, parallelism)
            successes += points.labels.indices.filter { predicted[$0] == (points.labels[$0] + shift) % k }.count
        }
        return Double(successes) / Double(points.count * (k - 1))
    }

    /// An upper bound on every targeted attack's success within `subspace`: over the correctly
    /// classified points and every target j ≠ y, the fraction of targets *not* excluded by the
    /// linear-bound certificate (Proofs/robustness.md, "Linear bounds").
    static func certifiedSuccessBound(_ model: TwoLayerNetwork, _ data: Dataset, epsilon: Double, basis: Matrix,
                                      parallelism: Parallelism) -> Double {
        let correct = zip(model.predictions(data.inputs, parallelism), data.labels).enumerated().filter { $1.0 == $1.1 }.map(\.offset)
        guard !correct.isEmpty else { return 0 }
        let excluded = LinearBoundCertificate.excludedClasses(model, data.subset(correct), epsilon: epsilon, basis: basis, parallelism: parallelism)
        let open = excluded.reduce(0) { $0 + $1.filter { !$0 }.count }
        return Double(open) / Double(correct.count * (model.outputs - 1))
    }

    /// The predicate on the given numbers: the certified bounds, or the attacks' for the fallback.
    static func satisfies(nrf: Double, rf: Double, nrfAfterAT: Double) -> Bool {
        Bound.nrf.admits(nrf) && Bound.nrfOverRF.admits(nrf, times: rf) && Bound.nrfAfterAT.admits(nrfAfterAT)
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        var result = try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: Bound.level.fractionDecision) { seed in
            let adversarialConfig = PhaseSetting.config(run.scale, seed: seed).recordingFirstAndLast()  // in regime: the ledger checked it
            let epsilon = adversarialConfig.adversarialTraining.epsilon
            let standard = try PhaseSetting.run(PhaseSetting.config(run.scale, seed: seed, adversarial: false).recordingFirstAndLast(),
                                                parallelism: run.parallelism)
            let adversarial = try PhaseSetting.run(adversarialConfig, parallelism: run.parallelism)
            func rate(_ e: ExperimentRun, _ subspace: AttackConfig.Subspace) -> Double {
                Self.successRate(e, e.final, e.test, epsilon: epsilon, subspace: subspace, parallelism: run.parallelism)
            }
            func bound(_ e: ExperimentRun, _ features: String) -> Double {
                let basis = e.data.probeFeatures.first { $0.name == features }!.features
                return Self.certifiedSuccessBound(e.final, e.test, epsilon: epsilon, basis: basis, parallelism: run.parallelism)
            }
            let (nrf, rf) = (rate(standard, .nonRobust), rate(standard, .robust))
            let (nrfAT, rfAT) = (rate(adversarial, .nonRobust), rate(adversarial, .robust))
            let (rfBound, nrfATBound) = (bound(standard, "robustCorrelation"), bound(adversarial, "nonRobustCorrelation"))
            let satisfied = run.variant == .counterfactual ? Bound.rf.admits(rf) && Bound.rfOverNRF.admits(rf, times: nrf)
                : Self.satisfies(nrf: nrf, rf: rfBound, nrfAfterAT: nrfATBound)
            return (satisfied, ["standard.nrfSuccess": nrf, "standard.rfSuccess": rf, "standard.rfSuccessCertifiedBound": rfBound,
                                "adversarial.nrfSuccess": nrfAT, "adversarial.rfSuccess": rfAT, "adversarial.nrfSuccessCertifiedBound": nrfATBound],
                    TheoremSetting.describe(adversarialConfig))
        }
        // Where the certified bounds do not decide `holds`, the attack numbers decide whether the
        // claim is refuted (Proofs page, "Decided on the proving side").
        result.bracketByAttackNumbers(run, decision: Bound.level.fractionDecision) { t in
            Self.satisfies(nrf: t.values["standard.nrfSuccess"]!, rf: t.values["standard.rfSuccess"]!, nrfAfterAT: t.values["adversarial.nrfSuccess"]!)
        }
        return result
    }
}
