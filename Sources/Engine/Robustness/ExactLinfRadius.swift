import Exact

/// The exact minimal ℓ∞ adversarial radius of a binary two-layer ReLU network (Proofs/robustness.md,
/// "Exact ℓ∞ radii"): the fooling sets and the region enumeration of `ExactRadius`, with each
/// region's program
///
///     min t  subject to  ⟨g_j, δ⟩ ≥ h_j (the pattern's m sign constraints and y·f_S(x + δ) ≤ 0),  ‖δ‖∞ ≤ t,
///
/// a linear program in the input space (δ = δ⁺ − δ⁻ with δ^± ≤ t; `LinearProgram`), and subtrees
/// pruned when a flipped neuron's hyperplane is at least the best radius away in ℓ∞ (|z_r|/‖w_r‖₁,
/// Hölder). Unlike ℓ2 the constraints do not reduce to span{w_r}: the program has 4d + m + 2
/// variables, so this is for small inputs (d ≤ `maximumDimension`).
///
/// What is exact: the winning region's optimal basis is re-solved in rationals (the program's data
/// — the w_r, Σ_S a_r w_r, ⟨w_r, x⟩ + b_r — are formed exactly from the Double weights), and primal
/// feasibility (x_B ≥ 0) and dual feasibility (every reduced cost ≥ 0) are checked exactly, which
/// proves the basis optimal: the returned t is the exact ℓ∞ distance within that region. The region
/// choice rests on floating-point values, as for ℓ2.
public struct ExactLinfRadius: BinaryExactRadius {
    public let network: TwoLayerNetwork
    /// The largest input dimension accepted (the verification solves a (2d + m + 1)-square system in rationals).
    public static let maximumDimension = 64

    public init(_ network: TwoLayerNetwork) throws {
        guard network.head.outputs == 1, network.activation == .relu, network.patches == 1 else {
            throw ExactRadius.NotApplicable(description: "exact ℓ∞ radii need a binary two-layer ReLU network on one patch")
        }
        guard network.inputDimension <= Self.maximumDimension else {
            throw ExactRadius.NotApplicable(description: "exact ℓ∞ radii need d ≤ \(Self.maximumDimension) (this network: d = \(network.inputDimension))")
        }
        self.network = network
    }

