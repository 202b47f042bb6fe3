/// The first-order Taylor expansion of a `TwoLayerNetwork` in its parameters around θ₀ — the
/// model whose training is the network's neural tangent kernel (Jacot, Gabriel & Hongler, 2018):
///
///     f_o(X; Δ) = F_o(X; θ₀) + ⟨∇_θ F_o(X; θ₀), Δ⟩
///              = F_o(X; θ₀) + Σ_{r : out(r) = o} a_r · Σ_p σ′(z⁰_{p,r}) · (⟨Δw_r, x_p⟩ + Δb_r),
///
/// z⁰_{p,r} = ⟨w⁰_r, x_p⟩ + b⁰_r. The trainable parameters are the displacement Δ = (ΔW, Δb), in the
/// layout of the base network's parameters; f is linear in Δ, so GD on it with the squared loss
/// from Δ = 0 converges to NTK regression (`NeuralTangentKernel.regression` gives the limit in
/// closed form). In x it is not linear: the activation pattern σ′(z⁰) moves with x, and the input
/// gradient is
///
///     ∂f_o/∂x_p = Σ_r a_r [σ′(z⁰_{p,r})·(w⁰_r + Δw_r) + σ″(z⁰_{p,r})·(⟨Δw_r, x_p⟩ + Δb_r)·w⁰_r],
///
/// with the conventions of `Activation.derivative` and `secondDerivative` at the kinks.
/// Feature Purification's complexity lower bound names the NTK among the models that cannot be
/// robust (Proofs/feature-purification.md; Proofs/claims/FP.lowComplexity.md).
public struct LinearizedNetwork: DifferentiableModel, Equatable {
    /// The network at the expansion point θ₀.
    public let base: TwoLayerNetwork
    /// Δ, stored as a network with the base's head and shapes (its activation is never used).
    public var displacement: TwoLayerNetwork

    /// The expansion at Δ = 0 (f = F(·; θ₀)).
    public init(around base: TwoLayerNetwork) {
        self.base = base
        displacement = TwoLayerNetwork(weights: Matrix(rows: base.neurons, columns: base.inputDimension),
                                       biases: [Double](repeating: 0, count: base.neurons), head: base.head,
                                       activation: .identity, patches: base.patches, trainsBiases: base.trainsBiases)
    }

    public var outputs: Int { base.outputs }

    public var parameters: [Double] {
        get { displacement.parameters }
        set { displacement.parameters = newValue }
    }

    public func parameterName(_ index: Int) -> String { "Δ" + displacement.parameterName(index) }

    /// (z⁰, z^Δ, f): the base's and the displacement's pre-activations (one row per sample and
    /// patch) and the logits.
    func forward(_ inputs: Matrix, _ parallelism: Parallelism) -> (z0: Matrix, zDelta: Matrix, logits: Matrix) {
        let z0 = base.preactivations(inputs, parallelism)
        let zDelta = displacement.preactivations(inputs, parallelism)
        var f = base.logits(fromPreactivations: z0)
        // σ′(z⁰) by the array form (the scalar form's bits), then f_{i,out(r)} += a_r·σ′·z^Δ in the
        // order row, r — skipping σ′ = 0 as the scalar loop did.
        var slope = Matrix(rows: z0.rows, columns: z0.columns)
        z0.storage.withUnsafeBufferPointer { z in
            slope.storage.withUnsafeMutableBufferPointer { base.activation.apply(z, into: $0, derivative: true) }
        }
        let (m, o, patches) = (base.neurons, f.columns, base.patches)
        slope.storage.withUnsafeBufferPointer { sp in
            zDelta.storage.withUnsafeBufferPointer { zp in
                f.storage.withUnsafeMutableBufferPointer { fp in
                    base.head.neuronOutput.withUnsafeBufferPointer { out in
                        base.head.coefficient.withUnsafeBufferPointer { a in
                            // A term with σ′ = 0 adds +0 (a select, not a branch): the same bits as
                            // skipping it, since a logit's sum is never −0 (it starts from the
                            // base's, which never is) and s + 0 = s otherwise.
                            @inline(__always) func term(_ t: Int, _ r: Int) -> Double {
                                let slope = sp[t], value = a[r] * slope * zp[t]
                                return slope != 0 ? value : 0
                            }
                            var row = 0
                            if patches == 1 {
                                // Four samples' sums side by side: independent chains, each in its own order.
                                while row + 4 <= z0.rows {
                                    let l0 = fp.baseAddress! + row * o, l1 = l0 + o, l2 = l1 + o, l3 = l2 + o
                                    for r in 0..<m {
                                        let q = out[r], t = row * m + r
                                        l0[q] += term(t, r); l1[q] += term(t + m, r); l2[q] += term(t + 2 * m, r); l3[q] += term(t + 3 * m, r)
                                    }
                                    row += 4
                                }
                            }
                            while row < z0.rows {
                                let logits = fp.baseAddress! + (row / patches) * o
                                for r in 0..<m { logits[out[r]] += term(row * m + r, r) }
                                row += 1
                            }
                        }
                    }
                }
            }
        }
        return (z0, zDelta, f)
    }

