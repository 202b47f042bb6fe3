/// Certified robustness of a two-layer patch network by interval bounds (Proofs/robustness.md,
/// "Interval certificates"): the threat model moves each patch x_p by δ_p with ‖δ_p‖ ≤ ε — in ℓ2
/// within the span of the orthonormal rows of `basis` (the non-robust-feature subspace of the AT
/// claims) or in the whole patch space (`basis` nil), or in ℓ∞ in the whole patch space. Then each
/// pre-activation moves by at most
///
///     |⟨w_r, δ_p⟩| ≤ ε·‖B·w_r‖₂   (ℓ2, Cauchy–Schwarz in the subspace; ‖w_r‖₂ without one),
///     |⟨w_r, δ_p⟩| ≤ ε·‖w_r‖₁      (ℓ∞, Hölder),
///
/// and with a nondecreasing activation σ (ReLU, smoothed ReLU, soft-threshold, identity) every
/// output is bracketed term by term: F_c ≥ Σ_{r→c} Σ_p a_r·σ(z_rp ∓ s_r) (the lower end for
/// a_r ≥ 0, the upper for a_r < 0), and symmetrically from above. Class j is *excluded* at a point
/// of label y when the lower bound of F_y exceeds the upper bound of F_j (one output: the bound of
/// y·f is positive) by more than a slack of 1e-9 times the sum of the terms' magnitudes — far above
/// the rounding error of the Double evaluation of these sums (a relative γ_n ≈ n·2⁻⁵³ for their
/// n ≤ 10⁵ terms). The pre-activations enter with their own rigorous rounding bound
/// (`preActivationsWithError`: a cancelling dot product is known only to γ_{d+1}·Σ|w_t x_t|), the
/// gains rounded up and every interval end rounded outward, so an exclusion holds for the exact
/// network whatever its scale; a point is certified when every
/// other class is excluded. The bound ignores that one δ_p is shared by all neurons, so it certifies
/// less than is true; it never certifies a point that is not robust.
public enum IntervalCertificate {
    /// Which samples are certified robust at radius ε (per patch of `patchDimension` coordinates).
    /// Nil when the activation is not nondecreasing (the square).
    public static func certified(_ network: TwoLayerNetwork, _ data: Dataset, epsilon: Double, basis: Matrix?,
                                 norm: AttackConfig.Norm = .l2, parallelism: Parallelism = .machine) -> [Bool]? {
        excludedClasses(network, data, epsilon: epsilon, basis: basis, norm: norm, parallelism: parallelism)?
            .map { $0.allSatisfy { $0 } }
    }

    /// For each sample of label y and each class j, whether j is certified never to beat y within
    /// radius ε (true at j = y; one output: a single entry, the point's certificate). A targeted
    /// attack toward an excluded class cannot succeed.
    public static func excludedClasses(_ network: TwoLayerNetwork, _ data: Dataset, epsilon: Double, basis: Matrix?,
                                       norm: AttackConfig.Norm = .l2, parallelism: Parallelism = .machine) -> [[Bool]]? {
        guard let gains = gains(network, basis: basis, norm: norm) else { return nil }
        return perSample(network, data, parallelism) { z, error, y in excluded(network, z, label: y, shift: shifts(gains, error, epsilon: epsilon)) }
    }

    /// Each term's half-width: ε·s_r (enlarged) plus the pre-activation's rounding error, rounded up.
    static func shifts(_ gains: [Double], _ error: [Double], epsilon: Double) -> [Double] {
        let patches = error.count / max(gains.count, 1)
        return error.indices.map { ((epsilon * gains[$0 / patches]).nextUp + error[$0]).nextUp }
    }

    /// Each sample's certified radius: the largest ε of a doubling-and-bisection search (60
    /// halvings) at which the point was certified, 0 if it is not certified at any radius tried
    /// (misclassified points included). Sound whatever the search's path: the ball of the returned
    /// radius holds no adversarial example, so neither does any smaller one — a lower bound on the
    /// exact radius, at most 2⁻⁶⁰ of it below what the certificate can reach.
    public static func certifiedRadii(_ network: TwoLayerNetwork, _ data: Dataset, basis: Matrix?,
                                      norm: AttackConfig.Norm = .l2, parallelism: Parallelism = .machine) -> [Double]? {
        guard let gains = gains(network, basis: basis, norm: norm) else { return nil }
        return perSample(network, data, parallelism) { z, error, y in
            largestCertifiedRadius { epsilon in excluded(network, z, label: y, shift: shifts(gains, error, epsilon: epsilon)).allSatisfy { $0 } }
        }
    }

    /// The largest ε of a doubling-and-bisection search (60 halvings) at which `certifiedAt(ε)`
    /// holds, 0 if it holds at no radius tried. Sound for any certificate whatever the path: the
    /// returned radius was certified.
    static func largestCertifiedRadius(_ certifiedAt: (Double) -> Bool) -> Double {
        guard certifiedAt(0) else { return 0 }
        var (low, high) = (0.0, 1.0)
        while certifiedAt(high) {
            (low, high) = (high, 2 * high)
            if !high.isFinite { return low }
        }
        for _ in 0..<60 {
            let middle = (low + high) / 2
            if certifiedAt(middle) { low = middle } else { high = middle }
        }
        return low
    }

    /// Whether the network's activation is nondecreasing (every activation but the square).
    public static func applies(to network: TwoLayerNetwork) -> Bool {
        if case .square = network.activation { return false }
        return true
    }

