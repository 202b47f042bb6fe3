import Exact

/// The exact minimal ℓ2 adversarial radius of a binary two-layer ReLU network
///
///     f(x) = Σ_r a_r ReLU(⟨w_r, x⟩ + b_r),   ρ(x, y) = inf { ‖δ‖₂ : x + δ is not classified y },
///
/// with the engine's decision (+1 iff f > 0): for y = +1 the fooling set is {f ≤ 0}, for y = −1 it
/// is the open set {f > 0}, whose closure is taken region by region as {f_S ≥ 0} over the regions
/// where f is not identically 0 (a region where f_S ≥ 0 holds only on a lower-dimensional face would
/// still be counted — a measure-zero configuration that is not excluded).
///
/// by branch and bound over activation patterns (Proofs/robustness.md, "Exact radii"). On the
/// region of a pattern S (neuron r active iff r ∈ S) f is affine, so the distance from x to the part
/// of {y·f ≤ 0} inside that region is a least-distance program whose constraint normals — the w_r
/// and Σ_{r∈S} a_r w_r — all lie in span{w_r}; in the isometric coordinates w_r ↦ L_r (M = W·Wᵀ =
/// L·Lᵀ, Cholesky) it has m unknowns and m + 1 constraints (`LeastDistance`). Regions are enumerated
/// depth first over neurons sorted by the distance |⟨w_r, x⟩ + b_r|/‖w_r‖ to their hyperplane, and
/// a subtree is pruned by one of two sound lower bounds on the distance to any fooling point in it
/// (`Pruning`): the farthest flipped neuron's hyperplane (every point of the subtree's regions lies
/// beyond it), and the `relaxation` — the least-distance program over the fixed neurons' sign
/// constraints and a linear under-estimate of y·f valid in the ball of the best radius B found so
/// far (free neurons' ReLU bounded on [z_r − B‖w_r‖, z_r + B‖w_r‖] from below by 0 or z, from above
/// by the chord, as in CROWN): every fooling point of the subtree within B lies in that polyhedron,
/// so a polyhedron farther than B holds none.
///
/// What is exact: the winning region's program is re-solved in rationals — the Gram matrix of the
/// Double weights and the pre-activations ⟨w_r, x⟩ + b_r are formed exactly (`exactDot`), the
/// floating-point active set's KKT system is solved by Bareiss elimination, and the multipliers'
/// signs and every constraint are checked exactly — so `squaredRadius` is the exact squared distance
/// from x to the decision set within that region for the network's Double weights. What is not: the
/// choice of region rests on floating-point distances (regions whose float distance is within a
/// relative 1e-9 of the best are verified too, and the least verified value is returned).
public struct ExactRadius: Sendable {
    public let network: TwoLayerNetwork
    /// Rows L_r with ⟨L_r, L_s⟩ = ⟨w_r, w_s⟩.
    let embedding: [[Double]]
    let norms: [Double]
    /// ⟨w_r, w_s⟩ exactly.
    let gram: [[Rational]]

    public struct NotApplicable: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// One point's radius.
    public struct PointRadius: Sendable {
        /// ρ(x, y) in Double (the square root of `squaredRadius`, rounded, when verified).
        public var radius: Double
        /// ρ² exactly, when the winning region's optimality conditions were verified in rationals.
        public var squaredRadius: Rational?
        /// The activation pattern of the nearest point of the decision set.
        public var pattern: [Bool]
        /// The least-distance programs solved (regions not pruned).
        public var regionsSolved: Int
        /// Whether the fooling set is closed, so that a point at distance ρ fools (y = +1: {f ≤ 0});
        /// false when it is open and only approached (y = −1: {f > 0}).
        public var attained: Bool = true
        /// δ with ‖δ‖ = ρ and y·f(x + δ) = 0 up to rounding (from the floating-point solution of the
        /// winning region; empty for a misclassified x).
        public var perturbation: [Double] = []
        public var verified: Bool { squaredRadius != nil }
    }

