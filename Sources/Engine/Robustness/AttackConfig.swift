/// A gradient attack on the inputs: FGM/FGSM (one step of size ε) or PGD.
public struct AttackConfig: Codable, Equatable, Sendable {
    public enum Norm: String, Codable, Sendable, CaseIterable {
        case l2
        case linf
    }

    /// Where PGD starts inside the budget.
    public enum Start: String, Codable, Sendable, CaseIterable {
        /// At the clean point.
        case none
        /// Uniform in the ball (ℓ2) or box (ℓ∞).
        case ball
        /// Uniform on the sphere of radius ε (ℓ2) or a random vertex of the box (ℓ∞).
        case sphere
    }

    /// The objective the attacker ascends.
    public enum Objective: String, Codable, Sendable, CaseIterable {
        /// The model's training loss (logistic / cross-entropy): the official fa-paper protocol.
        case modelLoss = "model-loss"
        /// The untargeted difference of logits (`MarginLoss`).
        case margin
        /// The difference of logits toward every other class in turn (worst case kept).
        case targetedMargin = "targeted-margin"
    }

    /// The directions the attack may use within each budget block (patch data, Proofs/adversarial-training.md).
    public enum Subspace: String, Codable, Sendable, CaseIterable {
        /// Any direction.
        case full
        /// Only span{v_1 … v_k}, the non-robust features, in every patch (NRF-PGD).
        case nonRobust = "non-robust"
        /// Only span{u_1 … u_k}, the robust features, in every patch (RF-PGD).
        case robust
    }

    public var norm: Norm
    public var steps: Int
    /// The PGD step size as a fraction of ε (fa-paper: 1/4).
    public var stepSizeFactor: Double
    public var start: Start
    public var restarts: Int
    public var objective: Objective
    /// Each patch of d coordinates gets its own budget ε (patch data); 0 means the whole input.
    public var patchDimension: Int
    public var subspace: Subspace
    /// The orthonormal rows spanning `subspace` in one patch, filled in by the run from its data
    /// (`ExperimentRun`); not part of the config. nil: any direction.
    public var subspaceBasis: Matrix? = nil

    public init(norm: Norm, steps: Int, stepSizeFactor: Double, start: Start, restarts: Int = 1,
                objective: Objective = .modelLoss, patchDimension: Int = 0, subspace: Subspace = .full) {
        self.norm = norm
        self.steps = steps
        self.stepSizeFactor = stepSizeFactor
        self.start = start
        self.restarts = restarts
        self.objective = objective
        self.patchDimension = patchDimension
        self.subspace = subspace
    }

    enum CodingKeys: String, CodingKey { case norm, steps, stepSizeFactor, start, restarts, objective, patchDimension, subspace }

    /// Decodes a config; `subspace` may be absent (runs exported before it existed): `full`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(norm: try c.decode(Norm.self, forKey: .norm), steps: try c.decode(Int.self, forKey: .steps),
                  stepSizeFactor: try c.decode(Double.self, forKey: .stepSizeFactor), start: try c.decode(Start.self, forKey: .start),
                  restarts: try c.decode(Int.self, forKey: .restarts), objective: try c.decode(Objective.self, forKey: .objective),
                  patchDimension: try c.decode(Int.self, forKey: .patchDimension),
                  subspace: try c.decodeIfPresent(Subspace.self, forKey: .subspace) ?? .full)
    }

    /// FGM: one ℓ2 step of length ε along the gradient.
    public static let fgm = AttackConfig(norm: .l2, steps: 1, stepSizeFactor: 1, start: .none)
    /// FGSM: one ℓ∞ step ε·sign(gradient).
    public static let fgsm = AttackConfig(norm: .linf, steps: 1, stepSizeFactor: 1, start: .none)
    /// The evaluation protocol of the official Feature Averaging code: ℓ2 PGD, 7 steps of ε/4,
    /// random start on the sphere of radius ε, projection onto the ℓ2 ball, no clipping, the model's
    /// own loss.
    public static let faPaper = AttackConfig(norm: .l2, steps: 7, stepSizeFactor: 0.25, start: .sphere)
    /// A stronger evaluation in the spirit of AutoAttack: margin and targeted-margin objectives,
    /// 20 steps, 3 restarts, worst case over all of them (see `RobustAccuracy.strong`).
    public static let strong = AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .ball, restarts: 3, objective: .margin)

    /// The losses one run of this attack ascends, one PGD run each: the training loss, the margin,
    /// or the margin toward each other class in turn (the margin for a single logit).
    public func objectives(classes: Int, trainingLoss: any Loss) -> [any Loss] {
        switch objective {
        case .modelLoss: [trainingLoss]
        case .margin: [MarginLoss()]
        case .targetedMargin: classes == 1 ? [MarginLoss()] : (1..<classes).map { MarginLoss(targetShift: $0) }
        }
    }

    public func validate(prefix: String = "") throws {
        try ConfigError.require((0...10_000).contains(steps), prefix + "steps", steps, "0 … 10000")
        try ConfigError.require(stepSizeFactor.isFinite && stepSizeFactor > 0, prefix + "stepSizeFactor", stepSizeFactor, "a finite factor > 0")
        try ConfigError.require((1...1000).contains(restarts), prefix + "restarts", restarts, "1 … 1000")
        try ConfigError.require(patchDimension >= 0, prefix + "patchDimension", patchDimension, "≥ 0 (0: one budget for the whole input)")
    }
}
