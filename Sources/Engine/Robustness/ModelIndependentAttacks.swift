/// Attacks that need no gradient: the directions the theories predict will break a model.
extension Attacks {
    /// x + δ·y·u/‖u‖ with u = −Σ_{J₊} μ_j + Σ_{J₋} μ_j (Feature Averaging): every positive point moves
    /// toward the negative class average and vice versa.
    public static func averagedFeature(inputs: Matrix, labels: [Int], features: Matrix, positiveClusters: Int, delta: Double) -> Matrix {
        let u = FeatureAveragingModels.averagedAttackDirection(features: features, positiveClusters: positiveClusters)
        let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var x = inputs
        for i in 0..<x.rows { for t in 0..<x.columns { x[i, t] += Double(labels[i]) * delta * u[t] / norm } }
        return x
    }

    /// x_p ← x_p − ε·v_y on every non-robust patch p (Li & Li): erases the dense non-robust feature.
    public static func negativeNonRobust(inputs: Matrix, labels: [Int], nonRobustFeatures v: Matrix,
                                         patches: Range<Int>, epsilon: Double) -> Matrix {
        let d = v.columns
        var x = inputs
        for i in 0..<x.rows {
            for p in patches { for t in 0..<d { x[i, p * d + t] -= epsilon * v[labels[i], t] } }
        }
        return x
    }
}
