import PropertyBased
import Testing
@testable import Engine
@testable import Exact

/// The model families of the engine, as gradient-check subjects.
enum ModelKind: String, CaseIterable, Sendable {
    case binaryReLU, perClassReLU, patchCNN, linear
    /// Feature Purification's binary network with the soft threshold σ_b (b = 0.3).
    case thresholdNet
    /// The degree-2 polynomial network Σ a_r(⟨w_r, x⟩ + b_r)² (σ(z) = z²).
    case quadraticNet
}

/// A random small problem: a network with Gaussian weights (and biases), and Gaussian inputs.
struct SmallProblem: Sendable, CustomStringConvertible {
    let network: TwoLayerNetwork
    let data: Dataset
    let seed: UInt64
    var description: String { "seed \(seed): \(network.neurons) neurons, d = \(network.inputDimension), P = \(network.patches), n = \(data.count), \(network.activation)" }

    static func make(seed: UInt64, multiClass: Bool) -> SmallProblem {
        make(seed: seed, kind: multiClass ? .perClassReLU : .binaryReLU)
    }

    static func make(seed: UInt64, kind: ModelKind) -> SmallProblem {
        var s = PRNGKey(seed: seed).stream
        let d = 2 + Int(s.next() % 6), n = 2 + Int(s.next() % 5), h = 1 + Int(s.next() % 3)
        let binary = kind == .binaryReLU || kind == .thresholdNet || kind == .quadraticNet
        let k = binary ? 1 : 2 + Int(s.next() % 3)
        let patches = kind == .patchCNN ? 1 + Int(s.next() % 3) : 1
        let head: TwoLayerNetwork.Head
        let activation: Activation
        switch kind {
        case .binaryReLU: (head, activation) = (.binary(neuronsPerSign: h, scale: 1.0 / Double(h)), .relu)
        case .perClassReLU: (head, activation) = (.perClass(classes: k, neuronsPerClass: h, scale: 1), .relu)
        case .patchCNN: (head, activation) = (.perClass(classes: k, neuronsPerClass: h, scale: 1), .smoothedReLU(q: 3, rho: 0.5))
        case .linear: (head, activation) = (.perClass(classes: k, neuronsPerClass: 1, scale: 1), .identity)
        case .thresholdNet: (head, activation) = (.binary(neuronsPerSign: h, scale: 1.0 / Double(h)), .softThreshold(b: 0.3))
        case .quadraticNet: (head, activation) = (.binary(neuronsPerSign: h, scale: 1.0 / Double(h)), .square)
        }
        let network = TwoLayerNetwork.initialized(inputDimension: d, head: head, weightStd: 1, biasStd: 0.5, activation: activation,
                                                  patches: patches, trainsBiases: kind != .patchCNN, key: PRNGKey(seed: seed).child("net"))
        let x = Matrix(rows: n, columns: d * patches, storage: (0..<(n * d * patches)).map { _ in s.gaussian() })
        let labels = (0..<n).map { _ in !binary ? Int(s.next() % UInt64(k)) : (s.next() % 2 == 0 ? 1 : -1) }
        return SmallProblem(network: network, data: Dataset(inputs: x, labels: labels), seed: seed)
    }
}

@Suite("Gradient checks")
struct GradientCheckTests {
    static let tolerance = 1e-10
    static let seeds = Gen.uint64()

    /// Every two-layer model family with each loss its task allows.
    static let modelLosses: [(ModelKind, String)] = [
        (.binaryReLU, "logistic"), (.binaryReLU, "squared"), (.thresholdNet, "logistic"), (.thresholdNet, "squared"),
        (.quadraticNet, "logistic"), (.quadraticNet, "squared"),
        (.perClassReLU, "cross-entropy"), (.perClassReLU, "squared"),
    ]

    /// The reference loss a test argument names ("logistic", "cross-entropy", else squared).
    static func loss(named name: String) -> any ReferenceLoss {
        switch name {
        case "logistic": LogisticLoss()
        case "cross-entropy": CrossEntropyLoss()
        default: SquaredLoss()
        }
    }

    @Test(arguments: modelLosses)
    func parameterAndInputGradients(kind: ModelKind, lossName: String) async throws {
        let loss = GradientCheckTests.loss(named: lossName)
        await propertyCheck(count: 25, input: GradientCheckTests.seeds) { seed throws in
            let problem = SmallProblem.make(seed: seed, kind: kind)
            #expect(problem.network.kinkDistance(problem.data.inputs) > 1e-20, "\(problem) is at a kink")
            let parameters = try GradientCheck.parameters(problem.network, problem.data, loss)
            #expect(parameters.relativeError <= GradientCheckTests.tolerance, "\(problem): \(parameters)")
            let inputs = try GradientCheck.inputs(problem.network, problem.data, loss)
            #expect(inputs.relativeError <= GradientCheckTests.tolerance, "\(problem): \(inputs)")
        }
    }

