import Engine
import Foundation
import Exact
import PropertyBased
import Testing
@testable import Claims

/// The universal parts of the claims, on random configurations inside each claim's regime: these
/// are theorems (or exact identities), so they must hold for every draw — a failure prints the
/// config to reproduce it.
@Suite("Claims on random configurations")
struct ClaimPropertyTests {
    /// EP.lipschitz: for random 2ε-separated sets (d ∈ 2…5, N ∈ 10…30, ε ∈ [0.02, 0.05], ℓ2 or ℓ∞;
    /// small enough that rejection sampling always places the points: N/2 balls of radius 2ε cover
    /// at most 15·π·0.1² < ½ of the unit square) f* is ε⁻¹-Lipschitz on the sampled pairs and
    /// classifies every perturbation below ε.
    @Test func ratioClassifierIsLipschitzAndRobustOnRandomSets() async {
        await propertyCheck(count: 12, input: Gen.uint64(), Gen.int(in: 2...5), Gen.int(in: 5...15), Gen.double(in: 0.02...0.05)) { seed, d, half, epsilon throws in
            let config = SeparatedSetsConfig(dimension: d, points: 2 * half, epsilon: epsilon, norm: seed % 2 == 0 ? .l2 : .linf)
            let instance = try SeparatedInstance(config, claim: "EP.lipschitz", seed: seed)
            var stream = PRNGKey(seed: seed).child("property").stream
            let lipschitz = try LipschitzRatioClassifierClaim.worstLipschitzRatio(instance, factor: 1, stream: &stream)
            #expect(lipschitz.ratio <= 1 + 0x1p-240, "\(instance.configDescription), seed \(seed)")
            #expect(try LipschitzRatioClassifierClaim.misclassifiedPerturbations(instance, stream: &stream).count == 0)
        }
    }

    /// EP.memorization: the exact certificate at δ = 0.99ε holds for random ℓ∞-separated sets
    /// (d ∈ 2…6, N ∈ 6…20, ε ∈ [0.02, 0.05]), and never at δ = ε.
    @Test func memorizationNetworkIsCertifiedOnRandomSets() async {
        await propertyCheck(count: 12, input: Gen.uint64(), Gen.int(in: 2...6), Gen.int(in: 3...10), Gen.double(in: 0.02...0.05)) { seed, d, half, epsilon throws in
            let config = SeparatedSetsConfig(dimension: d, points: 2 * half, epsilon: epsilon, norm: .linf)
            let s = try SeparatedInstance(config, claim: "EP.memorization", seed: seed)
            let network = RobustMemorizationNetwork(points: s.rows, labels: s.data.labels, epsilon: epsilon)
            #expect(try Certificates.memorizationUncertified(network, radius: s.epsilon * (try Rational(99, 100))).isEmpty, "\(s.configDescription)")
            #expect(try Certificates.memorizationUncertified(network, radius: s.epsilon).count == s.rows.count)
            #expect(network.parameterCount <= 7 * config.points * d)
        }
    }

    /// EP.lowerBound: both counting inequalities at random N ≤ 4096, and S_φ's separation and split
    /// for random (K, d, φ).
    @Test func countingInequalitiesAndGridsHoldAtRandomSizes() async {
        let claim = GridLowerBoundClaim()
        await propertyCheck(count: 20, input: Gen.int(in: 2...4096), Gen.uint64()) { n, seed throws in
            #expect(try claim.counting(n: n, variant: .claim).satisfied, "N = \(n)")
            #expect(try claim.grid(seed: seed, limit: 128).satisfied, "grid seed \(seed)")
        }
    }

    /// FA.weightDecomposition: for random settings in the theorem's regime (d ∈ {64, 128, 256},
    /// k ∈ {2, 4, 8}, n/k ∈ 2…8, m ∈ 1…3, T ∈ 20…200) the tracked decomposition reconstructs the
    /// weights to 1e-10 of the change, and own-class λ ≥ 0 ≥ cross-class λ exactly.
    @Test func weightDecompositionHoldsOnRandomSettings() async {
        await propertyCheck(count: 10, input: Gen.uint64(), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.int(in: 2...8), Gen.int(in: 1...3), Gen.int(in: 20...200)) { seed, dExp, kExp, perCluster, m, steps throws in
            let d = 64 << dExp, k = 2 << kExp
            let setting = TheoremSetting(dimension: d, clusters: k, trainSamples: perCluster * k, testSamples: 0, neuronsPerSign: m, steps: steps)
            let run = try ExperimentRun.run(setting.config(seed: seed))
            let decomposition = try #require(run.decomposition)
            let rebuilt = decomposition.reconstruct(initial: run.initial.weights, features: run.data.clusterFeatures!, noise: run.train.noise!)
            let change = zip(run.final.weights.storage, run.initial.weights.storage).map { abs($0 - $1) }.max()!
            let error = zip(rebuilt.storage, run.final.weights.storage).map { abs($0 - $1) }.max()!
            #expect(error <= 1e-10 * change, "d = \(d), k = \(k), n = \(perCluster * k), m = \(m), T = \(steps), seed \(seed)")
            for r in 0..<(2 * m) {
                for j in 0..<k {
                    let own = (j < k / 2) == (r < m)
                    #expect(own ? decomposition.lambda[r, j] >= 0 : decomposition.lambda[r, j] <= 0)
                }
            }
        }
    }

