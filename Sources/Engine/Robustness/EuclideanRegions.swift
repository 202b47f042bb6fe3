import Exact

/// The ℓ2 region programs (Proofs/robustness.md, "Exact radii"): min ‖δ‖₂ over a region's m + 1
/// constraints, whose normals all lie in span{w_r}, so the program is solved in coordinates of
/// the rows (rows L_r of a factor with L·Lᵀ = W·Wᵀ, numerical rank k ≤ min(m, d); dependent rows
/// are fine) by least-distance programming (`LeastDistance`).
///
/// Sound parts: a hyperplane's measure z_r²/‖w_r‖²; the dual bound (Σλ_j h_j)²/‖Σλ_j g_j‖² with
/// ‖Σλ_j g_j‖² = γᵀ(W·Wᵀ)γ, γ = Σλ_j C_j, all in outward-rounded intervals from the exact data;
/// the relaxation's bound with each line's validity checked on an interval that provably holds
/// the pre-activation's range; the exact optimum by the KKT system of the float active set in
/// rationals (multipliers ≥ 0 and every constraint checked exactly).
struct EuclideanRegions: RegionGeometry {
    let margin: MarginNetwork
    /// Rows L_r with ⟨L_r, L_s⟩ ≈ ⟨w_r, w_s⟩, and ‖w_r‖ in floating point.
    let embedding: [[Double]]
    let norms: [Double]
    static var power: Int { 2 }

    init(_ margin: MarginNetwork) {
        self.margin = margin
        let m = margin.neurons
        var gram = Matrix(rows: m, columns: m)
        for r in 0..<m { for s in 0..<m { gram[r, s] = Double(margin.gram[r][s]) } }
        let l = Cholesky.pivotedFactor(gram)
        embedding = (0..<m).map { l.row($0) }
        norms = (0..<m).map { gram[$0, $0].squareRoot() }
    }

    func hyperplaneDistance(_ r: Int, _ p: MarginPoint) -> Double {
        norms[r] > 0 ? abs(p.zUnits[r]) / norms[r] : (p.z[r].isZero ? 0 : .infinity)
    }

    func hyperplaneMeasure(_ r: Int, _ p: MarginPoint) -> Double {
        let g = margin.gramIntervals[r][r]
        guard g.hi > 0 else { return p.z[r].isZero ? 0 : .infinity }  // w_r = 0: the hyperplane is empty or everything
        return (p.zIntervals[r].squared / g).lo
    }

    func normals(_ pattern: [Bool], _ p: MarginPoint) -> (g: [[Double]], h: [Double]) {
        let m = pattern.count, k = embedding.first?.count ?? 0
        var g: [[Double]] = [], h: [Double] = []
        var decision = [Double](repeating: 0, count: k), value = 0.0
        for r in 0..<m {
            g.append(pattern[r] ? embedding[r] : embedding[r].map { -$0 })
            h.append(pattern[r] ? -p.zUnits[r] : p.zUnits[r])
            if pattern[r] {
                for i in 0..<k { decision[i] -= p.cDouble[r] * embedding[r][i] }
                value += p.cDouble[r] * p.zUnits[r]
            }
        }
        return (g + [decision], h + [value])
    }

    func solve(_ pattern: [Bool], _ p: MarginPoint) -> RegionOutcome {
        let (g, h) = normals(pattern, p)
        switch LeastDistance.solveOrCertify(normals: g, bounds: h) {
        case let .feasible(s): return .solved(.init(distance: s.norm, multipliers: s.multipliers))
        case let .empty(farkas): return .empty(farkas: farkas)
        }
    }

    func dualMeasure(_ rows: SoundRows, _ multipliers: [Double]) -> Double {
        guard let (gamma, value) = rows.combined(multipliers), value.lo > 0 else { return 0 }
        var norm = Interval(exactly: 0)
        for r in gamma.indices where gamma[r] != Interval(exactly: 0) {
            for s in gamma.indices where gamma[s] != Interval(exactly: 0) { norm += gamma[r] * margin.gramIntervals[r][s] * gamma[s] }
        }
        guard norm.hi > 0 else { return .infinity }  // Σλ_j g_j = 0 and Σλ_j h_j > 0: the region is empty
        return max(0, (value.squared.lo / norm.hi).nextDown)
    }

    func exactOptimum(_ pattern: [Bool], _ solution: RegionOutcome.Solution, _ p: MarginPoint) throws -> ExactOptimum? {
        let (active, lambda) = try kktMultipliers(pattern, solution, p)
        return try checkKKT(pattern, active: active, multipliers: lambda, p)
    }

