/// Robust accuracy recorded in a training history at the probe steps: the fraction of (the first
/// `samples` of) the training and test points that `attack` at radius ε does not flip
/// (`RobustAccuracy.robustSamples`). ε = 0 records nothing. At step t the attack uses
/// `key.child(t)`, so the record is a pure function of the run.
public struct RobustnessProbe: Codable, Equatable, Sendable {
    public var epsilon: Double
    public var attack: AttackConfig
    /// At most this many points of each set (the first ones) are attacked.
    public var samples: Int
    /// Whether the training set is attacked too (false: robust test accuracy only, for a run whose
    /// reader needs no robust training accuracy — the attack on it is about half the probe).
    public var trainSet: Bool

    public init(epsilon: Double, attack: AttackConfig, samples: Int, trainSet: Bool = true) {
        self.epsilon = epsilon
        self.attack = attack
        self.samples = samples
        self.trainSet = trainSet
    }

    enum CodingKeys: String, CodingKey { case epsilon, attack, samples, trainSet }

    /// Decodes a probe; `trainSet` may be absent (configs written before it existed): true.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epsilon: try c.decode(Double.self, forKey: .epsilon), attack: try c.decode(AttackConfig.self, forKey: .attack),
                  samples: try c.decode(Int.self, forKey: .samples), trainSet: try c.decodeIfPresent(Bool.self, forKey: .trainSet) ?? true)
    }

    /// Records nothing.
    public static let none = RobustnessProbe(epsilon: 0, attack: .fgm, samples: 1000)

    public var isActive: Bool { epsilon > 0 }

    public func validate(prefix: String = "") throws {
        try ConfigError.require(epsilon.isFinite && epsilon >= 0, prefix + "epsilon", epsilon, "a finite radius ≥ 0 (0: off)")
        try ConfigError.require((1...10_000_000).contains(samples), prefix + "samples", samples, "1 … 10000000")
        try attack.validate(prefix: prefix + "attack.")
    }

    /// Which of the first `samples` points of `data` survive the attack, with their labels (nil
    /// when inactive or `data` is empty).
    func robustSamples<M: DifferentiableModel>(_ model: M, _ data: Dataset?, loss: any Loss, key: PRNGKey,
                                               parallelism: Parallelism) -> (robust: [Bool], labels: [Int])? {
        guard isActive, var data, data.count > 0 else { return nil }
        if data.count > samples { data = data.subset(Array(0..<samples)) }
        let robust = RobustAccuracy.robustSamples(model, data, epsilon: epsilon, attack: attack, trainingLoss: loss,
                                                  key: key, parallelism: parallelism)
        return (robust, data.labels)
    }

    /// The robust accuracy of `model` on the first `samples` points of `data` (nil when inactive or
    /// `data` is empty).
    func robustAccuracy<M: DifferentiableModel>(_ model: M, _ data: Dataset?, loss: any Loss, key: PRNGKey,
                                                parallelism: Parallelism) -> Double? {
        robustSamples(model, data, loss: loss, key: key, parallelism: parallelism).map(RobustnessProbe.fraction)
    }

    /// The fraction of robust samples.
    static func fraction(_ s: (robust: [Bool], labels: [Int])) -> Double {
        Double(s.robust.filter { $0 }.count) / Double(s.robust.count)
    }

    /// The fraction of robust samples within each class 0 ..< `classes` (nan for a class without
    /// samples).
    static func fractionByClass(_ s: (robust: [Bool], labels: [Int]), classes: Int) -> [Double] {
        (0..<classes).map { c in
            let members = s.labels.indices.filter { s.labels[$0] == c }
            return Double(members.filter { s.robust[$0] }.count) / Double(members.count)
        }
    }
}
