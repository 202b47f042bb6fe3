import Exact

/// The exact minimal ℓ2 adversarial radius of a binary two-layer ReLU network
///
///     f(x) = Σ_r a_r ReLU(⟨w_r, x⟩ + b_r),   ρ(x, y) = inf { ‖δ‖₂ : x + δ is not classified y },
///
/// with the engine's decision (+1 iff f > 0), as a *bracket* [lower, upper] of ρ² proven in exact
/// arithmetic (Proofs/robustness.md, "Exact radii", "Sound brackets"): the branch and bound over
/// activation patterns (`PatternSearch`) keeps a sound lower bound for every region it solves or
/// skips, and an upper bound only with a witness δ — a perturbation whose point is proven, in
/// rationals, to lie in the fooling set ({f ≤ 0} for y = +1), or in the closure of the open
/// fooling set {f > 0} (y = −1) together with a point of the same region inside it. When the two
/// agree exactly the radius is exact (`verified`); otherwise the point is reported as a bracket,
/// never as a number.
///
/// Any finite weights and inputs are accepted: neurons may be dependent (m > d, duplicates), rows
/// and inputs of any scale (`MarginNetwork`'s exact normal form; the search works in a
/// power-of-two unit per point). What can make a bracket stay open is only the floating-point
/// search missing the exact optimum's active set, or (y = −1 with dependent neurons) the absence
/// of a proven interior point.
public struct ExactRadius: Sendable {
    public let network: TwoLayerNetwork
    let margin: MarginNetwork
    let geometry: EuclideanRegions
    /// The exact forward pass that re-checks witnesses; nil for a k-class search's pair problems,
    /// whose witnesses are checked on the whole network instead.
    let check: WitnessCheck?

    public struct NotApplicable: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The proof that a radius is at most `upper`: the point x + δ (δ given exactly).
    public struct Witness: Sendable {
        /// δ = Σ_r coefficients[r]·w_r over the rows of the network the radius was computed for (ℓ2).
        public var coefficients: [Rational]?
        /// δ itself (ℓ∞; ℓ2 where the input dimension is at most `Witness.deltaDimension`).
        public var delta: [Rational]?
        /// For an open fooling set: a perturbation δ′ with x + δ′ in the fooling set and in the
        /// same activation region as x + δ, so that the segment (x + δ, x + δ′] is in it — in the
        /// same encodings.
        public var interiorCoefficients: [Rational]?
        public var interiorDelta: [Rational]?
        /// The largest input dimension for which ℓ2 witnesses also carry δ itself.
        public static let deltaDimension = 64
    }

    /// One point's radius: a bracket of ρ^power (ρ² for ℓ2, ρ for ℓ∞) in rationals.
    public struct PointRadius: Sendable {
        /// lower ≤ ρ^power, proven (nil: ∞, no fooling point at all).
        public var lower: Rational?
        /// ρ^power ≤ upper, with `witness` (nil: no witness).
        public var upper: Rational?
        /// 2 for ℓ2, 1 for ℓ∞.
        public var power: Int
        /// The activation pattern of the witness's region (or of x).
        public var pattern: [Bool]
        /// The region programs solved (regions not skipped).
        public var regionsSolved: Int
        /// Whether the fooling set is closed, so that a point at distance ρ fools (y = +1: {f ≤ 0});
        /// false when it is open and only approached (y = −1: {f > 0}).
        public var attained: Bool = true
        public var witness: Witness?
        /// δ of the witness in Double (empty without one).
        public var perturbation: [Double] = []

        init(lower: Rational?, upper: Rational?, power: Int, pattern: [Bool], regionsSolved: Int, attained: Bool, witness: Witness?) {
            self.lower = lower
            self.upper = upper
            self.power = power
            self.pattern = pattern
            self.regionsSolved = regionsSolved
            self.attained = attained
            self.witness = witness
        }

        /// Keeps the upper end only if `check` (an exact forward pass of the network) proves it
        /// from the witness — the search's own checks are not the last word.
        mutating func confirmUpper(_ check: WitnessCheck, _ x: [Double], label y: Int, preactivations: [Rational]? = nil) throws {
            guard upper != nil else { return }
            guard let witness, let proven = try check.provenMeasure(x, label: y, witness, power: power, preactivations: preactivations) else {
                upper = nil
                witness = nil
                return
            }
            if let u = upper, u < proven { upper = proven }
        }

        /// lower = upper exactly (both ∞ included: no fooling point, proven).
        public var closed: Bool { lower == upper }
        /// The radius is exact: the bracket is closed.
        public var verified: Bool { closed }
        /// ρ² exactly, when closed and finite.
        public var squaredRadius: Rational? {
            guard closed, let upper else { return nil }
            return power == 2 ? upper : upper * upper
        }
        /// A Double ≤ ρ (∞ when no fooling point exists).
        public var lowerRadius: Double { lower.map { Self.root($0, power, .down) } ?? .infinity }
        /// A Double ≥ ρ (∞ without a witness).
        public var upperRadius: Double { upper.map { Self.root($0, power, .up) } ?? .infinity }
        /// ρ rounded to nearest when the bracket is closed; else the proven lower end.
        public var radius: Double {
            guard closed else { return lowerRadius }
            return upper.map { power == 2 ? Double($0).squareRoot() : Double($0) } ?? .infinity
        }

        static func root(_ value: Rational, _ power: Int, _ direction: FloatingPointRoundingRule) -> Double {
            let v = Double(value)
            if power == 1 { return direction == .down ? (v.nextDown < 0 ? 0 : v.nextDown) : v.nextUp }
            return direction == .down ? max(0, v.nextDown).squareRoot().nextDown.clampedBelowAtZero : v.nextUp.squareRoot().nextUp
        }

