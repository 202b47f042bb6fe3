/// Thin QR factorisation A = Q·R of a tall matrix by Householder reflections (Golub & Van Loan,
/// Matrix Computations, Alg. 5.2.1), with the sign convention R_jj ≥ 0 so that Q is unique for
/// full-rank A. Backward stable: Q is orthonormal to a few ulp·√d.
public enum HouseholderQR {
    /// The d×k matrix Q with orthonormal columns spanning the columns of `a` (d×k, d ≥ k), returned
    /// with one column per *row* (k×d), the engine's layout for feature vectors.
    public static func orthonormalColumns(of a: Matrix) -> Matrix {
        precondition(a.rows >= a.columns, "QR needs at least as many rows as columns (got \(a.shape))")
        return orthonormalBasis(columns: (0..<a.columns).map { j in (0..<a.rows).map { a[$0, j] } }, dimension: a.rows)
    }

    /// Orthonormal rows (k×d) spanning the rows of `a` (k×d, k ≤ d): `orthonormalColumns(of: aᵀ)`,
    /// the same bits, without forming the transpose.
    public static func orthonormalRows(spanning a: Matrix) -> Matrix {
        precondition(a.columns >= a.rows, "QR needs at least as many columns as rows here (got \(a.shape))")
        return orthonormalBasis(columns: (0..<a.rows).map(a.row), dimension: a.columns)
    }

    /// Q of the columns `cols` (k vectors of length d).
    static func orthonormalBasis(columns: [[Double]], dimension d: Int) -> Matrix {
        let k = columns.count
        // cols[j] is column j of A, overwritten by R's column and reflectors.
        var cols = columns
        var reflectors: [[Double]] = []  // v_j (unit length) acting on rows j..<d
        var signs: [Double] = []
        for j in 0..<k {
            let x = Array(cols[j][j...])
            let norm = x.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            let alpha = x[0] >= 0 ? -norm : norm  // reflect onto −sign(x₀)‖x‖e₁: no cancellation
            var v = x
            v[0] -= alpha
            let vNorm = v.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            if vNorm > 0 { for t in v.indices { v[t] /= vNorm } }
            for c in j..<k { applyReflector(v, to: &cols[c], from: j) }
            reflectors.append(v)
            signs.append(alpha < 0 ? -1 : 1)  // R_jj = alpha; flip Q's column to make R_jj ≥ 0
        }
        // Q = H₀·H₁·…·H_{k−1}·[I_k; 0]: apply the reflectors in reverse to e_j.
        var q = Matrix(rows: k, columns: d)
        for j in 0..<k {
            var e = [Double](repeating: 0, count: d)
            e[j] = 1
            for t in stride(from: k - 1, through: 0, by: -1) { applyReflector(reflectors[t], to: &e, from: t) }
            for i in 0..<d { q[j, i] = signs[j] * e[i] }
        }
        return q
    }

    /// k orthonormal vectors in ℝ^d (as rows): Q of the QR of a d×k standard Gaussian matrix
    /// sampled from `key` — a uniformly random orthonormal frame (with the R_jj > 0 convention).
    public static func randomFrame(count k: Int, dimension d: Int, key: PRNGKey) -> Matrix {
        var s = key.stream
        return orthonormalColumns(of: Matrix(rows: d, columns: k, storage: (0..<(d * k)).map { _ in s.gaussian() }))
    }

    /// x[from...] ← (I − 2vvᵀ)·x[from...].
    static func applyReflector(_ v: [Double], to x: inout [Double], from offset: Int) {
        var s = 0.0
        for t in v.indices { s += v[t] * x[offset + t] }
        s *= 2
        for t in v.indices { x[offset + t] -= s * v[t] }
    }
}
