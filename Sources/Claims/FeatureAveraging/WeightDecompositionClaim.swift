import Engine
import Exact

/// FA.weightDecomposition — w(t) = w(0) + Σ_j λ_j μ_j + Σ_i σ_i ξ_i along GD: the tracked
/// coefficients reconstruct the trained weights, and an exact least-squares recovery from the
/// weights alone finds the same coefficients (Proofs/claims/FA.weightDecomposition.md).
public struct WeightDecompositionClaim: Claim {
    public init() {}
    public let id = "FA.weightDecomposition"
    public let paper = Paper.featureAveraging
    public let source = "Lemma (weight decomposition)"
    public let statement = "w_{s,r}(t) = w_{s,r}(0) + Σ_j λ_{s,r,j}(t)μ_j + Σ_i σ_{s,r,i}(t)ξ_i throughout GD"
    public let predicate = "‖w_rec − w(T)‖_max ≤ 1e-10·‖w(T) − w(0)‖_max; exact least squares of w(T) − w(0) on {μ_j} ∪ {ξ_i} recovers λ and σ to 1e-9 of their max; in exact rational GD (squared loss, 3 steps) the identity holds with zero error and the engine agrees to 1e-12; in every trial"
    public let counterfactual = "λ attributed to the next cluster (c(i) + 1 mod k) must fail the reconstruction bound"