    /// Every active set of at most min(m, d) rows (while there are at most `Exhaustive.subsets`,
    /// and while `budget` lasts), smallest first, as a KKT system in rationals: the first whose multipliers are ≥ 0 and whose
    /// point passes `checkKKT` is the region's optimum. A nonempty region's optimum has multipliers
    /// on independent active rows, at most rank ≤ min(m, d) of them, so one of these systems gives
    /// it — found here also where the float program missed it (a near-tie taken as active, a
    /// region it called empty). nil when none passes or there are too many sets.
    func exhaustiveOptimum(_ pattern: [Bool], _ p: MarginPoint, budget: inout Int) throws -> ExactOptimum? {
        let rows = exactRegionRows(pattern, p)
        guard let sets = Exhaustive.subsets(of: rows.c.count, upTo: min(margin.neurons, margin.inputDimension)) else { return nil }
        let gc = rows.c.map { margin.gramTimes($0) }
        for set in sets {
            guard budget > 0 else { return nil }
            budget -= 1
            guard let lambda = try Self.kktSolution(set, rows, gc), lambda.allSatisfy({ $0.signum >= 0 }) else { continue }
            if let optimum = try checkKKT(pattern, active: set, multipliers: lambda, rows) { return optimum }
        }
        return nil
    }

    /// The KKT system K_A λ_A = h_A of the active rows A, K_ij = c_iᵀ(G·c_j) (`gc` = G·c_j for every
    /// row), solved by Bareiss elimination; nil when it is singular. O(|A|²) sparse rational dots.
    static func kktSolution(_ set: [Int], _ rows: (c: [[Rational]], h: [Rational]), _ gc: [[Rational]]) throws -> [Rational]? {
        guard !set.isEmpty else { return [] }
        let k = try RationalMatrix(rows: set.map { i in set.map { sparseDot(rows.c[i], gc[$0]) } })
        return try? Bareiss.solve(k, set.map { rows.h[$0] })
    }

    /// The float active set's KKT system solved in rationals (largest multipliers first; rows
    /// dependent on those before them are left out, which gives the same point).
    func kktMultipliers(_ pattern: [Bool], _ solution: RegionOutcome.Solution, _ p: MarginPoint) throws -> (active: [Int], multipliers: [Rational]) {
        let rows = exactRegionRows(pattern, p)
        // G·c_j for every row (a sign row's is ± a column of G: no products), then
        // K_ij = c_iᵀ(G·c_j) with c_i sparse: O(m²) rational products for the whole matrix.
        let gc = rows.c.map { margin.gramTimes($0) }
        // The active set, largest multipliers first; dependent rows are skipped (an independent
        // subset with the same span gives the same KKT point).
        let ranked = solution.multipliers.indices.filter { solution.multipliers[$0] > 0 }.sorted { solution.multipliers[$0] > solution.multipliers[$1] }
        func solveKKT(_ set: [Int]) throws -> [Rational]? { try Self.kktSolution(set, rows, gc) }
        var active = ranked
        var lambda: [Rational] = ranked.isEmpty ? [] : (try solveKKT(ranked) ?? [])
        if !ranked.isEmpty && lambda.isEmpty {
            active = []
            for j in ranked {
                if let solution = try solveKKT(active + [j]) { active.append(j); lambda = solution }
            }
        }
        return (active, lambda)
    }

    /// The proof of a region's exact optimum: multipliers λ_A ≥ 0 on the active rows A with
    /// δ = Σ_A λ_j g_j satisfying ⟨g_j, δ⟩ = h_j on A (the KKT system) and every row of the region,
    /// all checked in rationals. Then δ is feasible and, by the KKT conditions of a convex program,
    /// optimal: ‖δ‖² = Σ_A λ_j h_j is the region's squared distance. nil when a check fails.
    func checkKKT(_ pattern: [Bool], active: [Int], multipliers lambda: [Rational], _ p: MarginPoint) throws -> ExactOptimum? {
        try checkKKT(pattern, active: active, multipliers: lambda, exactRegionRows(pattern, p))
    }

