/// Certified robustness of a two-layer patch network by interval bounds (Proofs/robustness.md,
/// "Interval certificates"): the threat model moves each patch x_p by δ_p with ‖δ_p‖₂ ≤ ε, within
/// the span of the orthonormal rows of `basis` (the non-robust-feature subspace of the AT claims) or
/// in the whole patch space (`basis` nil). Then each pre-activation moves by at most
///
///     |⟨w_r, δ_p⟩| ≤ ε·‖B·w_r‖   (Cauchy–Schwarz in the subspace; ‖w_r‖ without one),
///
/// and with a nondecreasing activation σ every output is bracketed term by term:
/// F_c ≥ Σ_{r→c} Σ_p a_r·σ(z_rp ∓ s_r) (the lower end for a_r ≥ 0, the upper for a_r < 0), and
/// symmetrically from above. A point is certified when, for every other class j, the lower bound of
/// F_y exceeds the upper bound of F_j (one output: the bound of y·f is positive) by more than a slack
/// of 1e-9 times the sum of the terms' magnitudes — far above the rounding error of the Double
/// evaluation (a relative γ_n ≈ n·2⁻⁵³ for the n ≤ 10⁵ terms of these sums), so a certified point is
/// robust for the exact network too. The bound ignores that one δ_p is shared by all neurons, so it
/// certifies less than is true; it never certifies a point that is not robust.
public enum IntervalCertificate {
    /// Which samples are certified robust at radius ε (per patch of `patchDimension` coordinates).
    /// Nil when the activation is not nondecreasing (the square).
    public static func certified(_ network: TwoLayerNetwork, _ data: Dataset, epsilon: Double, basis: Matrix?,
                                 parallelism: Parallelism = .machine) -> [Bool]? {
        if case .square = network.activation { return nil }
        let d = network.inputDimension, m = network.neurons, k = network.outputs
        let shift: [Double] = (0..<m).map { r in
            let w = network.weights.row(r)
            guard let basis else { return epsilon * w.reduce(0) { $0 + $1 * $1 }.squareRoot() }
            let projected = (0..<basis.rows).map { i in (0..<d).reduce(0.0) { $0 + basis[i, $1] * w[$1] } }
            return epsilon * projected.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
        var result = [Bool](repeating: false, count: data.count)
        result.withUnsafeMutableBufferPointer { out in
            let slots = UncheckedSendable(out)
            parallelism.forEachRange(data.count, grain: 8) { range in
                for i in range {
                    var lower = [Double](repeating: 0, count: k), upper = [Double](repeating: 0, count: k), magnitude = 0.0
                    for r in 0..<m {
                        let a = network.head.coefficient[r], c = network.head.neuronOutput[r]
                        for p in 0..<network.patches {
                            var z = network.biases[r]
                            for t in 0..<d { z += network.weights[r, t] * data.inputs[i, p * d + t] }
                            let (low, high) = (network.activation.value(z - shift[r]), network.activation.value(z + shift[r]))
                            lower[c] += a >= 0 ? a * low : a * high
                            upper[c] += a >= 0 ? a * high : a * low
                            magnitude += abs(a) * max(abs(low), abs(high))
                        }
                    }
                    let slack = 1e-9 * magnitude + 1e-300
                    let y = data.labels[i]
                    slots.value[i] = k == 1
                        ? (y > 0 ? lower[0] > slack : upper[0] < -slack)
                        : (0..<k).allSatisfy { j in j == y || lower[y] - upper[j] > slack }
                }
            }
        }
        return result
    }
}
