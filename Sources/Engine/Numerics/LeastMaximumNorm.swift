/// The point of least ℓ∞ norm in a polyhedron {δ : ⟨g_j, δ⟩ ≥ h_j, j = 1…k}, in floating point
/// (the exact radii re-prove it in rationals; `MaximumRegions`).
///
/// With δ = u/s, t = 1/s the program min ‖δ‖∞ becomes a linear program in k rows over the box:
///
///     maximise s   subject to   ⟨g_j, u⟩ − s·h_j ≥ 0,   −1 ≤ u_i ≤ 1,   s ≥ 0,
///
/// whose optimum s* is 1/t* (t* = 0 when s is unbounded; the polyhedron is empty when s* = 0).
/// It is solved by the bounded-variable primal simplex on a k × (d + 1 + k) tableau — the box is
/// held by the bounds, not by 2d extra rows — from the feasible start u = 0, s = 0 (Dantzig's
/// rule, Bland's after 32 degenerate pivots in a row, which cannot cycle).
///
/// Its dual, min ‖Σ_j λ_j g_j‖₁ subject to Σ_j λ_j h_j ≥ 1, λ ≥ 0, gives the multipliers: any
/// λ ≥ 0 proves t ≥ Σλ_j h_j / ‖Σλ_j g_j‖₁ (Hölder), and at the optimum the bound is t*. For an
/// empty polyhedron λ is a Farkas vector (Σλ_j g_j = 0, Σλ_j h_j > 0).
public enum LeastMaximumNorm {
    public enum Outcome: Sendable {
        /// The least norm t, a minimiser δ and the multipliers λ ≥ 0 (one per row).
        case solved(norm: Double, point: [Double], multipliers: [Double])
        case empty(farkas: [Double])
        /// The iteration could not decide (a ray where every row's bound is not ≤ 0: rounding).
        case undecided
    }

    /// Each row is first scaled by a power of two to a largest entry (of g_j and h_j) in [1, 2),
    /// which changes neither the polyhedron nor δ (the multipliers are scaled back), so that the
    /// pivot tolerance is relative to every row.
    /// The program is homogeneous — bounds 2^e·h have the minimiser 2^e·δ — so h is first scaled
    /// by a power of two to a largest positive entry in [1, 2): a radius far below the rows'
    /// scale (a point next to a boundary) is then found as well as any other.
    public static func solve(normals: [[Double]], bounds unscaled: [Double], tolerance: Double = 1e-11) -> Outcome {
        let k = normals.count, d = normals.first?.count ?? 0
        precondition(unscaled.count == k && normals.allSatisfy { $0.count == d }, "k rows of one length and k bounds")
        let positive = unscaled.reduce(0) { max($0, $1) }
        let shift = positive > 0 && positive.isFinite ? Int(positive.exponent) : 0
        let bounds = unscaled.map { Double(sign: .plus, exponent: -shift, significand: $0) }
        let exponents = (0..<k).map { j -> Int in
            let largest = max(abs(bounds[j]), normals[j].reduce(0) { max($0, abs($1)) })
            return largest > 0 && largest.isFinite ? Int(largest.exponent) : 0
        }
        let g = (0..<k).map { j in normals[j].map { Double(sign: .plus, exponent: -exponents[j], significand: $0) } }
        let h = (0..<k).map { Double(sign: .plus, exponent: -exponents[$0], significand: bounds[$0]) }
        let unscale = { (lambda: [Double]) in (0..<k).map { Double(sign: .plus, exponent: -exponents[$0], significand: lambda[$0]) } }
        switch scaledSolve(g, h, tolerance) {
        case let .solved(norm, point, lambda):
            return .solved(norm: Double(sign: .plus, exponent: shift, significand: norm),
                           point: point.map { Double(sign: .plus, exponent: shift, significand: $0) }, multipliers: unscale(lambda))
        case let .empty(farkas): return .empty(farkas: unscale(farkas))
        case .undecided: return .undecided
        }
    }

