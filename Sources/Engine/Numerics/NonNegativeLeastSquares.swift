/// Non-negative least squares, min ‖E·u − f‖₂ subject to u ≥ 0, by the active-set algorithm of
/// Lawson & Hanson (Solving Least Squares Problems, 1974, Ch. 23, Algorithm NNLS).
///
/// For the small dense problems of the exact robust radius (a few dozen columns). Each passive-set
/// least-squares subproblem is solved by Householder QR of the passive columns, so rank-deficient
/// passive sets do not break down: a column that is numerically dependent on the passive ones
/// (pivot ≤ `tolerance`·‖E‖) is not admitted. The result is a floating-point candidate; callers that
/// need certainty verify its optimality conditions exactly (`ExactRadius`).
public enum NonNegativeLeastSquares {
    /// u ≥ 0 minimising ‖E·u − f‖ for E given by columns (`columns[j]` has `f.count` entries).
    public static func solve(columns: [[Double]], _ f: [Double], tolerance: Double = 1e-12) -> [Double] {
        let n = columns.count
        let scale = max(columns.lazy.flatMap { $0 }.map(abs).max() ?? 0, f.lazy.map(abs).max() ?? 0, .leastNormalMagnitude)
        var u = [Double](repeating: 0, count: n)
        var passive = [Bool](repeating: false, count: n)
        func residual(_ u: [Double]) -> [Double] {
            var r = f.map { -$0 }
            for j in 0..<n where u[j] != 0 { for i in r.indices { r[i] += columns[j][i] * u[j] } }
            return r
        }
        func gradient(_ u: [Double]) -> [Double] {  // w = Eᵀ(f − E u)
            let r = residual(u)
            return columns.map { c in -zip(c, r).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        var rejected = [Bool](repeating: false, count: n)
        for _ in 0..<(3 * n + 3) {
            let w = gradient(u)
            guard let t = (0..<n).filter({ !passive[$0] && !rejected[$0] && w[$0] > tolerance * scale * scale }).max(by: { w[$0] < w[$1] })
            else { break }
            passive[t] = true
            guard var z = leastSquares(columns: columns, passive: passive, f, tolerance: tolerance * scale), z[t] > 0 else {
                passive[t] = false
                rejected[t] = true
                continue
            }
            rejected = [Bool](repeating: false, count: n)
            var inner = 0
            while let _ = (0..<n).first(where: { passive[$0] && z[$0] <= 0 }), inner < 3 * n + 3 {
                inner += 1
                var alpha = 1.0
                for j in 0..<n where passive[j] && z[j] <= 0 { alpha = min(alpha, u[j] / (u[j] - z[j])) }
                for j in 0..<n where passive[j] { u[j] += alpha * (z[j] - u[j]) }
                for j in 0..<n where passive[j] && u[j] <= tolerance * scale { passive[j] = false; u[j] = 0 }
                guard let next = leastSquares(columns: columns, passive: passive, f, tolerance: tolerance * scale) else { break }
                z = next
            }
            u = z.map { max($0, 0) }
        }
        return u
    }

    /// The least-squares solution on the passive columns (zero elsewhere), by Householder QR; nil if
    /// a passive column is numerically dependent on the others.
    static func leastSquares(columns: [[Double]], passive: [Bool], _ f: [Double], tolerance: Double) -> [Double]? {
        let active = passive.indices.filter { passive[$0] }
        let rows = f.count
        var a = active.map { columns[$0] }  // column-major copy
        var b = f
        for k in a.indices {
            guard k < rows else { return nil }
            var norm = 0.0
            for i in k..<rows { norm += a[k][i] * a[k][i] }
            norm = norm.squareRoot()
            guard norm > tolerance else { return nil }
            let alpha = a[k][k] > 0 ? -norm : norm
            var v = [Double](repeating: 0, count: rows)
            v[k] = a[k][k] - alpha
            for i in (k + 1)..<rows { v[i] = a[k][i] }
            let vv = v[k...].reduce(0) { $0 + $1 * $1 }
            guard vv > 0 else { continue }
            for j in k..<a.count {
                let s = (k..<rows).reduce(0.0) { $0 + v[$1] * a[j][$1] } * 2 / vv
                for i in k..<rows { a[j][i] -= s * v[i] }
            }
            let s = (k..<rows).reduce(0.0) { $0 + v[$1] * b[$1] } * 2 / vv
            for i in k..<rows { b[i] -= s * v[i] }
        }
        var x = [Double](repeating: 0, count: a.count)
        for k in a.indices.reversed() {
            var s = b[k]
            for j in (k + 1)..<a.count { s -= a[j][k] * x[j] }
            x[k] = s / a[k][k]
        }
        var full = [Double](repeating: 0, count: passive.count)
        for (k, j) in active.enumerated() { full[j] = x[k] }
        return full
    }
}
