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
    static var power: Int { 1 }

    init(_ margin: MarginNetwork) {
        self.margin = margin
        let w = margin.weights
        l1Norms = (0..<w.rows).map { w.row($0).reduce(0) { $0 + abs($1) } }
        l1Upper = (0..<w.rows).map { w.row($0).reduce(Interval(exactly: 0)) { $0 + Interval(exactly: abs($1)) }.hi }
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
        var decision = [Double](repeating: 0, count: d), value = 0.0
        for r in 0..<m where pattern[r] {
            for i in 0..<d { decision[i] -= p.cDouble[r] * w[r, i] }
            value += p.cDouble[r] * p.zUnits[r]
        }
        g.append(decision)
        h.append(value)
        return (g, h)
    }

    func solve(_ pattern: [Bool], _ p: MarginPoint) -> RegionOutcome {
        let (g, h) = constraints(pattern, p)
        let d = margin.inputDimension, count = g.count
        let (c, a, b) = Self.program(g, h, d)
        if case let .optimal(solution) = LinearProgram.minimize(c, equalities: a, b) {
            let lambda = (0..<count).map { max(0, solution.reducedCosts[2 * d + 1 + $0]) }
            return .solved(.init(distance: solution.objective, multipliers: lambda, basis: solution.basis, rows: solution.rows.count))
        }
        // Infeasible (or a numerical failure): multipliers from the least-distance program.
        switch LeastDistance.solveOrCertify(normals: g, bounds: h) {
        case let .empty(farkas): return .empty(farkas: farkas)
        case let .feasible(s): return .empty(farkas: s.multipliers)
        }
    }

    /// Variables (δ⁺, δ⁻, t, s, e, f) of sizes (d, d, 1, p, d, d); cost t.
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

    /// The float basis re-solved in rationals: A_B·x_B = b and A_Bᵀ·y = c_B by Bareiss
    /// elimination, then x_B ≥ 0 and c_j − yᵀA_j ≥ 0 for every column checked exactly — the
    /// basis is optimal, t = x_B's t exactly, and δ = δ⁺ − δ⁻ is an optimal point.
    func exactOptimum(_ pattern: [Bool], _ solution: RegionOutcome.Solution, _ p: MarginPoint) throws -> ExactOptimum? {
        let w = margin.weights, m = w.rows, d = w.columns, rowsCount = m + 1
        guard solution.rows == rowsCount + 2 * d, !solution.basis.isEmpty else { return nil }  // a dropped row: not proven
        let (coefficients, h) = exactRegionRows(pattern, p)
        let wExact = try (0..<m).map { r in try w.row(r).map { try Rational(exactly: $0) } }
        let g: [[Rational]] = coefficients.map { cj in
            (0..<d).map { i in
                var s = Rational(0)
                for r in 0..<m where !cj[r].isZero { s += cj[r] * wExact[r][i] }
                return s
            }
        }
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

    func relaxation(_ pattern: [Bool], fixed: ArraySlice<Int>, free: ArraySlice<Int>, _ p: MarginPoint,
                    within: Double) -> (distance: Double, sound: () -> Double?)? { nil }
}