    /// `checkKKT` on the region's exact rows, formed once by the caller.
    func checkKKT(_ pattern: [Bool], active: [Int], multipliers lambda: [Rational], _ rows: (c: [[Rational]], h: [Rational])) throws -> ExactOptimum? {
        let (c, h) = rows
        let m = pattern.count
        guard lambda.count == active.count, lambda.allSatisfy({ $0.signum >= 0 }) else { return nil }
        var gamma = [Rational](repeating: Rational(0), count: m)
        for (index, j) in active.enumerated() { for r in 0..<m where !c[j][r].isZero { gamma[r] += lambda[index] * c[j][r] } }
        let gGamma = margin.gramTimes(gamma)  // ⟨w_r, δ⟩ for δ = Σ_s γ_s w_s
        for j in c.indices {
            let value = sparseDot(c[j], gGamma)
            guard !(value < h[j]) else { return nil }  // δ = Σ_r γ_r w_r is in the region's set
            if let index = active.firstIndex(of: j), lambda[index].signum > 0, value != h[j] { return nil }  // complementary slackness
        }
        var measure = Rational(0)
        for (index, j) in active.enumerated() { measure += lambda[index] * h[j] }
        return ExactOptimum(measure: measure, coefficients: gamma)
    }

    /// Coefficients β of a point x + Σβ_s w_s of the region `pattern` with μ_S < 0 (exactly).
    func interiorPoint(_ pattern: [Bool], _ p: MarginPoint) throws -> [Rational]? {
        try Self.interiorCoefficients(pattern, p, margin)
    }

    /// Independent rows: β with pre-activations z + W·Wᵀβ = e_r·max|z| for some r ∈ S with c_r < 0
    /// (neuron r alone active, so μ_S = c_r·max|z| < 0). Otherwise (or if that system is singular)
    /// a vertex of {β : the region's sign rows, |β_i| ≤ R} minimising μ_S, found by the simplex in
    /// floating point and re-solved on its basis in rationals; kept if exactly feasible with μ_S < 0.
    static func interiorCoefficients(_ pattern: [Bool], _ p: MarginPoint, _ margin: MarginNetwork) throws -> [Rational]? {
        let m = pattern.count
        let unit = p.z.map(\.magnitude).max().map { $0.isZero ? Rational(1) : $0 } ?? Rational(1)
        let k = try RationalMatrix(rows: margin.gram)
        if let r = (0..<m).first(where: { pattern[$0] && p.c[$0].signum < 0 }),
           let beta = try? Bareiss.solve(k, (0..<m).map { ($0 == r ? unit : Rational(0)) - p.z[$0] }) {
            return beta
        }
        return try interiorByProgram(pattern, p, margin)
    }

    /// The program of `interiorCoefficients` in standard form, in the point's units: variables
    /// (β⁺, β⁻, s, e⁺, e⁻), rows σ_r·(G(β⁺ − β⁻))_r − s_r = −σ_r z_r, β^±_i + e^±_i = R (R = 2²⁰),
    /// cost Σ_S c_r (G(β⁺ − β⁻))_r.
    static func interiorByProgram(_ pattern: [Bool], _ p: MarginPoint, _ margin: MarginNetwork) throws -> [Rational]? {
        let m = pattern.count, n = 5 * m, rows = 3 * m
        let box = 1 << 20
        let gram = margin.gram.map { $0.map { Double($0) } }
        var a = Matrix(rows: rows, columns: n)
        var b = [Double](repeating: Double(box), count: rows)
        var cost = [Double](repeating: 0, count: n)
        for r in 0..<m {
            let sigma = pattern[r] ? 1.0 : -1.0
            for s in 0..<m { a[r, s] = sigma * gram[r][s]; a[r, m + s] = -sigma * gram[r][s] }
            a[r, 2 * m + r] = -1
            b[r] = -sigma * p.zUnits[r]
            a[m + r, r] = 1; a[m + r, 3 * m + r] = 1
            a[2 * m + r, m + r] = 1; a[2 * m + r, 4 * m + r] = 1
            if pattern[r] { for s in 0..<m { cost[s] += p.cDouble[r] * gram[r][s]; cost[m + s] -= p.cDouble[r] * gram[r][s] } }
        }
        guard case let .optimal(solution) = LinearProgram.minimize(cost, equalities: a, b), solution.rows.count == rows else { return nil }
        // The same basis in rationals, original units (the sign rows' right-hand sides are −σ_r z_r).
        func column(_ j: Int) -> [Rational] {
            var col = [Rational](repeating: Rational(0), count: rows)
            switch j {
            case 0..<m: for r in 0..<m { col[r] = pattern[r] ? margin.gram[r][j] : -margin.gram[r][j] }; col[m + j] = Rational(1)
            case m..<(2 * m): for r in 0..<m { col[r] = pattern[r] ? -margin.gram[r][j - m] : margin.gram[r][j - m] }; col[2 * m + j - m] = Rational(1)
            case (2 * m)..<(3 * m): col[j - 2 * m] = Rational(-1)
            case (3 * m)..<(4 * m): col[m + j - 3 * m] = Rational(1)
            default: col[2 * m + j - 4 * m] = Rational(1)
            }
            return col
        }
        let boxRational = try Rational(BigInt(box)).timesPowerOfTwo(p.unitExponent)
        let rhs = (0..<m).map { pattern[$0] ? -p.z[$0] : p.z[$0] } + [Rational](repeating: boxRational, count: 2 * m)
        let basis = solution.basis.map(column)
        guard let xB = try? Bareiss.solve(try RationalMatrix(rows: (0..<rows).map { i in basis.map { $0[i] } }), rhs),
              xB.allSatisfy({ $0.signum >= 0 }) else { return nil }
        var x = [Rational](repeating: Rational(0), count: n)
        for (index, j) in solution.basis.enumerated() { x[j] = xB[index] }
        let beta = (0..<m).map { x[$0] - x[m + $0] }
        var mu = Rational(0)
        for r in 0..<m {
            var u = p.z[r]
            for s in 0..<m where !beta[s].isZero { u += margin.gram[r][s] * beta[s] }
            guard pattern[r] ? u.signum >= 0 : u.signum <= 0 else { return nil }
            if pattern[r] { mu += p.c[r] * u }
        }
        return mu.signum < 0 ? beta : nil
    }