        /// Whether x is robust at ε: proven (`true`), refuted (`false`), or open (nil). Robust means
        /// no fooling point within ε: ρ > ε for a closed fooling set, ρ ≥ ε for an open one.
        public func robust(at epsilon: Double) -> Bool? {
            guard let e = try? Rational(exactly: epsilon) else { return nil }
            let bound = power == 2 ? e * e : e
            // At lower = ε only a closed bracket of an open fooling set proves robustness.
            let provenRobust = lower.map { $0 > bound || ($0 == bound && closed && !attained) } ?? true
            let provenBroken = upper.map { attained ? $0 <= bound : $0 < bound } ?? false
            if provenRobust { return true }
            if provenBroken { return false }
            return nil
        }
    }

    /// A binary head (one output), ReLU and one patch; otherwise `NotApplicable`. Dependent and
    /// duplicated neurons are accepted.
    public init(_ network: TwoLayerNetwork) throws {
        try self.init(network, checked: true)
    }

    /// `checked` false: no witness check of its own (its exact Gram matrix is not formed); every
    /// call must then pass `confirm: false`.
    init(_ network: TwoLayerNetwork, checked: Bool) throws {
        self.network = network
        margin = try MarginNetwork(network)
        geometry = EuclideanRegions(margin)
        check = checked ? try WitnessCheck(network) : nil
    }

    /// How subtrees of activation patterns are pruned; every choice gives the same bracket when it
    /// closes, at a different cost (Benchmarks: cost against m).
    public enum Pruning: Sendable, CaseIterable {
        /// Every region's program is solved.
        case none
        /// A subtree is skipped when a flipped neuron's hyperplane is at least the best radius away.
        case flippedHyperplanes
        /// As `flippedHyperplanes`, and a subtree is skipped when its linear relaxation is farther
        /// than the best radius.
        case relaxation
    }

    /// ρ(x, y) for the input `x` with label `y` ∈ {−1, +1}; 0 when x is misclassified (exactly).
    /// With a finite `upperBound` (a radius known to be reached, e.g. another class's or an
    /// attack's) the search only looks for fooling points nearer than it; a point with none comes
    /// back with a lower bound near `upperBound` and no witness.
    public func radius(of x: [Double], label y: Int, upperBound: Double = .infinity,
                       pruning: Pruning = .relaxation) throws -> PointRadius {
        try radius(of: x, label: y, upperBound: upperBound, pruning: pruning, preactivations: nil, confirm: true)
    }

    /// `radius(of:…)` with the network's exact pre-activations at x given (or formed here), and the
    /// final witness check skipped when the caller checks the witness itself (`confirm` false: a
    /// k-class search checks the winning pair's witness on the whole network).
    public func radius(of x: [Double], label y: Int, upperBound: Double, pruning: Pruning,
                       preactivations given: [Rational]?, confirm: Bool) throws -> PointRadius {
        let z = try given ?? MarginNetwork.preactivations(network, x)
        var result = try PatternSearch(geometry: geometry).radius(of: x, label: y, upperBound: upperBound, pruning: pruning, networkPreactivations: z)
        result.witness = try result.witness.map { try margin.overNetworkRows($0, inputDimension: network.inputDimension) }
        if confirm {
            guard let check else { preconditionFailure("an unchecked ExactRadius serves a k-class search only (confirm: false)") }
            try result.confirmUpper(check, x, label: y, preactivations: z)
        }
        result.perturbation = result.witness.map { w in
            if let delta = w.delta { return delta.map { Double($0) } }
            guard let beta = w.coefficients?.map({ Double($0) }) else { return [] }
            return (0..<network.weights.columns).map { i in (0..<beta.count).reduce(0.0) { $0 + beta[$1] * network.weights[$1, i] } }
        } ?? []
        return result
    }
}

extension MarginNetwork {
    /// A witness from merged, scaled rows to the network's rows (coefficient γ_r on 2^{e_r}·w_s,
    /// s the first source of r, is γ_r·2^{e_r} on w_s), with δ itself added for small inputs.
    func overNetworkRows(_ w: ExactRadius.Witness, inputDimension d: Int) throws -> ExactRadius.Witness {
        var out = w
        func remap(_ gamma: [Rational]) throws -> [Rational] {
            var beta = [Rational](repeating: Rational(0), count: (sources.flatMap { $0 }.max() ?? -1) + 1)
            for r in gamma.indices where !gamma[r].isZero { beta[sources[r][0]] += try gamma[r].timesPowerOfTwo(exponents[r]) }
            return beta
        }
        func delta(_ gamma: [Rational]) -> [Rational] {
            (0..<d).map { i in
                var s = Rational(0)
                for r in gamma.indices where !gamma[r].isZero { s += gamma[r] * ((try? Rational(exactly: weights[r, i])) ?? Rational(0)) }
                return s
            }
        }
        if let gamma = w.coefficients {
            out.coefficients = try remap(gamma)
            if d <= ExactRadius.Witness.deltaDimension && w.delta == nil { out.delta = delta(gamma) }
        }
        if let gamma = w.interiorCoefficients {
            out.interiorCoefficients = try remap(gamma)
            if d <= ExactRadius.Witness.deltaDimension && w.interiorDelta == nil { out.interiorDelta = delta(gamma) }
        }
        return out
    }
}

extension Double {
    var clampedBelowAtZero: Double { self < 0 ? 0 : self }
}
