/// The full-space ℓ2 attack on a one-patch `TwoLayerNetwork` in coordinates: every PGD iterate of
/// sample i is δ_i = a_i·v_i + Wᵀc_i — its random start direction v_i plus a combination of the
/// neurons, since every input gradient Σ_r ∂ℓ/∂z_r·w_r lies in the span of the first-layer weights
/// (the weight-decomposition argument, applied to the attack). With the coordinates (a, c) ∈ ℝ^{1+m},
///
///     z(a, c) = z⁰ + a·q_i + G·c,                   q_i = W·v_i, G = W·Wᵀ (m × m),
///     ‖δ_i‖² = a²‖v_i‖² + 2a⟨q_i, c⟩ + cᵀG·c,        step direction (0, ∂ℓ/∂z),
///
/// so a PGD step costs O(m²) per sample instead of O(d·m); each attack pays one O(d·m) pass for
/// z⁰ and one for q_i (fa-paper: d = 3072, m = 10).
struct WeightSpanCoordinates: PerturbationCoordinates {
    let network: TwoLayerNetwork
    /// G = W·Wᵀ.
    let gram: Matrix

    /// The start directions of a block of samples: v_i (rows), q_i = W·v_i and ‖v_i‖².
    struct Frame {
        var directions: Matrix
        var gains: Matrix
        var squaredNorms: [Double]
    }

    init(network: TwoLayerNetwork) {
        precondition(network.patches == 1, "the weight span holds the gradients of a one-patch network")
        self.network = network
        gram = Kernels.productTransposed(network.weights, network.weights, .serial)
    }

    var neurons: Int { network.neurons }

    func frame(_ inputs: Matrix, indices: [Int], config: AttackConfig, epsilon: Double, key: PRNGKey) -> (frame: Frame, start: Matrix) {
        let n = inputs.rows, d = network.inputDimension, m = neurons
        var c = Matrix(rows: n, columns: 1 + m)
        guard config.start != .none else {
            // No start: a = 0 throughout, so no direction is ever read (nor allocated).
            return (Frame(directions: Matrix(rows: 0, columns: d), gains: Matrix(rows: n, columns: m), squaredNorms: [Double](repeating: 0, count: n)), c)
        }
        var directions = Matrix(rows: n, columns: d), squaredNorms = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var stream = key.child(UInt64(indices[i])).stream
            let (v, radius) = Attacks.l2Start(&stream, config.start, epsilon: epsilon, block: d)
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            directions.storage.replaceSubrange((i * d)..<((i + 1) * d), with: v)
            squaredNorms[i] = norm * norm
            c[i, 0] = norm > 0 ? radius / norm : 0
        }
        return (Frame(directions: directions, gains: Kernels.productTransposed(directions, network.weights, .serial), squaredNorms: squaredNorms), c)
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
        out.storage.withUnsafeMutableBufferPointer { op in
            inputs.storage.withUnsafeBufferPointer { ip in
                frame.directions.storage.withUnsafeBufferPointer { vp in
                    network.weights.storage.withUnsafeBufferPointer { wp in
                        let target = op.baseAddress! + o * d
                        target.update(from: ip.baseAddress! + i * d, count: d)
                        if a != 0 { Kernels.axpy(a, vp.baseAddress! + i * d, target, d) }
                        for r in 0..<neurons where c[i, 1 + r] != 0 { Kernels.axpy(c[i, 1 + r], wp.baseAddress! + r * d, target, d) }
                    }
                }
            }
        }
    }
}