    /// FA.nonRobustness part B: for random (d, k) with √(d/(8k)) ≥ 4 and random biases |b| ≤ d/4, the
    /// exact certificate at 3√(d/k) leaves at most 5% of 40 test points robust (the derived failure
    /// probability per point is ≤ 2·Φ̄(4) ≈ 6e-5).
    @Test func averagedModelBreaksForRandomBoundedBiases() async {
        await propertyCheck(count: 8, input: Gen.uint64(), Gen.int(in: 0...1), Gen.double(in: -0.25...0.25), Gen.double(in: -0.25...0.25)) { seed, choice, bp, bn throws in
            let (d, k) = choice == 0 ? (256, 2) : (512, 4)
            let data = try MultiClusterData(MultiClusterConfig(dimension: d, clusters: k, positiveClusters: k / 2, trainSamples: k, testSamples: 10 * k,
                                                               noise: 1, features: .hadamard, sampling: .balanced), key: PRNGKey(seed: seed))
            let model = FeatureAveragingModels.averaged(features: data.features, positiveClusters: k / 2, biases: (bp * Double(d), bn * Double(d)))
            let u = FeatureAveragingModels.averagedAttackDirection(features: data.features, positiveClusters: k / 2)
            var robust = 0
            for i in 0..<data.test.count {
                let x = data.test.inputs.row(i), y = data.test.labels[i]
                if try Certificates.exactDecision(model, x) == y,
                   try !Certificates.averagedAttackFlips(model, x: x, label: y, direction: u, deltaSquared: try Rational(9 * d, k)) { robust += 1 }
            }
            #expect(Double(robust) <= 0.05 * Double(data.test.count), "d = \(d), k = \(k), biases (\(bp)·d, \(bn)·d), seed \(seed)")
        }
    }

    /// A network of the theorems' form on patch data: class-j neurons c_u·u_j + c_v·v_j (the same
    /// correlations for every class), smoothed ReLU q = 3, ρ = 0.1.
    static func featureNetwork(_ data: PatchStructuredData, cu: Double, cv: Double, m: Int) -> TwoLayerNetwork {
        let (k, d) = (data.config.classes, data.config.dimension)
        var w = Matrix(rows: k * m, columns: d)
        for r in 0..<(k * m) {
            for t in 0..<d { w[r, t] = cu * data.robustFeatures[r / m, t] + cv * data.nonRobustFeatures[r / m, t] }
        }
        return TwoLayerNetwork(weights: w, biases: [Double](repeating: 0, count: k * m), head: .perClass(classes: k, neuronsPerClass: m, scale: 1),
                               activation: .smoothedReLU(q: 3, rho: 0.1), patches: data.config.patches, trainsBiases: false)
    }

    /// AT.adversarialTraining's attainability (Proofs/claims/AT.adversarialTraining.md (i)): a network
    /// whose neurons lie in span{u} keeps its logits under every perturbation in the non-robust-feature
    /// threat model (random per-patch δ ∈ span{v} with ‖δ_p‖ ≤ ε), on random patch data.
    @Test func robustFeatureNetworksIgnoreTheNonRobustThreatModel() async {
        await propertyCheck(count: 15, input: Gen.uint64(), Gen.int(in: 2...5), Gen.int(in: 8...32), Gen.double(in: 0.2...3)) { seed, k, patches, cu throws in
            let config = PatchStructuredConfig(dimension: 2 * k + 4, classes: k, patches: patches, robustPatches: 1, nonRobustPatches: patches - 1,
                                               alpha: .constant(1), beta: .constant(0.5), patchNoise: 0.02, trainSamples: 2 * k, testSamples: 0)
            let data = try PatchStructuredData(config, key: PRNGKey(seed: seed))
            let net = Self.featureNetwork(data, cu: cu, cv: 0, m: 2)
            var s = PRNGKey(seed: seed).child("delta").stream
            var x = data.train.inputs
            for i in 0..<x.rows {
                for p in 0..<patches {
                    let coefficients = (0..<k).map { _ in s.gaussian() }
                    let norm = coefficients.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    let length = 0.75 * s.uniform() / norm
                    for t in 0..<config.dimension {
                        x[i, p * config.dimension + t] += (0..<k).reduce(0.0) { $0 + length * coefficients[$1] * data.nonRobustFeatures[$1, t] }
                    }
                }
            }
            let (clean, moved) = (net.logits(data.train.inputs, .serial), net.logits(x, .serial))
            let scale = clean.storage.map(abs).max()!
            #expect(zip(clean.storage, moved.storage).allSatisfy { abs($0 - $1) <= 1e-12 * max(scale, 1) }, "seed \(seed), k \(k), P \(patches)")
        }
    }

