import Engine
import Exact
import Foundation

/// FA.nonRobustness — the averaged-feature attack breaks feature-averaging nets at radius ∝ √(d/k)
/// (fits of the median flip radius of GD-trained nets in d and in k), and breaks the idealised
/// averaged model at 3√(d/k) for every bias in a grid, certified exactly
/// (Proofs/claims/FA.nonRobustness.md).
public struct NonRobustnessClaim: Claim {
    public init() {}
    public let id = "FA.nonRobustness"
    public let paper = Paper.featureAveraging
    public let source = "Theorem (averaged features are non-robust, for any bias)"
    public let statement = "for feature-averaging weights and any biases, δ-robust accuracy ≈ 0 at δ = Ω(√(d/k)) under ρ = δ·y·u/‖u‖"
    public let predicate = "A: median flip radius of GD-trained nets ∝ d^b (95% CI ⊂ [0.4, 0.6]) and ∝ k^c (CI ⊂ [−0.6, −0.4]); B: exact certified robust accuracy of f_FA at 3√(d/k) ≤ 0.05 for every (b₊, b₋) ∈ {−d/4, 0, d/4}²"
    public let counterfactual = "part B at ½√(d/k) with zero bias (\"≤ 5% robust\" there) must fail"

    /// The predicate's constants (Proofs/claims/FA.nonRobustness.md, "Pinned constants").
    enum Bound {
        static let dBand = PredicateConstant.band("medianFlipRadiusVersusD.exponent", 0.4...0.6)
        static let kBand = PredicateConstant.band("medianFlipRadiusVersusK.exponent", -0.6 ... -0.4)
        static let radius = PredicateConstant("deltaOverSqrtDOverK", .equals, 3)
        static let certified = PredicateConstant("certifiedRobustAccuracy", .atMost, 0.05)
        static let counterfactualRadius = PredicateConstant("deltaOverSqrtDOverK", .equals, 0.5, variant: .counterfactual)
    }
    public var constants: [PredicateConstant] { Bound.dBand + Bound.kBand + [Bound.radius, Bound.certified, Bound.counterfactualRadius] }

