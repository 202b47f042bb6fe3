import Engine
import Exact

/// A sampled 2ε-separated data set with its exact (rational) coordinates, as the Expressive Power
/// claims use it; the separation hypothesis is re-checked exactly.
struct SeparatedInstance {
    let config: SeparatedSetsConfig
    let data: Dataset
    let rows: [[Double]]
    let exact: [[Rational]]
    let epsilon: Rational
    /// d_p(A, B)/(2ε), from the exact separation (≥ 1 is the hypothesis; rounded only for display).
    let separationOverTwoEpsilon: Double

    /// Samples `config` from the claim's key for `seed` and measures its separation exactly; throws
    /// `OutOfRegime` unless d_p(A, B) ≥ 2ε holds exactly (`requireSeparation: false` only measures).
    init(_ config: SeparatedSetsConfig, claim: String, seed: UInt64, requireSeparation: Bool = true) throws {
        self.config = config
        data = try SeparatedSets.sample(config, key: PRNGKey(seed: seed).child(claim))
        rows = data.inputs.rowList
        exact = try rows.map { try $0.map { try Rational(exactly: $0) } }
        epsilon = try Rational(exactly: config.epsilon)
        let twoEpsilon = epsilon * 2
        guard let separation = try SeparatedSets.exactSeparation(exact, labels: data.labels, norm: config.norm) else {
            throw OutOfRegime("the sampled sets have an empty class")
        }
        let ratio = config.norm == .l2 ? Double(try separation / (twoEpsilon * twoEpsilon)).squareRoot() : Double(try separation / twoEpsilon)
        separationOverTwoEpsilon = ratio
        guard !requireSeparation || separation >= (config.norm == .l2 ? twoEpsilon * twoEpsilon : twoEpsilon) else {
            throw OutOfRegime("the sampled sets are not 2ε-separated (exact check: d_p(A, B)/2ε = \(ratio))")
        }
    }

    /// The Expressive Power assumption, checked exactly on the instances of `seeds` (the trials
    /// re-check every instance they sample), and δ < ε for the radii a claim uses.
    static func ledger(_ configs: [(name: String, config: SeparatedSetsConfig, seed: UInt64)], claim: String,
                       radiusOverEpsilon: Double, introducedAfter: String?) throws -> Ledger {
        let separated = Hypothesis("2ε-separated data", statement: "A, B ⊂ [0,1]^d with d_p(A, B) ≥ 2ε",
                                   PredicateConstant("d_p(A,B)/(2ε)", .atLeast, 1), origin: .paper,
                                   reason: "the Assumption (Separated Data Distribution); exact on the sampled instance",
                                   introducedAfter: introducedAfter)
        let measure: (SeparatedSetsConfig, UInt64) throws -> Double = { config, seed in
            try SeparatedInstance(config, claim: claim, seed: seed, requireSeparation: false).separationOverTwoEpsilon
        }
        var checks = try Ledger.worstCase([(separated, { try measure($0.config, $0.seed) })],
                                          over: configs.map { (name: $0.name, setting: (config: $0.config, seed: $0.seed)) }).checks
        let radius = Hypothesis("radius below ε", statement: "perturbation radius δ < ε", PredicateConstant("max δ/ε", .below, 1),
                                origin: .paper, reason: "the Assumption; the claims' largest radius",
                                introducedAfter: introducedAfter)
        checks.append(radius.check(radiusOverEpsilon, setting: configs.first?.name ?? ""))
        return Ledger(checks)
    }

    var configDescription: String {
        "separated sets: d = \(config.dimension), N = \(config.points), ε = \(config.epsilon), norm \(config.norm.rawValue)"
    }

    /// ‖a − b‖∞ (ℓ∞) or ‖a − b‖₂² (ℓ2), exactly.
    func exactDistance(_ a: [Rational], _ b: [Rational]) -> Rational {
        var result = Rational.zero
        for (x, y) in zip(a, b) {
            let t = x - y
            switch config.norm {
            case .linf: result = max(result, t.magnitude)
            case .l2: result = result + t * t
            }
        }
        return result
    }

    /// (min over A, min over B) of `exactDistance` from x.
    func exactDistances(_ x: [Rational]) -> (toPositive: Rational, toNegative: Rational) {
        var a: Rational? = nil, b: Rational? = nil
        for (point, label) in zip(exact, data.labels) {
            let t = exactDistance(x, point)
            if label == 1 { a = a.map { min($0, t) } ?? t } else { b = b.map { min($0, t) } ?? t }
        }
        return (a!, b!)
    }
}
