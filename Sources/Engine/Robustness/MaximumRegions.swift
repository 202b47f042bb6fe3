import Exact

/// The ℓ∞ region programs (Proofs/robustness.md, "Exact ℓ∞ radii"): on a pattern's region
///
///     min t  subject to  ⟨g_j, δ⁺ − δ⁻⟩ − s_j = h_j,  δ⁺_i − t + e_i = 0,  δ⁻_i − t + f_i = 0,  all ≥ 0,
///
/// a linear program in the input space (4d + m + 2 columns; `LinearProgram`), for small inputs.
///
/// Sound parts: a hyperplane's measure |z_r|/‖w_r‖₁ (Hölder); the dual bound Σλ_j h_j/‖Σλ_j g_j‖₁
/// in outward-rounded intervals, with λ the surplus columns' reduced costs (the optimal duals) or,
/// for an empty region, a Farkas vector of its least-distance program; the exact optimum by the
/// float basis re-solved in rationals with primal and dual feasibility checked exactly.
struct MaximumRegions: RegionGeometry {
    let margin: MarginNetwork
    let l1Norms: [Double]
    let l1Upper: [Double]
    let exactWeights: [[Rational]]
    static var power: Int { 1 }

    init(_ margin: MarginNetwork) throws {
        self.margin = margin
        let w = margin.weights
        l1Norms = (0..<w.rows).map { w.row($0).reduce(0) { $0 + abs($1) } }
        l1Upper = (0..<w.rows).map { w.row($0).reduce(Interval(exactly: 0)) { $0 + Interval(exactly: abs($1)) }.hi }
        exactWeights = try (0..<w.rows).map { r in try w.row(r).map { try Rational(exactly: $0) } }
    }

    func hyperplaneDistance(_ r: Int, _ p: MarginPoint) -> Double {
        l1Norms[r] > 0 ? abs(p.zUnits[r]) / l1Norms[r] : (p.z[r].isZero ? 0 : .infinity)
    }

    func hyperplaneMeasure(_ r: Int, _ p: MarginPoint) -> Double {
        guard l1Upper[r] > 0 else { return p.z[r].isZero ? 0 : .infinity }
        let z = p.zIntervals[r], magnitude = z.lo >= 0 ? z.lo : (z.hi <= 0 ? -z.hi : 0)
        return (Interval(exactly: magnitude) / Interval(exactly: l1Upper[r])).lo
    }

    /// The region's constraints ⟨g_j, δ⟩ ≥ h_j in input space and units.
    func constraints(_ pattern: [Bool], _ p: MarginPoint) -> (g: [[Double]], h: [Double]) {
        let w = margin.weights, m = w.rows, d = w.columns
        var g = (0..<m).map { r in pattern[r] ? w.row(r) : w.row(r).map { -$0 } }
        var h = (0..<m).map { pattern[$0] ? -p.zUnits[$0] : p.zUnits[$0] }
        var decision = [Double](repeating: 0, count: d), value = 0.0, magnitude = 0.0
        for r in 0..<m where pattern[r] {
            for i in 0..<d { decision[i] -= p.cDouble[r] * w[r, i] }
            value += p.cDouble[r] * p.zUnits[r]
            magnitude += abs(p.cDouble[r] * p.zUnits[r])
        }
        // Next to the decision boundary the sum cancels: its correctly rounded value from the exact one.
        if abs(value) < 1e-8 * magnitude {
            var exact = Rational(0)
            for r in 0..<m where pattern[r] { exact += p.c[r] * p.z[r] }
            value = Double((try? exact.timesPowerOfTwo(-p.unitExponent)) ?? exact)
        }
        g.append(decision)
        h.append(value)
        return (g, h)
    }