    /// A binary head (one output), ReLU, one patch, and linearly independent neurons (W·Wᵀ positive
    /// definite); otherwise `NotApplicable`.
    public init(_ network: TwoLayerNetwork) throws {
        guard network.head.outputs == 1, network.activation == .relu, network.patches == 1 else {
            throw NotApplicable(description: "exact radii need a binary two-layer ReLU network on one patch")
        }
        let w = network.weights
        let m = w.rows
        var gramDouble = Matrix(rows: m, columns: m)
        var gram = [[Rational]](repeating: [], count: m)
        for r in 0..<m {
            for s in 0..<m {
                let exact = try exactDot(w.row(r), w.row(s))
                gram[r].append(exact)
                gramDouble[r, s] = Double(exact)
            }
        }
        let l: Matrix
        do { l = try Cholesky.factor(gramDouble) } catch {
            throw NotApplicable(description: "exact radii need linearly independent neurons (W·Wᵀ is not positive definite)")
        }
        self.network = network
        embedding = (0..<m).map { l.row($0) }
        norms = (0..<m).map { gramDouble[$0, $0].squareRoot() }
        self.gram = gram
    }

    /// How subtrees of activation patterns are pruned; every choice gives the same radius (up to the
    /// float tolerance of the region choice), at a different cost (Benchmarks: cost against m).
    public enum Pruning: Sendable, CaseIterable {
        /// Every region's program is solved.
        case none
        /// A subtree is skipped when a flipped neuron's hyperplane is at least the best radius away.
        case flippedHyperplanes
        /// As `flippedHyperplanes`, and a subtree is skipped when its linear relaxation is farther
        /// than the best radius.
        case relaxation
    }

    /// ρ(x, y) for the input `x` with label `y` ∈ {−1, +1}; 0 when x is misclassified. With a finite
    /// `upperBound` (a radius known to be reached, e.g. another class's or an attack's) the search
    /// only looks for fooling points nearer than it, and a point with none returns radius ∞
    /// (`regionsSolved` counted, nothing verified).
    public func radius(of x: [Double], label y: Int, upperBound: Double = .infinity,
                       pruning: Pruning = .relaxation) throws -> PointRadius {
        let m = network.weights.rows
        let a = network.head.coefficient
        let z = (0..<m).map { r in zip(network.weights.row(r), x).reduce(network.biases[r]) { $0 + $1.0 * $1.1 } }
        let active = z.map { $0 > 0 }
        let label = Double(y)
        let f = zip(a, z).reduce(0.0) { $0 + $1.0 * max($1.1, 0) }
        if y > 0 ? f <= 0 : f > 0 {
            return PointRadius(radius: 0, squaredRadius: Rational(0), pattern: active, regionsSolved: 0, attained: true)
        }
        let order = (0..<m).sorted { abs(z[$0]) / norms[$0] < abs(z[$1]) / norms[$1] }
        var candidates: [(distance: Double, pattern: [Bool], multipliers: [Double])] = []  // multipliers of the m + 1 constraints
        var best = upperBound, solved = 0
        var pattern = active
        func descend(_ depth: Int, _ cost: Double) {
            guard pruning == .none || cost < best * (1 + 1e-9) else { return }
            if depth > 0 && depth < m && pruning == .relaxation && best.isFinite
                && relaxedDistance(pattern, fixed: order[..<depth], free: order[depth...], z, y: label, within: best) > best * (1 + 1e-6) {
                return
            }
            if depth == m {
                let g = normals(pattern, y: label)
                // For y = −1 the fooling set {f > 0} is open: a region where f ≡ 0 holds none of it.
                if y < 0 && g[m].allSatisfy({ $0 == 0 }) { return }
                solved += 1
                guard let solution = LeastDistance.solve(normals: g, bounds: bounds(pattern, z, y: label)) else { return }
                let distance = solution.norm
                if distance < best * (1 + 1e-9) {
                    candidates.append((distance, pattern, solution.multipliers))
                    best = min(best, distance)
                }
                return
            }
            let r = order[depth]
            descend(depth + 1, cost)
            pattern[r].toggle()
            descend(depth + 1, max(cost, abs(z[r]) / norms[r]))
            pattern[r].toggle()
        }
        descend(0, 0)
        if upperBound.isFinite { candidates.removeAll { !($0.distance < upperBound) } }
        let near = candidates.filter { $0.distance <= best * (1 + 1e-9) }.sorted { $0.distance < $1.distance }
        guard let first = near.first else {
            return PointRadius(radius: .infinity, squaredRadius: nil, pattern: active, regionsSolved: solved, attained: y > 0)
        }
        let exactZ = try (0..<m).map { r in try exactDot(network.weights.row(r), x) + Rational(exactly: network.biases[r]) }
        var verified: (value: Rational, pattern: [Bool])?
        for candidate in near {
            if let value = try verify(candidate.pattern, candidate.multipliers, exactZ, y: y), verified.map({ value < $0.value }) ?? true {
                verified = (value, candidate.pattern)
            }
        }
        let winner = near.first { $0.pattern == verified?.pattern } ?? first
        let delta = perturbation(winner.pattern, winner.multipliers, y: label)
        guard let verified else {
            return PointRadius(radius: first.distance, squaredRadius: nil, pattern: first.pattern, regionsSolved: solved, attained: y > 0, perturbation: delta)
        }
        return PointRadius(radius: Double(verified.value).squareRoot(), squaredRadius: verified.value, pattern: verified.pattern,
                           regionsSolved: solved, attained: y > 0, perturbation: delta)
    }

