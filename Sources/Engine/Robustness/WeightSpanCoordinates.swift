/// The full-space ℓ2 attack on a one-patch `TwoLayerNetwork` in coordinates. Every input gradient
/// Σ_r ∂ℓ/∂z_r·w_r lies in span(W) (the weight-decomposition argument, applied to the attack), and
/// the random start is drawn split along that span (`SplitGaussianStart`: v_i = Qᵀξ_i + ρ_i·u_i,
/// Q orthonormal rows spanning W, u_i a unit vector orthogonal to it). So every PGD iterate of
/// sample i is
///
///     δ_i = Qᵀβ_i + γ_i·u_i,    z(β) = z⁰ + (W·Qᵀ)·β,    ‖δ_i‖² = ‖β_i‖² + γ_i²,
///
/// with the step direction (Q·Wᵀ·∂ℓ/∂z, 0): the steps move β only, the projections scale β and γ
/// together. This is `SubspaceCoordinates` with the basis Q and one orthogonal coordinate (γ, of
/// zero gain) whose direction differs per sample — the identity metric, O(m²) per step and sample
/// instead of O(d·m); u_i (d Gaussians) is drawn only where a perturbed input is formed. Each
/// attack pays one O(d·m) pass for z⁰ (`AttackPlan`; fa-paper: d = 3072, m = 10).
struct WeightSpanCoordinates: PerturbationCoordinates {
    /// The coordinates (β, γ): the basis Q and one orthogonal coordinate.
    let span: SubspaceCoordinates
    /// The split of the random start, whose basis is Q.
    let start: SplitGaussianStart

    init(network: TwoLayerNetwork, start: SplitGaussianStart) {
        precondition(network.patches == 1, "the weight span holds the gradients of a one-patch network")
        span = SubspaceCoordinates(network: network, basis: start.basis, orthogonalCoordinates: 1)
        self.start = start
    }

    var network: TwoLayerNetwork { span.network }

    /// The start draws of a block of samples (empty without a start).
    typealias Frame = [SplitGaussianStart.Draw]

    /// The start δ₀ = radius·v/‖v‖ in coordinates: β = t·ξ, γ = t·ρ with t = radius/√(‖ξ‖² + ρ²).
    func frame(_ n: Int, indices: [Int], config: AttackConfig, epsilon: Double, key: PRNGKey) -> (frame: Frame, start: Matrix) {
        let m = start.basis.rows
        var c = Matrix(rows: n, columns: m + 1)
        // No start: δ = 0 and γ = 0 throughout, so no direction is ever drawn.
        guard config.start != .none else { return ([], c) }
        let draws = (0..<n).map { start.draw(key: key.child(UInt64(indices[$0])), config.start, epsilon: epsilon) }
        for (i, draw) in draws.enumerated() {
            let length = draw.squaredLength.squareRoot()
            let t = length > 0 ? draw.radius / length : 0
            for j in 0..<m { c[i, j] = t * draw.coefficients[j] }
            c[i, m] = t * draw.orthogonalLength
        }
        return (draws, c)
    }

    func preactivations(_ frame: Frame, z0: Matrix, _ c: Matrix) -> Matrix { span.preactivations((), z0: z0, c) }

    func ascentDirection(_ frame: Frame, _ dz: Matrix) -> Matrix { span.ascentDirection((), dz) }

    func squaredLength(_ frame: Frame, row: Int, _ c: UnsafePointer<Double>) -> Double { span.squaredLength((), row: row, c) }

    /// x + Qᵀβ + γ·u_i.
    func perturbed(_ frame: Frame, _ inputs: Matrix, _ c: Matrix, sample i: Int, into out: inout Matrix, row o: Int) {
        span.perturbed((), inputs, c, sample: i, into: &out, row: o)
        let gamma = c[i, start.basis.rows], d = network.inputDimension
        guard gamma != 0 else { return }
        let u = start.orthogonalDirection(frame[i])
        out.storage.withUnsafeMutableBufferPointer { Kernels.axpy(gamma, u, $0.baseAddress! + o * d, d) }
    }
}