    /// The bounded-variable program (`LeastMaximumNorm`); where its minimiser violates a row by
    /// more than 10⁻⁹ of the row's magnitude (badly scaled rows), the standard-form program
    /// (`LinearProgram`) and, if that finds no optimum, the Farkas vector of the least-distance program.
    func solve(_ pattern: [Bool], _ p: MarginPoint) -> RegionOutcome {
        let (g, h) = constraints(pattern, p)
        if case let .solved(norm, point, multipliers) = LeastMaximumNorm.solve(normals: g, bounds: h),
           g.indices.allSatisfy({ j in
               let terms = zip(g[j], point).map { $0 * $1 }
               return terms.reduce(0, +) - h[j] >= -1e-9 * (terms.reduce(0) { $0 + abs($1) } + abs(h[j]))
           }) {
            return .solved(.init(distance: norm, multipliers: multipliers, point: point))
        }
        let d = margin.inputDimension
        let (c, a, b) = Self.program(g, h, d)
        if case let .optimal(solution) = LinearProgram.minimize(c, equalities: a, b) {
            let lambda = (0..<g.count).map { max(0, solution.reducedCosts[2 * d + 1 + $0]) }
            return .solved(.init(distance: solution.objective, multipliers: lambda, basis: solution.basis, rows: solution.rows.count,
                                 point: (0..<d).map { solution.x[$0] - solution.x[d + $0] }))
        }
        switch LeastDistance.solveOrCertify(normals: g, bounds: h) {
        case let .empty(farkas): return .empty(farkas: farkas)
        case let .feasible(s): return .empty(farkas: s.multipliers)
        }
    }

