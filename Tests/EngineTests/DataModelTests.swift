import Testing
@testable import Engine
@testable import Exact

@Suite("Data models")
struct DataModelTests {
    @Test func patchStructuredPatchesCarryTheirFeatures() throws {
        let config = PatchStructuredConfig(dimension: 16, classes: 3, patches: 6, robustPatches: 1, nonRobustPatches: 3,
                                           alpha: .constant(2), beta: CoefficientRange(lower: 0.2, upper: 0.4), patchNoise: 0,
                                           trainSamples: 9, testSamples: 3, features: .qr)
        let data = try PatchStructuredData(config, key: PRNGKey(seed: 1))
        let frame = Kernels.productTransposed(data.robustFeatures, data.nonRobustFeatures)
        for i in 0..<3 { for j in 0..<3 { #expect(abs(frame[i, j]) < 1e-14) } }  // u ⟂ v
        let uu = Kernels.productTransposed(data.robustFeatures, data.robustFeatures)
        for i in 0..<3 { #expect(abs(uu[i, i] - 1) < 1e-14) }
        for i in 0..<9 {
            let y = data.train.labels[i]
            let patch = { (p: Int) in Array(data.train.inputs.row(i)[(p * 16)..<((p + 1) * 16)]) }
            #expect(patch(0) == data.robustFeatures.row(y).map { 2 * $0 })  // α u_y, no noise
            for p in 1...3 {  // β_p v_y with β_p ∈ [0.2, 0.4]
                let beta = zip(patch(p), data.nonRobustFeatures.row(y)).reduce(0.0) { $0 + $1.0 * $1.1 }
                #expect(beta >= 0.2 - 1e-12 && beta <= 0.4 + 1e-12)
            }
            for p in 4..<6 { #expect(patch(p).allSatisfy { $0 == 0 }) }
        }
        var bad = config
        bad.dimension = 5
        #expect(throws: ConfigError.self) { try bad.validate() }
        bad = config
        bad.nonRobustPatches = 6
        let e = #expect(throws: ConfigError.self) { try bad.validate() }
        #expect(e?.field == "nonRobustPatches")
    }

    @Test func sparseCodingLabelsAreTheTeacherSignAndNeverTies() throws {
        let config = SparseCodingConfig(dimension: 32, atoms: 20, sparsity: 3, noise: 0, dictionary: .qr, trainSamples: 50, testSamples: 10)
        let data = try SparseCodingData(config, key: PRNGKey(seed: 2))
        for i in 0..<50 {
            let z = data.trainCodes.row(i)
            #expect(z.filter { $0 != 0 }.count == 3 && z.allSatisfy { $0 == 0 || abs($0) == 1 })
            let margin = zip(z, data.teacher).reduce(0.0) { $0 + $1.0 * $1.1 }
            #expect(margin != 0 && (margin > 0 ? 1 : -1) == data.train.labels[i])
            // σ = 0: x = Σ_j z_j m_j, and the code is recovered by the orthonormal dictionary.
            let recovered = Kernels.productTransposed(Matrix([data.train.inputs.row(i)]), data.dictionary).storage
            for j in 0..<20 { #expect(abs(recovered[j] - z[j]) < 1e-13) }
        }
        var bad = config
        bad.sparsity = 4
        #expect(throws: ConfigError.self) { try bad.validate() }
    }

    @Test(arguments: [SeparatedSetsConfig.Norm.l2, .linf])
    func separatedSetsAreExactly2EpsilonSeparated(norm: SeparatedSetsConfig.Norm) throws {
        let config = SeparatedSetsConfig(dimension: 3, points: 40, epsilon: 0.05, norm: norm)
        let data = try SeparatedSets.sample(config, key: PRNGKey(seed: 3))
        let exact = try data.inputs.rowList.map { try $0.map { try Rational(exactly: $0) } }
        let separation = try SeparatedSets.exactSeparation(exact, labels: data.labels, norm: norm)!
        let twoEps = try Rational(exactly: 2 * config.epsilon)
        #expect(separation >= (norm == .l2 ? twoEps * twoEps : twoEps))
        let impossible = SeparatedSetsConfig(dimension: 1, points: 10, epsilon: 0.5, norm: .linf, maxAttempts: 50)
        let e = #expect(throws: ConfigError.self) { try SeparatedSets.sample(impossible, key: PRNGKey(seed: 0)) }
        #expect(e?.field == "epsilon")
    }

    @Test func gridConstructionIsSeparatedAndLinearlySeparableForAnyLabelling() throws {
        let epsilon = try Rational(1, 10)  // K = 5
        for seed: UInt64 in 0..<5 {
            var s = PRNGKey(seed: seed).stream
            let phi = (0..<25).map { _ in s.next() % 2 == 0 ? 1 : -1 }  // d = 3: K^(d−1) = 25 points
            let (points, labels) = try SeparatedSets.grid(dimension: 3, epsilon: epsilon, labelling: phi)
            #expect(points.count == 25)
            #expect(try SeparatedSets.exactSeparation(points, labels: labels, norm: .linf)! >= epsilon * 2)
            let half = try Rational(1, 2)
            for (p, y) in zip(points, labels) { #expect((p[2] > half) == (y == 1)) }  // x_d = ½ separates
        }
        #expect(throws: ConfigError.self) { try SeparatedSets.grid(dimension: 3, epsilon: epsilon, labelling: [1]) }
        #expect(throws: ConfigError.self) { try SeparatedSets.grid(dimension: 1, epsilon: epsilon, labelling: []) }
    }
}

@Suite("Constructed models")
struct ConstructedModelTests {
    @Test func robustAndAveragedModelsClassifyCleanClusterData() throws {
        // d = 256, k = 8: the attack below shifts each ⟨μ_j, x⟩ by δ·√(d/k) = 2d/k = 64, while the
        // robust net's margin ⟨μ_j, x⟩ − d/2 = 128 + N(0, 16²) has 4σ to spare.
        let config = MultiClusterConfig(dimension: 256, clusters: 8, positiveClusters: 4, trainSamples: 80, testSamples: 0,
                                        noise: 1, features: .hadamard)
        let data = try MultiClusterData(config, key: PRNGKey(seed: 4))
        let robust = FeatureAveragingModels.robust(features: data.features, positiveClusters: 4)
        #expect(robust.accuracy(data.train) == 1)
        let averaged = FeatureAveragingModels.averaged(features: data.features, positiveClusters: 4)
        #expect(averaged.accuracy(data.train) == 1)
        // The averaged-feature attack at δ = 2√(d/k) breaks the averaged model on every point …
        let u = FeatureAveragingModels.averagedAttackDirection(features: data.features, positiveClusters: 4)
        let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let delta = 2 * (256.0 / 8).squareRoot()
        var attacked = data.train.inputs
        for i in 0..<attacked.rows {
            for t in 0..<256 { attacked[i, t] += Double(data.train.labels[i]) * delta * u[t] / norm }
        }
        let broken = Dataset(inputs: attacked, labels: data.train.labels)
        #expect(averaged.accuracy(broken) == 0)
        // … but not the robust model (its radius is Θ(√d)).
        #expect(robust.accuracy(broken) == 1)
    }

    @Test func distanceRatioClassifierIsCorrectWithinEpsilon() throws {
        let config = SeparatedSetsConfig(dimension: 2, points: 20, epsilon: 0.05, norm: .l2)
        let data = try SeparatedSets.sample(config, key: PRNGKey(seed: 5))
        let f = DistanceRatioClassifier(data, norm: .l2)
        var s = PRNGKey(seed: 6).stream
        for (x, y) in zip(data.inputs.rowList, data.labels) {
            for _ in 0..<20 {  // random points of the open ε-ball
                let angle = 2 * Double.pi * s.uniform(), r = 0.99 * config.epsilon * s.uniform()
                let moved = [x[0] + r * Double.cos(angle), x[1] + r * Double.sin(angle)]
                #expect((f.value(moved) > 0) == (y == 1))
            }
        }
    }

    @Test func memorizationNetworkIsCertifiedExactlyOnTheBallCorners() throws {
        let config = SeparatedSetsConfig(dimension: 3, points: 12, epsilon: 0.1, norm: .linf)
        let data = try SeparatedSets.sample(config, key: PRNGKey(seed: 7))
        let net = RobustMemorizationNetwork(points: data.inputs.rowList, labels: data.labels, epsilon: config.epsilon)
        #expect(net.parameterCount == 12 * (6 * 3 + 1))
        let delta = try Rational(exactly: 0.09)  // δ < ε
        for (x, y) in zip(data.inputs.rowList, data.labels) {
            // All 2^d corners of the δ-cube around x: the worst cases of the ℓ∞ ball for this net.
            for corner in 0..<8 {
                let moved = try (0..<3).map { j in try Rational(exactly: x[j]) + (corner >> j & 1 == 1 ? delta : -delta) }
                let value = try net.evaluate(moved)
                #expect(y == 1 ? value.signum > 0 : value.signum < 0)
            }
            // And its value at the point itself is exactly ±1.
            #expect(try net.evaluate(try x.map { try Rational(exactly: $0) }) == Rational(y))
        }
    }
}
