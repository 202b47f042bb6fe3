/// Linear programming in standard form,
///
///     minimise cᵀx  subject to  A·x = b,  x ≥ 0,
///
/// by the two-phase tableau simplex method with Bland's rule (Bland, Math. Oper. Res. 1977: the
/// entering variable is the lowest-index one with a negative reduced cost, the leaving one the
/// lowest-index basic variable among the ratio test's ties — it never cycles, so the method ends).
/// Dense and O(rows·columns) per pivot: for the small programs of the exact ℓ∞ radii. The result is
/// floating point; its basis is what `ExactLinfRadius` re-solves and checks in rationals.
public enum LinearProgram {
    public struct Solution: Sendable {
        /// The minimiser.
        public var x: [Double]
        /// The basic columns (one per row kept after phase 1).
        public var basis: [Int]
        /// The rows kept (redundant rows found in phase 1 are dropped).
        public var rows: [Int]
        public var objective: Double
        /// The reduced costs c_j − yᵀA_j at the optimum (≥ 0 up to the tolerance), one per column:
        /// for a surplus column −e_i they are the dual values y_i of its row.
        public var reducedCosts: [Double] = []
    }

    public enum Outcome: Sendable {
        case optimal(Solution)
        case infeasible
        case unbounded
    }

    /// Solves the program; `tolerance` is the pivot and sign threshold relative to the data's scale.
    /// Rows that already hold a unit column of A (a slack) start with it basic; the others get an
    /// artificial variable, driven out in phase 1.
    public static func minimize(_ c: [Double], equalities a: Matrix, _ b: [Double], tolerance: Double = 1e-11) -> Outcome {
        let m = a.rows, n = a.columns
        precondition(c.count == n && b.count == m, "cᵀx with A·x = b needs c of length \(n) and b of length \(m)")
        let scale = max(1, a.storage.reduce(0) { max($0, abs($1)) }, b.reduce(0) { max($0, abs($1)) })
        let eps = tolerance * scale
        // Each row flipped so that b ≥ 0; then its initial basic column: a unit column of A with a
        // +1 in this row, else an artificial.
        let signs = b.map { $0 < 0 ? -1.0 : 1.0 }
        var unit = [Int?](repeating: nil, count: m)
        for j in 0..<n {
            var row: Int? = nil, isUnit = true
            for i in 0..<m where a[i, j] != 0 {
                if row == nil && signs[i] * a[i, j] == 1 { row = i } else { isUnit = false; break }
            }
            if isUnit, let row, unit[row] == nil { unit[row] = j }
        }
        let artificialRows = (0..<m).filter { unit[$0] == nil }
        let artificials = artificialRows.count, columns = n + artificials, width = columns + 1
        // The tableau, row-major: rows 0..<m: [A | artificials | b]; row m: the reduced costs and −objective.
        var t = [Double](repeating: 0, count: (m + 1) * width)
        var basis = [Int](repeating: 0, count: m)
        for i in 0..<m {
            for j in 0..<n { t[i * width + j] = signs[i] * a[i, j] }
            t[i * width + width - 1] = signs[i] * b[i]
            basis[i] = unit[i] ?? -1
        }
        for (k, i) in artificialRows.enumerated() { t[i * width + n + k] = 1; basis[i] = n + k }
        var rowCount = m
        var rows = Array(0..<m)
        var allowed = [Bool](repeating: true, count: columns)

        func pivot(_ r: Int, _ col: Int) {
            t.withUnsafeMutableBufferPointer { t in
                let p = t[r * width + col]
                for j in 0..<width { t[r * width + j] /= p }
                for i in 0...rowCount where i != r {
                    let f = t[i * width + col]
                    if f == 0 { continue }
                    for j in 0..<width { t[i * width + j] -= f * t[r * width + j] }
                }
            }
            basis[r] = col
        }
        /// Dantzig's rule (the most negative reduced cost, row `rowCount`), switching to Bland's
        /// rule (the first negative one, ties to the least basic index) after 32 degenerate pivots
        /// in a row until the objective moves again — Bland's rule cannot cycle, so this ends;
        /// false when unbounded.
        func iterate() -> Bool {
            var stalled = 0
            while true {
                let costs = rowCount * width
                var col: Int? = nil
                if stalled < 32 {
                    var least = -eps
                    for j in 0..<columns where allowed[j] && t[costs + j] < least { (col, least) = (j, t[costs + j]) }
                } else {
                    col = (0..<columns).first(where: { allowed[$0] && t[costs + $0] < -eps })
                }
                guard let col else { return true }
                var leave: Int? = nil, best = 0.0
                for i in 0..<rowCount where t[i * width + col] > eps {
                    let ratio = t[i * width + width - 1] / t[i * width + col]
                    if leave == nil || ratio < best - eps || (abs(ratio - best) <= eps && basis[i] < basis[leave!]) {
                        (leave, best) = (i, ratio)
                    }
                }
                guard let r = leave else { return false }
                stalled = best <= eps ? stalled + 1 : 0
                pivot(r, col)
            }
        }
        func setCosts(_ cost: (Int) -> Double) {
            let costs = rowCount * width
            for j in 0..<width { t[costs + j] = j < columns ? cost(j) : 0 }
            for i in 0..<rowCount {
                let cb = cost(basis[i])
                if cb != 0 { for j in 0..<width { t[costs + j] -= cb * t[i * width + j] } }
            }
        }
        // Phase 1: minimise the sum of the artificials.
        if artificials > 0 {
            setCosts { $0 >= n ? 1 : 0 }
            _ = iterate()
            if -t[rowCount * width + width - 1] > eps { return .infeasible }
            // Drive the artificials out of the basis; a row with no other pivot is redundant.
            var i = 0
            while i < rowCount {
                if basis[i] >= n {
                    if let col = (0..<n).first(where: { abs(t[i * width + $0]) > eps }) {
                        pivot(i, col)
                    } else {
                        t.removeSubrange((i * width)..<((i + 1) * width))
                        basis.remove(at: i); rows.remove(at: i); rowCount -= 1
                        continue
                    }
                }
                i += 1
            }
            for j in n..<columns { allowed[j] = false }
        }
        // Phase 2.
        setCosts { $0 < n ? c[$0] : 0 }
        guard iterate() else { return .unbounded }
        var x = [Double](repeating: 0, count: n)
        for (r, col) in basis.enumerated() { x[col] = t[r * width + width - 1] }
        let reduced = (0..<n).map { t[rowCount * width + $0] }
        return .optimal(Solution(x: x, basis: basis, rows: rows, objective: zip(c, x).reduce(0) { $0 + $1.0 * $1.1 }, reducedCosts: reduced))
    }
}
