/// Attacks on the inputs of any `DifferentiableModel`.
///
/// PGD (Madry et al., 2018): δ starts inside the budget (`AttackConfig.Start`), then each step moves
/// along the normalised gradient of the attack objective — g/‖g‖ per budget block for ℓ2, sign(g) for
/// ℓ∞ — and projects back: onto the ℓ2 ball (δ ← δ·min(1, ε/‖δ‖)) or the ℓ∞ box (clipping). Inputs
/// are not clipped to a data domain (the papers' data live in all of ℝ^d). With the config's
/// `subspaceBasis`, steps and start are projected onto the span of its (orthonormal) rows within
/// each block (NRF-/RF-PGD). For a `TwoLayerNetwork` under an ℓ2 budget the iterates are computed
/// in the coordinates of a small space that holds them all (`PerturbationCoordinates`: the same
/// iterates up to rounding, far fewer operations).
/// A budget block is the whole input, or each patch when `patchDimension > 0`.
///
/// Samples are independent, so the attack runs every step on a few rows at a time (`blockRows`),
/// whose inputs, perturbation and gradient stay in cache; row i's result depends on row i only
/// (the model's contract), so the blocking and the thread count never change a bit.
/// Randomness: sample i uses the stream of `key.child(i)` — i its index in the full batch, which
/// `sampleIndices` gives when `inputs` holds a subset (so a subset is attacked exactly as in the
/// full batch).
public enum Attacks {
    /// Which iterate an attack returns for each sample.
    public enum Kept: Sendable {
        /// The first iterate that changes the model's decision if any does, else the last: more
        /// steps can then never find less than fewer steps on the same key (evaluation).
        case firstSuccess
        /// The last iterate (adversarial training, as in Madry et al.).
        case last
        /// Only whether each sample's decision changed at some iterate (as `.firstSuccess`), no
        /// inputs: robust accuracy needs no more, and the coordinate routes then form no input at all.
        case decisions
        /// The decisions of `.decisions` and, for each fooled sample only, its first fooling
        /// iterate as an input (the others keep their clean input): what an exact confirmation of
        /// the breaks reads (`BreakConfirmation`). The primal route forms every iterate anyway and
        /// returns what `.firstSuccess` does.
        case fooledExamples
    }

    /// The perturbed inputs (none for `.decisions`) and, unless `.last` (which skips the final
    /// forward pass), whether each sample's decision changed.
    public struct Outcome: Sendable {
        public var inputs: Matrix
        public var fooled: [Bool]
    }

    public static func pgd<M: DifferentiableModel>(
        _ model: M, inputs: Matrix, labels: [Int], epsilon: Double, config: AttackConfig, objective: any Loss,
        key: PRNGKey, keep: Kept = .firstSuccess, parallelism: Parallelism = .machine
    ) -> Matrix {
        attack(model, inputs: inputs, labels: labels, epsilon: epsilon, config: config, objective: objective,
               key: key, keep: keep, parallelism: parallelism).inputs
    }

    /// PGD on every row of `inputs` (see the type's documentation), or on the rows `rows` of it
    /// only (the outcome's rows in that order; row r keeps its own stream either way).
    public static func attack<M: DifferentiableModel>(
        _ model: M, inputs: Matrix, labels: [Int], epsilon: Double, config: AttackConfig, objective: any Loss,
        key: PRNGKey, sampleIndices: [Int]? = nil, rows selected: [Int]? = nil, keep: Kept = .firstSuccess,
        parallelism: Parallelism = .machine
    ) -> Outcome {
        AttackPlan(model, inputs: inputs, config: config, parallelism: parallelism)
            .attack(labels: labels, epsilon: epsilon, objective: objective, key: key, sampleIndices: sampleIndices,
                    rows: selected, keep: keep, parallelism: parallelism)
    }

    /// Rows attacked together: about 64 KiB of inputs (at least 4 rows, a multiple of 4 for the
    /// 4-row kernel tiles), so the block's working arrays stay in the L2 cache.
    static func blockRows(width: Int) -> Int { max(4, min(64, 8192 / max(width, 1)) / 4 * 4) }