    /// ρ∞(x, y) for the input `x` with label `y` ∈ {−1, +1}; 0 when x is misclassified. A finite
    /// `upperBound` limits the search to fooling points nearer than it (radius ∞ when there are
    /// none), as in `ExactRadius`; `pruning` is accepted for the shared interface (the hyperplane
    /// bound is always used, the relaxation is ℓ2's).
    public func radius(of x: [Double], label y: Int, upperBound: Double = .infinity,
                       pruning: ExactRadius.Pruning = .flippedHyperplanes) throws -> ExactRadius.PointRadius {
        let w = network.weights, m = w.rows, a = network.head.coefficient
        let z = (0..<m).map { r in zip(w.row(r), x).reduce(network.biases[r]) { $0 + $1.0 * $1.1 } }
        let active = z.map { $0 > 0 }
        let f = zip(a, z).reduce(0.0) { $0 + $1.0 * max($1.1, 0) }
        if y > 0 ? f <= 0 : f > 0 {
            return ExactRadius.PointRadius(radius: 0, squaredRadius: Rational(0), pattern: active, regionsSolved: 0, attained: true)
        }
        let dualNorms = (0..<m).map { w.row($0).reduce(0) { $0 + abs($1) } }
        let order = (0..<m).sorted { abs(z[$0]) / dualNorms[$0] < abs(z[$1]) / dualNorms[$1] }
        var candidates: [(distance: Double, pattern: [Bool], solution: LinearProgram.Solution)] = []
        var best = upperBound, solved = 0
        var pattern = active
        func descend(_ depth: Int, _ cost: Double) {
            guard pruning == .none || cost < best * (1 + 1e-9) else { return }
            if depth == m {
                let (g, h) = constraints(pattern, z, y: Double(y))
                if y < 0 && g[m].allSatisfy({ $0 == 0 }) { return }
                solved += 1
                let (c, matrix, b) = program(g, h)
                guard case let .optimal(solution) = LinearProgram.minimize(c, equalities: matrix, b) else { return }
                if solution.objective < best * (1 + 1e-9) {
                    candidates.append((solution.objective, pattern, solution))
                    best = min(best, solution.objective)
                }
                return
            }
            let r = order[depth]
            descend(depth + 1, cost)
            pattern[r].toggle()
            descend(depth + 1, max(cost, abs(z[r]) / dualNorms[r]))
            pattern[r].toggle()
        }
        descend(0, 0)
        if upperBound.isFinite { candidates.removeAll { !($0.distance < upperBound) } }
        let near = candidates.filter { $0.distance <= best * (1 + 1e-9) }.sorted { $0.distance < $1.distance }
        guard let first = near.first else {
            return ExactRadius.PointRadius(radius: .infinity, squaredRadius: nil, pattern: active, regionsSolved: solved, attained: y > 0)
        }
        let exactZ = try (0..<m).map { r in try exactDot(w.row(r), x) + Rational(exactly: network.biases[r]) }
        var verified: (value: Rational, index: Int)?
        for (index, candidate) in near.enumerated() {
            if let value = try verify(candidate.pattern, candidate.solution, exactZ, y: y), verified.map({ value < $0.value }) ?? true {
                verified = (value, index)
            }
        }
        let winner = verified.map { near[$0.index] } ?? first
        let d = x.count
        let delta = (0..<d).map { winner.solution.x[$0] - winner.solution.x[d + $0] }
        guard let verified else {
            return ExactRadius.PointRadius(radius: first.distance, squaredRadius: nil, pattern: first.pattern, regionsSolved: solved,
                                           attained: y > 0, perturbation: delta)
        }
        // `squaredRadius` holds ρ∞² so that the field means the same for both norms.
        return ExactRadius.PointRadius(radius: Double(verified.value), squaredRadius: verified.value * verified.value, pattern: winner.pattern,
                                       regionsSolved: solved, attained: y > 0, perturbation: delta)
    }

    /// The region's constraints ⟨g_j, δ⟩ ≥ h_j in input space: ±w_r ≥ ∓z_r, then the decision
    /// −y·Σ_{r∈S} a_r w_r ≥ y·Σ_{r∈S} a_r z_r.
    func constraints(_ pattern: [Bool], _ z: [Double], y: Double) -> (g: [[Double]], h: [Double]) {
        let w = network.weights, m = w.rows, d = w.columns
        var g = (0..<m).map { r in pattern[r] ? w.row(r) : w.row(r).map { -$0 } }
        var h = (0..<m).map { pattern[$0] ? -z[$0] : z[$0] }
        var decision = [Double](repeating: 0, count: d), value = 0.0
        for r in 0..<m where pattern[r] {
            let c = y * network.head.coefficient[r]
            for i in 0..<d { decision[i] -= c * w[r, i] }
            value += c * z[r]
        }
        g.append(decision)
        h.append(value)
        return (g, h)
    }

    /// The standard form: variables (δ⁺, δ⁻, t, s, e, f) of sizes (d, d, 1, p, d, d); rows
    /// g_j·δ⁺ − g_j·δ⁻ − s_j = h_j, δ⁺_i − t + e_i = 0, δ⁻_i − t + f_i = 0; cost t.
    func program(_ g: [[Double]], _ h: [Double]) -> (c: [Double], a: Matrix, b: [Double]) {
        let p = g.count, d = network.inputDimension
        let n = 4 * d + 1 + p, rows = p + 2 * d
        var a = Matrix(rows: rows, columns: n)
        for j in 0..<p {
            for i in 0..<d { a[j, i] = g[j][i]; a[j, d + i] = -g[j][i] }
            a[j, 2 * d + 1 + j] = -1
        }
        for i in 0..<d {
            a[p + i, i] = 1; a[p + i, 2 * d] = -1; a[p + i, 2 * d + 1 + p + i] = 1
            a[p + d + i, d + i] = 1; a[p + d + i, 2 * d] = -1; a[p + d + i, 3 * d + 1 + p + i] = 1
        }
        var c = [Double](repeating: 0, count: n)
        c[2 * d] = 1
        return (c, a, h + [Double](repeating: 0, count: 2 * d))
    }

