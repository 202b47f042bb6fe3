import Engine
import Foundation

/// Feature Purification's setting (Proofs/feature-purification.md): the `purification` preset at one
/// scale — sparse-coding data, the soft-threshold network, clean training for T₁ steps and FGM
/// adversarial training continued from it for T₂ more — with the measurements the four FP claims
/// share: the dense-mixture mass of a neuron, the dense direction u = Mw*/√D and robust accuracy
/// under the dense attack and PGD.
enum PurificationSetting {
    /// (n, T₁, T₂) by scale.
    static let sizes: [Scale: (samples: Int, clean: Int, adversarial: Int)] = [
        .smoke: (500, 600, 1500), .standard: (1000, 1000, 3000), .paper: (2000, 1500, 4500),
    ]
    /// The radius of the claims (and of the training attack).
    /// The radius every FP predicate is stated at (a pinned constant of each FP claim).
    static let radius = PredicateConstant("attackRadius", .equals, 0.3)
    static let epsilon = radius.bound

    /// The size sweep (Proofs/feature-purification.md, "The size sweep", committed before it was
    /// run): the levels of d = D by scale; the claims' main trials run at `mainSize`, every other
    /// level on `sweepSeeds`.
    static let sweepLevels: [Scale: [Int]] = [.smoke: [32, 48, 64], .standard: [32, 64, 128], .paper: [64, 128, 256, 512]]
    static let mainSize = 64
    static let sweepSeeds: [UInt64] = [1, 2]

    /// The clean run (T₁ steps) or its adversarial continuation (T₁ + T₂ steps, adversarial from T₁;
    /// its first T₁ steps are the clean run's, bit for bit: both are primal full-batch GD), at
    /// d = D = `size` scaled as the setting page's sweep says (m = D, a_r = 1/D, n ∝ D, η ∝ D²,
    /// σ ∝ 1/√D; at D = 64 the `purification` preset's own values).
    static func config(_ scale: Scale, seed: UInt64, adversarial: Bool, size: Int = mainSize) -> ExperimentConfig {
        var c = Presets.purification
        let sizes = sizes[scale]!
        let ratio = Double(size) / Double(mainSize)
        c.preset = (adversarial ? "purification" : "purification-clean") + (size == mainSize ? "" : "@D=\(size)")
        c.seed = seed
        guard case var .sparseCoding(data) = c.data else { preconditionFailure("purification is sparse-coding data") }
        data.dimension = size
        data.atoms = size
        data.trainSamples = sizes.samples * size / mainSize
        data.noise /= ratio.squareRoot()
        c.data = .sparseCoding(data)
        c.network.neuronsPerHead = size
        c.network.secondLayerScale = 1 / Double(size)
        c.optimizer.learningRate *= ratio * ratio
        c.adversarialTraining.startStep = sizes.clean
        c.adversarialTraining.enabled = adversarial
        c.optimizer.steps = adversarial ? sizes.clean + sizes.adversarial : sizes.clean
        // The FP claims read the final models only: history at step 0 and at the end (the same
        // probeEvery for the clean run and its continuation, so one continues the other).
        return c.recordingFirstAndLast(of: sizes.clean + sizes.adversarial)
    }

    /// The window of the setting page (Proofs/feature-purification.md, written with the setting):
    /// sparse codes (s ≤ D/8, so the dense margin 1/√D of the |S| = 1 points is below ε) and a
    /// threshold above the radius (b > ε, so a purified network keeps its decision against an
    /// attacker that must silence one atom).
    static var measures: [(Hypothesis, (ExperimentConfig) throws -> Double)] { [
        (Hypothesis("sparse codes", statement: "the latent code z is sparse", PredicateConstant("8s/D", .atMost, 1), origin: .instantiation,
                    reason: "s ≤ D/8 (Proofs/feature-purification.md)"),
         { let data = try sparseCoding($0).data; return Double(8 * data.sparsity) / Double(data.atoms) }),
        (Hypothesis("dense margin below the radius", statement: "a dense mixture of size 1/√D moves a decision within ε",
                    PredicateConstant("ε·√D", .above, 1), origin: .instantiation, reason: "1/√D < ε (Proofs/feature-purification.md)"),
         { epsilon * Double(try sparseCoding($0).data.atoms).squareRoot() }),
        (Hypothesis("threshold above the radius", statement: "a purified network is robust at ε",
                    PredicateConstant("b/ε", .above, 1), origin: .instantiation,
                    reason: "b > ε: an attacker must silence an atom (Proofs/feature-purification.md; the replication note's ℓ2 caveat is on that page)"),
         { try sparseCoding($0).threshold / epsilon }),
    ] }

