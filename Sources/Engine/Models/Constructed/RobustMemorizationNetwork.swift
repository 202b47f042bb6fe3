/// The explicit ℓ∞ robust-memorisation ReLU network of Proofs/expressive-power.md (after Li et al., NeurIPS
/// 2022): for points x_i with labels y_i ∈ {±1} and radius ε,
///
///     g_i(x) = ‖x − x_i‖∞ = max_j (ReLU(x_j − x_ij) + ReLU(x_ij − x_j)),
///     max(a, b) = a + ReLU(b − a)  (a max-tree of d − 1 ReLUs),
///     f(x) = Σ_i y_i·ReLU(1 − g_i(x)/ε).
///
/// For ‖x' − x_i‖∞ ≤ δ < ε the own term is ≥ 1 − δ/ε > 0, and if the points are 2ε-separated every
/// opposite-label term is 0 (its g ≥ 2ε − δ > ε), so sign f(x') = y_i. Evaluated generically, so with
/// `Rational` arithmetic the certificate is exact. Parameters: O(N·d).
public struct RobustMemorizationNetwork: Sendable {
    public let points: [[Double]]
    public let labels: [Int]
    public let epsilon: Double

    public init(points: [[Double]], labels: [Int], epsilon: Double) {
        self.points = points
        self.labels = labels
        self.epsilon = epsilon
    }

    /// ReLU units: per point 2d (absolute values) + (d − 1) (max-tree) + 1 (output term).
    public var reluCount: Int { points.reduce(0) { $0 + 3 * $1.count } }
    /// Weights and biases of the explicit construction: per point, the 2d absolute-value units have
    /// one weight and one bias each, the d − 1 max units two weights each, the output unit a weight
    /// and a bias, plus the output weight y_i: 4d + 2(d − 1) + 3 = 6d + 1.
    public var parameterCount: Int { points.reduce(0) { $0 + 6 * $1.count + 1 } }

    /// f(x), computed only with the ReLU construction (no built-in abs or max).
    public func evaluate<T: ReferenceScalar>(_ x: [T]) throws -> T {
        let eps = try T(exactly: epsilon), one = T.one
        var f = T.zero
        for (point, label) in zip(points, labels) {
            var g: T? = nil
            for (xj, pj) in zip(x, point) {
                let c = try T(exactly: pj)
                let absolute = (xj - c).relu() + (c - xj).relu()
                g = g.map { $0 + (absolute - $0).relu() } ?? absolute
            }
            let term = (one - (try (g ?? .zero).divided(by: eps))).relu()
            f = label == 1 ? f + term : f - term
        }
        return f
    }
}
