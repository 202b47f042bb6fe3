import Engine
import Foundation
import RealModule

/// AT.standardTraining — Theorem 1 of Li & Li: standard training on patch data with denser
/// non-robust features learns them (ρ_v ≥ 2ρ_u per class) and is broken by erasing them
/// (Proofs/claims/AT.standardTraining.md).
public struct StandardTrainingClaim: Claim {
    public init() {}
    public let id = "AT.standardTraining"
    public let paper = Paper.adversarialTraining
    public let source = "Theorem 1 (standard training → non-robust global minima)"
    public let statement = "train accuracy 1; max_r⟨w_{i,r}, v_i⟩/‖v_i‖ ≫ max_r⟨w_{i,r}, u_i⟩/‖u_i‖; clean test accuracy high, robust accuracy low under −ε v_y on every non-robust patch"
    public let predicate = "train acc = 1, test acc ≥ 0.95, ρ_v ≥ 2·ρ_u for every class, robust acc ≤ 0.5 under −β·v_y on every non-robust patch and under per-patch ℓ2 PGD at ε = β (Wilson 95% lower ≥ 0.75 of seeds)"
    public let counterfactual = "the reversed inequality ρ_u ≥ 2·ρ_v must fail"

    /// The predicate's constants (Proofs/claims/AT.standardTraining.md, "Pinned constants").
    enum Bound {
        static let train = PredicateConstant("trainAccuracy", .equals, 1)
        static let test = PredicateConstant("testAccuracy", .atLeast, 0.95)
        static let ratio = PredicateConstant("minNonRobustOverRobust", .atLeast, 2)
        static let erased = PredicateConstant("robustAccuracyErased", .atMost, 0.5)
        static let pgd = PredicateConstant("robustAccuracyPGD", .atMost, 0.5)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        static let inverse = PredicateConstant("maxRobustOverNonRobust", .atLeast, 2, variant: .counterfactual)
        /// When the predicate fails: the logistic slope of the outcome on log₂ R is ≥ 0 iff rising.
        static let densityBand = PredicateConstant.band("satisfiedVersusDensity.logisticSlope", 0...Double.infinity)
    }
    public var constants: [PredicateConstant] {
        [Bound.train, Bound.test, Bound.ratio, Bound.erased, Bound.pgd, Bound.level] + Bound.densityBand + [Bound.inverse]
    }

    /// at-small with β = 0.5 (no robustness probe: the claim attacks the final model itself).
    static func config(_ scale: Scale, seed: UInt64, beta: Double = 0.5) -> ExperimentConfig {
        var c = Presets.atSmall
        c.preset = "at-theorem-1"
        c.seed = seed
        c.robustness = .none
        guard case var .patchStructured(data) = c.data else { preconditionFailure("at-small is patch data") }
        data.beta = .constant(beta)
        let (n, steps) = [Scale.smoke: (100, 150), .standard: (200, 300), .paper: (400, 600)][scale]!
        data.trainSamples = n
        data.testSamples = 200
        c.data = .patchStructured(data)
        c.optimizer.steps = steps
        c.optimizer.probeEvery = steps
        return c
    }

    static let seen = "AT.standardTraining fails 5/12 at standard (2026-11-23)"