    /// A lower bound on the distance from x to the fooling points within `radius` whose pattern
    /// agrees with `pattern` on the `fixed` neurons (∞ when there are none): the least-distance
    /// program of the fixed neurons' sign constraints and the relaxed decision
    ///
    ///     Σ_{r fixed active} c_r·z_r(δ) + Σ_{r free} ℓ_r(z_r(δ)) ≤ 0,   c_r = y·a_r,
    ///
    /// where ℓ_r under-estimates c_r·ReLU on z_r(δ) ∈ [l, u] = [z_r − radius·‖w_r‖, z_r + radius·‖w_r‖]:
    /// exact where the interval has one sign; for c_r ≥ 0 the line c_r·α·z (α = 1 where u ≥ −l, else
    /// 0), for c_r < 0 c_r times the chord u·(z − l)/(u − l) of ReLU from above. Every fooling point of
    /// those regions within `radius` satisfies these constraints. Rounding: the bound is a
    /// floating-point least-distance value, so callers prune only when it clears `radius` by a margin.
    func relaxedDistance(_ pattern: [Bool], fixed: ArraySlice<Int>, free: ArraySlice<Int>, _ z: [Double],
                         y: Double, within radius: Double) -> Double {
        let m = embedding.count, a = network.head.coefficient
        var g: [[Double]] = [], h: [Double] = []
        var decision = [Double](repeating: 0, count: m), value = 0.0
        /// Adds slope·z_r(δ) + intercept to the under-estimate of y·f.
        func add(_ r: Int, slope: Double, intercept: Double = 0) {
            guard slope != 0 else { return }
            for i in 0..<m { decision[i] -= slope * embedding[r][i] }
            value += slope * z[r] + intercept
        }
        for r in fixed {
            g.append(pattern[r] ? embedding[r] : embedding[r].map { -$0 })
            h.append(pattern[r] ? -z[r] : z[r])
            if pattern[r] { add(r, slope: y * a[r]) }
        }
        for r in free {
            let c = y * a[r], lower = z[r] - radius * norms[r], upper = z[r] + radius * norms[r]
            if upper <= 0 { continue }
            if lower >= 0 { add(r, slope: c); continue }
            if c >= 0 {
                if upper >= -lower { add(r, slope: c) }
            } else {
                let s = upper / (upper - lower)
                add(r, slope: c * s, intercept: -c * s * lower)
            }
        }
        g.append(decision)
        h.append(value)
        return LeastDistance.solve(normals: g, bounds: h)?.norm ?? .infinity
    }