    /// Every PGD step on a few rows (samples `indices` of the batch), serially; the ℓ2 start split
    /// along `start`'s span where given.
    static func attackBlock<M: DifferentiableModel>(
        _ model: M, inputs: Matrix, labels: [Int], indices: [Int], epsilon: Double, config: AttackConfig, block: Int,
        objective: any Loss, subspace: Matrix?, start split: SplitGaussianStart? = nil, key: PRNGKey, keep: Kept
    ) -> Outcome {
        let n = inputs.rows, width = inputs.columns
        var delta = Matrix(rows: n, columns: width)
        if config.start != .none {
            for i in 0..<n {
                let sampleKey = key.child(UInt64(indices[i]))
                var s = sampleKey.stream
                for b in stride(from: i * width, to: (i + 1) * width, by: block) {
                    if config.norm == .l2 {
                        var (v, radius) = split.map { split in
                            let draw = split.draw(key: sampleKey, config.start, epsilon: epsilon)
                            return (split.vector(draw), draw.radius)
                        } ?? l2Start(&s, config.start, epsilon: epsilon, block: block)
                        if let subspace { v = project(v, onto: subspace) }
                        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                        if norm > 0 { for t in 0..<block { delta.storage[b + t] = radius * v[t] / norm } }
                        continue
                    }
                    var v = (0..<block).map { _ in 2 * s.uniform() - 1 }
                    if let subspace { v = project(v, onto: subspace) }
                    for t in 0..<block { delta.storage[b + t] = config.start == .sphere ? (v[t] >= 0 ? epsilon : -epsilon) : epsilon * v[t] }
                }
            }
            projectOntoBudget(&delta, norm: config.norm, epsilon: epsilon, block: block)
        }
        let alpha = config.stepSizeFactor * epsilon
        var projected = [Double](repeating: 0, count: subspace == nil ? 0 : block)
        var found = [Bool](repeating: false, count: n)
        var adversarial = inputs
        var x = inputs
        for step in 0...config.steps {
            // x = inputs + δ, every entry written (no copy of the inputs first).
            x = Matrix(rows: n, columns: width) { xp in
                inputs.storage.withUnsafeBufferPointer { ip in
                    delta.storage.withUnsafeBufferPointer { dp in
                        for t in 0..<xp.count { xp[t] = ip[t] + dp[t] }
                    }
                }
            }
            if step == config.steps && keep == .last { break }
            let (f, g): (Matrix, Matrix) = step < config.steps
                ? model.logitsAndInputGradient(x, labels: labels, objective, .serial)
                : (model.logits(x, .serial), Matrix(rows: 0, columns: 0))
            if keep != .last {
                // Keep, for samples not yet fooled, the first iterate that changes the decision.
                for (i, p) in predictedLabels(f).enumerated() where !found[i] && p != labels[i] {
                    found[i] = true
                    if keep == .firstSuccess || keep == .fooledExamples {
                        adversarial.storage.replaceSubrange((i * width)..<((i + 1) * width), with: x.storage[(i * width)..<((i + 1) * width)])
                    }
                }
            }
            if step == config.steps { break }
            delta.storage.withUnsafeMutableBufferPointer { dp in
                g.storage.withUnsafeBufferPointer { gp in
                    for b in stride(from: 0, to: n * width, by: block) {
                        if let subspace {
                            projected.withUnsafeMutableBufferPointer { pp in
                                project(UnsafeBufferPointer(rebasing: gp[b..<(b + block)]), onto: subspace, into: pp)
                                ascend(UnsafeMutableBufferPointer(rebasing: dp[b..<(b + block)]), UnsafeBufferPointer(pp), alpha, config.norm)
                            }
                        } else {
                            ascend(UnsafeMutableBufferPointer(rebasing: dp[b..<(b + block)]), UnsafeBufferPointer(rebasing: gp[b..<(b + block)]), alpha, config.norm)
                        }
                    }
                }
            }
            projectOntoBudget(&delta, norm: config.norm, epsilon: epsilon, block: block)
        }
        if keep == .last { return Outcome(inputs: x, fooled: []) }
        if keep == .decisions { return Outcome(inputs: Matrix(rows: 0, columns: width), fooled: found) }
        for i in 0..<n where !found[i] {
            adversarial.storage.replaceSubrange((i * width)..<((i + 1) * width), with: x.storage[(i * width)..<((i + 1) * width)])
        }
        return Outcome(inputs: adversarial, fooled: found)
    }