    /// Theorem 1's hypotheses on `config` (the data model and the network); throws `OutOfRegime`
    /// naming each violated one.
    public static func hypotheses(_ config: ExperimentConfig) throws {
        try AdversarialTrainingHypotheses.ledger(AdversarialTrainingHypotheses.model(introducedAfter: seen), [(config.preset, config)]).requireRegime()
    }

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let config = Self.config(run.scale, seed: 1)
        return try AdversarialTrainingHypotheses.ledger(AdversarialTrainingHypotheses.model(introducedAfter: Self.seen), [(config.preset, config)])
    }

    /// |J_NR| of the density-race trend (at-theorem-1's 31 first; Proofs page).
    static let densityTrend = [31, 63, 127]

    /// at-theorem-1 with `nonRobustPatches` non-robust patches (one robust patch, as before).
    static func config(_ scale: Scale, seed: UInt64, nonRobustPatches: Int) -> ExperimentConfig {
        var c = config(scale, seed: seed)
        c.data = PhaseSetting.patchData(c) { $0.patches = nonRobustPatches + $0.robustPatches; $0.nonRobustPatches = nonRobustPatches }
        return c
    }

    /// Theorem 1's finite predicate (or its counterfactual) on one trained network.
    static func satisfied(_ m: Measurement, _ variant: ClaimVariant) -> Bool {
        variant == .counterfactual ? Bound.inverse.admits(m.maxInverseRatio)
            : Bound.train.admits(m.train) && Bound.test.admits(m.test) && Bound.ratio.admits(m.minRatio)
                && Bound.erased.admits(m.robustErased) && Bound.pgd.admits(m.robustPGD)
    }

    static func measure(_ config: ExperimentConfig, parallelism: Parallelism) throws -> Measurement {
        try hypotheses(config)
        guard case let .patchStructured(data) = config.data else { preconditionFailure() }
        return try measure(try ExperimentRun.run(config, parallelism: parallelism), data: data, parallelism: parallelism)
    }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("robustAccuracyPGD", .attack, decides: .broken, how: "per-patch ℓ2 PGD at ε = β"),
         RobustnessEvidence("robustAccuracyErased", .exact, decides: .broken, how: "the fixed perturbation −β·v_y on every non-robust patch, evaluated exactly")]
    }

    /// Seeds of the main trials by scale.
    static let seedCounts: [Scale: Int] = [.smoke: 4, .standard: 12, .paper: 20]

    /// A density unit's instance: the non-robust patch count in the high 32 bits, the seed in the low.
    static func densityUnit(patches: Int, seed: UInt64) -> UInt64 { UInt64(patches) << 32 | seed }

    /// The density trend (the claim, when its main trials fail; so a shard measures it speculatively):
    /// each denser level at each seed of the main trials.
    public func followUps(_ run: ClaimRun) -> [FollowUpStage] {
        guard run.variant == .claim else { return [] }
        let seeds = run.seedList(Self.seedCounts)
        return [FollowUpStage("density", instances: Self.densityTrend.dropFirst().flatMap { n in seeds.map { Self.densityUnit(patches: n, seed: $0) } })]
    }

    /// Whether the claim's predicate holds at one density level and seed.
    public func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue {
        let patches = Int(instance >> 32), seed = instance & 0xFFFF_FFFF
        guard stage == "density", Self.densityTrend.contains(patches) else { throw ClaimError("\(id) has no follow-up \(stage)/\(instance)") }
        let m = try Self.measure(Self.config(run.scale, seed: seed, nonRobustPatches: patches), parallelism: run.parallelism)
        return UnitValue(values: ["satisfied": Self.satisfied(m, .claim) ? 1 : 0])
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        var result = try trials(run, instances: run.seedList(Self.seedCounts), decision: Bound.level.fractionDecision) { seed in
            let config = Self.config(run.scale, seed: seed)
            let m = try Self.measure(config, parallelism: run.parallelism)
            return (Self.satisfied(m, run.variant), ["trainAccuracy": m.train, "testAccuracy": m.test, "minNonRobustOverRobust": m.minRatio,
                                "maxRobustOverNonRobust": m.maxInverseRatio, "robustAccuracyErased": m.robustErased,
                                "robustAccuracyPGD": m.robustPGD, "maxNonRobustCorrelation": m.maxV, "maxRobustCorrelation": m.maxU],
                    TheoremSetting.describe(config))
        }
        // Failed at at-theorem-1: decided by the trend of the satisfying fraction as the density race
        // is won more decisively (Proofs/claims/AT.standardTraining.md).
        guard run.variant == .claim, result.verdict == .fails else { return result }
        let seeds = result.trials.map(\.seed)
        var outcomes = [result.trials.map(\.satisfied)]
        var levels: [Double] = []
        for n in Self.densityTrend {
            let probe = Self.config(run.scale, seed: 1, nonRobustPatches: n)
            guard case let .patchStructured(data) = probe.data, case let .smoothedReLU(q, _) = probe.network.activation else { preconditionFailure() }
            levels.append(log2(Double(data.nonRobustPatches) * data.beta.meanPower(Double(q)) / (Double(data.robustPatches) * data.alpha.meanPower(Double(q)))))
            guard n != Self.densityTrend[0] else { continue }
            outcomes.append(try followingUp(run, stage: "density", seeds.map { Self.densityUnit(patches: n, seed: $0) }).map { $0.values["satisfied"]! == 1 })
        }
        result.verdict = result.trendOfFailedFraction("satisfiedVersusDensity", x: "log₂ R", levels: levels, outcomes: outcomes,
                                                      approaching: PredicateConstant.range(Bound.densityBand))
        return result
    }

    /// Per-patch ℓ2 PGD on the margin, 10 steps of ε/4 from the clean point, at ε = β.
    static func attack(patchDimension: Int) -> AttackConfig {
        AttackConfig(norm: .l2, steps: 10, stepSizeFactor: 0.25, start: .none, objective: .margin, patchDimension: patchDimension)
    }

    /// The config (seed 0; the units carry it), the density trend's configs, the attack.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        let config = Self.config(scale, seed: 0)
        guard case let .patchStructured(data) = config.data else { return [:] }
        return ["config": ClaimProtocol.setting(config),
                "densityTrend": ClaimProtocol.setting(Self.densityTrend.map { Self.config(scale, seed: 0, nonRobustPatches: $0) }),
                "attack": ClaimProtocol.setting(Self.attack(patchDimension: data.dimension)),
                "erasure": "−β_max·v_y on every non-robust patch"]
    }

    struct Measurement {
        var train = 0.0, test = 0.0, minRatio = Double.infinity, maxInverseRatio = 0.0, robustErased = 0.0, robustPGD = 0.0, maxV = 0.0, maxU = 0.0
    }

    static func measure(_ e: ExperimentRun, data: PatchStructuredConfig, parallelism: Parallelism) throws -> Measurement {
        var m = Measurement()
        m.train = e.history.last!.trainAccuracy
        m.test = e.history.last!.testAccuracy ?? 0
        let u = e.data.probeFeatures.first { $0.name == "robustCorrelation" }!.features
        let v = e.data.probeFeatures.first { $0.name == "nonRobustCorrelation" }!.features
        let perClass = e.config.network.neuronsPerHead
        let ru = Probes.ownFeatureCorrelation(e.final.weights, u, perClass: perClass)
        let rv = Probes.ownFeatureCorrelation(e.final.weights, v, perClass: perClass)
        for i in ru.indices {
            m.minRatio = min(m.minRatio, ru[i] > 0 ? rv[i] / ru[i] : .infinity)
            m.maxInverseRatio = max(m.maxInverseRatio, rv[i] > 0 ? ru[i] / rv[i] : .infinity)
        }
        m.maxV = rv.max()!
        m.maxU = ru.max()!
        let beta = data.beta.upper  // erases every non-robust patch's feature
        let nonRobust = data.robustPatches..<(data.robustPatches + data.nonRobustPatches)
        let erased = Attacks.negativeNonRobust(inputs: e.test.inputs, labels: e.test.labels, nonRobustFeatures: v, patches: nonRobust, epsilon: beta)
        let robust = RobustAccuracy.robustSamples(e.final, e.test, perturbed: erased, parallelism: parallelism)
        m.robustErased = Double(robust.filter { $0 }.count) / Double(robust.count)
        let pgd = attack(patchDimension: data.dimension)
        let robustPGD = RobustAccuracy.robustSamples(e.final, e.test, epsilon: beta, attack: pgd, trainingLoss: e.config.loss.loss,
                                                     key: PRNGKey(seed: e.config.seed).child("AT.standardTraining"), parallelism: parallelism)
        m.robustPGD = Double(robustPGD.filter { $0 }.count) / Double(robustPGD.count)
        return m
    }
}