    static func sparseCoding(_ config: ExperimentConfig) throws -> (data: SparseCodingConfig, threshold: Double) {
        guard case let .sparseCoding(data) = config.data, case let .softThreshold(b) = config.network.activation else {
            throw OutOfRegime("Feature Purification's setting is sparse-coding data and the soft-threshold network")
        }
        return (data, b)
    }

    /// The ledger of the FP claims at `scale`: the clean and the adversarial run of seed 1 at every
    /// level of the size sweep (every seed has the same config up to its seed).
    static func ledger(_ scale: Scale) throws -> Ledger {
        try Ledger.worstCase(measures, over: sweepLevels[scale]!.flatMap { size in
            [false, true].map { adversarial in
                let c = config(scale, seed: 1, adversarial: adversarial, size: size)
                return (name: c.preset, setting: c)
            }
        })
    }

    /// Throws `OutOfRegime` naming each hypothesis `config` violates.
    static func hypotheses(_ config: ExperimentConfig) throws {
        try Ledger.worstCase(measures, over: [(config.preset, config)]).requireRegime()
    }

    /// The clean run of `seed` and its data (shared by the claims through `RunMemo`).
    static func clean(_ scale: Scale, seed: UInt64, size: Int = mainSize, parallelism: Parallelism) throws -> (run: ExperimentRun, data: SparseCodingData) {
        let config = config(scale, seed: seed, adversarial: false, size: size)  // in regime: the FP claims' ledger checked it
        guard case let .sparseCoding(c) = config.data else { preconditionFailure() }
        return (try RunMemo.run(config, parallelism: parallelism), try SparseCodingData(c, key: PRNGKey(seed: seed).child("data")))
    }

    /// The clean and the adversarial run of `seed`, and their data.
    static func runs(_ scale: Scale, seed: UInt64, size: Int = mainSize, parallelism: Parallelism) throws -> (clean: ExperimentRun, adversarial: ExperimentRun, data: SparseCodingData) {
        let (clean, data) = try clean(scale, seed: seed, size: size, parallelism: parallelism)
        // Its first T₁ steps are the clean run's: it continues from there, with the same bits.
        let adversarial = try RunMemo.run(config(scale, seed: seed, adversarial: true, size: size), continuing: clean, parallelism: parallelism)
        return (clean, adversarial, data)
    }

    /// The points a trend is fitted to: the main trials' values (at `mainSize`) and `measure` at
    /// every other level of the size sweep on `sweepSeeds`; each point's values carry its "D".
    struct SweepPoints {
        let all: [[String: Double]]
        let largest: Int

        var sizes: [Double] { all.map { $0["D"]! } }

        /// The median of f over the points of the largest level.
        func medianAtLargest(_ f: ([String: Double]) -> Double) -> Double {
            median(all.filter { $0["D"] == Double(largest) }.map(f))
        }
    }

    /// The size sweep beyond the main size, as a follow-up stage "sweep" (each unit one seed at one
    /// size: the size in the high 32 bits, the seed in the low). Its claims use it when their main
    /// trials fail, so a shard measures it speculatively.
    static func sweepStage(_ run: ClaimRun) -> [FollowUpStage] {
        guard run.variant == .claim else { return [] }
        return [FollowUpStage("sweep", instances: sweepLevels[run.scale]!.filter { $0 != mainSize }.flatMap { size in sweepSeeds.map { UInt64(size) << 32 | $0 } })]
    }

    /// The (seed, size) of a sweep unit; throws for anything else.
    static func sweepPoint(_ claim: some Claim, stage: String, instance: UInt64) throws -> (seed: UInt64, size: Int) {
        guard stage == "sweep" else { throw ClaimError("\(claim.id) has no follow-up stage \(stage)") }
        return (instance & 0xFFFF_FFFF, Int(instance >> 32))
    }

    /// The main trials' values followed by the sweep's (`sweepStage`), measured by `claim.followUp`.
    static func sweepPoints(_ claim: some Claim, _ run: ClaimRun, main: [Trial]) throws -> SweepPoints {
        let others = try claim.followingUp(run, stage: "sweep", sweepStage(run).flatMap(\.instances)).map(\.values)
        return SweepPoints(all: main.map(\.values) + others, largest: sweepLevels[run.scale]!.max()!)
    }

