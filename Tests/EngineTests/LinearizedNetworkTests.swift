import PropertyBased
import Testing
@testable import Engine
@testable import Exact

/// The linearized network (first-order Taylor expansion in the parameters), NTK regression and
/// the Cholesky solve under it.
@Suite("Linearized network and NTK regression")
struct LinearizedNetworkTests {
    /// The expansion of `problem`'s network at a Gaussian displacement (std ½).
    static func linearized(_ problem: SmallProblem) -> LinearizedNetwork {
        var model = LinearizedNetwork(around: problem.network)
        var s = PRNGKey(seed: problem.seed).child("displacement").stream
        model.parameters = model.parameters.map { _ in 0.5 * s.gaussian() }
        return model
    }

    /// Parameter and input gradients against 256-bit central differences of the reference
    /// expansion F(x; θ₀) + ⟨∇_θF(x; θ₀), Δ⟩, for the piecewise-linear (ReLU, soft threshold) and
    /// the curved (z², smoothed ReLU: σ″ enters the input gradient) activations.
    @Test(arguments: [(ModelKind.binaryReLU, "logistic"), (.thresholdNet, "squared"), (.quadraticNet, "logistic"),
                      (.patchCNN, "cross-entropy"), (.perClassReLU, "squared")])
    func gradientsAgainstHighPrecisionDifferences(kind: ModelKind, lossName: String) async throws {
        let loss = GradientCheckTests.loss(named: lossName)
        await propertyCheck(count: 15, input: GradientCheckTests.seeds) { seed throws in
            let problem = SmallProblem.make(seed: seed, kind: kind)
            let model = Self.linearized(problem)
            let parameters = try GradientCheck.parameters(model, problem.data, loss)
            #expect(parameters.relativeError <= GradientCheckTests.tolerance, "\(problem): \(parameters)")
            let inputs = try GradientCheck.inputs(model, problem.data, loss)
            #expect(inputs.relativeError <= GradientCheckTests.tolerance, "\(problem): \(inputs)")
        }
    }

