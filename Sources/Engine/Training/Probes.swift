/// Quantities the papers plot, computed from a weight matrix (one neuron per row) and a feature
/// matrix (one feature per row).
public enum Probes {
    /// ⟨w_r, f_j⟩/‖f_j‖: the normalised correlation of each neuron with each feature
    /// (Li & Li's max_r⟨w_{i,r}, v_i⟩/‖v_i‖ is a maximum over rows of this matrix).
    public static func correlations(_ weights: Matrix, _ features: Matrix) -> Matrix {
        var c = Kernels.productTransposed(weights, features, .serial)
        let norms = Kernels.rowSquaredNorms(features).map { $0.squareRoot() }
        for r in 0..<c.rows { for j in 0..<c.columns { c[r, j] = norms[j] > 0 ? c[r, j] / norms[j] : 0 } }
        return c
    }

    /// cos∠(w_r, f_j): the (neuron × feature) cosine matrix of Feature Averaging's Figure 2
    /// (0 for a zero neuron).
    public static func cosines(_ weights: Matrix, _ features: Matrix) -> Matrix {
        var c = correlations(weights, features)
        let norms = Kernels.rowSquaredNorms(weights).map { $0.squareRoot() }
        for r in 0..<c.rows { for j in 0..<c.columns { c[r, j] = norms[r] > 0 ? c[r, j] / norms[r] : 0 } }
        return c
    }

    /// For each class i (a block of `perClass` consecutive neurons), max over its neurons of the
    /// normalised correlation with feature i: Li & Li's max_r ⟨w_{i,r}, f_i⟩/‖f_i‖.
    public static func ownFeatureCorrelation(_ weights: Matrix, _ features: Matrix, perClass: Int) -> [Double] {
        let c = correlations(weights, features)
        return (0..<features.rows).map { i in (0..<perClass).map { c[i * perClass + $0, i] }.max() ?? 0 }
    }

    /// λ of a network whose features are not known to the training (a net trained elsewhere): the
    /// least-squares coefficients of each neuron on the feature rows, w_r ≈ Σ_j λ_{r,j}·μ_j, from the
    /// normal equations Λ = W·Mᵀ·(M·Mᵀ)⁻¹ (Cholesky; the features must be linearly independent). For
    /// GD from a small initialisation on MultiCluster data this is the weight decomposition's λ up to
    /// the part of w_r outside span{μ_j}.
    public static func featureCoefficients(_ weights: Matrix, _ features: Matrix) throws -> Matrix {
        let k = features.rows
        let gram = Kernels.gram(features, .serial), projected = Kernels.productTransposed(weights, features, .serial)
        var lambda = Matrix(rows: weights.rows, columns: k)
        for r in 0..<weights.rows {
            let row = try Cholesky.solve(gram, projected.row(r))
            for j in 0..<k { lambda[r, j] = row[j] }
        }
        return lambda
    }
}