    public func logits(_ inputs: Matrix, _ parallelism: Parallelism) -> Matrix { forward(inputs, parallelism).logits }

    /// ∂L/∂Δ = Σ_i ∂L/∂f_i · ∇_θ F(x_i; θ₀): the base network's backward pass at θ₀ with the
    /// linearized logits' loss gradient.
    public func lossAndGradient(_ data: Dataset, _ loss: any Loss, _ parallelism: Parallelism) -> Backward {
        let (z0, _, f) = forward(data.inputs, parallelism)
        let (value, g) = loss.valueAndGradient(logits: f, labels: data.labels, divisor: Double(data.count))
        let dz = base.preactivationGradient(z0, logitGradient: g)
        return Backward(loss: value, gradient: base.parameterGradient(dz, data, parallelism))
    }

    public func prepareForTraining(_ data: Dataset) -> Dataset { base.prepareForTraining(data) }

    public func logitsAndInputGradient(_ inputs: Matrix, labels: [Int], _ loss: any Loss, _ parallelism: Parallelism) -> (logits: Matrix, gradient: Matrix) {
        let (z0, zDelta, f) = forward(inputs, parallelism)
        let (_, g) = loss.valueAndGradient(logits: f, labels: labels, divisor: 1)
        let first = base.preactivationGradient(z0, logitGradient: g)  // a_r·∂ℓ/∂f·σ′(z⁰)
        var w = base.weights
        for t in w.storage.indices { w.storage[t] += displacement.weights.storage[t] }
        var dx = Kernels.product(first, w, parallelism)
        // σ″ = 0 everywhere for the piecewise-linear activations: no curvature term to form.
        var second = Matrix(rows: base.activation.hasCurvature ? z0.rows : 0, columns: base.neurons), curved = false
        for row in 0..<second.rows {
            let i = row / base.patches
            for r in 0..<base.neurons {
                let c = base.activation.secondDerivative(z0[row, r])
                if c != 0 {
                    second[row, r] = base.head.coefficient[r] * g[i, base.head.neuronOutput[r]] * c * zDelta[row, r]
                    curved = true
                }
            }
        }
        if curved {
            let extra = Kernels.product(second, base.weights, parallelism)
            for t in dx.storage.indices { dx.storage[t] += extra.storage[t] }
        }
        return (f, Matrix(rows: inputs.rows, columns: inputs.columns, storage: dx.storage))
    }
}

extension LinearizedNetwork: ReferenceModel {
    /// f_o = Σ_r a_r Σ_p [σ(z⁰) + σ′(z⁰)·(⟨Δw_r, x_p⟩ + Δb_r)], one neuron and patch at a time, with
    /// z⁰ formed in T from the base's Doubles; `parameters` = Δ in the layout of `self.parameters`.
    public func referenceLogits<T: ReferenceScalar>(parameters p: [T], input x: [T]) throws -> [T] {
        let d = base.inputDimension, m = base.neurons
        var f = [T](repeating: .zero, count: outputs)
        for r in 0..<m {
            for patch in 0..<base.patches {
                var z0 = try T(exactly: base.biases[r])
                var zDelta = base.trainsBiases ? p[m * d + r] : T.zero
                for j in 0..<d {
                    z0 = try z0 + T(exactly: base.weights[r, j]) * x[patch * d + j]
                    zDelta = try zDelta + p[r * d + j] * x[patch * d + j]
                }
                let term = try base.activation.reference(z0) + base.activation.referenceDerivative(z0) * zDelta
                f[base.head.neuronOutput[r]] = try f[base.head.neuronOutput[r]] + T(exactly: base.head.coefficient[r]) * term
            }
        }
        return f
    }

    /// The kinks of σ′ and σ″ are those of σ.
    public func kinkDistance(_ inputs: Matrix) -> Double { base.kinkDistance(inputs) }
}
