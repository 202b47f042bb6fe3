import Engine
import Exact

/// EP.memorization — the explicit O(Nd)-parameter ℓ∞ ReLU network has zero robust training error
/// for δ < ε, certified exactly (Proofs/claims/EP.memorization.md).
public struct MemorizationNetworkClaim: Claim {
    public init() {}
    public let id = "EP.memorization"
    public let paper = Paper.expressivePower
    public let source = "Thm 2.2 (robust training needs only O(Nd) parameters), ℓ∞ construction"
    public let statement = "f(x) = Σ_i y_i ReLU(1 − ‖x − x_i‖∞/ε) has zero robust training error at every δ < ε with 6d + 1 parameters per point"
    public let predicate = "exact certificate at δ = 0.99ε leaves no point uncertified, the network's exact sign is y_i at corners and random points of every box, and parameters ≤ 7·N·d, in every trial"
    public let counterfactual = "the certificate claimed at δ = ε (the hypothesis δ < ε dropped) must leave points uncertified"

    /// The predicate's constants (Proofs/claims/EP.memorization.md, "Pinned constants"); δ/ε is
    /// used as the exact decimal it is written as (99/100, not the Double nearest 0.99).
    enum Bound {
        static let radius = PredicateConstant("deltaOverEpsilon", .equals, 0.99)
        static let uncertified = PredicateConstant("uncertifiedPoints", .equals, 0)
        static let wrong = PredicateConstant("wrongBoxProbes", .equals, 0)
        static let parameters = PredicateConstant("parametersPerNd", .atMost, 7)
        static let counterfactualRadius = PredicateConstant("deltaOverEpsilon", .equals, 1, variant: .counterfactual)
    }
    public var constants: [PredicateConstant] { [Bound.radius, Bound.uncertified, Bound.wrong, Bound.parameters, Bound.counterfactualRadius] }

    /// The counterfactual drops δ < ε on purpose (δ = ε), so its ledger leaves that row out.
    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let c = Self.config(run.scale)
        let ledger = try SeparatedInstance.ledger([(name: "seed 1, d = \(c.dimension), N = \(c.points), \(c.norm.rawValue)", config: c, seed: 1)],
                                                  claim: id, radiusOverEpsilon: Bound.radius.bound,
                                                  introducedAfter: "EP.memorization holds at standard (2026-11-23); the ledger was added 2026-12-04")
        return run.variant == .claim ? ledger : Ledger(ledger.checks.filter { $0.hypothesis.name != "radius below ε" })
    }

    /// The consistency probes: this many boxes, each at 8 points (4 corners, 4 inside).
    static let probedBoxes = 50
    static let probesPerBox = 8

    /// The instances' config and the consistency probes.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        ["config": ClaimProtocol.setting(Self.config(scale)), "probes": "\(Self.probedBoxes) boxes × \(Self.probesPerBox) points (4 random corners, 4 random interior points)"]
    }

    static func config(_ scale: Scale) -> SeparatedSetsConfig {
        switch scale {
        case .smoke: SeparatedSetsConfig(dimension: 3, points: 30, epsilon: 0.05, norm: .linf)
        case .standard: SeparatedSetsConfig(dimension: 8, points: 200, epsilon: 0.05, norm: .linf)
        case .paper: SeparatedSetsConfig(dimension: 16, points: 1000, epsilon: 0.05, norm: .linf)
        }
    }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("uncertifiedPoints", .certified, decides: .robust, how: "exact certificate at δ = 0.99ε, in rationals")]
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        try trials(run, seeds: [.smoke: 4, .standard: 10, .paper: 20], decision: .everyTrial) { seed in
            let s = try SeparatedInstance(Self.config(run.scale), claim: id, seed: seed)
            let network = RobustMemorizationNetwork(points: s.rows, labels: s.data.labels, epsilon: s.config.epsilon)
            let delta = s.epsilon * (try (run.variant == .claim ? Bound.radius : Bound.counterfactualRadius).exactDecimal())
            let uncertified = try Certificates.memorizationUncertified(network, radius: delta)
            // Consistency of the certificate with the network itself, on up to 50 boxes.
            var stream = PRNGKey(seed: seed).child(id).child("box").stream
            var wrong = 0
            for i in 0..<min(Self.probedBoxes, s.rows.count) {
                for probe in 0..<Self.probesPerBox {
                    let offsets: [Rational] = try (0..<s.config.dimension).map { _ in
                        probe < 4 ? (stream.next() % 2 == 0 ? delta : -delta) : delta * (try Rational(exactly: 2 * stream.uniform() - 1))
                    }
                    let value = try network.evaluate(zip(s.exact[i], offsets).map { $0 + $1 })
                    if value.signum != s.data.labels[i] { wrong += 1 }
                }
            }
            let bound = Int(Bound.parameters.bound) * s.config.points * s.config.dimension
            return (Bound.uncertified.admits(Double(uncertified.count)) && Bound.wrong.admits(Double(wrong)) && network.parameterCount <= bound,
                    ["uncertifiedPoints": Double(uncertified.count), "wrongBoxProbes": Double(wrong),
                     "parameters": Double(network.parameterCount), "parametersPerNd": Double(network.parameterCount) / Double(s.config.points * s.config.dimension),
                     "deltaOverEpsilon": Double(try delta / s.epsilon)],
                    s.configDescription)
        }
    }
}
