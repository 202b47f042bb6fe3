import PropertyBased
import Testing
@testable import Engine
@testable import Exact

@Suite("Attacks")
struct AttackTests {
    static let configs: [AttackConfig] = [
        .fgm, .fgsm, .faPaper,
        AttackConfig(norm: .linf, steps: 5, stepSizeFactor: 0.3, start: .ball, restarts: 1, objective: .margin),
        AttackConfig(norm: .l2, steps: 5, stepSizeFactor: 0.5, start: .ball, restarts: 1, objective: .targetedMargin, patchDimension: 0),
    ]

    /// Every perturbation stays within its budget: ‖δ‖₂ ≤ ε + 1e-12 per block, |δ_t| ≤ ε + 1e-12.
    @Test(arguments: configs.indices)
    func attacksNeverLeaveTheirBudget(index: Int) async throws {
        let config = AttackTests.configs[index]
        await propertyCheck(count: 15, input: Gen.uint64(), Gen.double(in: 0.01...3)) { seed, epsilon throws in
            let problem = SmallProblem.make(seed: seed, kind: seed % 2 == 0 ? .binaryReLU : .patchCNN)
            var attack = config
            if problem.network.patches > 1 { attack.patchDimension = problem.network.inputDimension }
            let objective: any Loss = problem.network.outputs == 1 ? LogisticLoss() : CrossEntropyLoss()
            let x = Attacks.pgd(problem.network, inputs: problem.data.inputs, labels: problem.data.labels, epsilon: epsilon,
                                config: attack, objective: objective, key: PRNGKey(seed: seed))
            let block = attack.patchDimension > 0 ? attack.patchDimension : x.columns
            for i in 0..<x.rows {
                for b in stride(from: 0, to: x.columns, by: block) {
                    let delta = (0..<block).map { x[i, b + $0] - problem.data.inputs[i, b + $0] }
                    switch attack.norm {
                    case .l2: #expect(delta.reduce(0) { $0 + $1 * $1 }.squareRoot() <= epsilon + 1e-12)
                    case .linf: #expect(delta.allSatisfy { abs($0) <= epsilon + 1e-12 })
                    }
                }
            }
        }
    }

    /// The split start (`SplitGaussianStart`) draws a standard Gaussian of ℝ^d: for a random
    /// 10 × 64 weight matrix, 4000 vectors g = Qᵀξ + ρ·u pass the KS test at level 0.001 for
    /// ‖g‖² ~ χ²_64 and for ⟨g, e⟩ ~ N(0, 1), e mixing a span direction and a complement one; the
    /// quantities the coordinates use agree with the formed vector (W·g = (W·Qᵀ)·ξ and
    /// ‖g‖² = ‖ξ‖² + ρ² to rounding). Drawing ρ² from χ²_d instead of χ²_{d−m} is rejected.
    @Test func splitStartIsAStandardGaussian() throws {
        let (d, m) = (64, 10)
        var s = PRNGKey(seed: 5).stream
        let w = Matrix(rows: m, columns: d, storage: s.gaussians(m * d))
        let split = try #require(SplitGaussianStart(spanning: w))
        let q = split.basis
        var outside = s.gaussians(d)  // a unit vector of the complement: P⊥h/‖P⊥h‖
        for r in 0..<m {
            let c = (0..<d).reduce(0.0) { $0 + q[r, $1] * outside[$1] }
            for t in 0..<d { outside[t] -= c * q[r, t] }
        }
        let outsideNorm = outside.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let e = (0..<d).map { (q[0, $0] + outside[$0] / outsideNorm) / 2.0.squareRoot() }
        let wq = (0..<m).map { r in (0..<m).map { j in (0..<d).reduce(0.0) { $0 + w[r, $1] * q[j, $1] } } }
        var lengths: [Double] = [], projections: [Double] = [], worst = 0.0
        for i in 0..<4000 {
            let draw = split.draw(key: PRNGKey(seed: 6).child(UInt64(i)), .sphere, epsilon: 1)
            let g = split.vector(draw)
            let length = g.reduce(0) { $0 + $1 * $1 }
            lengths.append(length)
            projections.append(zip(g, e).reduce(0) { $0 + $1.0 * $1.1 })
            worst = max(worst, abs(length - draw.squaredLength) / length)
            for r in 0..<m {
                let direct = (0..<d).reduce(0.0) { $0 + w[r, $1] * g[$1] }
                let viaBasis = (0..<m).reduce(0.0) { $0 + draw.coefficients[$1] * wq[r][$1] }
                worst = max(worst, abs(direct - viaBasis) / length.squareRoot())
            }
        }
        #expect(worst < 1e-13, "the coordinates' ‖g‖² and W·g differ from the formed vector's by \(worst)")
        let critical = LawChecks.criticalValue(samples: lengths.count)
        let dLength = LawChecks.kolmogorovSmirnov(lengths) { LawChecks.chiSquaredCDF($0, degreesOfFreedom: d) }
        let dProjection = LawChecks.kolmogorovSmirnov(projections, LawChecks.normalCDF)
        #expect(dLength < critical && dProjection < critical, "KS distances ‖g‖²: \(dLength), ⟨g, e⟩: \(dProjection) (critical \(critical))")
        // ρ² ~ χ²_d (the whole dimension counted twice) would make ‖g‖² ~ χ²_{d+m}: told apart.
        let wrong = lengths.map { $0 + (0..<m).reduce(0.0) { acc, _ in let x = s.gaussian(); return acc + x * x } }
        #expect(LawChecks.kolmogorovSmirnov(wrong) { LawChecks.chiSquaredCDF($0, degreesOfFreedom: d) } > critical)
    }

