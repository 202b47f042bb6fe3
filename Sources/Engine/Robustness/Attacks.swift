/// Attacks on the inputs of any `DifferentiableModel`.
///
/// PGD (Madry et al., 2018): δ starts inside the budget (`AttackConfig.Start`), then each step moves
/// along the normalised gradient of the attack objective — g/‖g‖ per budget block for ℓ2, sign(g) for
/// ℓ∞ — and projects back: onto the ℓ2 ball (δ ← δ·min(1, ε/‖δ‖)) or the ℓ∞ box (clipping). Inputs
/// are not clipped to a data domain (the papers' data live in all of ℝ^d). With `subspace`, steps
/// and start are projected onto the span of its (orthonormal) rows within each block (NRF-/RF-PGD).
/// A budget block is the whole input, or each patch when `patchDimension > 0`.
/// The attack returns, for each sample, the first iterate that changes the model's decision if any
/// does (else the last iterate), so more steps can never find less than fewer steps on the same key.
/// Randomness: sample i uses the stream of `key.child(i)`, so results do not depend on batching or
/// threads.
public enum Attacks {
    public static func pgd<M: DifferentiableModel>(
        _ model: M, inputs: Matrix, labels: [Int], epsilon: Double, config: AttackConfig, objective: any Loss,
        subspace: Matrix? = nil, key: PRNGKey, parallelism: Parallelism = .machine
    ) -> Matrix {
        let n = inputs.rows, width = inputs.columns
        let block = config.patchDimension > 0 ? config.patchDimension : width
        precondition(width % block == 0, "the input width \(width) is not a multiple of the patch dimension \(block)")
        guard epsilon > 0, n > 0 else { return inputs }
        var delta = Matrix(rows: n, columns: width)
        // Random start (rows in parallel; row i draws from its own stream).
        if config.start != .none {
            delta.storage.withUnsafeMutableBufferPointer { dp in
                let dv = dp.baseAddress!
                parallelism.forEachRange(n, grain: 8) { rows in
                    for i in rows {
                        var s = key.child(UInt64(i)).stream
                        for b in stride(from: 0, to: width, by: block) {
                            var v = (0..<block).map { _ in config.norm == .l2 ? s.gaussian() : 2 * s.uniform() - 1 }
                            if let subspace { v = project(v, onto: subspace) }
                            let out = dv + i * width + b
                            switch (config.norm, config.start) {
                            case (.l2, _):
                                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                                let radius = config.start == .sphere ? epsilon : epsilon * Double.pow(s.uniform(), 1 / Double(block))
                                if norm > 0 { for t in 0..<block { out[t] = radius * v[t] / norm } }
                            case (.linf, .sphere): for t in 0..<block { out[t] = v[t] >= 0 ? epsilon : -epsilon }
                            case (.linf, _): for t in 0..<block { out[t] = epsilon * v[t] }
                            }
                        }
                    }
                }
            }
            projectOntoBudget(&delta, norm: config.norm, epsilon: epsilon, block: block, parallelism)
        }
        let alpha = config.stepSizeFactor * epsilon
        var found = [Bool](repeating: false, count: n)
        var adversarial = inputs
        var x = inputs
        for step in 0...config.steps {
            // x = inputs + δ, in place.
            x.storage.withUnsafeMutableBufferPointer { xp in
                inputs.storage.withUnsafeBufferPointer { ip in
                    delta.storage.withUnsafeBufferPointer { dp in
                        let (xv, iv, dv) = (xp.baseAddress!, ip.baseAddress!, dp.baseAddress!)
                        parallelism.forEachRange(n, grain: 8) { rows in
                            for t in (rows.lowerBound * width)..<(rows.upperBound * width) { xv[t] = iv[t] + dv[t] }
                        }
                    }
                }
            }
            // Keep, for samples not yet fooled, the first iterate that changes the decision.
            for (i, p) in model.predictions(x, parallelism).enumerated() where !found[i] && p != labels[i] {
                found[i] = true
                adversarial.storage.replaceSubrange((i * width)..<((i + 1) * width), with: x.storage[(i * width)..<((i + 1) * width)])
            }
            if step == config.steps { break }
            let g = model.inputGradient(x, labels: labels, objective, parallelism)
            delta.storage.withUnsafeMutableBufferPointer { dp in
                g.storage.withUnsafeBufferPointer { gp in
                  let (dp, gp) = (UncheckedSendable(dp), UncheckedSendable(gp))
                  parallelism.forEachRange(n, grain: 8) { rows in
                    let (dp, gp) = (dp.value, gp.value)
                    for i in rows {
                        for b in stride(from: i * width, to: (i + 1) * width, by: block) {
                            if let subspace {
                                let step = project(Array(gp[b..<(b + block)]), onto: subspace)
                                step.withUnsafeBufferPointer { ascend(UnsafeMutableBufferPointer(rebasing: dp[b..<(b + block)]), $0, alpha, config.norm) }
                            } else {
                                ascend(UnsafeMutableBufferPointer(rebasing: dp[b..<(b + block)]), UnsafeBufferPointer(rebasing: gp[b..<(b + block)]), alpha, config.norm)
                            }
                        }
                    }
                  }
                }
            }
            projectOntoBudget(&delta, norm: config.norm, epsilon: epsilon, block: block, parallelism)
        }
        for i in 0..<n where !found[i] {
            adversarial.storage.replaceSubrange((i * width)..<((i + 1) * width), with: x.storage[(i * width)..<((i + 1) * width)])
        }
        return adversarial
    }

    /// δ ← δ + α·g/‖g‖ (ℓ2; no step when g = 0) or δ ← δ + α·sign(g) (ℓ∞), over one budget block.
    @inline(__always)
    static func ascend(_ delta: UnsafeMutableBufferPointer<Double>, _ g: UnsafeBufferPointer<Double>, _ alpha: Double, _ norm: AttackConfig.Norm) {
        switch norm {
        case .l2:
            var s = 0.0
            for v in g { s += v * v }
            guard s > 0 else { return }
            let scale = alpha / s.squareRoot()
            for t in 0..<delta.count { delta[t] += scale * g[t] }
        case .linf:
            for t in 0..<delta.count { delta[t] += alpha * (g[t] > 0 ? 1 : g[t] < 0 ? -1 : 0) }
        }
    }

    /// δ_b ← δ_b·min(1, ε/‖δ_b‖) (ℓ2) or clip(δ_b, −ε, ε) (ℓ∞), for every row and block.
    static func projectOntoBudget(_ delta: inout Matrix, norm: AttackConfig.Norm, epsilon: Double, block: Int,
                                  _ parallelism: Parallelism = .serial) {
        let width = delta.columns
        delta.storage.withUnsafeMutableBufferPointer { dpb in
          let dv = UncheckedSendable(dpb.baseAddress!)
          parallelism.forEachRange(delta.rows, grain: 8) { rows in
            let dp = dv.value
            for b in stride(from: rows.lowerBound * width, to: rows.upperBound * width, by: block) {
                switch norm {
                case .l2:
                    var s = 0.0
                    for t in b..<(b + block) { s += dp[t] * dp[t] }
                    let length = s.squareRoot()
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
    }

    /// Sᵀ·S·v: the orthogonal projection onto the span of S's orthonormal rows.
    static func project(_ v: [Double], onto s: Matrix) -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        for r in 0..<s.rows {
            var c = 0.0
            for t in 0..<v.count { c += s[r, t] * v[t] }
            for t in 0..<v.count { out[t] += c * s[r, t] }
        }
        return out
    }

    // MARK: Model-independent attacks from the theory

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