    /// Part B's constructed model needs only the data model; part A trains nets (the GD hypotheses).
    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let seen = "FA.nonRobustness holds at standard (2026-11-23)"
        let sizes = Self.sizes(run.scale)
        let certificate = TheoremSetting(dimension: sizes.certificateD, clusters: sizes.certificateK, trainSamples: sizes.certificateK,
                                         testSamples: sizes.certificatePoints, neuronsPerSign: 2, steps: 2 * sizes.certificateD,
                                         smallInit: 1e-5).config(seed: 1)
        var ledger = try FeatureAveragingHypotheses.ledger(FeatureAveragingHypotheses.data(introducedAfter: seen), [("f_FA, " + FeatureAveragingHypotheses.name(certificate), certificate)])
        guard run.variant == .claim else { return ledger }
        let trained = Self.partASettings(sizes).map { $0.config(seed: 1) }
        ledger = ledger + (try FeatureAveragingHypotheses.ledger(FeatureAveragingHypotheses.data(introducedAfter: seen) + FeatureAveragingHypotheses.training(introducedAfter: seen), trained.map { (FeatureAveragingHypotheses.name($0), $0) }))
        return ledger
    }

    /// Part A's trained settings: the d sweep at fixed k, then the k sweep at fixed d.
    static func partASettings(_ sizes: Sizes) -> [TheoremSetting] {
        (sizes.dimensions.map { (dim: $0, k: sizes.fixedK) } + sizes.clusterCounts.map { (dim: sizes.fixedD, k: $0) }).map(partASetting)
    }

    /// A GD-trained net of part A at dimension d with k clusters.
    static func partASetting(dim: Int, k: Int) -> TheoremSetting {
        TheoremSetting(dimension: dim, clusters: k, trainSamples: 12 * k, testSamples: 50 * k, neuronsPerSign: 2, steps: 2 * dim, smallInit: 1e-5)
    }

    /// Part B's bias pairs (b₊, b₋) of f_FA: each of −d/4, 0, d/4 for both (the counterfactual: (0, 0)).
    static func biases(d: Double, variant: ClaimVariant) -> [(Double, Double)] {
        variant == .claim ? [-d / 4, 0, d / 4].flatMap { p in [-d / 4, 0, d / 4].map { (p, $0) } } : [(0, 0)]
    }

    /// Part B's data (its key: seed 1 and the claim's id).
    static func certificateData(_ sizes: Sizes) -> MultiClusterConfig {
        MultiClusterConfig(dimension: sizes.certificateD, clusters: sizes.certificateK, positiveClusters: sizes.certificateK / 2,
                           trainSamples: sizes.certificateK, testSamples: sizes.certificatePoints, noise: 1, features: .hadamard,
                           sampling: .balanced)
    }

    /// Part B's data and bias pairs, part A's configs (seed 1 each).
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        let sizes = Self.sizes(scale), d = Double(sizes.certificateD)
        return ["partB.data": ClaimProtocol.setting(Self.certificateData(sizes)),
                "partB.biases.claim": "\(Self.biases(d: d, variant: .claim))",
                "partB.biases.counterfactual": "\(Self.biases(d: d, variant: .counterfactual))",
                "partA.configs": ClaimProtocol.setting(Self.partASettings(sizes).map { $0.config(seed: 1) })]
    }

    struct Sizes {
        let dimensions: [Int], fixedK: Int, clusterCounts: [Int], fixedD: Int, certificateD: Int, certificateK: Int, certificatePoints: Int
    }

    static func sizes(_ scale: Scale) -> Sizes {
        switch scale {
        case .smoke: Sizes(dimensions: [64, 128, 256, 512], fixedK: 4, clusterCounts: [2, 4, 8, 16], fixedD: 256,
                           certificateD: 256, certificateK: 4, certificatePoints: 100)
        case .standard: Sizes(dimensions: [128, 256, 512, 1024], fixedK: 8, clusterCounts: [2, 4, 8, 16], fixedD: 1024,
                              certificateD: 1024, certificateK: 8, certificatePoints: 400)
        case .paper: Sizes(dimensions: [256, 512, 1024, 2048], fixedK: 8, clusterCounts: [2, 4, 8, 16], fixedD: 2048,
                           certificateD: 2048, certificateK: 8, certificatePoints: 800)
        }
    }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("certifiedRobustAccuracy", .exact, decides: .broken, how: "robust accuracy of f_FA under the averaged-feature perturbation, each flip decided in rationals"),
         RobustnessEvidence("fit.medianFlipRadiusVersus*", .exact, decides: .comparison, how: "flip radius along the averaged-feature ray: exact for the theorem's perturbation (piecewise-linear root)"),
         RobustnessEvidence("fit.medianExactRadiusVersus*", .exact, decides: .nothing, how: "exact ℓ2 radii of the same nets (ExactRadius), reported beside")]
    }

    /// Part A's points: the d sweep at fixed k, then the k sweep at fixed d.
    static func partAPoints(_ sizes: Sizes) -> [(axis: String, dim: Int, k: Int)] {
        sizes.dimensions.map { ("d", $0, sizes.fixedK) } + sizes.clusterCounts.map { ("k", sizes.fixedD, $0) }
    }

    /// Part A (the claim only): one GD-trained net per point of `partAPoints`.
    public func followUps(_ run: ClaimRun) -> [FollowUpStage] {
        run.variant == .claim ? [FollowUpStage("partA", instances: Self.partAPoints(Self.sizes(run.scale)).indices.map { UInt64($0) })] : []
    }

    /// A part-A point's median and 95th-percentile flip radii, and the median exact ℓ2 radius
    /// beside the ray (reported, not deciding).
    public func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue {
        let points = Self.partAPoints(Self.sizes(run.scale))
        guard stage == "partA", points.indices.contains(Int(instance)) else { throw ClaimError("\(id) has no follow-up \(stage)/\(instance)") }
        let (_, dim, kk) = points[Int(instance)]
        let setting = Self.partASetting(dim: dim, k: kk)
        let experiment = try ExperimentRun.run(setting.config(seed: 1), parallelism: run.parallelism)
        let radii = Self.flipRadii(experiment.final, experiment.test, features: experiment.data.clusterFeatures!, positiveClusters: kk / 2).sorted()
        let exact = try ExactRadius.provenRadii(experiment.final, experiment.test, parallelism: run.parallelism).sorted()
        return UnitValue(values: ["median": radii[radii.count / 2], "critical": radii[radii.count - 1 - radii.count / 20], "exactMedian": exact[exact.count / 2]])
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let sizes = Self.sizes(run.scale)
        let clock = ContinuousClock(), start = clock.now
        var result: ClaimResult
        // Part B: one trial per bias pair (or the single counterfactual radius).
        let d = Double(sizes.certificateD)
        let biases = Self.biases(d: d, variant: run.variant)
        // δ² = c²·d/k exactly, c the radius constant (3, or ½ for the counterfactual: squares exact in Double).
        let c = (run.variant == .claim ? Bound.radius : Bound.counterfactualRadius).bound
        let deltaSquared = try Rational(exactly: c * c) * Rational(sizes.certificateD, sizes.certificateK)
        let data = try MultiClusterData(Self.certificateData(sizes), key: PRNGKey(seed: 1).child(id))
        let u = FeatureAveragingModels.averagedAttackDirection(features: data.features, positiveClusters: sizes.certificateK / 2)
        result = try trials(run, instances: biases.indices.map { UInt64($0) }, decision: .everyTrial) { index in
            let (bp, bn) = biases[Int(index)]
            let model = FeatureAveragingModels.averaged(features: data.features, positiveClusters: sizes.certificateK / 2, biases: (bp, bn))
            var robust = 0
            for i in 0..<data.test.count {
                let x = data.test.inputs.row(i), y = data.test.labels[i]
                guard try Certificates.exactDecision(model, x) == y else { continue }
                if try !Certificates.averagedAttackFlips(model, x: x, label: y, direction: u, deltaSquared: deltaSquared) { robust += 1 }
            }
            let accuracy = Double(robust) / Double(data.test.count)
            return (Bound.certified.admits(accuracy), ["certifiedRobustAccuracy": accuracy, "biasPositive": bp, "biasNegative": bn,
                                       "deltaOverSqrtDOverK": Double(try deltaSquared / (try Rational(sizes.certificateD, sizes.certificateK))).squareRoot()],
                    "f_FA, d = \(sizes.certificateD), k = \(sizes.certificateK), biases (\(bp), \(bn)), \(data.test.count) test points")
        }
        guard run.variant == .claim else { return result }
        // Part A: median flip radii of GD-trained nets against d and against k (a follow-up stage).
        let points = Self.partAPoints(sizes)
        let measured = try followingUp(run, stage: "partA", points.indices.map { UInt64($0) }).map(\.values)
        var medians: [String: [Double]] = [:], critical: [String: [Double]] = [:], exactMedians: [String: [Double]] = [:]
        for (point, values) in zip(points, measured) {
            medians[point.axis, default: []].append(values["median"]!)
            critical[point.axis, default: []].append(values["critical"]!)
            exactMedians[point.axis, default: []].append(values["exactMedian"]!)
        }
        result.summary = "B: " + result.summary + "; A"
        result.addScalingCheck("medianFlipRadiusVersusD", x: ("d", sizes.dimensions.map(Double.init)), y: ("median flip radius", medians["d"]!), band: PredicateConstant.range(Bound.dBand))
        result.addScalingCheck("medianFlipRadiusVersusK", x: ("k", sizes.clusterCounts.map(Double.init)), y: ("median flip radius", medians["k"]!), band: PredicateConstant.range(Bound.kBand))
        _ = result.recordFit("medianExactRadiusVersusD", x: ("d", sizes.dimensions.map(Double.init)), y: ("median exact ℓ2 radius", exactMedians["d"]!))
        _ = result.recordFit("medianExactRadiusVersusK", x: ("k", sizes.clusterCounts.map(Double.init)), y: ("median exact ℓ2 radius", exactMedians["k"]!))
        result.series["criticalRadiusOverD"] = critical["d"]!
        result.series["criticalRadiusOverK"] = critical["k"]!
        result.seconds = (clock.now - start).inSeconds
        return result
    }

    /// For each sample, the smallest δ ≥ 0 at which x + δ·y·u/‖u‖ is no longer classified y (0 when
    /// it is misclassified already, ∞ when it never flips). Along the ray every pre-activation is
    /// z_r + δ·c_r, so y·f is piecewise linear with breakpoints −z_r/c_r: the root is found exactly
    /// between consecutive breakpoints (in Double).
    static func flipRadii(_ net: TwoLayerNetwork, _ data: Dataset, features: Matrix, positiveClusters: Int) -> [Double] {
        let u = FeatureAveragingModels.averagedAttackDirection(features: features, positiveClusters: positiveClusters)
        let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let direction = u.map { $0 / norm }
        let z = net.preactivations(data.inputs, .serial)
        let c = Kernels.productTransposed(Matrix(rows: 1, columns: direction.count, storage: direction), net.weights, .serial)
        return (0..<data.count).map { i in
            let y = Double(data.labels[i])
            func g(_ delta: Double) -> Double {
                (0..<net.neurons).reduce(0) { $0 + net.head.coefficient[$1] * max(0, z[i, $1] + delta * y * c[0, $1]) } * y
            }
            guard g(0) > 0 else { return 0 }
            let breakpoints = (0..<net.neurons).compactMap { r -> Double? in
                let slope = y * c[0, r]
                guard slope != 0 else { return nil }
                let t = -z[i, r] / slope
                return t > 0 ? t : nil
            }.sorted()
            var previous = 0.0, gp = g(0)
            for t in breakpoints {
                let gt = g(t)
                if gt <= 0 { return previous + (t - previous) * gp / (gp - gt) }
                (previous, gp) = (t, gt)
            }
            let slope = g(previous + 1) - gp
            return slope < 0 ? previous + gp / -slope : .infinity
        }
    }
}
