import Engine
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
}