    /// More steps or more restarts never find less, on the same key.
    @Test func moreStepsAndRestartsAreNeverWeaker() throws {
        let (data, _) = try smallFeatureAveraging(d: 64, n: 40)
        var network = FeatureAveragingModels.averaged(features: data.features, positiveClusters: 2)
        network.biases = [0.5, -0.5]
        let epsilon = 0.8 * (64.0 / 4).squareRoot()
        var previous: [Bool]? = nil
        for (steps, restarts) in [(1, 1), (3, 1), (7, 1), (7, 2), (15, 3)] {
            let attack = AttackConfig(norm: .l2, steps: steps, stepSizeFactor: 0.25, start: .sphere, restarts: restarts)
            let robust = RobustAccuracy.robustSamples(network, data.test, epsilon: epsilon, attack: attack,
                                                      trainingLoss: LogisticLoss(), key: PRNGKey(seed: 1))
            if let previous { #expect(zip(robust, previous).allSatisfy { !$0 || $1 }, "\(steps) steps, \(restarts) restarts") }
            previous = robust
        }
    }

    /// On the idealised models PGD finds the analytic boundary distance within 5%: √(d/k) for the
    /// averaged model f_FA and √(d/2) for the per-cluster model, at noiseless cluster centres.
    /// Restarts: at a centre of f_FA the other sign's neuron sits exactly at ReLU's kink
    /// (⟨w₋, μ_j⟩ = 0); a start with ⟨w₋, δ₀⟩ ≤ 0 leaves it dead, and PGD along −w₊ alone needs
    /// ε = ⟨w₊, μ_j⟩/‖w₊‖ = √(2d/k) > 1.05·√(d/k) (here 8 against 5.94). So each restart breaks a centre
    /// with probability ½ (measured: 2 restarts left 418 and 449 of 1600 centre/seed pairs unbroken
    /// with the split and the plain Gaussian start — ¼ expected), and 16 restarts leave one of the 8
    /// centres unbroken with probability ≤ 8·2⁻¹⁶ ≈ 1.2·10⁻⁴.
    @Test func pgdFindsTheAnalyticBoundaryOfTheIdealisedModels() throws {
        let d = 256, k = 8
        let features = Matrix(try OrthogonalFeatures.hadamard(count: k, dimension: d))
        let centres = Dataset(inputs: features, labels: (0..<k).map { $0 < k / 2 ? 1 : -1 })
        let averaged = FeatureAveragingModels.averaged(features: features, positiveClusters: k / 2)
        let perCluster = TwoLayerNetwork(weights: features, biases: [Double](repeating: 0, count: k),
                                         head: .perClass(classes: k, neuronsPerClass: 1, scale: 1))
        let clusterLabelled = Dataset(inputs: features, labels: Array(0..<k))
        let strong = AttackConfig(norm: .l2, steps: 40, stepSizeFactor: 0.1, start: .ball, restarts: 16, objective: .targetedMargin)
        for (model, data, boundary, loss) in [(averaged, centres, (Double(d) / Double(k)).squareRoot(), LogisticLoss() as any Loss),
                                              (perCluster, clusterLabelled, (Double(d) / 2).squareRoot(), CrossEntropyLoss())] {
            let inside = RobustAccuracy.robustSamples(model, data, epsilon: 0.95 * boundary, attack: strong, trainingLoss: loss, key: PRNGKey(seed: 2))
            let outside = RobustAccuracy.robustSamples(model, data, epsilon: 1.05 * boundary, attack: strong, trainingLoss: loss, key: PRNGKey(seed: 2))
            #expect(inside.allSatisfy { $0 }, "robust just inside √ boundary \(boundary)")
            #expect(outside.allSatisfy { !$0 }, "broken just outside boundary \(boundary): \(outside)")
        }
    }

    @Test func criticalRadiusInterpolatesLinearly() {
        let curve = [(0.0, 1.0), (1.0, 0.8), (2.0, 0.3), (3.0, 0.0)].map {
            RobustAccuracy.Point(radius: $0.0, robustAccuracy: $0.1, monotoneRobustAccuracy: $0.1)
        }
        #expect(RobustAccuracy.criticalRadius(curve, level: 0.05)! == 2 + (0.3 - 0.05) / 0.3)
        #expect(RobustAccuracy.criticalRadius(curve, level: 0.8) == 1)
        #expect(RobustAccuracy.criticalRadius(curve, level: -0.1) == nil)
        #expect(RobustAccuracy.criticalRadius(curve, level: 1) == 0)
    }

    @Test func modelIndependentAttacksMoveAlongTheStatedDirections() throws {
        let config = PatchStructuredConfig(dimension: 8, classes: 2, patches: 3, robustPatches: 1, nonRobustPatches: 2,
                                           alpha: .constant(1), beta: .constant(0.2), patchNoise: 0, trainSamples: 4, testSamples: 0)
        let data = try PatchStructuredData(config, key: PRNGKey(seed: 1))
        let x = Attacks.negativeNonRobust(inputs: data.train.inputs, labels: data.train.labels, nonRobustFeatures: data.nonRobustFeatures,
                                          patches: 1..<3, epsilon: 0.2)
        // β = ε = 0.2: the non-robust patches are erased exactly, the robust one is untouched.
        for i in 0..<4 {
            for t in 0..<8 { #expect(x[i, t] == data.train.inputs[i, t]) }
            for t in 8..<24 { #expect(abs(x[i, t]) < 1e-15) }
        }
    }

    /// NRF-PGD: every patch's perturbation lies in span{v_j} (residual ≤ 1e-12) within its budget;
    /// an attack with no room (the span of the robust features, orthogonal to the non-robust
    /// ones, against a model that reads only the non-robust directions) changes nothing.
    @Test func subspacePGDMovesOnlyWithinTheSubspace() throws {
        let config = PatchStructuredConfig(dimension: 8, classes: 2, patches: 4, robustPatches: 1, nonRobustPatches: 3,
                                           alpha: .constant(1), beta: .constant(0.3), patchNoise: 0.05, trainSamples: 12, testSamples: 0)
        let data = try PatchStructuredData(config, key: PRNGKey(seed: 3))
        let network = TwoLayerNetwork.initialized(inputDimension: 8, head: .perClass(classes: 2, neuronsPerClass: 2, scale: 1),
                                                  weightStd: 1, biasStd: 0, activation: .smoothedReLU(q: 3, rho: 0.1), patches: 4,
                                                  trainsBiases: false, key: PRNGKey(seed: 4))
        var attack = AttackConfig(norm: .l2, steps: 10, stepSizeFactor: 0.25, start: .ball, objective: .targetedMargin, patchDimension: 8,
                                  subspace: .nonRobust)
        let v = data.nonRobustFeatures
        attack.subspaceBasis = v
        let x = Attacks.pgd(network, inputs: data.train.inputs, labels: data.train.labels, epsilon: 0.5, config: attack,
                            objective: MarginLoss(targetShift: 1), key: PRNGKey(seed: 5))
        var moved = 0.0
        for i in 0..<x.rows {
            for p in 0..<4 {
                let delta = (0..<8).map { x[i, 8 * p + $0] - data.train.inputs[i, 8 * p + $0] }
                let residual = zip(delta, Attacks.project(delta, onto: v)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                #expect(residual <= 1e-12)
                #expect(delta.reduce(0) { $0 + $1 * $1 }.squareRoot() <= 0.5 + 1e-12)
                moved = max(moved, delta.map(abs).max()!)
            }
        }
        #expect(moved > 0.1, "the attack moved at all")
        // A model that only reads span{v_j}, attacked within span{u_j} ⟂ span{v_j}: never fooled.
        let reader = TwoLayerNetwork(weights: v, biases: [0, 0], head: .perClass(classes: 2, neuronsPerClass: 1, scale: 1),
                                     activation: .identity, patches: 4, trainsBiases: false)
        attack.subspace = .robust
        attack.subspaceBasis = data.robustFeatures
        let robust = RobustAccuracy.robustSamples(reader, data.train, epsilon: 5, attack: attack, trainingLoss: CrossEntropyLoss(),
                                                  key: PRNGKey(seed: 6))
        let clean = RobustAccuracy.robustSamples(reader, data.train, perturbed: data.train.inputs)
        #expect(robust == clean && clean.contains(true))
    }

    /// A curve from any attack is monotone in its "monotone" column and counts a sample only if it
    /// is correct before and after the perturbation.
    @Test func modelIndependentCurvesCountCorrectAndRobustSamples() throws {
        let (data, _) = try smallFeatureAveraging(d: 64, n: 40)
        let model = FeatureAveragingModels.averaged(features: data.features, positiveClusters: 2)
        let curve = RobustAccuracy.curve(radii: [0, 2, 4, 6, 8]) { _, radius in
            RobustAccuracy.robustSamples(model, data.test, perturbed: Attacks.averagedFeature(
                inputs: data.test.inputs, labels: data.test.labels, features: data.features, positiveClusters: 2, delta: radius))
        }
        #expect(curve[0].robustAccuracy == model.accuracy(data.test))
        #expect(zip(curve, curve.dropFirst()).allSatisfy { $0.monotoneRobustAccuracy >= $1.monotoneRobustAccuracy })
        #expect(curve.allSatisfy { $0.monotoneRobustAccuracy <= $0.robustAccuracy })
        // √(d/k) = 4 is the averaged model's boundary at the centres; with noise, 8 breaks most points.
        #expect(curve.last!.robustAccuracy < 0.5)
    }

    /// robustSamples attacks only the samples not yet fooled; with per-sample streams this is
    /// exactly the worst case of attacking every sample in every run.
    @Test func skippingFooledSamplesChangesNothing() throws {
        let (data, _) = try smallFeatureAveraging(d: 64, n: 40)
        let model = TwoLayerNetwork(weights: data.features, biases: [0, 0, 0, 0], head: .perClass(classes: 4, neuronsPerClass: 1, scale: 1))
        let test = data.test.clusterLabelled
        let attack = AttackConfig(norm: .l2, steps: 5, stepSizeFactor: 0.3, start: .ball, restarts: 2, objective: .targetedMargin)
        for epsilon in [3.0, 5.0, 6.0, 8.0] {
            let key = PRNGKey(seed: 9)
            var naive = zip(model.predictions(test.inputs), test.labels).map { $0 == $1 }
            for restart in 0..<2 {
                for (index, objective) in attack.objectives(classes: 4, trainingLoss: CrossEntropyLoss()).enumerated() {
                    let outcome = Attacks.attack(model, inputs: test.inputs, labels: test.labels, epsilon: epsilon, config: attack,
                                                 objective: objective, key: key.child(UInt64(restart)).child(UInt64(index)))
                    for (i, fooled) in outcome.fooled.enumerated() where fooled { naive[i] = false }
                }
            }
            let robust = RobustAccuracy.robustSamples(model, test, epsilon: epsilon, attack: attack, trainingLoss: CrossEntropyLoss(), key: key)
            #expect(robust == naive, "ε = \(epsilon)")
        }
    }
}
