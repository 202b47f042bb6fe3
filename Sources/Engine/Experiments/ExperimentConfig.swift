/// Everything that defines one training run. A run is a pure function of this value (the seed is
/// part of it): the same config gives bit-identical results on any thread count.
public struct ExperimentConfig: Codable, Equatable, Sendable {
    /// What the network is trained to predict.
    public enum Task: String, Codable, Sendable, CaseIterable {
        /// ±1 labels: the class sign of a cluster (J₊/J₋), or the label of sparse-coding and
        /// separated-set data. One logit.
        case binary
        /// k-way labels: the cluster index (the fine-grained labels of feature decoupling) or the
        /// class of patch data. k logits.
        case multiclass
    }

    public enum LossKind: String, Codable, Sendable, CaseIterable {
        case logistic
        case crossEntropy = "cross-entropy"
        case squared

        public var loss: any ReferenceLoss {
            switch self {
            case .logistic: LogisticLoss()
            case .crossEntropy: CrossEntropyLoss()
            case .squared: SquaredLoss()
            }
        }
    }

    /// The two-layer network with a fixed second layer (see `TwoLayerNetwork`).
    public struct Network: Codable, Equatable, Sendable {
        /// Binary task: m neurons per sign (2m in all). Multiclass: h neurons per class (k·h in all).
        public var neuronsPerHead: Int
        /// The fixed second-layer magnitude s (a_r = ±s for binary, s per class).
        public var secondLayerScale: Double
        public var activation: Activation
        /// Initial W ~ N(0, weightInitStd²), b ~ N(0, biasInitStd²).
        public var weightInitStd: Double
        public var biasInitStd: Double
        public var trainBiases: Bool

        public init(neuronsPerHead: Int, secondLayerScale: Double, activation: Activation = .relu,
                    weightInitStd: Double, biasInitStd: Double, trainBiases: Bool = true) {
            self.neuronsPerHead = neuronsPerHead
            self.secondLayerScale = secondLayerScale
            self.activation = activation
            self.weightInitStd = weightInitStd
            self.biasInitStd = biasInitStd
            self.trainBiases = trainBiases
        }
    }

    public var preset: String
    public var seed: UInt64
    public var task: Task
    public var data: DataConfig
    public var network: Network
    public var loss: LossKind
    public var optimizer: GradientDescent
    /// Adversarial training (off in the standard presets). An attack's `patchDimension` of 0 means
    /// the data's patch: one budget per patch for patch data, the whole input otherwise.
    public var adversarialTraining: AdversarialTraining = .disabled
    /// Robust accuracy in the history (off when its ε = 0); `patchDimension` 0 as above.
    public var robustness: RobustnessProbe = .none

    public init(preset: String, seed: UInt64, task: Task, data: DataConfig, network: Network, loss: LossKind,
                optimizer: GradientDescent, adversarialTraining: AdversarialTraining = .disabled, robustness: RobustnessProbe = .none) {
        self.preset = preset
        self.seed = seed
        self.task = task
        self.data = data
        self.network = network
        self.loss = loss
        self.optimizer = optimizer
        self.adversarialTraining = adversarialTraining
        self.robustness = robustness
    }

    /// `attack` with a `patchDimension` of 0 resolved to the data's patch dimension.
    public func resolved(_ attack: AttackConfig) -> AttackConfig {
        var a = attack
        if a.patchDimension == 0 { a.patchDimension = data.patchDimension }
        return a
    }

    /// Checks every field; errors name the field by its config key (e.g. "data.dimension").
    public func validate() throws {
        try data.validate(prefix: "data.")
        try optimizer.validate(prefix: "optimizer.")
        try ConfigError.require((1...100_000).contains(network.neuronsPerHead), "network.neuronsPerHead", network.neuronsPerHead, "1 … 100000")
        for (name, value) in [("secondLayerScale", network.secondLayerScale), ("weightInitStd", network.weightInitStd), ("biasInitStd", network.biasInitStd)] {
            try ConfigError.require(value.isFinite && value >= 0, "network." + name, value, "a finite value ≥ 0")
        }
        try network.activation.validate("network.activation")
        try adversarialTraining.validate(prefix: "adversarialTraining.")
        try robustness.validate(prefix: "robustness.")
        let width = data.patches * data.patchDimension
        for (field, attack) in [("adversarialTraining.attack.patchDimension", adversarialTraining.attack),
                                ("robustness.attack.patchDimension", robustness.attack)] {
            try ConfigError.require(attack.patchDimension == 0 || width % attack.patchDimension == 0, field, attack.patchDimension,
                                    "0 (the data's patch, \(data.patchDimension)) or a divisor of the input width \(width)")
        }
        for (field, attack) in [("adversarialTraining.attack", adversarialTraining.attack), ("robustness.attack", robustness.attack)]
        where attack.subspace != .full {
            guard data.kind == .patchStructured else {
                throw ConfigError(field: field + ".subspace", value: attack.subspace.rawValue, allowed: "full for data.kind = \(data.kind.rawValue) (feature subspaces exist for patch-structured data)")
            }
            try ConfigError.require(attack.patchDimension == 0 || attack.patchDimension == data.patchDimension, field + ".patchDimension",
                                    attack.patchDimension, "0 or \(data.patchDimension) (one patch) with subspace = \(attack.subspace.rawValue)")
        }
        switch (task, loss) {
        case (.binary, .crossEntropy):
            throw ConfigError(field: "loss", value: loss.rawValue, allowed: "logistic or squared for task = binary")
        case (.multiclass, .logistic):
            throw ConfigError(field: "loss", value: loss.rawValue, allowed: "cross-entropy or squared for task = multiclass")
        default: break
        }
        if task == .multiclass, data.kind == .sparseCoding || data.kind == .separatedSets {
            throw ConfigError(field: "task", value: task.rawValue, allowed: "binary for data.kind = \(data.kind.rawValue) (its labels are ±1)")
        }
        if task == .binary, case let .real(c) = data, c.grouping == "none" {
            throw ConfigError(field: "data.grouping", value: c.grouping, allowed: "two groups of classes for task = binary (e.g. 0-4/5-9, parity, 3/8)")
        }
        if task == .binary, data.kind == .patchStructured {
            throw ConfigError(field: "task", value: task.rawValue, allowed: "multiclass for data.kind = patch-structured")
        }
    }

    /// The network's fixed head for this task.
    public var head: TwoLayerNetwork.Head {
        switch task {
        case .binary: .binary(neuronsPerSign: network.neuronsPerHead, scale: network.secondLayerScale)
        case .multiclass: .perClass(classes: data.classes, neuronsPerClass: network.neuronsPerHead, scale: network.secondLayerScale)
        }
    }
}