    static func scaledSolve(_ g: [[Double]], _ h: [Double], _ tolerance: Double) -> Outcome {
        let k = g.count, d = g.first?.count ?? 0
        if h.allSatisfy({ $0 <= 0 }) {  // δ = 0 is feasible
            return .solved(norm: 0, point: [Double](repeating: 0, count: d), multipliers: [Double](repeating: 0, count: k))
        }
        // Columns: u_0…u_{d−1}, s, w_0…w_{k−1} (w_j = ⟨g_j, u⟩ − s·h_j ≥ 0, basic at the start).
        let n = d + 1 + k, sColumn = d
        let scale = max(1, g.reduce(0) { max($0, $1.reduce(0) { max($0, abs($1)) }) }, h.reduce(0) { max($0, abs($1)) })
        let eps = tolerance * scale
        let lower = [Double](repeating: -1, count: d) + [0] + [Double](repeating: 0, count: k)
        let upper = [Double](repeating: 1, count: d) + [.infinity] + [Double](repeating: .infinity, count: k)
        // Tableau rows: x_{basis[i]} + Σ_{j nonbasic} T[i][j]·x_j = 0, i.e. row i of B⁻¹A with A = [G | −h | −I] negated on w.
        var t = [Double](repeating: 0, count: k * n)
        for j in 0..<k {
            for i in 0..<d { t[j * n + i] = -g[j][i] }
            t[j * n + sColumn] = h[j]
            t[j * n + d + 1 + j] = 1
        }
        var basis = (0..<k).map { d + 1 + $0 }
        var value = [Double](repeating: 0, count: n)  // u = 0, s = 0, w = 0
        var isBasic = [Bool](repeating: false, count: d + 1) + [Bool](repeating: true, count: k)
        // Reduced costs of maximising s: d_j = c_j − Σ_i c_{basis[i]}·(−T[i][j]); basic w have c = 0.
        var reduced = [Double](repeating: 0, count: n)
        reduced[sColumn] = 1
        var stalled = 0
        while true {
            // Entering: an improving nonbasic column (up when d_j > 0 and below its upper bound, down when d_j < 0 and above its lower).
            var entering: Int? = nil, direction = 0.0, largest = 0.0
            for j in 0..<n where !isBasic[j] {
                let dj = reduced[j]
                let up = dj > eps && value[j] < upper[j], down = dj < -eps && value[j] > lower[j]
                guard up || down else { continue }
                if stalled >= 32 { entering = j; direction = up ? 1 : -1; break }
                if abs(dj) > largest { (entering, direction, largest) = (j, up ? 1 : -1, abs(dj)) }
            }
            guard let j = entering else { break }
            // Ratio test: x_j moves by direction·θ; basic x_{basis[i]} moves by −direction·θ·T[i][j].
            var theta = direction > 0 ? upper[j] - value[j] : value[j] - lower[j]
            var leaving: Int? = nil, leavingToUpper = false
            for i in 0..<k {
                let rate = -direction * t[i * n + j]  // d x_{basis[i]} / dθ
                let b = basis[i]
                var limit = Double.infinity, toUpper = false
                if rate < -eps { limit = (value[b] - lower[b]) / -rate } else if rate > eps, upper[b].isFinite { limit = (upper[b] - value[b]) / rate; toUpper = true }
                if limit < theta || (limit == theta && leaving != nil && basis[i] < basis[leaving!]) {
                    (theta, leaving, leavingToUpper) = (limit, i, toUpper)
                }
            }
            // s without bound would mean t* = 0, but some h_j > 0 makes t* > 0: the tolerance hid a row.
            guard theta.isFinite else { return .undecided }
            stalled = theta <= eps ? stalled + 1 : 0
            value[j] += direction * theta
            for i in 0..<k { value[basis[i]] -= direction * theta * t[i * n + j] }
            guard let r = leaving else { continue }  // a bound flip of x_j
            let b = basis[r]
            value[b] = leavingToUpper ? upper[b] : lower[b]
            // Pivot on T[r][j]: x_j becomes basic in row r.
            let p = t[r * n + j]
            for c in 0..<n { t[r * n + c] /= p }
            for i in 0..<k where i != r {
                let f = t[i * n + j]
                if f != 0 { for c in 0..<n { t[i * n + c] -= f * t[r * n + c] } }
            }
            // x_j = −Σ T[r][c] x_c: the cost row gains d_j·(−T[r][·]).
            let dj = reduced[j]
            for c in 0..<n { reduced[c] -= dj * t[r * n + c] }
            reduced[j] = 0
            isBasic[b] = false; isBasic[j] = true; basis[r] = j
        }
        // λ_j = the reduced cost of w_j, negated (≥ 0 at the optimum up to rounding).
        let multipliers = (0..<k).map { max(0, -reduced[d + 1 + $0]) }
        let s = value[sColumn]
        guard s > 0 else { return .empty(farkas: multipliers) }
        return .solved(norm: 1 / s, point: (0..<d).map { value[$0] / s }, multipliers: multipliers)
    }
}
