/// Certified robustness of a two-layer patch network by linear bound propagation (CROWN; Zhang et
/// al., NeurIPS 2018; Proofs/robustness.md, "Linear bounds"), in the threat models of
/// `IntervalCertificate`. For a class pair (y, j) the margin F_y − F_j = Σ_{r,p} c_r·σ(z_rp + ⟨w_r, δ_p⟩)
/// (c_r = a_r on y's neurons, −a_r on j's, y·a_r for one output) is bounded from below by replacing
/// each σ with the line below it (c_r ≥ 0) or above it (c_r < 0) on the pre-activation's exact range
/// [z_rp − ε·s_r, z_rp + ε·s_r] (`Activation.relaxation`). The result is affine in δ, so its minimum
/// over the threat set is in closed form:
///
///     F_y − F_j ≥ Σ_{r,p} c_r·ℓ_rp(z_rp) − ε·Σ_p ‖Σ_r c_r·α_rp·w_r‖_*,
///
/// with α_rp the line's slope and ‖·‖_* the dual norm of the threat set (‖B·v‖₂ in the subspace of
/// `basis`, ‖v‖₂ in the whole patch space, ‖v‖₁ for ℓ∞). Where the interval bound treats every neuron
/// as moved by its own worst δ_p, this one lets one δ_p act on all neurons at once, so directions that
/// cancel across neurons cost nothing — and it needs no monotone σ (the square works too). A class is
/// excluded when this bound, or the interval one where σ is nondecreasing, is positive by more than a
/// slack of 1e-9 times the magnitudes summed (each line's |c|·(|α|·max(|l|, |u|) + |β|), and
/// ε·|c·α|·s_r per dual-norm term) — far above the rounding of the lines (a few ulps, see
/// `Activation.relaxation`) and of the sums (a relative n·2⁻⁵³ for n ≤ 10⁵ terms); each interval is
/// widened by a relative 10⁻¹² for the rounding of z_rp, so the lines hold where the exact z lies.
public enum LinearBoundCertificate {
    /// Which samples are certified robust at radius ε.
    public static func certified(_ network: TwoLayerNetwork, _ data: Dataset, epsilon: Double, basis: Matrix?,
                                 norm: AttackConfig.Norm = .l2, parallelism: Parallelism = .machine) -> [Bool] {
        excludedClasses(network, data, epsilon: epsilon, basis: basis, norm: norm, parallelism: parallelism).map { $0.allSatisfy { $0 } }
    }

    /// For each sample of label y and each class j, whether j is certified never to beat y within
    /// radius ε (true at j = y; one output: a single entry, the point's certificate).
    public static func excludedClasses(_ network: TwoLayerNetwork, _ data: Dataset, epsilon: Double, basis: Matrix?,
                                       norm: AttackConfig.Norm = .l2, parallelism: Parallelism = .machine) -> [[Bool]] {
        let threat = Threat(network, basis: basis, norm: norm)
        return IntervalCertificate.perSample(network, data, parallelism) { z, y in excluded(network, z, label: y, epsilon: epsilon, threat) }
    }

    /// Each sample's certified radius by the doubling-and-bisection search of
    /// `IntervalCertificate.certifiedRadii` (sound whatever the search's path).
    public static func certifiedRadii(_ network: TwoLayerNetwork, _ data: Dataset, basis: Matrix?,
                                      norm: AttackConfig.Norm = .l2, parallelism: Parallelism = .machine) -> [Double] {
        let threat = Threat(network, basis: basis, norm: norm)
        return IntervalCertificate.perSample(network, data, parallelism) { z, y in
            IntervalCertificate.largestCertifiedRadius { excluded(network, z, label: y, epsilon: $0, threat).allSatisfy { $0 } }
        }
    }

    /// Each neuron's direction in the coordinates where the dual norm is taken (B·w_r, or w_r), its
    /// dual norm s_r, and the interval certificate's gains where σ is nondecreasing.
    struct Threat: Sendable {
        let directions: [[Double]]
        let gains: [Double]
        let norm: AttackConfig.Norm
        let monotone: Bool

        init(_ network: TwoLayerNetwork, basis: Matrix?, norm: AttackConfig.Norm) {
            precondition(norm == .l2 || basis == nil, "an ℓ∞ threat model lives in the whole patch space")
            let d = network.inputDimension
            directions = (0..<network.neurons).map { r in
                let w = network.weights.row(r)
                guard let basis else { return w }
                return (0..<basis.rows).map { i in (0..<d).reduce(0.0) { $0 + basis[i, $1] * w[$1] } }
            }
            gains = directions.map { Self.dualNorm($0, norm) }
            self.norm = norm
            monotone = IntervalCertificate.applies(to: network)
        }

        static func dualNorm(_ v: [Double], _ norm: AttackConfig.Norm) -> Double {
            norm == .linf ? v.reduce(0) { $0 + abs($1) } : v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
    }

    /// The exclusions at one sample from its pre-activations z (z[r·P + p]).
    static func excluded(_ network: TwoLayerNetwork, _ z: [Double], label y: Int, epsilon: Double, _ threat: Threat) -> [Bool] {
        let interval = threat.monotone
            ? IntervalCertificate.excluded(network, z, label: y, shift: threat.gains.map { epsilon * $0 }) : nil
        let k = network.outputs, head = network.head
        if k == 1 {
            let c = head.coefficient.map { Double(y) * $0 }
            return [interval?[0] == true || marginBound(network, z, c, epsilon: epsilon, threat)]
        }
        return (0..<k).map { j in
            if j == y || interval?[j] == true { return true }
            let c = (0..<network.neurons).map { r in
                head.neuronOutput[r] == y ? head.coefficient[r] : head.neuronOutput[r] == j ? -head.coefficient[r] : 0
            }
            return marginBound(network, z, c, epsilon: epsilon, threat)
        }
    }

    /// Whether the linear lower bound of Σ_{r,p} c_r·σ(z_rp + ⟨w_r, δ_p⟩) over the threat set is
    /// positive beyond the slack.
    static func marginBound(_ network: TwoLayerNetwork, _ z: [Double], _ c: [Double], epsilon: Double, _ threat: Threat) -> Bool {
        let patches = network.patches, dimension = threat.directions.first?.count ?? 0
        var bound = 0.0, magnitude = 0.0
        var v = [Double](repeating: 0, count: dimension)
        for p in 0..<patches {
            for i in v.indices { v[i] = 0 }
            for r in c.indices where c[r] != 0 {
                let zr = z[r * patches + p], spread = epsilon * threat.gains[r]
                let widen = 1e-12 * (abs(zr) + spread)
                let (l, u) = (zr - spread - widen, zr + spread + widen)
                let relaxation = network.activation.relaxation(on: l, u)
                let line = c[r] >= 0 ? relaxation.lower : relaxation.upper
                bound += c[r] * line(zr)
                magnitude += abs(c[r]) * (abs(line.slope) * max(abs(l), abs(u)) + abs(line.intercept) + abs(line.slope) * spread)
                let weight = c[r] * line.slope
                if weight != 0 { for i in v.indices { v[i] += weight * threat.directions[r][i] } }
            }
            bound -= epsilon * Threat.dualNorm(v, threat.norm)
        }
        return bound > 1e-9 * magnitude + 1e-300
    }
}
