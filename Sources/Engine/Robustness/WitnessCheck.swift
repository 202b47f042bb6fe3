import Exact

/// The check of an exact radius's upper end, by an exact forward pass of the network itself
/// (Proofs/robustness.md, "Sound brackets"): independent of the search, its normal form and its
/// programs. A witness proves ρ^power ≤ ‖δ‖^power when
///
/// - x + δ is not classified y (the decision evaluated in rationals: +1 iff f > 0; argmax with ties
///   to the lowest index), or
/// - (open fooling sets) x + δ′ is not classified y, and some class j ≠ y has F_j − F_y ≥ 0 at
///   x + δ and > 0 at x + δ′ while every neuron entering F_j − F_y (binary: every neuron) has the
///   same sign (or 0) at both points — then F_j − F_y is affine on the segment, so F_j > F_y on all
///   of (x + δ, x + δ′], a set of fooling points whose infimum of norms is at most ‖δ‖.
public struct WitnessCheck: Sendable {
    public let network: TwoLayerNetwork
    /// ⟨w_r, w_s⟩ of the network's rows, exactly (for witnesses given by coefficients); nil when
    /// the check was made without it — a witness by coefficients then proves nothing.
    let gram: [[Rational]]?
    /// The output coefficients a_r as rationals.
    let coefficients: [Rational]

    /// Throws `ExactError.nonFinite` unless every weight, bias and output coefficient is finite
    /// (each enters the exact forward pass as a rational). `coefficientWitnesses`: also form the
    /// exact Gram matrix of the rows (m(m+1)/2 exact dot products of length d), which a witness
    /// δ = Σβ_r w_r needs; a check of explicit examples only (`BreakConfirmation`) goes without.
    public init(_ network: TwoLayerNetwork, coefficientWitnesses: Bool = true) throws {
        for (values, part) in [(network.weights.storage, "weights"), (network.biases, "biases"), (network.head.coefficient, "output coefficients")] {
            if let bad = values.first(where: { !$0.isFinite }) { throw ExactError.nonFinite(value: bad, operation: "WitnessCheck: the network's \(part)") }
        }
        self.network = network
        coefficients = try network.head.coefficient.map { try Rational(exactly: $0) }
        guard coefficientWitnesses else { gram = nil; return }
        let m = network.weights.rows
        var gram = [[Rational]](repeating: [], count: m)
        for r in 0..<m { for s in 0..<m { gram[r].append(s < r ? gram[s][r] : try exactDot(network.weights.row(r), network.weights.row(s))) } }
        self.gram = gram
    }

    /// ‖δ‖^power if the witness proves the radius at most that; nil if it does not.
    /// `preactivations`: ⟨w_r, x⟩ + b_r exactly, if already formed (`MarginNetwork.preactivations`).
    public func provenMeasure(_ x: [Double], label y: Int, _ witness: ExactRadius.Witness, power: Int,
                              preactivations given: [Rational]? = nil) throws -> Rational? {
        let z = try given ?? MarginNetwork.preactivations(network, x)
        guard let u = try preactivations(z, witness.coefficients, witness.delta) else { return nil }
        let measure: Rational
        if power == 2 {
            if let delta = witness.delta { measure = delta.reduce(Rational(0)) { $0 + $1 * $1 } }
            else if let beta = witness.coefficients {
                // ‖Σβ_r w_r‖² = βᵀ(G·β) and G·β = u − z, already formed.
                measure = beta.indices.reduce(Rational(0)) { beta[$1].isZero ? $0 : $0 + beta[$1] * (u[$1] - z[$1]) }
            } else { return nil }
        } else {
            guard let delta = witness.delta else { return nil }
            measure = delta.map(\.magnitude).max() ?? Rational(0)
        }
        let at = outputs(u)
        if !classified(at, y) { return measure }
        guard let v = try preactivations(z, witness.interiorCoefficients, witness.interiorDelta), !classified(outputs(v), y) else { return nil }
        let interior = outputs(v)
        let own = network.head.outputs == 1 ? nil : y
        for j in 0..<max(1, network.head.outputs) where j != own {
            // Binary: the margin against y = −1 is f itself; k classes: F_j − F_y, which only the
            // neurons of outputs j and y enter — those must keep their signs along the segment.
            let g = { (F: [Rational]) in own.map { F[j] - F[$0] } ?? (y < 0 ? F[0] : -F[0]) }
            let entering = u.indices.filter { own == nil || [j, y].contains(network.head.neuronOutput[$0]) }
            guard entering.allSatisfy({ !((u[$0].signum > 0 && v[$0].signum < 0) || (u[$0].signum < 0 && v[$0].signum > 0)) }) else { continue }
            if g(at).signum >= 0 && g(interior).signum > 0 { return measure }
        }
        return nil
    }

    /// z(x + δ) exactly, for δ = Σ_r β_r w_r or δ itself.
    func preactivations(_ z: [Rational], _ beta: [Rational]?, _ delta: [Rational]?) throws -> [Rational]? {
        let m = z.count
        if let delta {
            guard delta.count == network.weights.columns else { return nil }
            return try (0..<m).map { r in
                var s = z[r]
                for i in delta.indices where !delta[i].isZero { s += delta[i] * (try Rational(exactly: network.weights[r, i])) }
                return s
            }
        }
        guard let beta, beta.count == m, let gram else { return nil }
        return (0..<m).map { r in
            var s = z[r]
            for t in 0..<m where !beta[t].isZero { s += gram[r][t] * beta[t] }
            return s
        }
    }

    /// The logits Σ_{r→o} a_r ReLU(u_r), exactly.
    func outputs(_ u: [Rational]) -> [Rational] {
        var out = [Rational](repeating: Rational(0), count: network.head.outputs)
        for r in u.indices where u[r].signum > 0 {
            out[network.head.neuronOutput[r]] += coefficients[r] * u[r]
        }
        return out
    }

    /// Whether the logits classify as y (binary: ±1 with +1 iff f > 0; k classes: argmax, ties to the lowest index).
    func classified(_ logits: [Rational], _ y: Int) -> Bool {
        if logits.count == 1 { return (logits[0].signum > 0 ? 1 : -1) == y }
        var best = 0
        for j in 1..<logits.count where logits[j] > logits[best] { best = j }
        return best == y
    }
}