    /// The region program as one standard-form linear program, for `basisOptimum`: variables
    /// (δ⁺, δ⁻, t, s, e, f) of sizes (d, d, 1, p, d, d); cost t.
    static func program(_ g: [[Double]], _ h: [Double], _ d: Int) -> (c: [Double], a: Matrix, b: [Double]) {
        let p = g.count
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

    func dualMeasure(_ rows: SoundRows, _ multipliers: [Double]) -> Double {
        guard let (gamma, value) = rows.combined(multipliers), value.lo > 0 else { return 0 }
        let w = margin.weights
        var norm = Interval(exactly: 0)
        for i in 0..<w.columns {
            var v = Interval(exactly: 0)
            for r in gamma.indices where gamma[r] != Interval(exactly: 0) && w[r, i] != 0 { v += gamma[r] * Interval(exactly: w[r, i]) }
            norm += Interval(exactly: max(abs(v.lo), abs(v.hi)))
        }
        guard norm.hi > 0 else { return .infinity }
        return max(0, (value.lo / norm.hi).nextDown)
    }

    /// The region's optimum proven in rationals. First from the float optimum's active sets — the
    /// rows J with a positive multiplier, the coordinates B at the box (δ_i = σ_i·t) and the free
    /// ones F — as two square systems of |J| = |F| + 1 equations,
    ///
    ///     M·(δ_F, t) = h_J   and   Mᵀλ_J = e_t,   M_j = (g_jF, Σ_{i∈B} σ_i g_ji),
    ///
    /// then checked: δ feasible (every row, |δ_F| ≤ t), λ ≥ 0, and λᵀh = t·‖Gᵀλ‖₁ — weak duality
    /// (λᵀh ≤ λᵀGδ′ ≤ ‖Gᵀλ‖₁‖δ′‖∞ for every feasible δ′) makes t the optimum. A degenerate vertex
    /// (|J| ≠ |F| + 1) or a failed check falls back to the standard-form program's optimal basis
    /// re-solved in rationals (`basisOptimum`).
    func exactOptimum(_ pattern: [Bool], _ solution: RegionOutcome.Solution, _ p: MarginPoint) throws -> ExactOptimum? {
        let (coefficients, h) = exactRegionRows(pattern, p)
        let g = coefficients.map(exactNormal)
        if let optimum = try activeSetOptimum(g, h, solution) { return optimum }
        if !solution.basis.isEmpty { return try basisOptimum(g, h, solution) }
        let (gFloat, hFloat) = constraints(pattern, p), d = margin.inputDimension
        let (c, a, b) = Self.program(gFloat, hFloat, d)
        guard case let .optimal(basic) = LinearProgram.minimize(c, equalities: a, b) else { return nil }
        return try basisOptimum(g, h, .init(distance: basic.objective, multipliers: [], basis: basic.basis, rows: basic.rows.count))
    }

    /// Σ_r C_jr w_r in rationals.
    func exactNormal(_ cj: [Rational]) -> [Rational] {
        let d = margin.inputDimension
        var s = [Rational](repeating: Rational(0), count: d)
        for r in cj.indices where !cj[r].isZero {
            if cj[r] == Rational(1) { for i in 0..<d where !exactWeights[r][i].isZero { s[i] += exactWeights[r][i] } }
            else if cj[r] == Rational(-1) { for i in 0..<d where !exactWeights[r][i].isZero { s[i] -= exactWeights[r][i] } }
            else { for i in 0..<d where !exactWeights[r][i].isZero { s[i] += cj[r] * exactWeights[r][i] } }
        }
        return s
    }

    func activeSetOptimum(_ g: [[Rational]], _ h: [Rational], _ solution: RegionOutcome.Solution) throws -> ExactOptimum? {
        let d = margin.inputDimension
        guard solution.point.count == d, solution.multipliers.count == g.count else { return nil }
        let t = solution.distance, delta = solution.point
        let largest = solution.multipliers.max() ?? 0
        guard t > 0, largest > 0 else { return nil }
        let atBox = (0..<d).filter { abs(delta[$0]) >= t * (1 - 1e-9) }, free = (0..<d).filter { abs(delta[$0]) < t * (1 - 1e-9) }
        let sigma = atBox.map { delta[$0] > 0 ? Rational(1) : Rational(-1) }
        let active = g.indices.filter { solution.multipliers[$0] > largest * 1e-12 }
        guard active.count == free.count + 1 else { return nil }
        let system: [[Rational]] = active.map { j in
            var boxed = Rational(0)
            for (k, i) in atBox.enumerated() where !g[j][i].isZero { boxed += sigma[k] * g[j][i] }
            return free.map { g[j][$0] } + [boxed]
        }
        let matrix = try RationalMatrix(rows: system), transposed = try RationalMatrix(rows: (0...free.count).map { c in system.map { $0[c] } })
        guard let primal = try? Bareiss.solve(matrix, active.map { h[$0] }),
              let lambda = try? Bareiss.solve(transposed, [Rational](repeating: Rational(0), count: free.count) + [Rational(1)]),
              lambda.allSatisfy({ $0.signum >= 0 }) else { return nil }
        let radius = primal[free.count]
        guard radius.signum > 0 else { return nil }
        var x = [Rational](repeating: Rational(0), count: d)
        for (k, i) in free.enumerated() {
            guard primal[k].magnitude <= radius else { return nil }
            x[i] = primal[k]
        }
        for (k, i) in atBox.enumerated() { x[i] = sigma[k] * radius }
        for j in g.indices { guard sparseDot(g[j], x) >= h[j] else { return nil } }
        var combined = [Rational](repeating: Rational(0), count: d), value = Rational(0)
        for (k, j) in active.enumerated() where !lambda[k].isZero {
            for i in 0..<d where !g[j][i].isZero { combined[i] += lambda[k] * g[j][i] }
            value += lambda[k] * h[j]
        }
        let norm = combined.reduce(Rational(0)) { $0 + $1.magnitude }
        guard norm.signum > 0, value == radius * norm else { return nil }
        return ExactOptimum(measure: radius, coefficients: nil, delta: x)
    }

    /// The float basis re-solved in rationals: A_B·x_B = b and A_Bᵀ·y = c_B by Bareiss
    /// elimination, then x_B ≥ 0 and c_j − yᵀA_j ≥ 0 for every column checked exactly — the
    /// basis is optimal, t = x_B's t exactly, and δ = δ⁺ − δ⁻ is an optimal point.
    func basisOptimum(_ g: [[Rational]], _ h: [Rational], _ solution: RegionOutcome.Solution) throws -> ExactOptimum? {
        let d = margin.inputDimension, rowsCount = g.count
        guard solution.rows == rowsCount + 2 * d, !solution.basis.isEmpty else { return nil }  // a dropped row: not proven
        let n = 4 * d + 1 + rowsCount, rows = rowsCount + 2 * d
        func column(_ k: Int) -> [Rational] {
            var col = [Rational](repeating: Rational(0), count: rows)
            switch k {
            case 0..<d: for j in 0..<rowsCount { col[j] = g[j][k] }; col[rowsCount + k] = Rational(1)
            case d..<(2 * d): for j in 0..<rowsCount { col[j] = -g[j][k - d] }; col[rowsCount + d + (k - d)] = Rational(1)
            case 2 * d: for i in 0..<(2 * d) { col[rowsCount + i] = Rational(-1) }
            case (2 * d + 1)..<(2 * d + 1 + rowsCount): col[k - 2 * d - 1] = Rational(-1)
            case (2 * d + 1 + rowsCount)..<(3 * d + 1 + rowsCount): col[rowsCount + (k - 2 * d - 1 - rowsCount)] = Rational(1)
            default: col[rowsCount + d + (k - 3 * d - 1 - rowsCount)] = Rational(1)
            }
            return col
        }
        let b = h + [Rational](repeating: Rational(0), count: 2 * d)
        let basisColumns = solution.basis.map(column)
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
        var x = [Rational](repeating: Rational(0), count: n)
        for (index, k) in solution.basis.enumerated() { x[k] = xB[index] }
        let delta = (0..<d).map { x[$0] - x[d + $0] }
        return ExactOptimum(measure: x[2 * d], coefficients: nil, delta: delta)
    }

    /// δ = Wᵀβ with z + W·Wᵀβ = e_r·|z|_max (neuron r alone active): nil when W·Wᵀ is singular.
    func interiorPoint(_ pattern: [Bool], _ p: MarginPoint) throws -> [Rational]? {
        guard let beta = try EuclideanRegions.interiorCoefficients(pattern, p, margin) else { return nil }
        let w = margin.weights
        return try (0..<w.columns).map { i in
            var s = Rational(0)
            for r in beta.indices where !beta[r].isZero { s += beta[r] * (try Rational(exactly: w[r, i])) }
            return s
        }
    }

    /// A lower bound on the ℓ∞ distance from x to the fooling points within `radius` (units) whose
    /// pattern agrees with `pattern` on the `fixed` neurons: the subtree's relaxation
    /// (`SubtreeRelaxation`, spread radius·‖w_r‖₁ by Hölder) as the region program's linear
    /// program, and its dual bound on enclosed data once every line is proven valid. A decision
    /// row that alone puts the subtree beyond `radius` (the bound value/‖Σ slope_r w_r‖₁) skips the program.
    func relaxation(_ pattern: [Bool], fixed: ArraySlice<Int>, free: ArraySlice<Int>, _ p: MarginPoint,
                    within radius: Double) -> (distance: Double, sound: () -> Double?)? {
        let relaxed = SubtreeRelaxation(pattern, fixed: fixed, free: free, p) { radius * l1Norms[$0] }
        let d = margin.inputDimension, w = margin.weights
        let (g, h) = relaxed.normals(d) { w.row($0) }
        let sound = { (multipliers: [Double]) -> Double? in
            let rows = relaxed.sound(p) { r, l, u in
                /// [l, u] ⊇ [z − radius·‖w‖₁, z + radius·‖w‖₁].
                let spread = (Interval(exactly: radius) * Interval(exactly: l1Upper[r])).hi
                let below = p.zIntervals[r] - Interval(exactly: l), above = Interval(exactly: u) - p.zIntervals[r]
                return below.lo >= spread && above.lo >= spread
            }
            return rows.map { dualMeasure($0, multipliers) }
        }
        // The decision row alone (λ = e_decision): its float bound first, the program only if it is not enough.
        let decisionNorm = g[g.count - 1].reduce(0) { $0 + abs($1) }
        let alone = [Double](repeating: 0, count: g.count - 1) + [1]
        if h[h.count - 1] > radius * decisionNorm * (1 + 1e-6) { return (h[h.count - 1] / decisionNorm, { sound(alone) }) }
        switch LeastMaximumNorm.solve(normals: g, bounds: h) {
        case let .solved(norm, _, multipliers): return (norm, { sound(multipliers) })
        case let .empty(farkas): return (.infinity, { sound(farkas) })
        case .undecided: return nil
        }
    }
}
