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
        check = try WitnessCheck(network)
        neurons = (0..<k).map { y in (0..<k).map { j in network.head.neuronOutput.indices.filter { [y, j].contains(network.head.neuronOutput[$0]) } } }
        // The pair {y, j} is one binary problem g = F_hi − F_lo (hi > lo) for both of its labels:
        // for y = hi it is the closed side (label +1), for y = lo the open side (label −1) — so it
        // is built once, for lo < hi.
        var problems: [[(any BinaryExactRadius)?]] = Array(repeating: Array(repeating: nil, count: k), count: k)
        for hi in 0..<k {
            for lo in 0..<hi {
                let neurons = network.head.neuronOutput.indices.filter { [hi, lo].contains(network.head.neuronOutput[$0]) }
                let coefficients = neurons.map { r in network.head.coefficient[r] * (network.head.neuronOutput[r] == hi ? 1 : -1) }
                let sub = TwoLayerNetwork(weights: Matrix(rows: neurons.count, columns: network.weights.columns,
                                                          storage: neurons.flatMap { network.weights.row($0) }),
                                          biases: neurons.map { network.biases[$0] },
                                          head: .init(outputs: 1, neuronOutput: [Int](repeating: 0, count: neurons.count), coefficient: coefficients))
                // Unchecked: the pairs' witnesses are re-checked on the whole network (`radius`).
                let problem: any BinaryExactRadius = norm == .linf ? try ExactLinfRadius(sub, checked: false) : try ExactRadius(sub, checked: false)
                problems[hi][lo] = problem
                problems[lo][hi] = problem
            }
        }
        pairs = problems
    }

    /// The network's rows that enter each pair's binary problem (its rows, in order).
    let neurons: [[[Int]]]
    let check: WitnessCheck

    /// ρ(x, y) = min_j ρ_j as a bracket: the least lower end over the pairs, and the least upper end
    /// with its witness (coefficients mapped back to the network's rows). Each binary search looks
    /// only below the least upper end found so far (times 1 + 10⁻⁶, so that near-ties are still
    /// solved); a pair that cannot win then costs a few programs and still leaves its lower bound.
    public func radius(of x: [Double], label y: Int, pruning: ExactRadius.Pruning = .relaxation) throws -> ExactRadius.PointRadius {
        var best: ExactRadius.PointRadius?
        var lower: Rational?? = .none  // .none: no pair yet; .some(nil): ∞
        var solved = 0
        let z = try MarginNetwork.preactivations(network, x)  // formed once: every pair and the final check share it
        for j in pairs[y].indices where j != y {
            let bound = best.map { $0.upperRadius * (1 + 1e-6) } ?? .infinity
            var r = try pairs[y][j]!.radius(of: x, label: j < y ? 1 : -1, upperBound: bound, pruning: pruning,
                                            preactivations: neurons[y][j].map { z[$0] }, confirm: false)
            solved += r.regionsSolved
            switch (lower, r.lower) {
            case (.none, let l): lower = .some(l)
            case (.some(nil), let l): lower = .some(l)
            case let (.some(.some(a)), .some(b)) where b < a: lower = .some(b)
            default: break
            }
            r.witness = r.witness.map { remap($0, pair: neurons[y][j]) }
            guard r.upper != nil else { if best == nil { best = r }; continue }
            if let previous = best, let p = previous.upper, let u = r.upper, !(u < p || (u == p && r.attained && !previous.attained)) { continue }
            best = r
        }
        var result = best!
        result.lower = lower ?? nil
        result.regionsSolved = solved
        try result.confirmUpper(check, x, label: y, preactivations: z)
        return result
    }

    /// A pair's witness over the network's rows (its coefficients are over the pair's rows).
    func remap(_ w: ExactRadius.Witness, pair rows: [Int]) -> ExactRadius.Witness {
        var out = w
        func lift(_ beta: [Rational]?) -> [Rational]? {
            beta.map { beta in
                var full = [Rational](repeating: Rational(0), count: network.weights.rows)
                for (i, r) in rows.enumerated() where i < beta.count { full[r] = beta[i] }
                return full
            }
        }
        out.coefficients = lift(w.coefficients)
        out.interiorCoefficients = lift(w.interiorCoefficients)
        return out
    }
}

/// An exact radius of a binary network in some norm (`ExactRadius`: ℓ2, `ExactLinfRadius`: ℓ∞).
public protocol BinaryExactRadius: Sendable {
    func radius(of x: [Double], label y: Int, upperBound: Double, pruning: ExactRadius.Pruning) throws -> ExactRadius.PointRadius
    func radius(of x: [Double], label y: Int, upperBound: Double, pruning: ExactRadius.Pruning,
                preactivations: [Rational]?, confirm: Bool) throws -> ExactRadius.PointRadius
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
    /// point comes back with a lower bound near it and no witness — an open bracket, never a wrong radius.
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

    /// Every point's exact radius as a Double (rounded to nearest), when every bracket is closed;
    /// `Unproven` naming the open ones otherwise — for callers that compare radii as numbers.
    public static func provenRadii(_ network: TwoLayerNetwork, _ data: Dataset, norm: AttackConfig.Norm = .l2,
                                   parallelism: Parallelism = .machine) throws -> [Double] {
        let points = try radii(network, data, norm: norm, parallelism: parallelism)
        let open = points.indices.filter { !points[$0].closed }
        guard open.isEmpty else { throw Unproven(points: open) }
        return points.map(\.radius)
    }

    /// Exact radii whose brackets did not close (the points' indices).
    public struct Unproven: Error, CustomStringConvertible, Sendable {
        public let points: [Int]
        public var description: String {
            "exact radii unknown at \(points.count) point(s) (first \(points.prefix(5).map(String.init).joined(separator: ", "))): their brackets did not close"
        }
    }

    /// The robust-accuracy curve of exact radii over `radii`: a point is robust at ε iff no fooling
    /// point lies within ε — ρ > ε where the fooling set is closed, ρ ≥ ε where it is only
    /// approached — decided in rationals from each point's bracket. This is the *proven* curve: a
    /// point whose bracket does not decide ε counts as not robust (`band` gives both ends).
    public static func curve(_ points: [PointRadius], radii: [Double]) -> [RobustAccuracy.Point] {
        band(points, radii: radii).lower
    }

    /// The robust-accuracy band of brackets: `lower` counts the points proven robust at ε, `upper`
    /// every point not proven broken; equal when every bracket decides every ε of the grid.
    public static func band(_ points: [PointRadius], radii: [Double]) -> (lower: [RobustAccuracy.Point], upper: [RobustAccuracy.Point]) {
        let decisions = radii.map { radius in points.map { $0.robust(at: radius) } }
        return (RobustAccuracy.curve(radii: radii) { i, _ in decisions[i].map { $0 == true } },
                RobustAccuracy.curve(radii: radii) { i, _ in decisions[i].map { $0 != false } })
    }
}