    /// The constraint normals of a pattern's program in the embedding: ±L_r (active: ⟨w_r, δ⟩ ≥ −z_r;
    /// inactive: −⟨w_r, δ⟩ ≥ z_r), then the decision −y·Σ_{r∈S} a_r L_r.
    func normals(_ pattern: [Bool], y: Double) -> [[Double]] {
        let m = embedding.count
        var decision = [Double](repeating: 0, count: m)
        for r in 0..<m where pattern[r] { for i in 0..<m { decision[i] -= y * network.head.coefficient[r] * embedding[r][i] } }
        return (0..<m).map { r in pattern[r] ? embedding[r] : embedding[r].map { -$0 } } + [decision]
    }

    /// δ = Σ_j λ_j ĝ_j in input space (ĝ_r = ±w_r, ĝ_{m} = −y·Σ_{r∈S} a_r w_r).
    func perturbation(_ pattern: [Bool], _ multipliers: [Double], y: Double) -> [Double] {
        let m = pattern.count, w = network.weights
        var beta = (0..<m).map { multipliers[$0] * (pattern[$0] ? 1 : -1) }
        for r in 0..<m where pattern[r] { beta[r] -= multipliers[m] * y * network.head.coefficient[r] }
        return (0..<w.columns).map { i in (0..<m).reduce(0.0) { $0 + beta[$1] * w[$1, i] } }
    }

    func bounds(_ pattern: [Bool], _ z: [Double], y: Double) -> [Double] {
        (0..<z.count).map { pattern[$0] ? -z[$0] : z[$0] }
            + [y * (0..<z.count).reduce(0.0) { pattern[$1] ? $0 + network.head.coefficient[$1] * z[$1] : $0 }]
    }

    /// The pattern's program re-solved on the float active set in rationals: the KKT system
    /// K_A·λ_A = h_A (K = the constraints' exact Gram), then λ_A ≥ 0 and every constraint checked.
    /// Returns ρ² = λ_Aᵀ·h_A, or nil when a check fails or K_A is singular.
    func verify(_ pattern: [Bool], _ multipliers: [Double], _ z: [Rational], y: Int) throws -> Rational? {
        let m = pattern.count
        // Constraint j as coefficients over {w_r} and its bound.
        var coefficients: [[Rational]] = (0..<m).map { r in (0..<m).map { $0 == r ? Rational(pattern[r] ? 1 : -1) : Rational(0) } }
        var bounds: [Rational] = (0..<m).map { pattern[$0] ? Rational(0) - z[$0] : z[$0] }
        var decision = [Rational](repeating: Rational(0), count: m), value = Rational(0)
        for r in 0..<m where pattern[r] {
            let a = try Rational(exactly: network.head.coefficient[r])
            decision[r] = Rational(-y) * a
            value += a * z[r]
        }
        coefficients.append(decision)
        bounds.append(Rational(y) * value)
        func inner(_ i: Int, _ j: Int) -> Rational {
            var s = Rational(0)
            for r in 0..<m where !coefficients[i][r].isZero {
                for t in 0..<m where !coefficients[j][t].isZero { s += coefficients[i][r] * gram[r][t] * coefficients[j][t] }
            }
            return s
        }
        let activeSet = multipliers.indices.filter { multipliers[$0] > 0 }
        guard !activeSet.isEmpty else { return nil }  // x itself would be in the decision set
        let k = try RationalMatrix(rows: activeSet.map { i in activeSet.map { j in inner(i, j) } })
        guard let lambda = try? Bareiss.solve(k, activeSet.map { bounds[$0] }), lambda.allSatisfy({ $0.signum >= 0 }) else { return nil }
        for j in coefficients.indices {
            var lhs = Rational(0)
            for (index, i) in activeSet.enumerated() { lhs += lambda[index] * inner(j, i) }
            guard !(lhs < bounds[j]) else { return nil }
        }
        var squared = Rational(0)
        for (index, i) in activeSet.enumerated() { squared += lambda[index] * bounds[i] }
        return squared
    }
}
