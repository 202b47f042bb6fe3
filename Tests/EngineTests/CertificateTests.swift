import PropertyBased
import Testing
@testable import Engine
@testable import Exact

@Suite("Exact certificates")
struct CertificateTests {
    @Test func exactDecisionsAgreeWithTheFastModelAwayFromTies() async throws {
        await propertyCheck(count: 20, input: Gen.uint64()) { seed throws in
            let problem = SmallProblem.make(seed: seed, kind: seed % 2 == 0 ? .binaryReLU : .perClassReLU)
            let fast = problem.network.predictions(problem.data.inputs, .serial)
            for i in 0..<problem.data.count {
                #expect(try Certificates.exactDecision(problem.network, problem.data.inputs.row(i)) == fast[i])
            }
        }
    }

    /// The exact boundary of the idealised averaged model at a noiseless centre is √(d/k): the exact
    /// evaluation keeps the decision at 0.99·√(d/k) and refutes a certificate claimed 1% above it.
    @Test func averagedAttackIsDecidedExactlyAtTheBoundary() throws {
        let d = 256, k = 8
        let features = Matrix(try OrthogonalFeatures.hadamard(count: k, dimension: d))
        let model = FeatureAveragingModels.averaged(features: features, positiveClusters: k / 2)
        let u = FeatureAveragingModels.averagedAttackDirection(features: features, positiveClusters: k / 2)
        let boundary = Rational(d / k)  // (√(d/k))²
        for j in 0..<k {
            let y = j < k / 2 ? 1 : -1
            let below = boundary * (try Rational(9801, 10000)), above = boundary * (try Rational(10201, 10000))
            #expect(try !Certificates.averagedAttackFlips(model, x: features.row(j), label: y, direction: u, deltaSquared: below))
            #expect(try Certificates.averagedAttackFlips(model, x: features.row(j), label: y, direction: u, deltaSquared: above))
            // At exactly √(d/k) the logit is exactly 0, which is not a +1 decision.
            #expect(try Certificates.averagedAttackFlips(model, x: features.row(j), label: y, direction: u, deltaSquared: boundary) == (y == 1))
        }
    }

    /// No attack succeeds inside the certified radius of f_robust (consistency). The certified radius
    /// is min(a_c, −a_l)/√d with a ≈ ±d/2 + N(0, d): about √d/2 = 8 here, so its median exceeds the
    /// averaged model's √(d/k) ≈ 5.66 (individual points may fall below it).
    @Test func noAttackSucceedsInsideACertifiedRadius() throws {
        let config = MultiClusterConfig(dimension: 256, clusters: 8, positiveClusters: 4, trainSamples: 8, testSamples: 16,
                                        noise: 1, features: .hadamard)
        let data = try MultiClusterData(config, key: PRNGKey(seed: 9))
        let robust = FeatureAveragingModels.robust(features: data.features, positiveClusters: 4)
        let attack = AttackConfig(norm: .l2, steps: 30, stepSizeFactor: 0.2, start: .ball, restarts: 2, objective: .margin)
        var certified = 0, radii: [Double] = []
        for i in 0..<data.test.count {
            let x = data.test.inputs.row(i), y = data.test.labels[i]
            guard let r2 = try Certificates.robustModelRadiusSquared(robust, x: x, label: y) else { continue }
            certified += 1
            let radius = Double(r2).squareRoot() * 0.999
            radii.append(radius)
            let point = Dataset(inputs: Matrix([x]), labels: [y])
            let still = RobustAccuracy.robustSamples(robust, point, epsilon: radius, attack: attack, trainingLoss: LogisticLoss(), key: PRNGKey(seed: UInt64(i)))
            #expect(still == [true], "an attack succeeded inside the certified radius \(radius) at test point \(i)")
        }
        #expect(certified >= 15)
        #expect(radii.sorted()[radii.count / 2] > (256.0 / 8).squareRoot())
    }

    @Test func memorizationNetworkIsCertifiedBelowEpsilonOnly() throws {
        let config = SeparatedSetsConfig(dimension: 3, points: 16, epsilon: 0.1, norm: .linf)
        let data = try SeparatedSets.sample(config, key: PRNGKey(seed: 4))
        let net = RobustMemorizationNetwork(points: data.inputs.rowList, labels: data.labels, epsilon: config.epsilon)
        let eps = try Rational(exactly: config.epsilon)
        #expect(try Certificates.memorizationUncertified(net, radius: eps * (try Rational(99, 100))).isEmpty)
        #expect(try Certificates.memorizationUncertified(net, radius: eps).count == 16)  // δ = ε: the own term can vanish
        // Counterfactual: the same network on points closer than 2ε is not certified at 0.99ε.
        var close = data.inputs.rowList
        close[1] = close[0].map { $0 + 0.15 }  // ℓ∞ distance 0.15 < 2ε between opposite labels 0 and 1
        let crowded = RobustMemorizationNetwork(points: close, labels: data.labels, epsilon: config.epsilon)
        #expect(try Certificates.memorizationUncertified(crowded, radius: eps * (try Rational(99, 100))).contains(0))
    }
}
