import Engine
import Foundation

/// FA.featureAveraging — GD makes every neuron an average of its class's features: own-class λ
/// positive, growing and balanced (max/min ≤ 3), the learned direction ≈ Σ_{J_s} μ_j, and the
/// cross-class coefficients o(1) relative to the own-class ones as d grows
/// (Proofs/claims/FA.featureAveraging.md).
public struct FeatureAveragingClaim: Claim {
    public init() {}
    public let id = "FA.featureAveraging"
    public let paper = Paper.featureAveraging
    public let source = "Theorem (feature averaging)"
    public let statement = "λ_{s,r,j} ≥ Ω(1) and λ_{s,r,j}/λ_{s,r,k} ≤ O(1) for j, k ∈ J_s; λ_{−s,r,j} ≤ o(1); w_{s,r} ∝ Σ_{j∈J_s} μ_j"
    public let predicate = "A: train acc = 1, test acc ≥ 0.95, every neuron's own λ > 0, max/min own λ ≤ 3, own λ(T) > λ(T/2), cos(w − w(0), Σ_{J_s} μ_j) ≥ 0.9 (Wilson 95% lower ≥ 0.75 of seeds); B: the exponent of max|cross λ|/min own λ in d has its 95% interval ≤ 0"
    public let counterfactual = "part A applied to the fine-grained (cluster-label) network, which decouples instead of averaging, must fail"