    /// The per-patch impossibility (Proofs/adversarial-training.md): with dense non-robust features
    /// (N·β³ > α³) and a full-space per-patch budget ε ≥ √(β² + α²N^{−2/3}), replacing β·v_y by
    /// a·u_j (a = √(ε² − β²)) on every non-robust patch makes class j win against every network of
    /// the theorems' form (random c_u, c_v ≥ 0), on noise-free random patch data.
    @Test func perPatchBudgetsBreakEveryFeatureNetwork() async {
        await propertyCheck(count: 20, input: Gen.uint64(), Gen.int(in: 16...48), Gen.double(in: 0...3), Gen.double(in: 0...3)) { seed, patches, cu, cv throws in
            let n = Double(patches - 1), alpha = 1.0
            let beta = 1.05 * alpha / Foundation.pow(n, 1.0 / 3)  // just inside the density N β³ > α³
            let epsilon = (beta * beta + alpha * alpha * Foundation.pow(n, -2.0 / 3)).squareRoot()
            let config = PatchStructuredConfig(dimension: 12, classes: 3, patches: patches, robustPatches: 1, nonRobustPatches: patches - 1,
                                               alpha: .constant(alpha), beta: .constant(beta), patchNoise: 0, trainSamples: 6, testSamples: 0)
            let data = try PatchStructuredData(config, key: PRNGKey(seed: seed))
            let net = Self.featureNetwork(data, cu: cu, cv: cv, m: 2)
            let a = (epsilon * epsilon - beta * beta).squareRoot()
            var x = data.train.inputs
            for i in 0..<x.rows {
                let (y, j) = (data.train.labels[i], (data.train.labels[i] + 1) % 3)
                for p in 1..<patches {
                    for t in 0..<12 { x[i, p * 12 + t] += -beta * data.nonRobustFeatures[y, t] + a * data.robustFeatures[j, t] }
                }
            }
            let f = net.logits(x, .serial)
            for i in 0..<x.rows {
                let (y, j) = (data.train.labels[i], (data.train.labels[i] + 1) % 3)
                #expect(f[i, j] >= f[i, y] - 1e-12 * max(abs(f[i, y]), 1), "seed \(seed), P \(patches), c_u \(cu), c_v \(cv)")
            }
            // Counterfactual: a much smaller injection (a = α/(2N), erasing nothing) leaves the pure
            // robust network c_u = 2 standing — the construction is not vacuous.
            let pure = Self.featureNetwork(data, cu: 2, cv: 0, m: 2)
            var small = data.train.inputs
            for i in 0..<small.rows {
                for p in 1..<patches { for t in 0..<12 { small[i, p * 12 + t] += alpha / (2 * n) * data.robustFeatures[(data.train.labels[i] + 1) % 3, t] } }
            }
            let g = pure.logits(small, .serial)
            #expect((0..<small.rows).allSatisfy { g[$0, data.train.labels[$0]] > g[$0, (data.train.labels[$0] + 1) % 3] })
        }
    }

    /// FP.lowComplexity's derivation, exactly on noise-free sparse-coding data (random D, s): the
    /// teacher direction u = Mw*/√D is robust at ε exactly on the points with |⟨w*, z⟩|/√D ≥ ε;
    /// the mixture mass is 0 for an atom and 1 − s/D for u.
    @Test func teacherDirectionRobustnessAndMixtureMassAreExact() async {
        await propertyCheck(count: 15, input: Gen.uint64(), Gen.int(in: 3...6), Gen.double(in: 0.05...0.6)) { seed, dExp, epsilon throws in
            let atoms = 1 << dExp
            let config = SparseCodingConfig(dimension: atoms, atoms: atoms, sparsity: 3, noise: 0, dictionary: .qr, trainSamples: 4, testSamples: 200)
            let data = try SparseCodingData(config, key: PRNGKey(seed: seed))
            let u = PurificationSetting.denseDirection(data)
            let measured = LowComplexityClaim.exactRobustAccuracy(theta: u, bias: 0, data.test, epsilon: epsilon)
            let margins = (0..<data.test.count).map { i in abs((0..<atoms).reduce(0.0) { $0 + data.teacher[$1] * data.testCodes[i, $1] }) }
            // |S|/√D against ε: the decision is exact except within rounding of the boundary.
            let robust = margins.filter { $0 / Double(atoms).squareRoot() >= epsilon * (1 + 1e-9) }.count
            let boundary = margins.filter { abs($0 / Double(atoms).squareRoot() - epsilon) <= 1e-9 * epsilon }.count
            #expect(abs((measured * 200).rounded() - Double(robust)) <= Double(boundary), "D \(atoms), ε \(epsilon)")
            let atom = (0..<atoms).map { data.dictionary[0, $0] }
            #expect(PurificationSetting.mixtureMass(atom, dictionary: data.dictionary, sparsity: 3) <= 1e-12)
            #expect(abs(PurificationSetting.mixtureMass(u, dictionary: data.dictionary, sparsity: 3) - (1 - 3 / Double(atoms))) <= 1e-12)
        }
    }
}
