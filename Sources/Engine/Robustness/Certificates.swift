import Exact

/// Exact robustness certificates: every Double is a dyadic rational, so weights and inputs convert
/// exactly and piecewise-linear models can be evaluated, and their robustness decided, with no
/// rounding. Square roots are never taken: distances are compared through their squares.
/// Derivations: Proofs/robustness.md.
public enum Certificates {
    /// The logits of a network at x, exactly.
    public static func exactLogits(_ network: TwoLayerNetwork, _ x: [Double]) throws -> [Rational] {
        let theta = try network.parameters.map { try Rational(exactly: $0) }
        return try network.referenceLogits(parameters: theta, input: try x.map { try Rational(exactly: $0) })
    }

    /// The exact decision: sign of the logit (0 counts as −1, as in `predictions`) or the argmax
    /// (ties → the lowest index).
    public static func exactDecision(_ network: TwoLayerNetwork, _ x: [Double]) throws -> Int {
        let f = try exactLogits(network, x)
        if f.count == 1 { return f[0].signum > 0 ? 1 : -1 }
        var best = 0
        for j in 1..<f.count where f[j] > f[best] { best = j }
        return best
    }

    /// A certified ℓ2 radius of f_robust (one neuron per cluster feature μ_j, bias b, second layer
    /// +1 on J₊ and −1 on J₋) at x with label y, returned squared: every ‖ρ‖² < r² keeps the decision.
    /// With a_j = ⟨μ_j, x⟩ + b, a perturbation changes a_j by at most ‖μ_j‖·‖ρ‖ (Cauchy–Schwarz), so
    /// the own-class neuron c with a_c > 0 stays active while ‖ρ‖ < a_c/‖μ_c‖ and every opposite-class
    /// neuron with a_l < 0 stays inactive while ‖ρ‖ ≤ −a_l/‖μ_l‖; then f(x+ρ) ≥ ReLU(a_c + …) > 0 for
    /// y = +1 (same-class terms are ≥ 0), symmetrically for y = −1. r² = min(max_c a_c²/‖μ_c‖²,
    /// min_l a_l²/‖μ_l‖²); nil when no own-class neuron is active or an opposite one is not inactive.
    public static func robustModelRadiusSquared(_ network: TwoLayerNetwork, x: [Double], label: Int) throws -> Rational? {
        let xq = try x.map { try Rational(exactly: $0) }
        var own: Rational? = nil, opposite: Rational? = nil
        for r in 0..<network.neurons {
            let w = try network.weights.row(r).map { try Rational(exactly: $0) }
            let a = try exactDot(w, xq) + (try Rational(exactly: network.biases[r]))
            let bound = try (a * a) / squaredNorm(w)
            let sameClass = (network.head.coefficient[r] > 0) == (label == 1)
            if sameClass {
                if a.signum > 0, own == nil || bound > own! { own = bound }
            } else {
                guard a.signum < 0 else { return nil }
                if opposite == nil || bound < opposite! { opposite = bound }
            }
        }
        guard let own else { return nil }
        return opposite.map { min(own, $0) } ?? own
    }

    /// Whether the averaged-feature attack of size δ (given as δ² ≥ 0) changes the decision of a
    /// one-output two-layer ReLU network at (x, y): the exact sign of f at x + δ·y·u/‖u‖.
    /// With q = ‖u‖², t = δ/√q, each pre-activation is z_r + t·c_r (c_r = y⟨w_r, u⟩) and, on the
    /// active set, f = A + t·B; the sign of P·√q + δ·Q is decided from the signs of P, Q and the
    /// comparison of P²q with δ²Q², so √q and δ are never formed.
    public static func averagedAttackFlips(_ network: TwoLayerNetwork, x: [Double], label: Int, direction u: [Double],
                                           deltaSquared: Rational) throws -> Bool {
        precondition(network.outputs == 1 && network.patches == 1 && network.activation == .relu)
        let uq = try u.map { try Rational(exactly: $0) }, q = squaredNorm(uq)
        let xq = try x.map { try Rational(exactly: $0) }, y = Rational(label)
        /// sign(P·√q + δ·Q) with δ = √(deltaSquared) ≥ 0.
        func sign(_ p: Rational, _ qq: Rational) -> Int {
            let sp = p.signum, sq = qq.signum
            if sq == 0 || deltaSquared.isZero { return sp }
            if sp == 0 || sp == sq { return sp == 0 ? sq : sp }
            let lhs = p * p * q, rhs = deltaSquared * qq * qq
            return lhs > rhs ? sp : (lhs < rhs ? sq : 0)
        }
        var a = Rational.zero, b = Rational.zero
        for r in 0..<network.neurons {
            let w = try network.weights.row(r).map { try Rational(exactly: $0) }
            let z = try exactDot(w, xq) + (try Rational(exactly: network.biases[r]))
            let c = y * (try exactDot(w, uq))
            guard sign(z, c) > 0 else { continue }  // ReLU′(0) := 0: a neuron exactly at 0 contributes 0
            let coefficient = try Rational(exactly: network.head.coefficient[r])
            a += coefficient * z
            b += coefficient * c
        }
        let decision = sign(a, b) > 0 ? 1 : -1
        return decision != label
    }

    /// Zero robust training error of the ℓ∞ memorisation network at radius δ, decided exactly: on the
    /// box ‖x' − x_i‖∞ ≤ δ the own term is ≥ 1 − δ/ε > 0 iff δ < ε, and an opposite-label term
    /// ReLU(1 − ‖x' − x_j‖∞/ε) vanishes on the whole box iff ‖x_i − x_j‖∞ − δ ≥ ε (the box's
    /// nearest point to x_j is at ℓ∞ distance max(0, ‖x_i − x_j‖∞ − δ)); same-label terms are ≥ 0.
    /// Returns the indices of the training points that are NOT certified (empty: certified).
    public static func memorizationUncertified(_ network: RobustMemorizationNetwork, radius delta: Rational) throws -> [Int] {
        let eps = try Rational(exactly: network.epsilon)
        guard delta < eps else { return Array(network.points.indices) }
        let points = try network.points.map { try $0.map { try Rational(exactly: $0) } }
        return network.points.indices.filter { i in
            points.indices.contains { j in
                guard network.labels[j] != network.labels[i] else { return false }
                let distance = zip(points[i], points[j]).map { ($0 - $1).magnitude }.max() ?? .zero
                return distance - delta < eps
            }
        }
    }
}