    /// The random ℓ2 start of one budget block, drawn from `s`: a Gaussian direction v (unnormalised;
    /// the caller projects it onto the attack's subspace, then scales it to length `radius`) and the
    /// radius — ε on the sphere, ε·U^{1/block} in the ball (uniform in the block's ball; in a
    /// subspace, the same law of the radius).
    static func l2Start(_ s: inout RandomStream, _ start: AttackConfig.Start, epsilon: Double, block: Int) -> (v: [Double], radius: Double) {
        let v = s.gaussians(block)
        return (v, start == .sphere ? epsilon : epsilon * Double.pow(s.uniform(), 1 / Double(block)))
    }

    /// δ ← δ + α·g/‖g‖ (ℓ2; no step when g = 0; ‖·‖² summed in `Kernels.dot`'s order) or δ ← δ + α·sign(g) (ℓ∞), over one budget block.
    @inline(__always)
    static func ascend(_ delta: UnsafeMutableBufferPointer<Double>, _ g: UnsafeBufferPointer<Double>, _ alpha: Double, _ norm: AttackConfig.Norm) {
        switch norm {
        case .l2:
            let s = Kernels.dot(g.baseAddress!, g.baseAddress!, g.count)
            guard s > 0 else { return }
            let scale = alpha / s.squareRoot()
            for t in 0..<delta.count { delta[t] += scale * g[t] }
        case .linf:
            for t in 0..<delta.count { delta[t] += alpha * (g[t] > 0 ? 1 : g[t] < 0 ? -1 : 0) }
        }
    }

    /// δ_b ← δ_b·min(1, ε/‖δ_b‖) (ℓ2) or clip(δ_b, −ε, ε) (ℓ∞), for every row and block.
    static func projectOntoBudget(_ delta: inout Matrix, norm: AttackConfig.Norm, epsilon: Double, block: Int) {
        delta.storage.withUnsafeMutableBufferPointer { dp in
            for b in stride(from: 0, to: dp.count, by: block) {
                switch norm {
                case .l2:
                    let length = Kernels.dot(dp.baseAddress! + b, dp.baseAddress! + b, block).squareRoot()
                    if length > epsilon {
                        let scale = epsilon / length
                        for t in b..<(b + block) { dp[t] *= scale }
                    }
                case .linf:
                    for t in b..<(b + block) { dp[t] = min(epsilon, max(-epsilon, dp[t])) }
                }
            }
        }
    }

    /// Sᵀ·S·v: the orthogonal projection onto the span of S's orthonormal rows.
    static func project(_ v: [Double], onto s: Matrix) -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        v.withUnsafeBufferPointer { vp in out.withUnsafeMutableBufferPointer { project(vp, onto: s, into: $0) } }
        return out
    }

    /// `out` ← Sᵀ·S·v (the coefficients ⟨s_r, v⟩ by `Kernels.dot`, then accumulated row by row).
    static func project(_ v: UnsafeBufferPointer<Double>, onto s: Matrix, into out: UnsafeMutableBufferPointer<Double>) {
        let n = v.count
        for t in 0..<n { out[t] = 0 }
        s.storage.withUnsafeBufferPointer { sp in
            for r in 0..<s.rows {
                let row = sp.baseAddress! + r * n
                let c = Kernels.dot(row, v.baseAddress!, n)
                for t in 0..<n { out[t] += c * row[t] }
            }
        }
    }
}
