/// ℓ2 PGD on a `TwoLayerNetwork`, run in the coordinates of a small space that holds every iterate.
///
/// The primal algorithm (`Attacks.attackBlock`) moves δ in ℝ^d and pays O(d·m) per budget block and
/// step for the forward and the backward pass. But the iterates of PGD on a two-layer net live in
/// small spaces (issue 8's lever, and the theory's: an input gradient Σ_r ∂ℓ/∂z_r·w_r lies in the
/// span of the first-layer weights): every iterate of a block is δ_b = B_bᵀc_b for a basis B_b of
/// s ≪ d rows, and then
///
///     z_{b,r}(c) = z⁰_{b,r} + ⟨c_b, A_b[·, r]⟩,   A_b = B_b·Wᵀ (s × m) — the gain of a coordinate,
///     ‖δ_b‖² = c_bᵀ M_b c_b,                     M_b = B_b·B_bᵀ — the metric,
///
/// so after one pass over the inputs for z⁰ (and one to form A_b) each step costs O(s·m) per block.
/// Two coordinate systems implement it (`PerturbationCoordinates`):
/// - `SubspaceCoordinates`: NRF-/RF-PGD, B = S orthonormal per patch (M = I);
/// - `WeightSpanCoordinates`: the full-space attack on one block, B_i = [Q; u_i] — an orthonormal
///   basis of the neurons' span and the orthogonal part of the sample's random start (M = I).
/// The iterates are those of the primal algorithm — the same random draws, the same steps, the
/// same projections — up to rounding (the sums are formed in another order; replay-checked in
/// `CoordinateAttackTests`). The inputs x + Bᵀc are formed only for the samples whose decision
/// changes and for the returned iterate, and not at all for `Attacks.Kept.decisions`.
protocol PerturbationCoordinates {
    /// What one block of rows needs: per-row bases, gains and metrics.
    associatedtype Frame
    var network: TwoLayerNetwork { get }
    /// The frame of `n` samples (sample indices `indices` of the batch) and the
    /// coordinates of their start: the primal algorithm's random start (from `key.child(index)`:
    /// `Attacks.l2Start`, or its split parts, `SplitGaussianStart`), expressed in coordinates;
    /// zero for `config.start == .none`.
    func frame(_ n: Int, indices: [Int], config: AttackConfig, epsilon: Double, key: PRNGKey) -> (frame: Frame, start: Matrix)
    /// z = z⁰ + the change of every pre-activation row under the coordinates c.
    func preactivations(_ frame: Frame, z0: Matrix, _ c: Matrix) -> Matrix
    /// The coordinates of the step direction of every block (the input gradient, projected onto
    /// the attack's space), from ∂ℓ/∂z.
    func ascentDirection(_ frame: Frame, _ dz: Matrix) -> Matrix
    /// ‖Bᵀc‖² for the coordinates `c` (s entries) of block `row`.
    func squaredLength(_ frame: Frame, row: Int, _ c: UnsafePointer<Double>) -> Double
    /// Row `i` of `inputs` + Bᵀc, into row `o` of `out`.
    func perturbed(_ frame: Frame, _ inputs: Matrix, _ c: Matrix, sample i: Int, into out: inout Matrix, row o: Int)
}

extension PerturbationCoordinates {
    /// c_b ← c_b + α·d_b/‖Bᵀd_b‖ (no step when d_b = 0), for every block.
    func ascend(_ frame: Frame, _ c: inout Matrix, _ direction: Matrix, _ alpha: Double) {
        let s = c.columns
        c.storage.withUnsafeMutableBufferPointer { cp in
            direction.storage.withUnsafeBufferPointer { dp in
                for row in 0..<c.rows {
                    let norm = squaredLength(frame, row: row, dp.baseAddress! + row * s)
                    guard norm > 0 else { continue }
                    let scale = alpha / norm.squareRoot()
                    for j in 0..<s { cp[row * s + j] += scale * dp[row * s + j] }
                }
            }
        }
    }

    /// c_b ← c_b·min(1, ε/‖Bᵀc_b‖), for every block.
    func projectOntoBall(_ frame: Frame, _ c: inout Matrix, _ epsilon: Double) {
        let s = c.columns
        c.storage.withUnsafeMutableBufferPointer { cp in
            for row in 0..<c.rows {
                let length = squaredLength(frame, row: row, cp.baseAddress! + row * s).squareRoot()
                if length > epsilon {
                    let scale = epsilon / length
                    for j in 0..<s { cp[row * s + j] *= scale }
                }
            }
        }
    }

    /// The PGD steps from the (projected) start `c`: `config.steps` times, z = z⁰ + change(c), the
    /// objective's gradient, an ascent step and the projection. `visit` sees the logits of each
    /// iterate before its step (the last iterate is left to the caller).
    func iterate(_ frame: Frame, z0: Matrix, _ c: inout Matrix, labels: [Int], epsilon: Double, config: AttackConfig,
                 objective: any Loss, visit: ((Matrix, Matrix) -> Void)? = nil) {
        let alpha = config.stepSizeFactor * epsilon
        for _ in 0..<config.steps {
            let z = preactivations(frame, z0: z0, c)
            let f = network.logits(fromPreactivations: z)
            visit?(f, c)
            let (_, g) = objective.valueAndGradient(logits: f, labels: labels, divisor: 1)
            ascend(frame, &c, ascentDirection(frame, network.preactivationGradient(z, logitGradient: g)), alpha)
            projectOntoBall(frame, &c, epsilon)
        }
    }