    /// The floating-point optimal basis re-solved in rationals: A_B·x_B = b and A_Bᵀ·y = c_B by
    /// Bareiss elimination, then x_B ≥ 0 and c_j − yᵀA_j ≥ 0 for every column checked exactly.
    /// Returns the exact optimum t = c_Bᵀx_B, or nil when a check fails or A_B is singular.
    func verify(_ pattern: [Bool], _ solution: LinearProgram.Solution, _ z: [Rational], y: Int) throws -> Rational? {
        let w = network.weights, m = w.rows, d = w.columns, p = m + 1
        // The exact constraint data.
        var g: [[Rational]] = try (0..<m).map { r in try w.row(r).map { try Rational(exactly: pattern[r] ? $0 : -$0) } }
        var h: [Rational] = (0..<m).map { pattern[$0] ? Rational(0) - z[$0] : z[$0] }
        var decision = [Rational](repeating: Rational(0), count: d), value = Rational(0)
        for r in 0..<m where pattern[r] {
            let c = Rational(y) * (try Rational(exactly: network.head.coefficient[r]))
            for i in 0..<d { decision[i] -= c * (try Rational(exactly: w[r, i])) }
            value += c * z[r]
        }
        g.append(decision)
        h.append(value)
        let n = 4 * d + 1 + p
        func column(_ k: Int) -> [Rational] {
            var col = [Rational](repeating: Rational(0), count: p + 2 * d)
            switch k {
            case 0..<d: for j in 0..<p { col[j] = g[j][k] }; col[p + k] = Rational(1)
            case d..<(2 * d): for j in 0..<p { col[j] = Rational(0) - g[j][k - d] }; col[p + d + (k - d)] = Rational(1)
            case 2 * d: for i in 0..<(2 * d) { col[p + i] = Rational(-1) }
            case (2 * d + 1)..<(2 * d + 1 + p): col[k - 2 * d - 1] = Rational(-1)
            case (2 * d + 1 + p)..<(3 * d + 1 + p): col[p + (k - 2 * d - 1 - p)] = Rational(1)
            default: col[p + d + (k - 3 * d - 1 - p)] = Rational(1)
            }
            return col
        }
        guard solution.rows.count == p + 2 * d else { return nil }  // a redundant row: not verified
        let b = h + [Rational](repeating: Rational(0), count: 2 * d)
        let basisColumns = solution.basis.map(column)
        let rows = p + 2 * d
        let ab = try RationalMatrix(rows: (0..<rows).map { i in basisColumns.map { $0[i] } })
        let abT = try RationalMatrix(rows: basisColumns)
        let cost = { (k: Int) in k == 2 * d ? Rational(1) : Rational(0) }
        guard let xB = try? Bareiss.solve(ab, b), xB.allSatisfy({ $0.signum >= 0 }),
              let dual = try? Bareiss.solve(abT, solution.basis.map(cost)) else { return nil }
        let inBasis = Set(solution.basis)
        for k in 0..<n where !inBasis.contains(k) {
            let col = column(k)
            var reduced = cost(k)
            for i in 0..<rows where !col[i].isZero { reduced -= dual[i] * col[i] }
            guard reduced.signum >= 0 else { return nil }
        }
        var t = Rational(0)
        for (index, k) in solution.basis.enumerated() where k == 2 * d { t = xB[index] }
        return t
    }
}
