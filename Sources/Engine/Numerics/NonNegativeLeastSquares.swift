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
    /// (One flat copy of E and one workspace for the whole iteration: the search calls this for
    /// every region, so it allocates nothing per step.)
    public static func solve(columns: [[Double]], _ f: [Double], tolerance: Double = 1e-12) -> [Double] {
        let n = columns.count, rows = f.count
        let scale = max(columns.lazy.flatMap { $0 }.map(abs).max() ?? 0, f.lazy.map(abs).max() ?? 0, .leastNormalMagnitude)
        var e = [Double](repeating: 0, count: n * rows)
        for j in 0..<n { for i in 0..<rows { e[j * rows + i] = columns[j][i] } }
        var workspace = Workspace(rows: rows, columns: n)
        var u = [Double](repeating: 0, count: n), z = [Double](repeating: 0, count: n)
        var w = [Double](repeating: 0, count: n), r = [Double](repeating: 0, count: rows)
        var passive = [Bool](repeating: false, count: n)
        var rejected = [Bool](repeating: false, count: n)
        for _ in 0..<(3 * n + 3) {
            // w = Eᵀ(f − E u), from the residual r = E u − f.
            for i in 0..<rows { r[i] = -f[i] }
            for j in 0..<n where u[j] != 0 { for i in 0..<rows { r[i] += e[j * rows + i] * u[j] } }
            for j in 0..<n {
                var s = 0.0
                for i in 0..<rows { s += e[j * rows + i] * r[i] }
                w[j] = -s
            }
            var entering: Int? = nil
            for j in 0..<n where !passive[j] && !rejected[j] && w[j] > tolerance * scale * scale {
                if entering.map({ w[$0] < w[j] }) ?? true { entering = j }
            }
            guard let t = entering else { break }
            passive[t] = true
            guard leastSquares(e, rows: rows, passive: passive, f, tolerance: tolerance * scale, into: &z, &workspace), z[t] > 0 else {
                passive[t] = false
                rejected[t] = true
                continue
            }
            for j in 0..<n { rejected[j] = false }
            var inner = 0
            while (0..<n).contains(where: { passive[$0] && z[$0] <= 0 }), inner < 3 * n + 3 {
                inner += 1
                var alpha = 1.0
                for j in 0..<n where passive[j] && z[j] <= 0 { alpha = min(alpha, u[j] / (u[j] - z[j])) }
                for j in 0..<n where passive[j] { u[j] += alpha * (z[j] - u[j]) }
                for j in 0..<n where passive[j] && u[j] <= tolerance * scale { passive[j] = false; u[j] = 0 }
                guard leastSquares(e, rows: rows, passive: passive, f, tolerance: tolerance * scale, into: &z, &workspace) else { break }
            }
            for j in 0..<n { u[j] = max(z[j], 0) }
        }
        return u
    }

    /// Buffers of `leastSquares`: the passive columns (column-major), the right-hand side and a
    /// Householder vector.
    struct Workspace {
        var a: [Double], b: [Double], v: [Double], x: [Double], active: [Int]
        init(rows: Int, columns: Int) {
            a = [Double](repeating: 0, count: rows * columns)
            b = [Double](repeating: 0, count: rows); v = b
            x = [Double](repeating: 0, count: columns)
            active = []
            active.reserveCapacity(columns)
        }
    }

    /// The least-squares solution on the passive columns of E (e[j·rows + i]; zero elsewhere) into
    /// `z`, by Householder QR; false if a passive column is numerically dependent on the others
    /// (`z` is then unchanged).
    static func leastSquares(_ e: [Double], rows: Int, passive: [Bool], _ f: [Double], tolerance: Double,
                             into z: inout [Double], _ work: inout Workspace) -> Bool {
        work.active.removeAll(keepingCapacity: true)
        for j in passive.indices where passive[j] { work.active.append(j) }
        let count = work.active.count
        guard count <= rows else { return false }
        let solved: Bool = work.a.withUnsafeMutableBufferPointer { a in
            work.b.withUnsafeMutableBufferPointer { b in
                work.v.withUnsafeMutableBufferPointer { v in
                    work.x.withUnsafeMutableBufferPointer { x in
                        e.withUnsafeBufferPointer { e in
                            for (k, j) in work.active.enumerated() { for i in 0..<rows { a[k * rows + i] = e[j * rows + i] } }
                            for i in 0..<rows { b[i] = f[i] }
                            for k in 0..<count {
                                var norm = 0.0
                                for i in k..<rows { norm += a[k * rows + i] * a[k * rows + i] }
                                norm = norm.squareRoot()
                                guard norm > tolerance else { return false }
                                let alpha = a[k * rows + k] > 0 ? -norm : norm
                                v[k] = a[k * rows + k] - alpha
                                for i in (k + 1)..<rows { v[i] = a[k * rows + i] }
                                var vv = 0.0
                                for i in k..<rows { vv += v[i] * v[i] }
                                guard vv > 0 else { continue }
                                for j in k..<count {
                                    var s = 0.0
                                    for i in k..<rows { s += v[i] * a[j * rows + i] }
                                    s = s * 2 / vv
                                    for i in k..<rows { a[j * rows + i] -= s * v[i] }
                                }
                                var s = 0.0
                                for i in k..<rows { s += v[i] * b[i] }
                                s = s * 2 / vv
                                for i in k..<rows { b[i] -= s * v[i] }
                            }
                            for k in (0..<count).reversed() {
                                var s = b[k]
                                for j in (k + 1)..<count { s -= a[j * rows + k] * x[j] }
                                x[k] = s / a[k * rows + k]
                            }
                            return true
                        }
                    }
                }
            }
        }
        guard solved else { return false }
        for j in z.indices { z[j] = 0 }
        for (k, j) in work.active.enumerated() { z[j] = work.x[k] }
        return true
    }
}
