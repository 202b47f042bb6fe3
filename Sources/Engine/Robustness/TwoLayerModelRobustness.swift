/// The exact radii and certificates for any `TwoLayerModel` (an author's own model type): each
/// converts the model exactly (`twoLayerNetwork()`) and calls the entry point for `TwoLayerNetwork`,
/// whose conditions (ReLU and one patch for exact radii) it keeps, refusing otherwise with
/// `ExactRadius.NotApplicable` or the model's `UnsupportedModel`.
extension ExactRadius {
    /// Every point's exact radius bracket (`radii(_:_:norm:…)` of the model's network).
    public static func radii(model: some TwoLayerModel, _ data: Dataset, norm: AttackConfig.Norm = .l2,
                             parallelism: Parallelism = .machine) throws -> [PointRadius] {
        let network = try model.twoLayerNetwork()
        guard network.activation == .relu else {
            throw NotApplicable(description: "exact radii need σ = ReLU (this model's activation: \(network.activation)); the linear-bound and interval certificates accept it")
        }
        return try radii(network, data, norm: norm, parallelism: parallelism)
    }
}

extension LinearBoundCertificate {
    /// Whether each point is certified robust at ε (`certified(_:_:epsilon:basis:…)` of the model's network).
    public static func certified(model: some TwoLayerModel, _ data: Dataset, epsilon: Double, basis: Matrix? = nil,
                                 norm: AttackConfig.Norm = .l2, parallelism: Parallelism = .machine) throws -> [Bool] {
        certified(try model.twoLayerNetwork(), data, epsilon: epsilon, basis: basis, norm: norm, parallelism: parallelism)
    }
}