    /// 1 − Σ_{top-s j} ⟨M_j, w⟩²/‖w‖²: the fraction of ‖w‖² outside its s largest dictionary
    /// directions (0 for a pure neuron w ∝ M_j).
    static func mixtureMass(_ w: [Double], dictionary: Matrix, sparsity s: Int) -> Double {
        let norm = w.reduce(0) { $0 + $1 * $1 }
        guard norm > 0 else { return 0 }
        let c = (0..<dictionary.rows).map { j in (0..<w.count).reduce(0.0) { $0 + dictionary[j, $1] * w[$1] } }
        let top = c.map { $0 * $0 }.sorted(by: >).prefix(s).reduce(0, +)
        return 1 - top / norm
    }

    /// The median mixture mass over the rows of `weights`.
    static func medianMass(_ weights: Matrix, _ data: SparseCodingData) -> Double {
        median((0..<weights.rows).map { r in
            mixtureMass((0..<weights.columns).map { weights[r, $0] }, dictionary: data.dictionary, sparsity: data.config.sparsity)
        })
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return (s[(s.count - 1) / 2] + s[s.count / 2]) / 2
    }

    /// u = Mw*/√D (unit): the direction every neuron's mixture shares.
    static func denseDirection(_ data: SparseCodingData) -> [Double] {
        let scale = 1 / Double(data.config.atoms).squareRoot()
        return (0..<data.dictionary.columns).map { t in (0..<data.dictionary.rows).reduce(0.0) { $0 + data.teacher[$1] * data.dictionary[$1, t] } * scale }
    }

    /// x ↦ x − y·ε·u on every row.
    static func denseAttack(_ test: Dataset, _ data: SparseCodingData, epsilon: Double) -> Matrix {
        let u = denseDirection(data)
        var x = test.inputs
        for i in 0..<x.rows {
            for t in 0..<x.columns { x[i, t] -= Double(test.labels[i]) * epsilon * u[t] }
        }
        return x
    }

    /// ℓ2 PGD on the margin, 10 steps from x.
    static let attack = AttackConfig(norm: .l2, steps: 10, stepSizeFactor: 0.25, start: .none, objective: .margin)
    /// ℓ2 PGD on the margin, 20 steps, 3 restarts from random points of the ball.
    static let strongAttack = AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .ball, restarts: 3, objective: .margin)

    /// What every FP claim's protocol declares: both runs' configs at the main size (seed 0; the
    /// units carry it), the size sweep's configs and seeds, both attacks and the certificate.
    static func protocolSettings(_ scale: Scale) -> [String: String] {
        let levels = sweepLevels[scale]!.filter { $0 != mainSize }
        return ["config.clean": ClaimProtocol.setting(config(scale, seed: 0, adversarial: false)),
                "config.adversarial": ClaimProtocol.setting(config(scale, seed: 0, adversarial: true)),
                "sweep.configs": ClaimProtocol.setting(levels.map { config(scale, seed: 0, adversarial: true, size: $0) }),
                "sweep.seeds": "\(sweepSeeds)",
                "attack": ClaimProtocol.setting(attack), "attack.strong": ClaimProtocol.setting(strongAttack),
                "attack.dense": "the dense direction of the dictionary (denseAttack), at ε",
                "certificate": "LinearBoundCertificate (linear bounds with optimised slopes), ℓ2 in the whole input space"]
    }

    /// The fraction of test points robust at ε under both the dense attack and ℓ2 PGD on the margin
    /// (`strong`: 20 steps, 3 restarts from random points of the ball; else 10 steps from x).
    static func robustAccuracy<M: DifferentiableModel>(_ run: ExperimentRun, _ model: M, _ data: SparseCodingData, epsilon: Double,
                               strong: Bool, parallelism: Parallelism) -> Double {
        let dense = RobustAccuracy.robustSamples(model, run.test, perturbed: denseAttack(run.test, data, epsilon: epsilon), parallelism: parallelism)
        let attack = strong ? strongAttack : attack
        let pgd = RobustAccuracy.robustSamples(model, run.test, epsilon: epsilon, attack: attack, trainingLoss: run.config.loss.loss,
                                               key: PRNGKey(seed: run.config.seed).child("FP.robustness"), parallelism: parallelism)
        return Double(zip(dense, pgd).filter { $0 && $1 }.count) / Double(dense.count)
    }

    /// Certified robust test accuracy at ε (linear-bound certificates, ℓ2 in the whole input space;
    /// Proofs/robustness.md, "Linear bounds"): a lower bound on the robust accuracy every attack can
    /// only bound from above.
    static func certifiedAccuracy(_ run: ExperimentRun, parallelism: Parallelism) -> Double {
        let certified = LinearBoundCertificate.certified(run.final, run.test, epsilon: epsilon, basis: nil, parallelism: parallelism)
        return certified.isEmpty ? 0 : Double(certified.filter { $0 }.count) / Double(certified.count)
    }
}
