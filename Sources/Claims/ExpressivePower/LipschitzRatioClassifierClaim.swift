import Engine
import Exact

/// EP.lipschitz — f* = (d(x,B) − d(x,A))/(d(x,A) + d(x,B)) is ε⁻¹-Lipschitz and classifies every
/// point of A ∪ B correctly within radius < ε (Proofs/claims/EP.lipschitz.md).
public struct LipschitzRatioClassifierClaim: Claim {
    public init() {}
    public let id = "EP.lipschitz"
    public let paper = Paper.expressivePower
    public let source = "Prop. (robust classifier under 2ε-separation)"
    public let statement = "f* is ε⁻¹-Lipschitz and sign f*(x') = label(x) for ‖x' − x‖ < ε, x ∈ A ∪ B"
    public let predicate = "ε·|f*(x) − f*(x')| ≤ ‖x − x'‖ on random and nearest-opposite pairs (exact for ℓ∞, 256-bit + 2⁻²⁴⁰ for ℓ2), and sign f*(x + ρ) = y exactly for ‖ρ‖ ∈ {0.5, 0.9, 0.999}·ε, in every trial"
    public let counterfactual = "the Lipschitz constant (2ε)⁻¹ instead of ε⁻¹ must be violated (at the nearest opposite pair)"

    /// The predicate's constants (Proofs/claims/EP.lipschitz.md, "Pinned constants"). The slope
    /// bound 1 + 2⁻²⁴⁰ (the ℓ2 evaluation's allowance) is 1 as a Double.
    enum Bound {
        static let factor = PredicateConstant("constantFactor", .equals, 1)
        static let slope = PredicateConstant("maxScaledSlope", .atMost, 1 + 0x1p-240)
        static let misclassified = PredicateConstant("misclassifiedPerturbations", .equals, 0)
        static let counterfactualFactor = PredicateConstant("constantFactor", .equals, 2, variant: .counterfactual)
    }
    public var constants: [PredicateConstant] { [Bound.factor, Bound.slope, Bound.misclassified, Bound.counterfactualFactor] }

