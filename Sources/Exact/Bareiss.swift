/// Exact linear systems by Bareiss' fraction-free elimination.
///
/// Rows are first scaled to integers (multiplying an equation by a nonzero constant keeps its
/// solutions). Bareiss' update a_ij ← (a_kk·a_ij − a_ik·a_kj) / p, with p the previous pivot, keeps
/// every entry an integer (a minor of the original matrix, Sylvester's identity), so the division
/// is exact and entry sizes grow only linearly in the elimination step — no rationals and no gcds
/// inside the elimination. Singular systems are reported as `ExactError.singular`, never divided by
/// zero.
public enum Bareiss {
    /// The row-echelon form of an integer matrix (row-major, `columns` wide) by fraction-free
    /// elimination with row pivoting; returns the pivot columns, in order. Rank = pivots.count.
    static func eliminate(_ a: inout [[BigInt]], columns: Int) -> [Int] {
        eliminateCountingSwaps(&a, columns: columns).pivots
    }

    /// `eliminate`, also returning the number of row swaps (the sign of the row permutation).
    static func eliminateCountingSwaps(_ a: inout [[BigInt]], columns: Int) -> (pivots: [Int], swaps: Int) {
        var pivots: [Int] = [], swaps = 0
        var previous = BigInt(1)
        var r = 0
        for c in 0..<columns where r < a.count {
            guard let p = (r..<a.count).first(where: { !a[$0][c].isZero }) else { continue }
            if p != r { a.swapAt(p, r); swaps += 1 }
            let pivot = a[r][c]
            for i in (r + 1)..<a.count {
                let factor = a[i][c]
                for j in c..<columns {
                    var v = pivot * a[i][j]
                    v -= factor * a[r][j]
                    a[i][j] = v.dividedExactly(by: previous)  // exact by Sylvester's identity
                }
            }
            previous = pivot
            pivots.append(c)
            r += 1
        }
        return (pivots, swaps)
    }

    /// Each row multiplied by the lcm of its denominators, giving integer rows; also the factors.
    static func integerRows(_ m: RationalMatrix) -> (rows: [[BigInt]], factors: [BigInt]) {
        var rows: [[BigInt]] = [], factors: [BigInt] = []
        for i in 0..<m.rows {
            let row = m.row(i)
            let l = row.reduce(BigInt(1)) { BigInt.lcm($0, $1.denominator) }
            rows.append(row.map { ($0.numerator * l).dividedExactly(by: $0.denominator) })
            factors.append(l)
        }
        return (rows, factors)
    }

    /// The rank of `m`, exactly.
    public static func rank(_ m: RationalMatrix) -> Int {
        var a = integerRows(m).rows
        return eliminate(&a, columns: m.columns).count
    }

    /// The determinant of a square matrix, exactly.
    public static func determinant(_ m: RationalMatrix) throws -> Rational {
        guard m.rows == m.columns else {
            throw ExactError.dimensionMismatch(operation: "determinant", lhs: m.shape, rhs: "a square matrix")
        }
        if m.rows == 0 { return 1 }
        var (a, factors) = integerRows(m)
        // det(A) = det(integer rows) / Π factors.
        let scale = try Rational(1) / Rational(factors.reduce(BigInt(1), *))
        let (pivots, swaps) = eliminateCountingSwaps(&a, columns: m.columns)
        guard pivots.count == m.rows else { return .zero }
        // The last Bareiss pivot is the determinant of the row-permuted integer matrix.
        let last = a[m.rows - 1][m.columns - 1]
        return Rational(swaps % 2 == 0 ? last : -last) * scale
    }

    /// The unique x with A·x = b for square A (the empty vector for the 0×0 system); throws
    /// `ExactError.singular` when A is singular.
    public static func solve(_ a: RationalMatrix, _ b: [Rational]) throws -> [Rational] {
        guard b.count == a.rows else {
            throw ExactError.dimensionMismatch(operation: "solve", lhs: a.shape, rhs: "[\(b.count)]")
        }
        return try solve(a, rightHandSides: [b])[0]
    }

    /// The unique x_c with A·x_c = b_c for every right-hand side b_c of square A, by one
    /// elimination of the augmented matrix [A | b_1 … b_q] (q right-hand sides cost about one
    /// solve, not q; each x_c is exact, so it is the x_c of `solve(a, b_c)`). Throws
    /// `ExactError.singular` when A is singular.
    public static func solve(_ a: RationalMatrix, rightHandSides b: [[Rational]]) throws -> [[Rational]] {
        guard a.rows == a.columns, b.allSatisfy({ $0.count == a.rows }) else {
            throw ExactError.dimensionMismatch(operation: "solve", lhs: a.shape, rhs: b.map { "[\($0.count)]" }.joined(separator: ", "))
        }
        let n = a.rows, q = b.count
        if n == 0 { return [[Rational]](repeating: [], count: q) }  // the 0×0 system: the empty vector
        var augmented = RationalMatrix(uncheckedZeros: n, n + q)
        for i in 0..<n {
            for j in 0..<n { augmented[i, j] = a[i, j] }
            for c in 0..<q { augmented[i, n + c] = b[c][i] }
        }
        var m = integerRows(augmented).rows
        let pivots = eliminate(&m, columns: n + q)
        // A is nonsingular iff its n columns hold the first n pivots.
        guard pivots.count >= n, pivots[n - 1] == n - 1 else {
            throw ExactError.singular(rows: n, columns: n, rank: rank(a))
        }
        // Fraction-free back substitution (integers only, one gcd per entry at the end). The last
        // pivot D is ± the determinant of the row-scaled integer matrix, so y = D·x = ±adj·b is an
        // integer vector (Cramer's rule), and row i of the echelon form, U_ii·y_i = D·b′_i − Σ_{j>i}
        // U_ij·y_j, divides exactly.
        let determinant = m[n - 1][n - 1]
        var solutions: [[Rational]] = []
        for c in 0..<q {
            var y = [BigInt](repeating: BigInt(0), count: n)
            for i in stride(from: n - 1, through: 0, by: -1) {
                var v = determinant * m[i][n + c]
                for j in (i + 1)..<n where !m[i][j].isZero { v -= m[i][j] * y[j] }
                y[i] = v.dividedExactly(by: m[i][i])  // exact: y is an integer vector
            }
            solutions.append(try y.map { try Rational($0, determinant) })
        }
        return solutions
    }

    /// The least-squares solution of A·x ≈ b for A with full column rank, from the normal equations
    /// AᵀA·x = Aᵀb (exact, so there is no conditioning loss). Throws `ExactError.singular` when the
    /// columns of A are dependent (the minimiser is then not unique). With 0 columns the minimiser
    /// is the empty vector.
    public static func leastSquares(_ a: RationalMatrix, _ b: [Rational]) throws -> [Rational] {
        guard b.count == a.rows else {
            throw ExactError.dimensionMismatch(operation: "leastSquares", lhs: a.shape, rhs: "[\(b.count)]")
        }
        let t = a.transposed
        do {
            return try solve(t.rowGram, try t * b)
        } catch ExactError.singular {
            throw ExactError.singular(rows: a.rows, columns: a.columns, rank: rank(a))
        }
    }
}