    /// A lower bound on the distance from x to the fooling points within `radius` (units) whose
    /// pattern agrees with `pattern` on the `fixed` neurons: the least-distance program of the
    /// subtree's relaxation (`SubtreeRelaxation`, spread radius·‖w_r‖₂), and its dual bound on
    /// enclosed data once every line is proven valid (nil when a check fails: the subtree is then
    /// searched).
    func relaxation(_ pattern: [Bool], fixed: ArraySlice<Int>, free: ArraySlice<Int>, _ p: MarginPoint,
                    within radius: Double) -> (distance: Double, sound: () -> Double?)? {
        let relaxed = SubtreeRelaxation(pattern, fixed: fixed, free: free, p) { radius * norms[$0] }
        let (g, h) = relaxed.normals(embedding.first?.count ?? 0) { embedding[$0] }
        let distance: Double, multipliers: [Double]
        switch LeastDistance.solveOrCertify(normals: g, bounds: h) {
        case let .feasible(s): (distance, multipliers) = (s.norm, s.multipliers)
        case let .empty(farkas): (distance, multipliers) = (.infinity, farkas)
        }
        return (distance, {
            let r2 = Interval(exactly: radius).squared
            /// [l, u] ⊇ [z − radius·‖w‖, z + radius·‖w‖]: z − l ≥ 0 with (z − l)² ≥ radius²·‖w‖², and likewise u − z.
            let rows = relaxed.sound(p) { r, l, u in
                let below = p.zIntervals[r] - Interval(exactly: l), above = Interval(exactly: u) - p.zIntervals[r]
                let spread = r2 * margin.gramIntervals[r][r]
                return below.lo >= 0 && above.lo >= 0 && below.squared.lo >= spread.hi && above.squared.lo >= spread.hi
            }
            return rows.map { dualMeasure($0, multipliers) }
        })
    }
}

/// Σ_r u_r v_r over the nonzero u_r (u sparse: a sign row has one).
func sparseDot(_ u: [Rational], _ v: [Rational]) -> Rational {
    var s = Rational(0)
    for r in u.indices where !u[r].isZero { s += u[r] * v[r] }
    return s
}

extension MarginNetwork {
    /// (W·Wᵀ)·v exactly, skipping v's zeros (a sign row's coefficient vector has one nonzero).
    func gramTimes(_ v: [Rational]) -> [Rational] {
        let nonzero = v.indices.filter { !v[$0].isZero }
        if nonzero.count == 1 {
            let t = nonzero[0], scale = v[t]
            if scale == Rational(1) { return gram.map { $0[t] } }
            if scale == Rational(-1) { return gram.map { -$0[t] } }
        }
        return gram.map { row in
            var s = Rational(0)
            for t in nonzero { s += row[t] * v[t] }
            return s
        }
    }
}
