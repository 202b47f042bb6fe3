import Exact

/// The exact minimal ℓ2 adversarial radius of a k-class two-layer ReLU network under the engine's
/// decision (argmax, ties → the lowest index), from binary problems (Proofs/robustness.md, "Exact
/// radii"): x + δ leaves class y iff for some j ≠ y, F_j > F_y, or F_j = F_y with j < y; so
///
///     ρ(x, y) = min_{j ≠ y} ρ_j,   ρ_j = the exact radius of the binary net g = ±(F_y − F_j),
///
/// where g has only the neurons of outputs y and j (the others do not enter F_y − F_j). For j < y the
/// fooling set {F_y − F_j ≤ 0} is closed: g = F_y − F_j with label +1; for j > y it is the open
/// {F_j − F_y > 0}: g = F_j − F_y with label −1 — exactly `ExactRadius`'s two cases.
public struct MulticlassExactRadius: Sendable {
    public let network: TwoLayerNetwork
    /// The binary problem of (y, j), j ≠ y, in the chosen norm.
    let pairs: [[(any BinaryExactRadius)?]]

    public init(_ network: TwoLayerNetwork, norm: AttackConfig.Norm = .l2) throws {
        let k = network.head.outputs
        guard k > 1, network.activation == .relu, network.patches == 1 else {
            throw ExactRadius.NotApplicable(description: "exact radii need a two-layer ReLU network on one patch")
        }
        self.network = network
        pairs = try (0..<k).map { y in
            try (0..<k).map { j in
                guard j != y else { return nil }
                let neurons = network.head.neuronOutput.indices.filter { [y, j].contains(network.head.neuronOutput[$0]) }
                let sign = j < y ? 1.0 : -1.0  // g = sign·(F_y − F_j)
                let coefficients = neurons.map { r in sign * network.head.coefficient[r] * (network.head.neuronOutput[r] == y ? 1 : -1) }
                let sub = TwoLayerNetwork(weights: Matrix(rows: neurons.count, columns: network.weights.columns,
                                                          storage: neurons.flatMap { network.weights.row($0) }),
                                          biases: neurons.map { network.biases[$0] },
                                          head: .init(outputs: 1, neuronOutput: [Int](repeating: 0, count: neurons.count), coefficient: coefficients))
                return norm == .linf ? try ExactLinfRadius(sub) : try ExactRadius(sub)
            }
        }
    }

    /// ρ(x, y): the least of the k − 1 binary radii (verified iff the least one is). Each binary
    /// search looks only below the least radius found so far (`upperBound`, with a relative margin
    /// of 10⁻⁶ so that near-ties are still solved), so a class that cannot win is not enumerated.
    public func radius(of x: [Double], label y: Int, pruning: ExactRadius.Pruning = .relaxation) throws -> ExactRadius.PointRadius {
        var best: ExactRadius.PointRadius?
        for j in pairs[y].indices where j != y {
            let bound = best.map { $0.radius * (1 + 1e-6) } ?? .infinity
            var r = try pairs[y][j]!.radius(of: x, label: j < y ? 1 : -1, upperBound: bound, pruning: pruning)
            if let previous = best {
                r.regionsSolved += previous.regionsSolved
                if r.radius < previous.radius { best = r } else { best!.regionsSolved = r.regionsSolved }
            } else {
                best = r
            }
        }
        return best!
    }
}

/// An exact radius of a binary network in some norm (`ExactRadius`: ℓ2, `ExactLinfRadius`: ℓ∞).
public protocol BinaryExactRadius: Sendable {
    func radius(of x: [Double], label y: Int, upperBound: Double, pruning: ExactRadius.Pruning) throws -> ExactRadius.PointRadius
}

extension ExactRadius: BinaryExactRadius {}

extension ExactRadius {
    /// Every point's exact radius (ℓ2, or ℓ∞ for d ≤ 64) for a binary (labels ±1) or k-class (labels 0 … k−1) two-layer
    /// ReLU network, points side by side on `parallelism`'s threads (each point's result does not
    /// depend on it).
    ///
    /// `warmStart` (binary nets): per point, a radius at which an adversarial example is known — an
    /// attack's break radius, nil where it found none. The search then starts from it (times
    /// 1 + 10⁻⁶), pruning from the first region on; the radius is the same, only cheaper. A bound
    /// below the exact radius is impossible for a genuine adversarial example; if one is passed, the
    /// point comes back unverified with radius ∞ rather than a wrong radius.
    public static func radii(_ network: TwoLayerNetwork, _ data: Dataset, norm: AttackConfig.Norm = .l2, pruning: Pruning = .relaxation,
                             warmStart: [Double?]? = nil, parallelism: Parallelism = .machine) throws -> [PointRadius] {
        if network.head.outputs == 1 {
            let exact: any BinaryExactRadius = norm == .linf ? try ExactLinfRadius(network) : try ExactRadius(network)
            return try parallelism.concurrently(data.count) { i, _ in
                let bound = warmStart?[i].map { $0 * (1 + 1e-6) } ?? .infinity
                return try exact.radius(of: data.inputs.row(i), label: data.labels[i], upperBound: bound, pruning: pruning)
            }
        }
        let exact = try MulticlassExactRadius(network, norm: norm)
        return try parallelism.concurrently(data.count) { i, _ in
            try exact.radius(of: data.inputs.row(i), label: data.labels[i], pruning: pruning)
        }
    }

    /// The robust-accuracy curve of exact radii over `radii`: a point is robust at ε iff no fooling
    /// point lies within ε — ρ > ε where the fooling set is closed, ρ ≥ ε where it is only approached.
    public static func curve(_ points: [PointRadius], radii: [Double]) -> [RobustAccuracy.Point] {
        RobustAccuracy.curve(radii: radii) { _, radius in
            points.map { $0.attained ? $0.radius > radius : $0.radius >= radius }
        }
    }
}
