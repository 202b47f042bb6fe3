/// Kernel regression with a network's neural tangent kernel at its parameters θ₀ (Jacot, Gabriel &
/// Hongler, 2018): the limit of GD with the squared loss on the `LinearizedNetwork` from Δ = 0.
///
/// For a one-output network with Jacobian J (row i = ∇_θ F(x_i; θ₀)) the kernel is K = J·Jᵀ,
///
///     K(x, x′) = Σ_r a_r² Σ_{p,p′} σ′(z⁰_{p,r}) σ′(z⁰′_{p′,r}) (⟨x_p, x′_{p′}⟩ + [biases trained]),
///
/// and ridge regression of the residual targets y − F(X; θ₀) gives the displacement
/// Δ = Jᵀ·(K + λI)⁻¹·(y − F(X; θ₀)), the minimum-norm interpolant as λ → 0.
public enum NeuralTangentKernel {
    /// J (n × parameters): row i is ∇_θ F(x_i; θ₀) in the layout of `base.parameters`.
    public static func jacobian(_ base: TwoLayerNetwork, _ inputs: Matrix, _ parallelism: Parallelism) -> Matrix {
        precondition(base.outputs == 1, "the NTK regression here is for one-output networks")
        let n = inputs.rows, d = base.inputDimension, m = base.neurons, p = base.patches
        // ∂F/∂z_{(i,p),r} = a_r·σ′(z⁰): the backward pass of the logit itself.
        let dz = base.preactivationGradient(base.preactivations(inputs, parallelism),
                                            logitGradient: Matrix(rows: n, columns: 1, storage: [Double](repeating: 1, count: n)))
        var j = Matrix(rows: n, columns: m * d + (base.trainsBiases ? m : 0))
        for i in 0..<n {
            for patch in 0..<p {
                let row = i * p + patch
                for r in 0..<m where dz[row, r] != 0 {
                    let c = dz[row, r]
                    for t in 0..<d { j[i, r * d + t] += c * inputs[i, patch * d + t] }
                    if base.trainsBiases { j[i, m * d + r] += c }
                }
            }
        }
        return j
    }

    /// NTK regression of ±1 labels (squared loss) with ridge λ = `ridge`·tr(K)/n, returned as the
    /// linearized network at the fitted Δ. Throws `Cholesky.NotPositiveDefinite` if K + λI is not
    /// numerically positive definite (a larger ridge is then needed).
    public static func regression(_ base: TwoLayerNetwork, on data: Dataset, ridge: Double,
                                  parallelism: Parallelism) throws -> LinearizedNetwork {
        try regression(base, on: data, ridges: [ridge], parallelism: parallelism)[0]
    }

    /// `regression` at each of `ridges`, sharing J, K = J·Jᵀ and F(X; θ₀) (each model is the one
    /// `regression(_:on:ridge:parallelism:)` returns, bit for bit).
    public static func regression(_ base: TwoLayerNetwork, on data: Dataset, ridges: [Double],
                                  parallelism: Parallelism) throws -> [LinearizedNetwork] {
        precondition(ridges.allSatisfy { $0 >= 0 && $0.isFinite }, "ridges must be finite and ≥ 0")
        let j = jacobian(base, data.inputs, parallelism)
        let kernel = Kernels.productTransposed(j, j, parallelism)
        let n = data.count
        let trace = (0..<n).reduce(0.0) { $0 + kernel[$1, $1] }
        let f0 = base.logits(data.inputs, parallelism)
        let residual = (0..<n).map { Double(data.labels[$0]) - f0[$0, 0] }
        return try ridges.map { ridge in
            var k = kernel
            let lambda = ridge * trace / Double(n)
            for i in 0..<n { k[i, i] += lambda }
            let alpha = try Cholesky.solve(k, residual)
            var delta = [Double](repeating: 0, count: j.columns)
            for i in 0..<n { for t in 0..<j.columns { delta[t] += alpha[i] * j[i, t] } }
            var model = LinearizedNetwork(around: base)
            model.parameters = delta
            return model
        }
    }
}