    /// s_r / ε for every neuron: the dual norm of w_r over the threat set. Nil for the square.
    static func gains(_ network: TwoLayerNetwork, basis: Matrix?, norm: AttackConfig.Norm) -> [Double]? {
        guard applies(to: network) else { return nil }
        precondition(norm == .l2 || basis == nil, "an ℓ∞ threat model lives in the whole patch space")
        let d = network.inputDimension
        return (0..<network.neurons).map { r in
            let w = network.weights.row(r)
            if norm == .linf { return safeGain(w.reduce(0) { $0 + abs($1) }, dimension: d) }
            guard let basis else { return safeGain(w.reduce(0) { $0 + $1 * $1 }.squareRoot(), dimension: d) }
            let projected = (0..<basis.rows).map { i in (0..<d).reduce(0.0) { $0 + basis[i, $1] * w[$1] } }
            return safeGain(projected.reduce(0) { $0 + $1 * $1 }.squareRoot(), dimension: d)
        }
    }

    /// `body(z, y)` for every sample, z its clean pre-activations (z[r·P + p] = ⟨w_r, x_p⟩ + b_r).
    static func perSample<T: Sendable>(_ network: TwoLayerNetwork, _ data: Dataset, _ parallelism: Parallelism,
                                       _ body: @escaping @Sendable ([Double], [Double], Int) -> T) -> [T] {
        var result = [T?](repeating: nil, count: data.count)
        result.withUnsafeMutableBufferPointer { out in
            let slots = UncheckedSendable(out)
            parallelism.forEachRange(data.count, grain: 8) { range in
                for i in range {
                    let (z, error) = preActivationsWithError(network, data, i)
                    slots.value[i] = body(z, error, data.labels[i])
                }
            }
        }
        return result.map { $0! }
    }

    /// Sample i's pre-activations z[r·P + p] = ⟨w_r, x_p⟩ + b_r in Double, and a rigorous bound on
    /// each one's rounding error (Proofs/robustness.md, "Rounding of the certificates"): the sum
    /// b + Σ_t w_t x_t of n = d + 1 terms evaluated left to right satisfies
    /// |fl − exact| ≤ γ_n·(|b| + Σ_t |w_t x_t|), γ_n = n·u/(1 − n·u), u = 2⁻⁵³ (Higham, Accuracy and
    /// Stability of Numerical Algorithms, §3.1), plus n·2⁻¹⁰⁷⁴ for products that underflow. The
    /// magnitude sum is itself rounded, so it is taken with a factor 1 + 2γ_n. This is the error of
    /// cancellation: a pre-activation that is the small difference of large products is known only
    /// to that absolute accuracy, whatever its own size.
    static func preActivationsWithError(_ network: TwoLayerNetwork, _ data: Dataset, _ i: Int) -> (z: [Double], error: [Double]) {
        let d = network.inputDimension, patches = network.patches
        let n = Double(d + 1), u = 0x1p-53
        let gamma = n * u / (1 - n * u)
        var z = [Double](repeating: 0, count: network.neurons * patches), error = z
        for r in 0..<network.neurons {
            for p in 0..<patches {
                var s = network.biases[r], magnitude = abs(network.biases[r])
                for t in 0..<d {
                    let product = network.weights[r, t] * data.inputs[i, p * d + t]
                    s += product
                    magnitude += abs(product)
                }
                z[r * patches + p] = s
                error[r * patches + p] = gamma * (1 + 2 * gamma) * magnitude + n * 0x1p-1074
            }
        }
        return (z, error)
    }

    /// A gain s_r/ε (a dual norm formed in Double) enlarged so that it is ≥ the exact dual norm:
    /// a sum of d squares or magnitudes and a square root carry a relative error below (d + 4)·u.
    static func safeGain(_ gain: Double, dimension d: Int) -> Double {
        (gain * (1 + Double(d + 8) * 0x1p-52)).nextUp
    }

    /// Sample i's pre-activations z[r·P + p] = ⟨w_r, x_p⟩ + b_r.
    static func preActivations(_ network: TwoLayerNetwork, _ data: Dataset, _ i: Int) -> [Double] {
        let d = network.inputDimension, patches = network.patches
        var z = [Double](repeating: 0, count: network.neurons * patches)
        for r in 0..<network.neurons {
            for p in 0..<patches {
                var s = network.biases[r]
                for t in 0..<d { s += network.weights[r, t] * data.inputs[i, p * d + t] }
                z[r * patches + p] = s
            }
        }
        return z
    }

    /// The exclusions at one sample from its pre-activations and every term's half-width
    /// (shift[r·P + p]: ε·s_r plus the pre-activation's rounding bound).
    static func excluded(_ network: TwoLayerNetwork, _ z: [Double], label y: Int, shift: [Double]) -> [Bool] {
        let k = network.outputs, patches = network.patches
        var lower = [Double](repeating: 0, count: k), upper = [Double](repeating: 0, count: k), magnitude = 0.0
        for r in 0..<network.neurons {
            let a = network.head.coefficient[r], c = network.head.neuronOutput[r]
            for p in 0..<patches {
                let zr = z[r * patches + p]
                // The ends rounded outward, so that [low end, high end] holds the exact range (σ nondecreasing).
                let half = shift[r * patches + p]
                let (low, high) = (network.activation.value((zr - half).nextDown), network.activation.value((zr + half).nextUp))
                lower[c] += a >= 0 ? a * low : a * high
                upper[c] += a >= 0 ? a * high : a * low
                magnitude += abs(a) * max(abs(low), abs(high))
            }
        }
        let slack = 1e-9 * magnitude + 1e-300
        if k == 1 { return [y > 0 ? lower[0] > slack : upper[0] < -slack] }
        return (0..<k).map { j in j == y || lower[y] - upper[j] > slack }
    }
}