    /// ‖ρ‖/ε of the perturbations checked for the classification within radius ε.
    static let radiusFractions = [0.5, 0.9, 0.999]

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        // Seed 1 is an ℓ∞ instance and seed 2 an ℓ2 one.
        let seeds = run.seedList([.smoke: 4, .standard: 10, .paper: 20]).prefix(2)
        return try SeparatedInstance.ledger(seeds.map { seed in
            let c = Self.config(run.scale, seed: seed)
            return (name: "seed \(seed), d = \(c.dimension), N = \(c.points), \(c.norm.rawValue)", config: c, seed: seed)
        }, claim: id, radiusOverEpsilon: Self.radiusFractions.max()!,
           introducedAfter: "EP.lipschitz holds at standard (2026-11-23); the ledger was added 2026-12-04")
    }

    /// Random pairs (x, x + u), ‖u‖ ≤ ½, per instance for the slope bound.
    static let pairCount = 200
    /// Random directions per point and radius fraction for the misclassification check.
    static let directions = 3

    /// The instances' configs (odd seeds ℓ∞, even ℓ2), the probes' counts and radii.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        ["config.oddSeeds": ClaimProtocol.setting(Self.config(scale, seed: 1)), "config.evenSeeds": ClaimProtocol.setting(Self.config(scale, seed: 2)),
         "pairs": "\(Self.pairCount) random pairs, |u| ≤ ½ (plus each positive point against its nearest negatives)",
         "perturbations": "\(Self.directions) random directions at \(Self.radiusFractions)·ε per point"]
    }

    static func config(_ scale: Scale, seed: UInt64) -> SeparatedSetsConfig {
        let norm: SeparatedSetsConfig.Norm = seed % 2 == 1 ? .linf : .l2
        return switch scale {
        case .smoke: SeparatedSetsConfig(dimension: 3, points: 40, epsilon: 0.05, norm: norm)
        case .standard: SeparatedSetsConfig(dimension: 6, points: 200, epsilon: 0.05, norm: norm)
        case .paper: SeparatedSetsConfig(dimension: 10, points: 1000, epsilon: 0.05, norm: norm)
        }
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        // The claimed constant is 1/(factor·ε).
        let factor = Int((run.variant == .claim ? Bound.factor : Bound.counterfactualFactor).bound)
        return try trials(run, seeds: [.smoke: 4, .standard: 10, .paper: 20], decision: .everyTrial) { seed in
            let instance = try SeparatedInstance(Self.config(run.scale, seed: seed), claim: id, seed: seed)
            var stream = PRNGKey(seed: seed).child(id).child("pairs").stream
            let lipschitz = try Self.worstLipschitzRatio(instance, factor: factor, stream: &stream)
            let misclassified = try Self.misclassifiedPerturbations(instance, stream: &stream)
            return (Bound.slope.admits(lipschitz.ratio) && Bound.misclassified.admits(Double(misclassified.count)),
                    ["maxScaledSlope": lipschitz.ratio, "pairs": Double(lipschitz.pairs),
                     "misclassifiedPerturbations": Double(misclassified.count), "perturbations": Double(misclassified.total),
                     "constantFactor": Double(factor)],
                    instance.configDescription)
        }
    }

    /// max over the pairs of factor·ε·|f*(x) − f*(x')| / ‖x − x'‖ (≤ 1 ⇔ the constant holds; for
    /// ℓ2 to 2⁻²⁴⁰, see the Proofs page), over 200 random pairs and each a ∈ A with its nearest b ∈ B.
    static func worstLipschitzRatio(_ s: SeparatedInstance, factor: Int, stream: inout RandomStream) throws -> (ratio: Double, pairs: Int) {
        let d = s.config.dimension
        var pairs: [([Double], [Double])] = (0..<pairCount).map { _ in
            let x = (0..<d).map { _ in stream.uniform() }
            var u = (0..<d).map { _ in s.config.norm == .l2 ? stream.gaussian() : 2 * stream.uniform() - 1 }
            let norm = s.config.norm == .l2 ? u.reduce(0) { $0 + $1 * $1 }.squareRoot() : u.map(abs).max()!
            let r = 0.5 * stream.uniform() + 1e-6
            u = u.map { $0 * r / norm }
            return (x, zip(x, u).map(+))
        }
        for (i, label) in s.data.labels.enumerated() where label == 1 {
            let nearest = s.data.labels.indices.filter { s.data.labels[$0] != 1 }
                .min { s.exactDistance(s.exact[i], s.exact[$0]) < s.exactDistance(s.exact[i], s.exact[$1]) }!
            pairs.append((s.rows[i], s.rows[nearest]))
        }
        let scale = s.epsilon * Rational(factor)
        var worst = 0.0
        for (x, y) in pairs {
            let ex = try x.map { try Rational(exactly: $0) }, ey = try y.map { try Rational(exactly: $0) }
            let gap = s.exactDistance(ex, ey)
            guard !gap.isZero else { continue }
            let (ax, bx) = s.exactDistances(ex), (ay, by) = s.exactDistances(ey)
            switch s.config.norm {
            case .linf:
                let fx = try (bx - ax) / (ax + bx), fy = try (by - ay) / (ay + by)
                worst = max(worst, Double(try (fx - fy).magnitude * scale / gap))
            case .l2:
                func root(_ q: Rational) throws -> BigFloat { try BigFloat(q).squareRoot() }
                let (rax, rbx, ray, rby) = (try root(ax), try root(bx), try root(ay), try root(by))
                let fx = try (rbx - rax) / (rax + rbx), fy = try (rby - ray) / (ray + rby)
                let slope = try ((fx - fy).magnitude * BigFloat(scale)) / (try root(gap))
                worst = max(worst, Double(slope))
            }
        }
        return (worst, pairs.count)
    }

    /// Perturbations ρ of every data point with ‖ρ‖ ∈ {0.5, 0.9, 0.999}·ε (three random directions
    /// each; ‖ρ‖ < ε re-checked exactly, rounding-violators skipped) whose exact decision
    /// sign(d_B − d_A) is not the label.
    static func misclassifiedPerturbations(_ s: SeparatedInstance, stream: inout RandomStream) throws -> (count: Int, total: Int) {
        let d = s.config.dimension
        var count = 0, total = 0
        let bound = s.config.norm == .l2 ? s.epsilon * s.epsilon : s.epsilon
        for (i, label) in s.data.labels.enumerated() {
            for fraction in radiusFractions {
                for _ in 0..<directions {
                    let u = (0..<d).map { _ in s.config.norm == .l2 ? stream.gaussian() : 2 * stream.uniform() - 1 }
                    let norm = s.config.norm == .l2 ? u.reduce(0) { $0 + $1 * $1 }.squareRoot() : u.map(abs).max()!
                    let x = zip(s.rows[i], u).map { $0 + fraction * s.config.epsilon * $1 / norm }
                    let ex = try x.map { try Rational(exactly: $0) }
                    guard s.exactDistance(ex, s.exact[i]) < bound else { continue }
                    total += 1
                    let (a, b) = s.exactDistances(ex)
                    let decision = b > a ? 1 : b < a ? -1 : 0
                    if decision != label { count += 1 }
                }
            }
        }
        return (count, total)
    }
}