    /// At Δ = 0 the expansion is the network: the same logits and the same parameter gradient,
    /// bit for bit; and f(Δ) − f(0) is linear in Δ (f(2Δ) − f(0) = 2(f(Δ) − f(0)) up to rounding).
    @Test func atZeroItIsTheNetworkAndItIsLinearInTheDisplacement() async throws {
        await propertyCheck(count: 20, input: GradientCheckTests.seeds) { seed throws in
            let problem = SmallProblem.make(seed: seed, kind: .thresholdNet)
            let zero = LinearizedNetwork(around: problem.network)
            #expect(zero.logits(problem.data.inputs, .serial) == problem.network.logits(problem.data.inputs, .serial))
            #expect(zero.lossAndGradient(problem.data, LogisticLoss(), .serial).gradient
                    == problem.network.lossAndGradient(problem.data, LogisticLoss(), .serial).gradient)
            let one = Self.linearized(problem)
            var two = one
            two.parameters = one.parameters.map { 2 * $0 }
            let f0 = zero.logits(problem.data.inputs, .serial), f1 = one.logits(problem.data.inputs, .serial)
            let f2 = two.logits(problem.data.inputs, .serial)
            for t in f0.storage.indices {
                let scale = abs(f0.storage[t]) + abs(f1.storage[t]) + abs(f2.storage[t])
                #expect(abs((f2.storage[t] - f0.storage[t]) - 2 * (f1.storage[t] - f0.storage[t])) <= 1e-13 * scale, "\(problem)")
            }
        }
    }

    /// The kernel J·Jᵀ is Σ_r a_r² σ′σ′ (⟨x, x′⟩ + 1), and NTK regression satisfies its defining
    /// equation: the training residual is y − f(X) = λ·α with (K + λI)·α = y − F(X; θ₀), α solved
    /// exactly (Bareiss on the rational K + λI) — whatever the rank of K (samples with few or no
    /// active neurons make it singular; only the ridge makes the system solvable).
    @Test func kernelRegressionSolvesItsRidgeSystemAndTheKernelIsTheTangentKernel() async throws {
        await propertyCheck(count: 20, input: GradientCheckTests.seeds) { seed throws in
            let problem = SmallProblem.make(seed: seed, kind: .binaryReLU)
            let net = problem.network, x = problem.data.inputs, n = x.rows
            let j = NeuralTangentKernel.jacobian(net, x, .serial)
            let k = Kernels.productTransposed(j, j, .serial)
            let z = net.preactivations(x, .serial)
            for a in 0..<n {
                for b in 0..<n {
                    let inner = (0..<x.columns).reduce(1.0) { $0 + x[a, $1] * x[b, $1] }
                    let expected = (0..<net.neurons).reduce(0.0) { s, r in
                        s + net.head.coefficient[r] * net.head.coefficient[r] * net.activation.derivative(z[a, r]) * net.activation.derivative(z[b, r]) * inner
                    }
                    #expect(abs(k[a, b] - expected) <= 1e-12 * (1 + abs(expected)), "\(problem)")
                }
            }
            let ridge = 1e-2
            let lambda = ridge * (0..<n).reduce(0.0) { $0 + k[$1, $1] } / Double(n)
            guard lambda > 0 else { return }  // no active neuron anywhere: nothing to fit
            let fit = try NeuralTangentKernel.regression(net, on: problem.data, ridge: ridge, parallelism: .serial)
            let f = fit.logits(x, .serial), f0 = net.logits(x, .serial)
            var shifted = try k.storage.map { try Rational(exactly: $0) }
            for i in 0..<n { shifted[i * n + i] = shifted[i * n + i] + (try Rational(exactly: lambda)) }
            let alpha = try Bareiss.solve(try RationalMatrix(rows: n, columns: n, entries: shifted),
                                          try (0..<n).map { try Rational(exactly: Double(problem.data.labels[$0]) - f0[$0, 0]) }).map { Double($0) }
            for i in 0..<n {
                let residual = Double(problem.data.labels[i]) - f[i, 0]
                #expect(abs(residual - lambda * alpha[i]) <= 1e-9 * (1 + abs(Double(problem.data.labels[i]) - f0[i, 0])),
                        "\(problem): residual \(residual) vs λα = \(lambda * alpha[i])")
            }
        }
    }

    /// The ridges of one regression share J, K and F(X; θ₀) and nothing else: each model is the
    /// one-ridge regression's, bit for bit, in any order of the ridges.
    @Test func severalRidgesAreEachRidgesRegression() async throws {
        await propertyCheck(count: 10, input: GradientCheckTests.seeds) { seed throws in
            let problem = SmallProblem.make(seed: seed, kind: .binaryReLU)
            let net = problem.network
            let k = Kernels.productTransposed(NeuralTangentKernel.jacobian(net, problem.data.inputs, .serial),
                                              NeuralTangentKernel.jacobian(net, problem.data.inputs, .serial), .serial)
            guard (0..<k.rows).contains(where: { k[$0, $0] > 0 }) else { return }  // no active neuron: nothing to fit
            let ridges = [1.0, 1e-2, 0.5]
            let together = try NeuralTangentKernel.regression(net, on: problem.data, ridges: ridges, parallelism: .serial)
            for (ridge, model) in zip(ridges, together) {
                let alone = try NeuralTangentKernel.regression(net, on: problem.data, ridge: ridge, parallelism: .serial)
                #expect(model.parameters == alone.parameters, "\(problem), ridge \(ridge)")
            }
            #expect(together[0].parameters != together[1].parameters, "different ridges fit different models")
        }
    }

    /// Cholesky solves of random SPD systems A = BBᵀ + I against the exact rational solution
    /// (Bareiss): relative error within n·u·κ(A) ≤ n·u·(1 + ‖B‖²) — here ≤ 1e-12; a matrix with a
    /// negative pivot is rejected with that pivot named.
    @Test func choleskySolvesSPDSystemsToTheirErrorBound() async throws {
        await propertyCheck(count: 20, input: GradientCheckTests.seeds) { seed throws in
            var s = PRNGKey(seed: seed).stream
            let n = 1 + Int(s.next() % 10)
            let b = gaussianMatrix(n, n, seed: seed)
            var a = Kernels.productTransposed(b, b, .serial)
            for i in 0..<n { a[i, i] += 1 }
            let rhs = (0..<n).map { _ in s.gaussian() }
            let x = try Cholesky.solve(a, rhs)
            let exact = try Bareiss.solve(try RationalMatrix(rows: n, columns: n, entries: a.storage.map { try Rational(exactly: $0) }),
                                          try rhs.map { try Rational(exactly: $0) }).map { Double($0) }
            let norm = exact.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let error = zip(x, exact).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            #expect(error <= 1e-12 * norm, "n = \(n): error \(error) of ‖x‖ = \(norm)")
        }
        let indefinite = Matrix(rows: 3, columns: 3, storage: [4, 2, 0, 2, 1, 0, 0, 0, 1])  // second pivot 1 − 1 = 0
        #expect(throws: Cholesky.NotPositiveDefinite.self) { try Cholesky.solve(indefinite, [1, 1, 1]) }
        do { _ = try Cholesky.factor(indefinite) } catch let e as Cholesky.NotPositiveDefinite { #expect(e.pivot == 1 && e.value == 0) }
    }
}

/// The array form of the activations (`Activation.apply`, the SIMD smoothed ReLU included) gives
/// the bits of the scalar `value` / `derivative`, at the junctions and around them.
@Suite("Activation arrays")
struct ActivationArrayTests {
    @Test(arguments: [Activation.identity, .relu, .smoothedReLU(q: 2, rho: 0.3), .smoothedReLU(q: 3, rho: 0.1),
                      .smoothedReLU(q: 4, rho: 1), .smoothedReLU(q: 6, rho: 0.5), .softThreshold(b: 0.5), .square])
    func arrayFormEqualsTheScalarForm(activation: Activation) {
        var s = PRNGKey(seed: 31).stream
        var z = (0..<1001).map { _ in 0.4 * s.gaussian() }
        z += [0, -0.0, 0.3, 0.1, 1, 0.5, -0.5, 0.29999999999999999, 0.30000000000000004, .nan, .infinity, -.infinity]
        for derivative in [false, true] {
            var out = [Double](repeating: 7, count: z.count)
            z.withUnsafeBufferPointer { zp in out.withUnsafeMutableBufferPointer { activation.apply(zp, into: $0, derivative: derivative) } }
            let scalar = z.map { derivative ? activation.derivative($0) : activation.value($0) }
            #expect(zip(out, scalar).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "\(activation), derivative: \(derivative)")
        }
    }
}