    /// The sampling mode checks the chosen coordinates exactly as the full check does (same
    /// references), and a gradient perturbed by 1e-8 relative at a sampled coordinate is caught.
    @Test func sampledCoordinatesAreCheckedLikeTheFullCheck() async throws {
        await propertyCheck(count: 10, input: GradientCheckTests.seeds) { seed throws in
            let problem = SmallProblem.make(seed: seed, kind: .binaryReLU)
            let full = try GradientCheck.parameters(problem.network, problem.data, LogisticLoss())
            let count = problem.network.parameters.count
            let chosen = GradientCheck.sampledCoordinates(3, of: count, key: PRNGKey(seed: seed))
            #expect(chosen.count == min(3, count) && Set(chosen).count == chosen.count && chosen == chosen.sorted())
            let sampled = try GradientCheck.parameters(problem.network, problem.data, LogisticLoss(), coordinates: chosen)
            #expect(sampled.checked == chosen.count && sampled.relativeError <= GradientCheckTests.tolerance, "\(problem): \(sampled)")
            #expect(chosen.contains(sampled.worstIndex))
            var g = problem.network.lossAndGradient(problem.data, LogisticLoss(), .serial).gradient
            // Perturb the largest sampled component by 1e-8 of the gradient's scale (additively: every
            // sampled component may be 0 when the sampled neurons are inactive at every sample).
            let p = chosen.max { abs(g[$0]) < abs(g[$1]) }!
            g[p] += 1e-8 * max(abs(g[p]), g.map(abs).max()!, 1e-300)
            let caught = try GradientCheck.parameters(problem.network, problem.data, LogisticLoss(), analytic: g, coordinates: chosen)
            #expect(caught.relativeError > GradientCheckTests.tolerance && caught.worstIndex == p, "\(problem): \(caught) vs full \(full)")
        }
    }

    @Test func squaredLossGradientAgainstTheExactRationalDerivative() async throws {
        await propertyCheck(count: 25, input: GradientCheckTests.seeds, Gen.bool) { seed, multiClass throws in
            let problem = SmallProblem.make(seed: seed, multiClass: multiClass)
            let exact = try GradientCheck.exactParameters(problem.network, problem.data)
            #expect(exact.relativeError <= GradientCheckTests.tolerance, "\(problem): \(exact)")
        }
    }

    @Test(arguments: [ModelKind.patchCNN, .linear])
    func patchCNNAndLinearModelGradients(kind: ModelKind) async throws {
        await propertyCheck(count: 20, input: GradientCheckTests.seeds) { seed throws in
            let problem = SmallProblem.make(seed: seed, kind: kind)
            for loss in [CrossEntropyLoss(), SquaredLoss()] as [any ReferenceLoss] {
                let parameters = try GradientCheck.parameters(problem.network, problem.data, loss)
                #expect(parameters.relativeError <= GradientCheckTests.tolerance, "\(problem), \(loss.name): \(parameters)")
                let inputs = try GradientCheck.inputs(problem.network, problem.data, loss)
                #expect(inputs.relativeError <= GradientCheckTests.tolerance, "\(problem), \(loss.name): \(inputs)")
            }
            // Both are piecewise polynomial: the squared-loss gradient against the exact derivative.
            let exact = try GradientCheck.exactParameters(problem.network, problem.data)
            #expect(exact.relativeError <= GradientCheckTests.tolerance, "\(problem): \(exact)")
        }
    }

    /// The soft threshold is piecewise linear: the squared-loss gradient of the threshold network
    /// against the exact rational derivative; at the kinks ±b the chosen subgradient is 0 in the
    /// fast code and in the exact dual-number reference alike.
    @Test func softThresholdGradientIsExactAndItsKinksPassNoGradient() async throws {
        await propertyCheck(count: 20, input: GradientCheckTests.seeds) { seed throws in
            for kind in [ModelKind.thresholdNet, .quadraticNet] {  // piecewise linear, and polynomial
                let problem = SmallProblem.make(seed: seed, kind: kind)
                let exact = try GradientCheck.exactParameters(problem.network, problem.data)
                #expect(exact.relativeError <= GradientCheckTests.tolerance, "\(problem): \(exact)")
            }
        }
        let sigma = Activation.softThreshold(b: 0.3)
        for z in [0.3, -0.3, 0.0, 0.30000000000000004, -0.30000000000000004, 0.29999999999999999, 2.0, -2.0] {
            let dual = try sigma.reference(Dual(try Rational(exactly: z), 1))
            #expect(Double(dual.derivative) == sigma.derivative(z), "σ′(\(z))")
            #expect(Double(dual.value) == sigma.value(z), "σ(\(z))")
        }
        #expect(sigma.derivative(0.3) == 0 && sigma.derivative(-0.3) == 0 && sigma.value(-2) == -1.7)
    }

