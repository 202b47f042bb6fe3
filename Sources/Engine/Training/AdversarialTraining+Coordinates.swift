/// Adversarial training of a patch network under a subspace attack, in the attack's coordinates.
///
/// With the attack in `SubspaceCoordinates` every adversarial patch is x̃_p = x_p + Sᵀc_p (S: the
/// s orthonormal rows of the attack's subspace, c_p ∈ ℝ^s the attack's last iterate), so the whole
/// step needs the data only through X·Wᵀ and one weight gradient:
///
///     Z⁰ = X·Wᵀ                           (the clean pass and the attack's start, shared)
///     Z̃ = Z⁰ + C·A,  A = S·Wᵀ              (the adversarial pass: O(n·P·s·m), no product with X)
///     ∇_W L_AT = Gᵀ·X + (1 − c)·(∂Z̃ᵀ·C)·S,  G = c·∂Z⁰ + (1 − c)·∂Z̃
///     ∇_b L_AT = Σ_rows G                  (∂Z: ∂L/∂(pre-activations) of each pass)
///
/// — two products with the n·P × d patch rows per step instead of five and a transpose, and no
/// adversarial inputs formed. The gradient is that of `AdversarialTraining.lossAndGradient`'s primal
/// route up to rounding (sums in another order; replay-checked in `CoordinateAttackTests`).
extension AdversarialTraining {
    /// L_AT's backward pass in coordinates, where the attack runs in `SubspaceCoordinates` with one
    /// restart and one objective; nil elsewhere (the primal route then runs).
    func backwardInCoordinates(
        _ network: TwoLayerNetwork, _ data: Dataset, loss: any Loss, key: PRNGKey, parallelism: Parallelism
    ) -> Backward? {
        let block = attack.patchDimension > 0 ? attack.patchDimension : data.inputs.columns
        let objectives = attack.objectives(classes: network.outputs, trainingLoss: loss)
        guard epsilon > 0, attack.restarts == 1, objectives.count == 1,
              case let .subspace(coordinates)? = CoordinateRoute(network, config: attack, block: block) else { return nil }
        let n = data.count, c = cleanWeight
        let z0 = network.preactivations(data.inputs, parallelism)
        // The attack's key and objective are those of restart 0, objective 0 (`examples`).
        let shift = coordinates.lastIterates(z0: z0, labels: data.labels, epsilon: epsilon, config: attack,
                                             objective: objectives[0], key: key.child(0).child(0), parallelism: parallelism)
        let zAdversarial = coordinates.preactivations((), z0: z0, shift)
        func pass(_ z: Matrix) -> (loss: Double, dz: Matrix) {
            let (value, g) = loss.valueAndGradient(logits: network.logits(fromPreactivations: z), labels: data.labels, divisor: Double(n))
            return (value, network.preactivationGradient(z, logitGradient: g))
        }
        let adversarial = pass(zAdversarial)
        var combined = adversarial.dz, value = adversarial.loss
        if c > 0 {
            let clean = pass(z0)
            value = c * clean.loss + (1 - c) * adversarial.loss
            for t in combined.storage.indices { combined.storage[t] = c * clean.dz.storage[t] + (1 - c) * adversarial.dz.storage[t] }
        }
        var gradient = network.parameterGradient(combined, data, parallelism)
        // The adversarial inputs' share beyond X: (1 − c)·(∂Z̃ᵀ·C)·S (m × s, then m × d).
        let correction = Kernels.product(Kernels.transposedProduct(adversarial.dz, shift, .serial), coordinates.basis, .serial)
        for t in correction.storage.indices { gradient[t] += (1 - c) * correction.storage[t] }
        return Backward(loss: value, gradient: gradient, preactivationGradient: nil)
    }
}

extension SubspaceCoordinates {
    /// The coordinates C (one row per patch row) of the attack's last iterate on every sample, from
    /// the clean pre-activations Z⁰ of the whole batch: the steps of `attackBlock` with
    /// `keep: .last`, on blocks of samples in parallel (each sample depends on its own rows only).
    func lastIterates(z0: Matrix, labels: [Int], epsilon: Double, config: AttackConfig, objective: any Loss,
                      key: PRNGKey, parallelism: Parallelism) -> Matrix {
        let n = labels.count, p = network.patches, s = basis.rows, m = z0.columns
        let rows = Attacks.blockRows(width: p * network.inputDimension)
        var result = Matrix(rows: n * p, columns: s)
        result.storage.withUnsafeMutableBufferPointer { rp in
            let rp = UncheckedSendable(rp)
            parallelism.forEachRange((n + rows - 1) / rows) { range in
                for b in range {
                    let first = b * rows, count = min(rows, n - first)
                    let block = Matrix(rows: count * p, columns: m, storage: Array(z0.storage[(first * p * m)..<((first + count) * p * m)]))
                    let c = lastIterate(z0: block, labels: Array(labels[first..<(first + count)]), indices: Array(first..<(first + count)),
                                        epsilon: epsilon, config: config, objective: objective, key: key).coordinates
                    for t in c.storage.indices { rp.value[first * p * s + t] = c.storage[t] }
                }
            }
        }
        return result
    }
}
