/// The full-space ℓ2 attack on a one-patch `TwoLayerNetwork` in coordinates: every PGD iterate of
/// sample i is δ_i = a_i·v_i + Wᵀc_i — its random start direction v_i plus a combination of the
/// neurons, since every input gradient Σ_r ∂ℓ/∂z_r·w_r lies in the span of the first-layer weights
/// (the weight-decomposition argument, applied to the attack). With the coordinates (a, c) ∈ ℝ^{1+m},
///
///     z(a, c) = z⁰ + a·q_i + G·c,                   q_i = W·v_i, G = W·Wᵀ (m × m),
///     ‖δ_i‖² = a²‖v_i‖² + 2a⟨q_i, c⟩ + cᵀG·c,        step direction (0, ∂ℓ/∂z),
///
/// so a PGD step costs O(m²) per sample instead of O(d·m). The start direction comes split along
/// span(W) (`SplitGaussianStart`: v_i = Qᵀξ_i + ρ_i·u_i), so q_i = (W·Qᵀ)·ξ_i and
/// ‖v_i‖² = ‖ξ_i‖² + ρ_i² cost O(m²), and u_i (d Gaussians) is drawn only where an input is formed;
/// each attack pays one O(d·m) pass for z⁰ (fa-paper: d = 3072, m = 10).
struct WeightSpanCoordinates: PerturbationCoordinates {
    let network: TwoLayerNetwork
    /// G = W·Wᵀ.
    let gram: Matrix
    /// The split of the random start (nil only for attacks without one).
    let start: SplitGaussianStart?
    /// Q·Wᵀ (m × m): row j holds the gains ⟨w_r, q_j⟩ of the basis vector q_j.
    let basisGains: Matrix

    /// The start draws of a block of samples, q_i = W·v_i (rows) and ‖v_i‖².
    struct Frame {
        var draws: [SplitGaussianStart.Draw]
        var gains: Matrix
        var squaredNorms: [Double]
    }

    init(network: TwoLayerNetwork, start: SplitGaussianStart?) {
        precondition(network.patches == 1, "the weight span holds the gradients of a one-patch network")
        self.network = network
        self.start = start
        gram = Kernels.productTransposed(network.weights, network.weights, .serial)
        basisGains = start.map { Kernels.productTransposed($0.basis, network.weights, .serial) } ?? Matrix(rows: 0, columns: network.neurons)
    }

    var neurons: Int { network.neurons }

    func frame(_ n: Int, indices: [Int], config: AttackConfig, epsilon: Double, key: PRNGKey) -> (frame: Frame, start: Matrix) {
        let m = neurons
        var c = Matrix(rows: n, columns: 1 + m)
        var frame = Frame(draws: [], gains: Matrix(rows: n, columns: m), squaredNorms: [Double](repeating: 0, count: n))
        // No start: a = 0 throughout, so no direction is ever drawn.
        guard config.start != .none, let start else { return (frame, c) }
        for i in 0..<n {
            let draw = start.draw(key: key.child(UInt64(indices[i])), config.start, epsilon: epsilon)
            let squaredNorm = draw.squaredLength
            for (j, xi) in draw.coefficients.enumerated() {
                for r in 0..<m { frame.gains[i, r] += xi * basisGains[j, r] }
            }
            frame.squaredNorms[i] = squaredNorm
            c[i, 0] = squaredNorm > 0 ? draw.radius / squaredNorm.squareRoot() : 0
            frame.draws.append(draw)
        }
        return (frame, c)
    }

    func preactivations(_ frame: Frame, z0: Matrix, _ c: Matrix) -> Matrix {
        var z = z0
        let m = neurons
        for i in 0..<z.rows {
            let a = c[i, 0]
            for r in 0..<m {
                var v = z0[i, r] + a * frame.gains[i, r]
                for s in 0..<m { v += c[i, 1 + s] * gram[s, r] }
                z[i, r] = v
            }
        }
        return z
    }

    func ascentDirection(_ frame: Frame, _ dz: Matrix) -> Matrix {
        var direction = Matrix(rows: dz.rows, columns: 1 + neurons)
        for i in 0..<dz.rows { for r in 0..<neurons { direction[i, 1 + r] = dz[i, r] } }
        return direction
    }

    func squaredLength(_ frame: Frame, row i: Int, _ c: UnsafePointer<Double>) -> Double {
        let m = neurons, a = c[0]
        var cross = 0.0, quadratic = 0.0
        for r in 0..<m {
            cross += frame.gains[i, r] * c[1 + r]
            var gc = 0.0
            for s in 0..<m { gc += gram[r, s] * c[1 + s] }
            quadratic += c[1 + r] * gc
        }
        return a * a * frame.squaredNorms[i] + 2 * a * cross + quadratic
    }

    func perturbed(_ frame: Frame, _ inputs: Matrix, _ c: Matrix, sample i: Int, into out: inout Matrix, row o: Int) {
        let d = network.inputDimension, a = c[i, 0]
        let direction = a != 0 ? start!.vector(frame.draws[i]) : []
        out.storage.withUnsafeMutableBufferPointer { op in
            inputs.storage.withUnsafeBufferPointer { ip in
                network.weights.storage.withUnsafeBufferPointer { wp in
                    let target = op.baseAddress! + o * d
                    target.update(from: ip.baseAddress! + i * d, count: d)
                    if a != 0 { Kernels.axpy(a, direction, target, d) }
                    for r in 0..<neurons where c[i, 1 + r] != 0 { Kernels.axpy(c[i, 1 + r], wp.baseAddress! + r * d, target, d) }
                }
            }
        }
    }
}