    /// The smoothed ReLU is C¹: value and slope agree from both sides at 0 and at ρ (exactly, in
    /// rationals), and the fast derivative equals the exact one at and around the junctions.
    @Test func smoothedReLUIsContinuouslyDifferentiableAtItsJunctions() throws {
        let sigma = Activation.smoothedReLU(q: 3, rho: 0.5)
        let rho = try Rational(1, 2)
        #expect(try sigma.reference(rho) == rho / Rational(3))  // ρ/q from the polynomial side…
        let justAbove = rho + (try Rational(1).timesPowerOfTwo(-60))
        #expect(try sigma.reference(justAbove) - justAbove == -(rho * (try Rational(2, 3))))  // …and the linear one
        for z in [0.0, 0.5, 0.25, -1e-300, 0.5000000000000001, 0.49999999999999994] {
            let dual = try sigma.reference(Dual(try Rational(exactly: z), 1))
            #expect(abs(Double(dual.derivative) - sigma.derivative(z)) <= 1e-15, "σ′(\(z))")
        }
        #expect(sigma.derivative(0) == 0 && sigma.derivative(0.5) == 1)
    }

    /// Counterfactual: a gradient wrong by 1e-8 (relative, in its largest entry) must be caught.
    @Test func aGradientPerturbedByOneInAHundredMillionIsCaught() throws {
        for seed: UInt64 in [1, 2, 3] {
            let problem = SmallProblem.make(seed: seed, multiClass: false)
            var g = problem.network.lossAndGradient(problem.data, LogisticLoss(), .serial).gradient
            let p = g.indices.max { abs(g[$0]) < abs(g[$1]) }!
            g[p] *= 1 + 1e-8
            let result = try GradientCheck.parameters(problem.network, problem.data, LogisticLoss(), analytic: g)
            #expect(result.relativeError > GradientCheckTests.tolerance)
            #expect(result.worstIndex == p)
            var s = problem.network.lossAndGradient(problem.data, SquaredLoss(), .serial).gradient
            let q = s.indices.max { abs(s[$0]) < abs(s[$1]) }!
            s[q] *= 1 + 1e-8
            let exact = try GradientCheck.exactParameters(problem.network, problem.data, analytic: s)
            #expect(exact.relativeError > GradientCheckTests.tolerance)
            #expect(exact.worstIndex == q)
        }
    }

    /// At a kink: a neuron with z = 0 exactly passes no gradient (ReLU′(0) := 0), in the fast code
    /// and in the exact dual-number reference alike.
    @Test func reluDerivativeAtZeroIsZero() throws {
        // w = (1, −1), b = 0, x = (2, 2): z = 0 exactly for neuron 0; neuron 1 is active.
        let network = TwoLayerNetwork(weights: Matrix([[1, -1], [0.5, 0.25]]), biases: [0, 0],
                                      head: .binary(neuronsPerSign: 1, scale: 1))
        let data = Dataset(inputs: Matrix([[2, 2]]), labels: [1])
        #expect(network.preactivations(data.inputs, .serial)[0, 0] == 0)
        let g = network.lossAndGradient(data, SquaredLoss(), .serial).gradient
        #expect(g[0] == 0 && g[1] == 0 && g[4] == 0)  // W[0, ·] and b[0]: no gradient through the kink
        #expect(g[2] != 0)
        let exact = try GradientCheck.exactParameters(network, data)
        #expect(exact.relativeError == 0, "\(exact)")
        // Only neuron 1 (a = −1, z = 1.5) contributes: f = −1.5, ∂ℓ/∂f = f − y = −2.5,
        // ∂ℓ/∂x = ∂ℓ/∂f · a · w₁ = −2.5 · (−1) · (0.5, 0.25) = (1.25, 0.625).
        #expect(network.inputGradient(data.inputs, labels: data.labels, SquaredLoss(), .serial).storage == [1.25, 0.625])
    }
}

/// `Activation.power`, the smoothed ReLU's x^e, against the exact rational power: its relative
/// error is within the documented γ_{e−1} = (e − 1)u/(1 − (e − 1)u), and it is exact for e ≤ 1.
@Suite("Integer powers")
struct IntegerPowerTests {
    @Test func binaryPoweringIsWithinItsRoundingBound() throws {
        var s = PRNGKey(seed: 31).stream
        let u = Double.ulpOfOne / 2
        for _ in 0..<400 {
            let x = (s.uniform() * 4 - 2) * Double.pow(2, Double(Int(s.next() % 40) - 20))
            for e in 0...8 {
                let value = Activation.power(x, e)
                let exact = try Rational(exactly: x).power(e)
                if e <= 1 { #expect(value == Double(exact)); continue }
                let error = Double((try Rational(exactly: value) - exact).magnitude) / abs(Double(exact))
                let gamma = Double(e - 1) * u / (1 - Double(e - 1) * u)
                #expect(error <= gamma, "x = \(x), e = \(e): \(error / u) u")
            }
        }
    }
}