    /// The whole attack on the samples `indices` of a block, in coordinates, from their clean
    /// pre-activations `z0`: the frame, the projected start and every PGD step (`visit` as in
    /// `iterate`); returns the frame and the last iterate's coordinates.
    func lastIterate(z0: Matrix, labels: [Int], indices: [Int], epsilon: Double, config: AttackConfig, objective: any Loss,
                     key: PRNGKey, visit: ((Frame, Matrix, Matrix) -> Void)? = nil) -> (frame: Frame, coordinates: Matrix) {
        var (frame, c) = frame(z0.rows / network.patches, indices: indices, config: config, epsilon: epsilon, key: key)
        if config.start != .none { projectOntoBall(frame, &c, epsilon) }
        iterate(frame, z0: z0, &c, labels: labels, epsilon: epsilon, config: config, objective: objective,
                visit: visit.map { visit in { f, c in visit(frame, f, c) } })
        return (frame, c)
    }

    /// Every PGD step on a few rows (see `Attacks.attackBlock`), in coordinates, from their clean
    /// pre-activations `z0`; `inputs` (the rows themselves) are read only to form perturbed inputs,
    /// so `.decisions` may pass none (0 rows).
    func attackBlock(inputs: Matrix, z0: Matrix, labels: [Int], indices: [Int], epsilon: Double, config: AttackConfig,
                     objective: any Loss, key: PRNGKey, keep: Attacks.Kept) -> Attacks.Outcome {
        let n = z0.rows / network.patches, width = inputs.columns
        precondition(keep == .decisions || inputs.rows == n, "the inputs of the block are needed to form perturbed inputs")
        var found = [Bool](repeating: false, count: n)
        let forms = keep == .firstSuccess || keep == .fooledExamples
        var adversarial = forms ? inputs : Matrix(rows: 0, columns: width)
        let (frame, c) = lastIterate(z0: z0, labels: labels, indices: indices, epsilon: epsilon, config: config, objective: objective, key: key,
                                     visit: keep != .last ? { frame, f, c in
                                         for (i, label) in predictedLabels(f).enumerated() where !found[i] && label != labels[i] {
                                             found[i] = true
                                             if forms { perturbed(frame, inputs, c, sample: i, into: &adversarial, row: i) }
                                         }
                                     } : nil)
        if keep == .decisions || keep == .fooledExamples {
            // The last iterate's decisions from its pre-activations: an input is formed only for
            // a sample it fools (`.fooledExamples`).
            let f = network.logits(fromPreactivations: preactivations(frame, z0: z0, c))
            for (i, label) in predictedLabels(f).enumerated() where !found[i] && label != labels[i] {
                found[i] = true
                if keep == .fooledExamples { perturbed(frame, inputs, c, sample: i, into: &adversarial, row: i) }
            }
            return Attacks.Outcome(inputs: adversarial, fooled: found)
        }
        var x = inputs
        for i in 0..<n { perturbed(frame, inputs, c, sample: i, into: &x, row: i) }
        if keep == .last { return Attacks.Outcome(inputs: x, fooled: []) }
        // The last iterate: kept by every sample not fooled earlier (fooled now or not at all).
        for (i, label) in network.predictions(x, .serial).enumerated() where !found[i] {
            found[i] = label != labels[i]
            adversarial.storage.replaceSubrange((i * width)..<((i + 1) * width), with: x.storage[(i * width)..<((i + 1) * width)])
        }
        return Attacks.Outcome(inputs: adversarial, fooled: found)
    }
}

/// The coordinates in which `config`'s attack on `model` can run, where they save work: a
/// `TwoLayerNetwork` under an ℓ2 budget, either per patch within the config's subspace
/// (`SubspaceCoordinates`, s = the subspace's dimension) or on the whole one-patch input
/// (`WeightSpanCoordinates`, s = 1 + m, in the orthonormal basis of W's span that `start` holds),
/// and only when s ≤ d/4 — a step in coordinates costs O(s·m) against the primal O(d·m), so a wide
/// layer on a short input (Feature Purification's 128 neurons on d = 64) stays primal. nil: the
/// primal algorithm.
enum CoordinateRoute {
    case subspace(SubspaceCoordinates)
    case weightSpan(WeightSpanCoordinates)

    init?<M: DifferentiableModel>(_ model: M, config: AttackConfig, block: Int, start: SplitGaussianStart? = nil) {
        guard let network = model as? TwoLayerNetwork, config.norm == .l2, block == network.inputDimension else { return nil }
        let d = network.inputDimension
        if let basis = config.subspaceBasis {
            guard 4 * basis.rows <= d else { return nil }
            self = .subspace(SubspaceCoordinates(network: network, basis: basis))
        } else {
            guard network.patches == 1, 4 * (1 + network.neurons) <= d, let start else { return nil }
            self = .weightSpan(WeightSpanCoordinates(network: network, start: start))
        }
    }

    var network: TwoLayerNetwork {
        switch self {
        case let .subspace(c): c.network
        case let .weightSpan(c): c.network
        }
    }

    /// `PerturbationCoordinates.attackBlock` of the route (specialised for each).
    func attackBlock(inputs: Matrix, z0: Matrix, labels: [Int], indices: [Int], epsilon: Double, config: AttackConfig,
                     objective: any Loss, key: PRNGKey, keep: Attacks.Kept) -> Attacks.Outcome {
        switch self {
        case let .subspace(c):
            c.attackBlock(inputs: inputs, z0: z0, labels: labels, indices: indices, epsilon: epsilon, config: config, objective: objective, key: key, keep: keep)
        case let .weightSpan(c):
            c.attackBlock(inputs: inputs, z0: z0, labels: labels, indices: indices, epsilon: epsilon, config: config, objective: objective, key: key, keep: keep)
        }
    }
}
