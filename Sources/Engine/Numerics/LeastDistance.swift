/// Least-distance programming: the point of smallest Euclidean norm in a polyhedron,
///
///     min ‖t‖₂  subject to  ⟨g_j, t⟩ ≥ h_j  (j = 1 … p),
///
/// by Lawson & Hanson's reduction to non-negative least squares (Solving Least Squares Problems,
/// 1974, Ch. 23, Thm 23.27): with E = [G | h]ᵀ ((n + 1) × p) and f = e_{n+1}, let u ≥ 0 minimise
/// ‖E·u − f‖ and r = E·u − f. If r = 0 the constraints are incompatible; otherwise
/// t = −(r_1 … r_n)/r_{n+1} is the solution, and λ = u/(−r_{n+1}) ≥ 0 are its KKT multipliers
/// (t = Σ_j λ_j g_j, λ_j > 0 only on active constraints).
public enum LeastDistance {
    public struct Solution: Sendable {
        /// The minimiser t.
        public var point: [Double]
        /// The KKT multipliers λ (t = Σ λ_j g_j).
        public var multipliers: [Double]
        public var norm: Double { point.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    }

    /// nil when the polyhedron is (numerically) empty.
    public static func solve(normals g: [[Double]], bounds h: [Double]) -> Solution? {
        if case let .feasible(solution) = solveOrCertify(normals: g, bounds: h) { return solution }
        return nil
    }

    /// The program's outcome with its multipliers either way.
    public enum Outcome: Sendable {
        /// The minimiser and its KKT multipliers.
        case feasible(Solution)
        /// The polyhedron is (numerically) empty; u ≥ 0 with Σ u_j g_j ≈ 0 and Σ u_j h_j ≈ 1 — a
        /// Farkas vector, which a caller turns into a (large) sound distance bound.
        case empty(farkas: [Double])
    }

    /// The program solved, or its emptiness with the NNLS solution as a Farkas vector. The
    /// threshold between the two is relative to the data's scale (a floating-point decision;
    /// soundness is the caller's, from the multipliers).
    public static func solveOrCertify(normals g: [[Double]], bounds h: [Double]) -> Outcome {
        precondition(g.count == h.count, "one bound per constraint")
        guard let n = g.first?.count else { return .feasible(Solution(point: [], multipliers: [])) }
        let columns = zip(g, h).map { $0 + [$1] }
        var f = [Double](repeating: 0, count: n + 1)
        f[n] = 1
        let u = NonNegativeLeastSquares.solve(columns: columns, f)
        var r = f.map { -$0 }
        for (j, c) in columns.enumerated() where u[j] != 0 { for i in r.indices { r[i] += c[i] * u[j] } }
        let scale = 1 + (h.map(abs).max() ?? 0)
        guard -r[n] > 1e-12 * scale, r[n].isFinite else { return .empty(farkas: u) }
        return .feasible(Solution(point: r[0..<n].map { -$0 / r[n] }, multipliers: u.map { $0 / -r[n] }))
    }
}