    /// The predicate's constants (Proofs/claims/FA.featureAveraging.md, "Pinned constants").
    enum Bound {
        static let train = PredicateConstant("trainAccuracy", .equals, 1)
        static let test = PredicateConstant("testAccuracy", .atLeast, 0.95)
        static let ownLambda = PredicateConstant("minOwnLambda", .above, 0)
        static let ownRatio = PredicateConstant("maxOwnRatio", .atMost, 3)
        static let growth = PredicateConstant("minOwnGrowth", .above, 0)
        static let cosine = PredicateConstant("minCosine", .atLeast, 0.9)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        static let crossBand = PredicateConstant.band("crossOverOwnVersusD.exponent", -Double.infinity...0)
    }
    public var constants: [PredicateConstant] {
        [Bound.train, Bound.test, Bound.ownLambda, Bound.ownRatio, Bound.growth, Bound.cosine, Bound.level] + Bound.crossBand
    }

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let seen = "FA.featureAveraging holds 20/20 at standard (2026-11-23)"
        let base = Self.base(run.scale).config(seed: 1)
        var settings = [(name: FeatureAveragingHypotheses.name(base), setting: base)]
        if run.variant == .claim { settings += Self.sweep(run.scale).settings.map { let c = $0.config(seed: 1001); return (FeatureAveragingHypotheses.name(c), c) } }
        return try FeatureAveragingHypotheses.ledger(FeatureAveragingHypotheses.data(introducedAfter: seen) + FeatureAveragingHypotheses.training(introducedAfter: seen), settings)
    }

    static func base(_ scale: Scale) -> TheoremSetting {
        switch scale {
        case .smoke: TheoremSetting(dimension: 128, clusters: 4, trainSamples: 48, testSamples: 200, neuronsPerSign: 2, steps: 256, smallInit: 1e-5)
        case .standard: TheoremSetting(dimension: 512, clusters: 8, trainSamples: 200, testSamples: 400, neuronsPerSign: 4, steps: 1024, smallInit: 1e-5)
        case .paper: TheoremSetting(dimension: 1024, clusters: 8, trainSamples: 400, testSamples: 400, neuronsPerSign: 8, steps: 2048, smallInit: 1e-5)
        }
    }

    static func sweep(_ scale: Scale) -> (settings: [TheoremSetting], seeds: Int) {
        let (dims, k, n, m, seeds) = switch scale {
        case .smoke: ([64, 128, 256, 512], 4, 48, 2, 3)
        case .standard: ([128, 256, 512, 1024], 8, 200, 4, 3)
        case .paper: ([256, 512, 1024, 2048], 8, 400, 8, 3)
        }
        return (dims.map { TheoremSetting(dimension: $0, clusters: k, trainSamples: n, testSamples: 0, neuronsPerSign: m, steps: 2 * $0, smallInit: 1e-5) }, seeds)
    }

    /// Part B's runs use seeds 1001, 1002, … so that they never repeat part A's (1 … 20).
    static let sweepSeedOffset: UInt64 = 1000

    /// Part A's run at `seed`: the binary net of `base`, or for the counterfactual the per-cluster
    /// net (one neuron per cluster, cross-entropy).
    static func trialConfig(_ base: TheoremSetting, seed: UInt64, variant: ClaimVariant) -> ExperimentConfig {
        var config = base.config(seed: seed, probeEvery: base.steps / 2)
        if variant == .counterfactual {
            config.task = .multiclass
            config.loss = .crossEntropy
            config.network.neuronsPerHead = 1
            config.network.secondLayerScale = 1
        }
        return config
    }

    /// Every run's config (the seed left at 0; the units carry it), part B's sweep and its seeds.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        let base = Self.base(scale), sweep = Self.sweep(scale)
        return ["partA.claim": ClaimProtocol.setting(Self.trialConfig(base, seed: 0, variant: .claim)),
                "partA.counterfactual": ClaimProtocol.setting(Self.trialConfig(base, seed: 0, variant: .counterfactual)),
                "partB.sweep": ClaimProtocol.setting(sweep.settings.map { $0.config(seed: 0, probeEvery: $0.steps / 2) }),
                "partB.seeds": "\(sweep.seeds) per d, offset \(Self.sweepSeedOffset)"]
    }

    /// What part A measures on one trained network.
    struct Averaging {
        var minOwnLambda = Double.infinity, maxOwnRatio = 0.0, minGrowth = Double.infinity, minCosine = Double.infinity
        var maxCrossLambda = 0.0
        var trainAccuracy = 0.0, testAccuracy = 0.0

        var satisfied: Bool {
            Bound.train.admits(trainAccuracy) && Bound.test.admits(testAccuracy) && Bound.ownLambda.admits(minOwnLambda)
                && Bound.ownRatio.admits(maxOwnRatio) && Bound.growth.admits(minGrowth) && Bound.cosine.admits(minCosine)
        }
        var values: [String: Double] {
            ["minOwnLambda": minOwnLambda, "maxOwnRatio": maxOwnRatio, "minOwnGrowth": minGrowth, "minCosine": minCosine,
             "maxCrossLambda": maxCrossLambda, "trainAccuracy": trainAccuracy, "testAccuracy": testAccuracy]
        }
    }

    /// Part A's measurements; each neuron's class J_s is the binary class of the output it feeds
    /// (the sign of a_r for the binary net, the class of its cluster for the per-cluster net).
    static func measure(_ experiment: ExperimentRun) -> Averaging {
        let config = experiment.config
        guard case let .multiCluster(data) = config.data, let features = experiment.data.clusterFeatures,
              let lambda = experiment.decomposition?.lambda, let history = experiment.history.last else {
            preconditionFailure("a Feature Averaging run tracks λ")
        }
        let k = data.clusters, positive = data.positiveClusters
        let half = experiment.history.first { $0.step == config.optimizer.steps / 2 }?.series["lambda"]
        let head = experiment.final.head
        var m = Averaging()
        m.trainAccuracy = history.trainAccuracy
        m.testAccuracy = history.testAccuracy ?? 1
        for r in 0..<lambda.rows {
            let positiveClass = head.outputs == 1 ? head.coefficient[r] > 0 : head.neuronOutput[r] < positive
            let own = (0..<k).filter { ($0 < positive) == positiveClass }
            let ownLambda = own.map { lambda[r, $0] }
            m.minOwnLambda = min(m.minOwnLambda, ownLambda.min()!)
            m.maxOwnRatio = max(m.maxOwnRatio, ownLambda.min()! > 0 ? ownLambda.max()! / ownLambda.min()! : .infinity)
            if let half { for j in own { m.minGrowth = min(m.minGrowth, lambda[r, j] - half[r * k + j]) } }
            for j in 0..<k where !own.contains(j) { m.maxCrossLambda = max(m.maxCrossLambda, abs(lambda[r, j])) }
            var direction = [Double](repeating: 0, count: features.columns)
            for j in own { for t in direction.indices { direction[t] += features[j, t] } }
            let change = (0..<features.columns).map { experiment.final.weights[r, $0] - experiment.initial.weights[r, $0] }
            let dot = zip(change, direction).reduce(0) { $0 + $1.0 * $1.1 }
            let norms = (change.reduce(0) { $0 + $1 * $1 } * direction.reduce(0) { $0 + $1 * $1 }).squareRoot()
            m.minCosine = min(m.minCosine, norms > 0 ? dot / norms : 0)
        }
        return m
    }

    /// A sweep unit's instance: the setting's index in the high 32 bits, the seed in the low.
    static func sweepUnit(setting: Int, seed: UInt64) -> UInt64 { UInt64(setting) << 32 | seed }

    /// Part B (the claim only): the cross/own ratio at each d of the sweep, per seed.
    public func followUps(_ run: ClaimRun) -> [FollowUpStage] {
        guard run.variant == .claim else { return [] }
        let (settings, seeds) = Self.sweep(run.scale)
        return [FollowUpStage("sweep", instances: settings.indices.flatMap { index in (1...UInt64(seeds)).map { Self.sweepUnit(setting: index, seed: $0) } })]
    }

    /// max|cross λ| / min own λ of one sweep setting at one seed.
    public func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue {
        let (settings, _) = Self.sweep(run.scale)
        let index = Int(instance >> 32), seed = instance & 0xFFFF_FFFF
        guard stage == "sweep", settings.indices.contains(index) else { throw ClaimError("\(id) has no follow-up \(stage)/\(instance)") }
        let setting = settings[index]
        let m = Self.measure(try ExperimentRun.run(setting.config(seed: Self.sweepSeedOffset + seed, probeEvery: setting.steps / 2), parallelism: run.parallelism))
        return UnitValue(values: ["ratio": m.maxCrossLambda / m.minOwnLambda])
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let base = Self.base(run.scale)
        var partA = try trials(run, seeds: [.smoke: 12, .standard: 20, .paper: 20], decision: Bound.level.fractionDecision) { seed in
            let config = Self.trialConfig(base, seed: seed, variant: run.variant)
            let measured = Self.measure(try ExperimentRun.run(config, parallelism: run.parallelism))
            return (measured.satisfied, measured.values, TheoremSetting.describe(config))
        }
        guard run.variant == .claim, partA.verdict != .outOfRegime else { return partA }
        // Part B: the cross/own ratio against d.
        let (settings, seeds) = Self.sweep(run.scale)
        var ratios: [Double] = []
        for index in settings.indices {
            let perSeed = try followingUp(run, stage: "sweep", (1...UInt64(seeds)).map { Self.sweepUnit(setting: index, seed: $0) }).map { $0.values["ratio"]! }
            ratios.append(perSeed.sorted()[perSeed.count / 2])
        }
        let b = partA.addScalingCheck("crossOverOwnVersusD", x: ("d", settings.map { Double($0.dimension) }),
                                      y: ("max|cross λ|/min own λ", ratios), band: PredicateConstant.range(Bound.crossBand))
        if b == .fails && partA.counterexample == nil {
            partA.counterexample = Counterexample(seed: 0, config: "d sweep \(settings.map(\.dimension))", values: Dictionary(uniqueKeysWithValues: zip(settings.map { "ratio@d=\($0.dimension)" }, ratios)),
                                                  note: "the cross/own ratio does not decrease with d")
        }
        return partA
    }
}
