/// Solution of symmetric positive definite systems A·x = b by the Cholesky factorisation A = L·Lᵀ
/// (Golub & Van Loan, Matrix Computations, Alg. 4.2.1, the inner-product (row) form).
///
/// Backward stable without pivoting: the computed x solves (A + E)·x = b with
/// |E| ≤ γ_{3n+1}·|L|·|Lᵀ| entrywise (Higham, Accuracy and Stability of Numerical Algorithms,
/// Thm 10.4), and ‖|L||Lᵀ|‖₂ ≤ n‖A‖₂, so the relative forward error is about n·u·κ₂(A). Serial and
/// in a fixed order: bit-identical on every run.
public enum Cholesky {
    /// A pivot that is not positive: A is not (numerically) positive definite.
    public struct NotPositiveDefinite: Error, CustomStringConvertible, Sendable {
        public let pivot: Int
        public let value: Double
        public var description: String { "Cholesky: pivot \(pivot) is \(value) ≤ 0: the matrix is not positive definite" }
    }

    /// The lower-triangular factor L of A = L·Lᵀ (A symmetric n×n; only its lower triangle is read).
    public static func factor(_ a: Matrix) throws -> Matrix {
        precondition(a.rows == a.columns, "Cholesky needs a square matrix, got \(a.shape)")
        let n = a.rows
        var l = Matrix(rows: n, columns: n)
        l.storage.withUnsafeMutableBufferPointer { lp in
            let p = lp.baseAddress!
            for i in 0..<n {
                for j in 0...i {
                    // l_ij = (a_ij − ⟨l_i[0..<j], l_j[0..<j]⟩) / l_jj: contiguous row prefixes.
                    let s = a[i, j] - Kernels.dot(p + i * n, p + j * n, j)
                    if i == j {
                        guard s > 0 else { p[i * n + i] = .nan; return }
                        p[i * n + i] = s.squareRoot()
                    } else {
                        p[i * n + j] = s / p[j * n + j]
                    }
                }
            }
        }
        if let bad = (0..<n).first(where: { !(l[$0, $0] > 0) }) {
            throw NotPositiveDefinite(pivot: bad, value: a[bad, bad] - (0..<bad).reduce(0.0) { $0 + l[bad, $1] * l[bad, $1] })
        }
        return l
    }

    /// x with A·x = b, by forward and back substitution with A's factor.
    public static func solve(_ a: Matrix, _ b: [Double]) throws -> [Double] {
        precondition(b.count == a.rows, "right-hand side has \(b.count) entries, the matrix \(a.rows) rows")
        let l = try factor(a)
        let n = b.count
        var y = b
        for i in 0..<n {  // L·y = b
            var s = y[i]
            for k in 0..<i { s -= l[i, k] * y[k] }
            y[i] = s / l[i, i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {  // Lᵀ·x = y
            var s = y[i]
            for k in (i + 1)..<n { s -= l[k, i] * y[k] }
            y[i] = s / l[i, i]
        }
        return y
    }
}

extension Cholesky {
    /// A factor L (n × k) with A ≈ L·Lᵀ for a symmetric positive semidefinite A, by Cholesky with
    /// diagonal pivoting stopped when the largest remaining pivot is ≤ `tolerance`·max_i a_ii
    /// (Higham, Accuracy and Stability of Numerical Algorithms, §10.3): k is A's numerical rank,
    /// and row i of L stays the coordinates of the i-th vector whose Gram matrix A is. A
    /// floating-point factor: callers that need certainty check their results exactly.
    public static func pivotedFactor(_ a: Matrix, tolerance: Double = 1e-13) -> Matrix {
        let n = a.rows
        var columns: [[Double]] = []  // the factor's columns, each of length n
        var residual = (0..<n).map { a[$0, $0] }
        let largest = residual.max() ?? 0
        var used = [Bool](repeating: false, count: n)
        while columns.count < n {
            guard let p = (0..<n).filter({ !used[$0] }).max(by: { residual[$0] < residual[$1] }),
                  residual[p] > tolerance * largest, residual[p].isFinite else { break }
            used[p] = true
            let pivot = residual[p].squareRoot()
            var column = [Double](repeating: 0, count: n)
            column[p] = pivot
            for i in 0..<n where !used[i] {
                var s = a[i, p]
                for c in columns { s -= c[i] * c[p] }
                column[i] = s / pivot
                residual[i] -= column[i] * column[i]
            }
            columns.append(column)
        }
        let k = columns.count
        return Matrix(rows: n, columns: k, storage: (0..<(n * k)).map { columns[$0 % k][$0 / k] })
    }
}