    /// The predicate's constants (Proofs/claims/FA.weightDecomposition.md, "Pinned constants").
    enum Bound {
        static let reconstruction = PredicateConstant("reconstructionError", .atMost, 1e-10)
        static let lambda = PredicateConstant("recoveredLambdaError", .atMost, 1e-9)
        static let sigma = PredicateConstant("recoveredSigmaError", .atMost, 1e-9)
        static let identity = PredicateConstant("exactIdentityHolds", .equals, 1)
        static let engine = PredicateConstant("engineVersusExactGD", .atMost, 1e-12)
    }
    /// The Lemma holds for any GD run on the data model; the ledger checks the data model and the
    /// measurement's own condition (an independent basis for the exact recovery).
    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let seen = "FA.weightDecomposition holds 5/5 at standard (2026-11-23)"
        let setting = Self.setting(run.scale), config = setting.config(seed: 1)
        let independence: FeatureAveragingHypotheses.Measure = (
            Hypothesis("independent basis", statement: "{μ_j} ∪ {ξ_i} linearly independent (for the exact recovery of λ, σ)",
                       PredicateConstant("d − n − k", .atLeast, 0), origin: .instantiation,
                       reason: "the least-squares recovery needs n + k ≤ d (Proofs/claims/FA.weightDecomposition.md)"),
            { _ in Double(setting.dimension - setting.trainSamples - setting.clusters) })
        return try FeatureAveragingHypotheses.ledger(FeatureAveragingHypotheses.data(introducedAfter: seen) + [independence],
                                                     [(FeatureAveragingHypotheses.name(config), config)])
    }

    public var constants: [PredicateConstant] { [Bound.reconstruction, Bound.lambda, Bound.sigma, Bound.identity, Bound.engine] }

    static func setting(_ scale: Scale) -> TheoremSetting {
        switch scale {
        case .smoke: TheoremSetting(dimension: 128, clusters: 4, trainSamples: 48, testSamples: 0, neuronsPerSign: 2, steps: 300)
        case .standard: TheoremSetting(dimension: 256, clusters: 8, trainSamples: 96, testSamples: 0, neuronsPerSign: 4, steps: 1000)
        case .paper: TheoremSetting(dimension: 512, clusters: 8, trainSamples: 160, testSamples: 0, neuronsPerSign: 8, steps: 2000)
        }
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let setting = Self.setting(run.scale)
        return try trials(run, seeds: [.smoke: 3, .standard: 5, .paper: 5], decision: .everyTrial) { seed in
            let config = setting.config(seed: seed)
            let experiment = try ExperimentRun.run(config, parallelism: run.parallelism)
            guard let tracked = experiment.decomposition, let noise = experiment.train.noise,
                  let features = experiment.data.clusterFeatures else { preconditionFailure("the FA setting tracks the decomposition") }
            var lambda = tracked.lambda
            if run.variant == .counterfactual {
                // λ′_{r,j} = Σ_{i : c(i)+1 ≡ j (mod k)} σ_{r,i}.
                lambda = Matrix(rows: lambda.rows, columns: lambda.columns)
                for r in 0..<lambda.rows {
                    for (i, c) in experiment.train.clusters.enumerated() { lambda[r, (c + 1) % setting.clusters] += tracked.sigma[r, i] }
                }
            }
            var decomposition = tracked
            decomposition.lambda = lambda
            let initial = experiment.initial.weights, final = experiment.final.weights
            let rebuilt = decomposition.reconstruct(initial: initial, features: features, noise: noise, run.parallelism)
            let change = zip(final.storage, initial.storage).map { abs($0 - $1) }.max()!
            let reconstruction = zip(rebuilt.storage, final.storage).map { abs($0 - $1) }.max()! / change
            let recovered = try Self.exactRecovery(experiment, features: features)
            let lambdaError = Self.maxDifference(recovered.lambda, lambda) / lambda.storage.map(abs).max()!
            let sigmaError = Self.maxDifference(recovered.sigma, tracked.sigma) / tracked.sigma.storage.map(abs).max()!
            let exact = try Self.exactIdentity(config, parallelism: run.parallelism)
            let holds = Bound.reconstruction.admits(reconstruction) && Bound.lambda.admits(lambdaError) && Bound.sigma.admits(sigmaError)
                && Bound.identity.admits(exact.identityHolds ? 1 : 0) && Bound.engine.admits(exact.engineError)
            return (holds,
                    ["reconstructionError": reconstruction, "recoveredLambdaError": lambdaError, "recoveredSigmaError": sigmaError,
                     "exactIdentityHolds": exact.identityHolds ? 1 : 0, "engineVersusExactGD": exact.engineError,
                     "maxOwnLambda": lambda.storage.max()!, "trainAccuracy": experiment.history.last!.trainAccuracy],
                    TheoremSetting.describe(config))
        }
    }

    /// (c)'s config: `base` with the squared loss and three primal GD steps at η = 1/16.
    static func exactIdentityConfig(_ base: ExperimentConfig) -> ExperimentConfig {
        var config = base
        config.loss = .squared
        config.optimizer = GradientDescent(learningRate: 1.0 / 16, steps: 3, probeEvery: 3, algorithm: .primal)
        return config
    }

    /// The trained config (seed 0; the units carry it) and (c)'s exact-GD config.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        let config = Self.setting(scale).config(seed: 0)
        return ["config": ClaimProtocol.setting(config), "exactIdentity": ClaimProtocol.setting(Self.exactIdentityConfig(config))]
    }

    /// (c) Three steps of squared-loss GD with η = 1/16 in exact rationals from the same data and
    /// init: the decomposition identity holds with zero error, and the engine's Double GD on the same
    /// config agrees to 1e-12 of the change.
    static func exactIdentity(_ base: ExperimentConfig, parallelism: Parallelism) throws -> (identityHolds: Bool, engineError: Double) {
        let config = exactIdentityConfig(base)
        let engine = try ExperimentRun.run(config, parallelism: parallelism)
        guard let features = engine.data.clusterFeatures else { preconditionFailure("clustered data") }
        let train = engine.train, k = features.rows
        let mu = try features.rowList.map { try $0.map { try Rational(exactly: $0) } }
        let x = try train.inputs.rowList.map { try $0.map { try Rational(exactly: $0) } }
        let xi = x.indices.map { i in zip(x[i], mu[train.clusters[i]]).map { $0 - $1 } }
        let gd = try ExactGradientDescent(engine.initial, inputs: x, labels: train.labels, clusters: train.clusters, clusterCount: k,
                                          learningRate: try Rational(1, 16), steps: 3)
        var holds = true, worst = 0.0, change = 0.0
        for r in 0..<gd.weights.count {
            for t in 0..<features.columns {
                var w = try Rational(exactly: engine.initial.weights[r, t])
                for j in 0..<k where !gd.lambda[r][j].isZero { w = w + gd.lambda[r][j] * mu[j][t] }
                for i in 0..<x.count where !gd.sigma[r][i].isZero { w = w + gd.sigma[r][i] * xi[i][t] }
                holds = holds && w == gd.weights[r][t]
                worst = max(worst, abs(Double(gd.weights[r][t]) - engine.final.weights[r, t]))
                change = max(change, abs(engine.final.weights[r, t] - engine.initial.weights[r, t]))
            }
        }
        return (holds, change > 0 ? worst / change : worst)
    }

    static func maxDifference(_ a: Matrix, _ b: Matrix) -> Double { zip(a.storage, b.storage).map { abs($0 - $1) }.max()! }

    /// λ̂, σ̂: the exact least-squares coefficients of w_r(T) − w_r(0) in the basis
    /// [μ_1 … μ_k, ξ_1 … ξ_n] with ξ_i = x_i − μ_{c(i)} exactly (Bareiss on the normal equations, one
    /// elimination for every neuron: they share the Gram matrix),
    /// rounded to Double at the end.
    static func exactRecovery(_ experiment: ExperimentRun, features: Matrix) throws -> (lambda: Matrix, sigma: Matrix) {
        let train = experiment.train
        let k = features.rows, n = train.count, d = features.columns
        let mu = try features.rowList.map { try $0.map { try Rational(exactly: $0) } }
        var columns = mu
        for i in 0..<n {
            let x = try train.inputs.row(i).map { try Rational(exactly: $0) }
            columns.append(zip(x, mu[train.clusters[i]]).map { $0 - $1 })
        }
        let basis = try RationalMatrix(rows: columns).transposed  // d × (k + n)
        precondition(basis.rows == d)
        let gram = basis.transposed.rowGram
        let initial = experiment.initial.weights, final = experiment.final.weights
        let transposedBasis = basis.transposed
        // Every neuron's normal equations share the Gram matrix: one elimination for all of them.
        let changes = try (0..<initial.rows).map { r in
            try transposedBasis * (0..<d).map { try Rational(exactly: final[r, $0]) - Rational(exactly: initial[r, $0]) }
        }
        let coefficients = try Bareiss.solve(gram, rightHandSides: changes).map { $0.map(Double.init) }
        var lambda = Matrix(rows: initial.rows, columns: k), sigma = Matrix(rows: initial.rows, columns: n)
        for r in 0..<initial.rows {
            for j in 0..<k { lambda[r, j] = coefficients[r][j] }
            for i in 0..<n { sigma[r, i] = coefficients[r][k + i] }
        }
        return (lambda, sigma)
    }
}
