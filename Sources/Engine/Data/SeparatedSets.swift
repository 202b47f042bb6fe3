import Exact

/// Finite 2ε-separated sets A (label +1) and B (label −1) in [0, 1]^d for "Why Robust
/// Generalization in Deep Learning is Difficult" (Li, Jin, Zhong, Hopcroft, Wang, NeurIPS 2022;
/// Proofs/expressive-power.md): d_p(A, B) = min_{a∈A, b∈B} ‖a − b‖_p ≥ 2ε.
public struct SeparatedSetsConfig: Codable, Equatable, Sendable {
    public enum Norm: String, Codable, Sendable, CaseIterable {
        case l2
        case linf
    }

    public var dimension: Int
    public var points: Int
    public var epsilon: Double
    public var norm: Norm
    /// Rejection-sampling attempts per point before giving up (the error then names `epsilon`).
    public var maxAttempts: Int

    public init(dimension: Int, points: Int, epsilon: Double, norm: Norm, maxAttempts: Int = 10_000) {
        self.dimension = dimension
        self.points = points
        self.epsilon = epsilon
        self.norm = norm
        self.maxAttempts = maxAttempts
    }

    public func validate(prefix: String = "") throws {
        try ConfigError.require(dimension >= 1 && dimension <= 100_000, prefix + "dimension", dimension, "1 … 100000")
        try ConfigError.require(points >= 2 && points <= 1_000_000, prefix + "points", points, "2 … 1000000")
        try ConfigError.require(epsilon.isFinite && epsilon > 0 && epsilon <= 0.5, prefix + "epsilon", epsilon,
                                "0 < ε ≤ 0.5 (2ε-separated points of [0, 1]^d)")
        try ConfigError.require(maxAttempts >= 1, prefix + "maxAttempts", maxAttempts, "≥ 1")
    }
}

public enum SeparatedSets {
    /// ‖a − b‖ in the chosen norm.
    public static func distance(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>, _ norm: SeparatedSetsConfig.Norm) -> Double {
        var s = 0.0
        for (x, y) in zip(a, b) {
            let t = abs(x - y)
            s = norm == .l2 ? s + t * t : max(s, t)
        }
        return norm == .l2 ? s.squareRoot() : s
    }

    /// Points uniform in [0, 1]^d with alternating labels, each accepted only if it is at least 2ε
    /// from every point of the other label (rejection sampling). The separation is re-checked
    /// exactly (squared distances in rationals for ℓ2) by `exactSeparation`.
    public static func sample(_ config: SeparatedSetsConfig, key: PRNGKey) throws -> Dataset {
        try config.validate()
        let d = config.dimension, twoEpsilon = 2 * config.epsilon
        var stream = key.stream
        var rows: [[Double]] = [], labels: [Int] = []
        for i in 0..<config.points {
            let label = i % 2 == 0 ? 1 : -1
            var accepted = false
            for _ in 0..<config.maxAttempts {
                let x = (0..<d).map { _ in stream.uniform() }
                // A margin of 1e-12 keeps the Double test on the safe side of the exact one.
                if zip(rows, labels).allSatisfy({ $1 == label || distance($0[...], x[...], config.norm) >= twoEpsilon * (1 + 1e-12) }) {
                    rows.append(x)
                    labels.append(label)
                    accepted = true
                    break
                }
            }
            guard accepted else {
                throw ConfigError(field: "epsilon", value: "\(config.epsilon)",
                                  allowed: "a separation that \(config.points) points in [0,1]^\(d) can reach (point \(i) found no place in \(config.maxAttempts) attempts)")
            }
        }
        return Dataset(inputs: Matrix(rows), labels: labels)
    }

    /// min over opposite-label pairs of ‖a − b‖_p, exactly: for ℓ2 the squared distance, for ℓ∞
    /// the distance (both rational). Compare with (2ε)² resp. 2ε.
    public static func exactSeparation(_ rows: [[Rational]], labels: [Int], norm: SeparatedSetsConfig.Norm) throws -> Rational? {
        var best: Rational?
        for i in rows.indices {
            for j in rows.indices where j > i && labels[i] != labels[j] {
                var s = Rational.zero
                for (a, b) in zip(rows[i], rows[j]) {
                    let t = (a - b).magnitude
                    s = norm == .l2 ? s + t * t : max(s, t)
                }
                if best == nil || s < best! { best = s }
            }
        }
        return best
    }

    /// The grid construction S_φ of the lower bound: K = ⌊1/(2ε)⌋ and, for every index
    /// i ∈ {0, …, K−1}^{d−1}, the point (i_1/K, …, i_{d−1}/K, ½ + ε·φ(i)) with label φ(i) ∈ {±1}.
    /// Distinct points differ by ≥ 1/K ≥ 2ε in some grid coordinate, so S_φ is 2ε-separated in ℓ∞
    /// for every labelling φ, and the hyperplane x_d = ½ separates it (our choice ε₀ = ε).
    /// Returned exactly (rationals); point number t has index digits i_1, i_2, … of t in base K
    /// (i_1 varying fastest), and label phi[t].
    public static func grid(dimension d: Int, epsilon: Rational, labelling phi: [Int]) throws -> (points: [[Rational]], labels: [Int]) {
        guard d >= 2 else { throw ConfigError(field: "dimension", value: "\(d)", allowed: "≥ 2 for the grid construction") }
        guard epsilon.signum > 0, epsilon <= (try Rational(1, 2)) else {
            throw ConfigError(field: "epsilon", value: "\(epsilon)", allowed: "0 < ε ≤ 1/2")
        }
        let k = (try Rational(1) / (epsilon * 2)).floor
        guard let kInt = k.exactInt, kInt >= 1 else { throw ConfigError(field: "epsilon", value: "\(epsilon)", allowed: "ε ≥ 1/(2·2⁶³)") }
        let count = try BigInt(kInt).power(d - 1)
        guard let n = count.exactInt, n <= 1_000_000 else {
            throw ConfigError(field: "dimension", value: "\(d)", allowed: "K^(d−1) ≤ 10⁶ grid points (K = \(kInt))")
        }
        guard phi.count == n, phi.allSatisfy({ $0 == 1 || $0 == -1 }) else {
            throw ConfigError(field: "labelling", value: "\(phi.count) labels", allowed: "exactly K^(d−1) = \(n) labels in {±1}")
        }
        let half = try Rational(1, 2)
        var points: [[Rational]] = []
        for index in 0..<n {
            var rest = index
            var p: [Rational] = []
            for _ in 0..<(d - 1) {
                p.append(try Rational(rest % kInt, kInt))
                rest /= kInt
            }
            p.append(half + epsilon * Rational(phi[index]))
            points.append(p)
        }
        return (points, phi)
    }
}
