/// Adversarial training, the algorithm of Madry et al. (2018) as Li & Li (ICLR 2025, Proofs/adversarial-training.md)
/// and Allen-Zhu & Li (2020, §3) analyse it: at every step the batch is replaced by adversarial
/// examples x̃_i found by the attack (one FGM step, or k PGD steps) within radius ε of x_i for the
/// current parameters θ_t, and GD steps on
///
///     L_AT(θ) = c·L(θ; clean batch) + (1 − c)·L(θ; x̃),   c = `cleanWeight` ∈ [0, 1].
///
/// The examples are constants of the step (Danskin's theorem: where the inner maximiser is unique
/// this is the gradient of the robust loss max_{‖δ‖≤ε} L(θ; x + δ)); the attack keeps its last
/// iterate. With several restarts or objectives, each sample keeps the candidate of largest
/// training loss. A step is a pure function of θ_t, the batch and `key.child(step)`.
public struct AdversarialTraining: Codable, Equatable, Sendable {
    /// false: standard training (every other field is then ignored).
    public var enabled: Bool
    /// The radius ε of the training attack (per patch when the attack's budget is per patch).
    public var epsilon: Double
    public var attack: AttackConfig
    /// c: the weight of the clean loss (0: adversarial examples only).
    public var cleanWeight: Double
    /// Steps 0 ..< `startStep` are standard training, the rest adversarial: adversarial training
    /// continued from clean-trained weights (Feature Purification's setting). 0: from the start.
    public var startStep: Int

    public init(enabled: Bool, epsilon: Double, attack: AttackConfig, cleanWeight: Double = 0, startStep: Int = 0) {
        self.enabled = enabled
        self.epsilon = epsilon
        self.attack = attack
        self.cleanWeight = cleanWeight
        self.startStep = startStep
    }

    enum CodingKeys: String, CodingKey { case enabled, epsilon, attack, cleanWeight, startStep }

    /// Decodes a config; `startStep` may be absent (runs exported before it existed): 0.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(enabled: try c.decode(Bool.self, forKey: .enabled), epsilon: try c.decode(Double.self, forKey: .epsilon),
                  attack: try c.decode(AttackConfig.self, forKey: .attack), cleanWeight: try c.decode(Double.self, forKey: .cleanWeight),
                  startStep: try c.decodeIfPresent(Int.self, forKey: .startStep) ?? 0)
    }

    /// Whether step t is a step of adversarial training.
    public func isActive(atStep t: Int) -> Bool { enabled && t >= startStep }

    /// Standard training; the attack fields hold FGM at ε = 0 as a template.
    public static let disabled = AdversarialTraining(enabled: false, epsilon: 0, attack: .fgm)

    public func validate(prefix: String = "") throws {
        try ConfigError.require(epsilon.isFinite && epsilon >= 0, prefix + "epsilon", epsilon, "a finite radius ≥ 0")
        try ConfigError.require(cleanWeight.isFinite && (0...1).contains(cleanWeight), prefix + "cleanWeight", cleanWeight, "0 … 1")
        try ConfigError.require(startStep >= 0, prefix + "startStep", startStep, "≥ 0 (0: adversarial from the first step)")
        try attack.validate(prefix: prefix + "attack.")
    }

    /// The adversarial examples for `data` under `model` (the attack's last iterate; with several
    /// runs, per sample the one of largest `loss`).
    public func examples<M: DifferentiableModel>(
        _ model: M, _ data: Dataset, loss: any Loss, key: PRNGKey, parallelism: Parallelism
    ) -> Matrix {
        var best: Matrix? = nil, bestLoss: [Double] = []
        for restart in 0..<attack.restarts {
            for (index, objective) in attack.objectives(classes: model.outputs, trainingLoss: loss).enumerated() {
                let x = Attacks.pgd(model, inputs: data.inputs, labels: data.labels, epsilon: epsilon, config: attack,
                                    objective: objective, key: key.child(UInt64(restart)).child(UInt64(index)),
                                    keep: .last, parallelism: parallelism)
                guard var chosen = best else { best = x; continue }
                if bestLoss.isEmpty { bestLoss = loss.values(logits: model.logits(chosen, parallelism), labels: data.labels) }
                let values = loss.values(logits: model.logits(x, parallelism), labels: data.labels)
                let width = x.columns
                for i in 0..<x.rows where values[i] > bestLoss[i] {
                    bestLoss[i] = values[i]
                    chosen.storage.replaceSubrange((i * width)..<((i + 1) * width), with: x.storage[(i * width)..<((i + 1) * width)])
                }
                best = chosen
            }
        }
        return best ?? data.inputs
    }

    /// The backward pass of L_AT at θ = `model.parameters` on `data` (step `step` of a run keyed
    /// by `key`): the gradient c·∇L(clean) + (1 − c)·∇L(x̃), the clean pass skipped when c = 0.
    /// For a patch network under a subspace attack the whole step runs in the attack's coordinates
    /// (`backwardInCoordinates`: the same gradient up to rounding, far fewer operations).
    func lossAndGradient<M: DifferentiableModel>(
        _ model: M, _ data: Dataset, loss: any Loss, key: PRNGKey, parallelism: Parallelism
    ) -> Backward {
        if let network = model as? TwoLayerNetwork,
           let backward = backwardInCoordinates(network, data, loss: loss, key: key, parallelism: parallelism) { return backward }
        let adversarial = Dataset(inputs: examples(model, data, loss: loss, key: key, parallelism: parallelism), labels: data.labels)
        var backward = model.lossAndGradient(adversarial, loss, parallelism)
        backward.preactivationGradient = nil  // x̃ is not in the span of the clean data
        guard cleanWeight > 0 else { return backward }
        let clean = model.lossAndGradient(data, loss, parallelism)
        let c = cleanWeight
        backward.loss = c * clean.loss + (1 - c) * backward.loss
        for t in backward.gradient.indices { backward.gradient[t] = c * clean.gradient[t] + (1 - c) * backward.gradient[t] }
        return backward
    }
}
