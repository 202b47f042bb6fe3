/// The weight-decomposition lemma of Feature Averaging (Proofs/feature-averaging.md): throughout GD,
///
///     w_r(t) = w_r(0) + Σ_j λ_{r,j}(t)·μ_j + Σ_i σ_{r,i}(t)·ξ_i,
///
/// because each step adds −η·Σ_i (∂L/∂z_{i,r})·x_i to w_r and x_i = μ_{c(i)} + ξ_i. The tracker
/// keeps λ and σ incrementally: every step adds c = −η·∂L/∂z_{i,r} to λ_{r,c(i)} and to σ_{r,i}.
public struct WeightDecomposition: Equatable, Sendable {
    /// λ: neurons × clusters.
    public var lambda: Matrix
    /// σ: neurons × training samples.
    public var sigma: Matrix
    public let learningRate: Double
    let clusters: [Int]

    public init(neurons: Int, clusters: Int, train: Dataset, learningRate: Double) {
        precondition(train.clusters.count == train.count, "the weight decomposition needs clustered training data")
        lambda = Matrix(rows: neurons, columns: clusters)
        sigma = Matrix(rows: neurons, columns: train.count)
        self.learningRate = learningRate
        self.clusters = train.clusters
    }

    /// Adds one step's coefficients; `batch` maps batch rows to training indices (nil: full batch).
    public mutating func accumulate(_ backward: Backward, batch: [Int]?) {
        guard let dz = backward.preactivationGradient else { preconditionFailure("the model has no pre-activation gradient") }
        for row in 0..<dz.rows {
            let i = batch?[row] ?? row
            for r in 0..<dz.columns {
                let c = -learningRate * dz[row, r]
                lambda[r, clusters[i]] += c
                sigma[r, i] += c
            }
        }
    }

    /// w(0) + λ·M + σ·Ξ: the weights the decomposition predicts (M: features as rows, Ξ: noise rows).
    public func reconstruct(initial: Matrix, features: Matrix, noise: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        let a = Kernels.product(lambda, features, parallelism), b = Kernels.product(sigma, noise, parallelism)
        var w = initial
        for t in w.storage.indices { w.storage[t] += a.storage[t] + b.storage[t] }
        return w
    }
}
