import PropertyBased
import Testing
@testable import Engine

/// Certificates of the linearised (NTK) model (Proofs/robustness.md, "The linearised network"):
/// never contradicted by PGD on the model itself, never above the exact radius where the model is a
/// ReLU net (Δ = 0), not vacuous — and a planted unsound certificate is caught.
@Suite("Linearised-network certificates")
struct LinearizedCertificateTests {
    /// A random expansion around a small problem's network: Δ Gaussian with standard deviation 0.3.
    static func model(_ problem: SmallProblem, seed: UInt64) -> LinearizedNetwork {
        var model = LinearizedNetwork(around: problem.network)
        var s = PRNGKey(seed: seed).child("displacement").stream
        model.parameters = model.parameters.map { _ in 0.3 * s.gaussian() }
        return model
    }

    static func attacked(_ model: LinearizedNetwork, _ data: Dataset, epsilon: Double, norm: AttackConfig.Norm, seed: UInt64) -> [Bool] {
        let binary = model.outputs == 1
        let attack = AttackConfig(norm: norm, steps: 30, stepSizeFactor: 0.1, start: .ball, restarts: 3, objective: binary ? .margin : .targetedMargin)
        return RobustAccuracy.robustSamples(model, data, epsilon: epsilon, attack: attack,
                                            trainingLoss: binary ? LogisticLoss() as any Loss : CrossEntropyLoss(), key: PRNGKey(seed: seed), parallelism: .serial)
    }

    /// ReLU, soft-threshold and square bases, binary and k-class, ℓ2 and ℓ∞: every certified point
    /// survives PGD with restarts, and every family has certified points at these radii.
    @Test func certifiedPointsSurviveAttacks() async throws {
        var certifiedCount: [ModelKind: Int] = [:]
        await propertyCheck(count: 10, input: Gen.uint64(), Gen.double(in: 0.02...0.5)) { seed, epsilon in
            for kind in [ModelKind.binaryReLU, .perClassReLU, .thresholdNet, .quadraticNet] {
                let problem = SmallProblem.make(seed: seed, kind: kind)
                let model = Self.model(problem, seed: seed)
                let data = Dataset(inputs: problem.data.inputs, labels: model.predictions(problem.data.inputs, .serial))
                for norm in [AttackConfig.Norm.l2, .linf] {
                    let radius = norm == .linf ? epsilon / 4 : epsilon
                    let certified = LinearizedCertificate.certified(model, data, epsilon: radius, basis: nil, norm: norm, parallelism: .serial)
                    let robust = Self.attacked(model, data, epsilon: radius, norm: norm, seed: seed)
                    for i in 0..<data.count where certified[i] {
                        #expect(robust[i], "\(problem), \(norm), point \(i): certified at \(radius) but fooled")
                        certifiedCount[kind, default: 0] += 1
                    }
                }
            }
        }
        #expect(certifiedCount.count == 4 && certifiedCount.values.allSatisfy { $0 > 0 }, "certified points per kind: \(certifiedCount)")
    }

    /// At Δ = 0 the model is the ReLU net: a point certified at ε has exact radius > ε.
    @Test func atZeroDisplacementCertificatesStayBelowTheExactRadius() async throws {
        await propertyCheck(count: 10, input: Gen.uint64(), Gen.double(in: 0.05...1.0)) { seed, epsilon throws in
            let (exact, data) = ExactRadiusTests.problem(seed)
            let certified = LinearizedCertificate.certified(LinearizedNetwork(around: exact.network), data, epsilon: epsilon, basis: nil, parallelism: .serial)
            for i in 0..<data.count where certified[i] {
                let r = try exact.radius(of: data.inputs.row(i), label: data.labels[i])
                #expect(r.radius > epsilon, "seed \(seed), point \(i): certified at \(epsilon), exact radius \(r.radius)")
            }
        }
    }

    /// The counterfactual: the clean margins (the ε = 0 certificate) claimed at ε = 1 are
    /// contradicted by the attack on some point.
    @Test func aPlantedUnsoundCertificateIsCaught() {
        var contradicted = 0
        for seed: UInt64 in 1...8 {
            let problem = SmallProblem.make(seed: seed, kind: .binaryReLU)
            let model = Self.model(problem, seed: seed)
            let data = Dataset(inputs: problem.data.inputs, labels: model.predictions(problem.data.inputs, .serial))
            let planted = LinearizedCertificate.certified(model, data, epsilon: 0, basis: nil, parallelism: .serial)
            let robust = Self.attacked(model, data, epsilon: 1, norm: .l2, seed: seed)
            contradicted += data.labels.indices.filter { planted[$0] && !robust[$0] }.count
        }
        #expect(contradicted > 0)
    }
}
