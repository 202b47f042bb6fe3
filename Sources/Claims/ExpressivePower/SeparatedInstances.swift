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

    /// Samples `config` from the claim's key for `seed`; throws `OutOfRegime` unless d_p(A, B) ≥ 2ε
    /// holds exactly.
    init(_ config: SeparatedSetsConfig, claim: String, seed: UInt64) throws {
        self.config = config
        data = try SeparatedSets.sample(config, key: PRNGKey(seed: seed).child(claim))
        rows = data.inputs.rowList
        exact = try rows.map { try $0.map { try Rational(exactly: $0) } }
        epsilon = try Rational(exactly: config.epsilon)
        let twoEpsilon = epsilon * 2
        guard let separation = try SeparatedSets.exactSeparation(exact, labels: data.labels, norm: config.norm),
              separation >= (config.norm == .l2 ? twoEpsilon * twoEpsilon : twoEpsilon) else {
            throw OutOfRegime("the sampled sets are not 2ε-separated (exact check)")
        }
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
