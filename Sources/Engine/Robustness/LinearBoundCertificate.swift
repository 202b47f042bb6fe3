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
        return IntervalCertificate.perSample(network, data, parallelism) { z, error, y in excluded(network, z, error, label: y, epsilon: epsilon, threat) }
    }

    /// Each sample's certified radius by the doubling-and-bisection search of
    /// `IntervalCertificate.certifiedRadii` (sound whatever the search's path).
    /// With `rivals`, only the classes `rivals(y)` must be excluded for a sample labelled y: the
    /// certificate of a decision that y need only beat those — e.g. the binary reading of a k-class
    /// net by groups (argmax → group, `GroupedClassifier`), robust wherever its clean top class y
    /// beats every class of the other group (then the argmax stays in y's group).
    ///
    /// With a `grid` (increasing radii), each radius is the largest grid radius r_i certified
    /// together with every smaller one (−1 where the grid's first radius is not certified): the
    /// certified robust accuracy on that grid at the cost of a few certificates per sample instead
    /// of a bisection's sixty.
    public static func certifiedRadii(_ network: TwoLayerNetwork, _ data: Dataset, basis: Matrix?,
                                      norm: AttackConfig.Norm = .l2, rivals: (@Sendable (Int) -> [Int])? = nil, grid: [Double]? = nil,
                                      parallelism: Parallelism = .machine) -> [Double] {
        let threat = Threat(network, basis: basis, norm: norm)
        return IntervalCertificate.perSample(network, data, parallelism) { z, error, y in
            let search = grid.map { radii in { (certifiedAt: (Double) -> Bool) in radii.prefix(while: certifiedAt).last ?? -1 } }
                ?? IntervalCertificate.largestCertifiedRadius
            return search { epsilon in
                let excluded = excluded(network, z, error, label: y, epsilon: epsilon, threat)
                return rivals.map { $0(y).allSatisfy { excluded[$0] } } ?? excluded.allSatisfy { $0 }
            }
        }
    }

    /// Each neuron's direction in the coordinates where the dual norm is taken (B·w_r, or w_r), its
    /// dual norm s_r, and the interval certificate's gains where σ is nondecreasing.
    struct Threat: Sendable {
        let directions: [[Double]]
        /// A bound on the dual norm of each direction's rounding error (0 without a subspace: the
        /// directions are the rows themselves).
        let directionErrors: [Double]
        /// Upper bounds on the exact dual norms of the directions.
        let gains: [Double]
        let norm: AttackConfig.Norm
        let monotone: Bool

        init(_ network: TwoLayerNetwork, basis: Matrix?, norm: AttackConfig.Norm) {
            precondition(norm == .l2 || basis == nil, "an ℓ∞ threat model lives in the whole patch space")
            let d = network.inputDimension
            // B·w_r in Double: each coordinate within γ_d·Σ_t |B_it w_t| of the exact one.
            let gamma = Double(d) * 0x1p-53 / (1 - Double(d) * 0x1p-53) * (1 + 1e-6)
            var errors: [[Double]] = []
            directions = (0..<network.neurons).map { r in
                let w = network.weights.row(r)
                guard let basis else { errors.append([]); return w }
                errors.append((0..<basis.rows).map { i in gamma * (0..<d).reduce(0.0) { $0 + abs(basis[i, $1] * w[$1]) } + Double(d) * 0x1p-1074 })
                return (0..<basis.rows).map { i in (0..<d).reduce(0.0) { $0 + basis[i, $1] * w[$1] } }
            }
            directionErrors = errors.map { $0.isEmpty ? 0 : IntervalCertificate.safeGain(Self.dualNorm($0, norm), dimension: $0.count) }
            gains = zip(directions, errors).map { v, e in
                IntervalCertificate.safeGain(Self.dualNorm(e.isEmpty ? v : zip(v, e).map { abs($0) + $1 }, norm), dimension: v.count)
            }
            self.norm = norm
            monotone = IntervalCertificate.applies(to: network)
        }

        static func dualNorm(_ v: [Double], _ norm: AttackConfig.Norm) -> Double {
            norm == .linf ? v.reduce(0) { $0 + abs($1) } : v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
    }

    /// The exclusions at one sample from its pre-activations z (z[r·P + p]).
    static func excluded(_ network: TwoLayerNetwork, _ z: [Double], _ error: [Double], label y: Int, epsilon: Double, _ threat: Threat) -> [Bool] {
        let interval = threat.monotone
            ? IntervalCertificate.excluded(network, z, label: y, shift: IntervalCertificate.shifts(threat.gains, error, epsilon: epsilon)) : nil
        let k = network.outputs, head = network.head
        if k == 1 {
            let c = head.coefficient.map { Double(y) * $0 }
            return [interval?[0] == true || marginBound(network, z, error, c, epsilon: epsilon, threat)]
        }
        return (0..<k).map { j in
            if j == y || interval?[j] == true { return true }
            let c = (0..<network.neurons).map { r in
                head.neuronOutput[r] == y ? head.coefficient[r] : head.neuronOutput[r] == j ? -head.coefficient[r] : 0
            }
            return marginBound(network, z, error, c, epsilon: epsilon, threat)
        }
    }

    /// One term c_r·σ(z_rp + ⟨w_r, δ_p⟩) of the margin with the line that replaces σ.
    struct Term {
        let r: Int, p: Int, c: Double, z: Double, spread: Double, l: Double, u: Double
        /// The bound on |z − exact z| (`IntervalCertificate.preActivationsWithError`).
        var error: Double = 0
        var line: Activation.Line
        /// Where a movable line touches σ (σ′(touching) = its slope).
        var touching: Double = 0
        /// The range of lower-line slopes [σ′(l), σ′(u)] where the line may move (c ≥ 0, σ convex).
        let slopes: ClosedRange<Double>?
    }

    /// Whether the linear lower bound of Σ_{r,p} c_r·σ(z_rp + ⟨w_r, δ_p⟩) over the threat set is
    /// positive beyond the slack. First with the lines of `Activation.relaxation`; if that does not
    /// certify and σ is convex, the lower lines' slopes are moved (α-CROWN: Xu et al., ICLR 2021) by
    /// 40 steps of sign-gradient ascent on the bound, which is concave in them — every iterate is a
    /// sound bound, so the search only needs to find one that clears the slack.
    static func marginBound(_ network: TwoLayerNetwork, _ z: [Double], _ error: [Double], _ c: [Double], epsilon: Double, _ threat: Threat) -> Bool {
        let sigma = network.activation, convex = sigma.supportingLine(slope: 0) != nil
        var terms: [Term] = []
        for p in 0..<network.patches {
            for r in c.indices where c[r] != 0 {
                let zr = z[r * network.patches + p], spread = (epsilon * threat.gains[r]).nextUp
                // [l, u] holds the exact pre-activation's range: z's rounding error added, then rounded outward.
                let widen = error[r * network.patches + p]
                let (l, u) = ((zr - spread - widen).nextDown.nextDown, (zr + spread + widen).nextUp.nextUp)
                // A range beyond the Double range (weights or inputs near 1e308): nothing is certified.
                guard l.isFinite && u.isFinite else { return false }
                let relaxation = sigma.relaxation(on: l, u)
                let movable = c[r] >= 0 && convex && sigma.derivative(l) < sigma.derivative(u)
                var term = Term(r: r, p: p, c: c[r], z: zr, spread: spread, l: l, u: u, line: c[r] >= 0 ? relaxation.lower : relaxation.upper,
                                slopes: movable ? sigma.derivative(l)...sigma.derivative(u) : nil)
                term.error = widen
                if movable { (term.line, term.touching) = sigma.supportingLine(slope: relaxation.lower.slope)! }
                terms.append(term)
            }
        }
        var (certified, gradient) = evaluate(terms, network.patches, epsilon: epsilon, threat)
        guard !certified, terms.contains(where: { $0.slopes != nil }) else { return certified }
        var step = 0.3
        for _ in 0..<40 {
            for (i, term) in terms.enumerated() {
                guard let range = term.slopes, gradient[i] != 0 else { continue }
                let slope = min(max(term.line.slope + (gradient[i] > 0 ? step : -step) * (range.upperBound - range.lowerBound), range.lowerBound), range.upperBound)
                (terms[i].line, terms[i].touching) = sigma.supportingLine(slope: slope)!
            }
            (certified, gradient) = evaluate(terms, network.patches, epsilon: epsilon, threat)
            if certified { return true }
            step *= 0.85
        }
        return false
    }

    /// The bound with the terms' lines: whether it clears the slack, and its derivative in each
    /// term's slope, c·(z − t) − ε·c·⟨∇‖v_p‖_*, w_r⟩ (t the touching point; used for movable terms).
    static func evaluate(_ terms: [Term], _ patches: Int, epsilon: Double, _ threat: Threat) -> (Bool, [Double]) {
        let dimension = threat.directions.first?.count ?? 0
        var bound = 0.0, magnitude = 0.0
        // v_p = Σ_{terms of patch p} c·slope·w_r, one flat row per patch (added term by term, in order).
        var flat = [Double](repeating: 0, count: patches * dimension)
        flat.withUnsafeMutableBufferPointer { vp in
            for term in terms {
                // The line at the exact z differs from its value at z by at most |slope|·error; the
                // direction's own rounding moves ⟨·, δ_p⟩ by at most ε·|c·slope|·(its error's dual norm).
                bound += term.c * term.line(term.z) - abs(term.c * term.line.slope) * (term.error + epsilon * threat.directionErrors[term.r])
                magnitude += abs(term.c) * (abs(term.line.slope) * (max(abs(term.l), abs(term.u)) + term.spread) + abs(term.line.intercept))
                let weight = term.c * term.line.slope
                guard weight != 0 else { continue }
                threat.directions[term.r].withUnsafeBufferPointer { w in
                    let row = vp.baseAddress! + term.p * dimension
                    for i in 0..<dimension { row[i] += weight * w[i] }
                }
            }
        }
        let v = (0..<patches).map { Array(flat[($0 * dimension)..<(($0 + 1) * dimension)]) }
        var normGradient = [[Double]](repeating: [], count: patches)
        for p in 0..<patches {
            let norm = Threat.dualNorm(v[p], threat.norm)
            bound -= epsilon * norm
            normGradient[p] = threat.norm == .linf ? v[p].map { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 } : v[p].map { norm > 0 ? $0 / norm : 0 }
        }
        let certified = bound > 1e-9 * magnitude + 1e-300
        let gradient = terms.map { term -> Double in
            guard term.slopes != nil else { return 0 }
            let direction = threat.directions[term.r]
            let along = zip(normGradient[term.p], direction).reduce(0.0) { $0 + $1.0 * $1.1 }
            return term.c * (term.z - term.touching) - epsilon * term.c * along
        }
        return (certified, gradient)
    }
}
