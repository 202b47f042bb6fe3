/// The dense kernels of the engine, in pure Swift with SIMD.
///
/// **Determinism.** Every output entry is computed by exactly one thread, with a summation order
/// that depends only on the shapes — never on the number of threads or on the partition — and with
/// separate multiply and add (no fused multiply-add, whose availability differs between machines).
/// So every kernel is bit-identical for any `Parallelism` (tested), and across IEEE-754 machines.
public enum Kernels {
    /// ⟨a, b⟩ over n contiguous Doubles, with a fixed order: 16 lanes (two SIMD8) accumulate
    /// strided partial sums, which are combined in a fixed tree, then the tail is added in order.
    @inlinable
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = SIMD8<Double>(), s1 = SIMD8<Double>()
        var k = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while k + 16 <= n {
            let a0 = ra.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<Double>.self)
            let b0 = rb.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<Double>.self)
            let a1 = ra.loadUnaligned(fromByteOffset: (k + 8) * 8, as: SIMD8<Double>.self)
            let b1 = rb.loadUnaligned(fromByteOffset: (k + 8) * 8, as: SIMD8<Double>.self)
            s0 = s0 + a0 * b0
            s1 = s1 + a1 * b1
            k += 16
        }
        let s = s0 + s1
        let s4 = s.lowHalf + s.highHalf
        let s2 = s4.lowHalf + s4.highHalf
        var total = s2[0] + s2[1]
        while k < n { total = total + a[k] * b[k]; k += 1 }
        return total
    }

    /// A·Bᵀ for A (n×d) and B (m×d): entry (i, r) = ⟨a_i, b_r⟩. With A a data matrix and B a weight
    /// matrix (one neuron per row) this is the matrix of pre-activations. Parallel over rows of A.
    public static func productTransposed(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        precondition(a.columns == b.columns, "A·Bᵀ: \(a.shape) and \(b.shape) have different row lengths")
        var c = Matrix(rows: a.rows, columns: b.rows)
        let d = a.columns, m = b.rows
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let out = pc.baseAddress!
                    parallelism.forEachRange(a.rows, grain: 8) { rows in
                        for i in rows {
                            let ai = pa.baseAddress! + i * d
                            for r in 0..<m { out[i * m + r] = dot(ai, pb.baseAddress! + r * d, d) }
                        }
                    }
                }
            }
        }
        return c
    }

    /// Aᵀ·B for A (n×m) and B (n×d): row r of the result is Σ_i A[i, r]·b_i, summed in the order
    /// i = 0, 1, …, n−1. With A = ∂L/∂(pre-activations) and B the data this is the weight gradient.
    /// Parallel over column blocks of the result (each thread owns whole output entries).
    public static func transposedProduct(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        precondition(a.rows == b.rows, "Aᵀ·B: \(a.shape) and \(b.shape) have different numbers of rows")
        let n = a.rows, m = a.columns, d = b.columns
        var c = Matrix(rows: m, columns: d)
        let block = 256  // columns per block: m·256 accumulators stay in L1/L2
        let blocks = (d + block - 1) / block
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let out = pc.baseAddress!, av = pa.baseAddress!, bv = pb.baseAddress!
                    parallelism.forEachRange(blocks) { blockRange in
                        for blk in blockRange {
                            let j0 = blk * block, j1 = min(d, j0 + block)
                            for i in 0..<n {
                                let bi = bv + i * d
                                for r in 0..<m {
                                    let coefficient = av[i * m + r]
                                    // Skipping exact zeros (inactive ReLUs) leaves y unchanged up to the
                                    // sign of a zero sum; the data is validated finite, so 0·x is never NaN.
                                    if coefficient == 0 { continue }
                                    axpy(coefficient, bi + j0, out + r * d + j0, j1 - j0)
                                }
                            }
                        }
                    }
                }
            }
        }
        return c
    }

    /// y ← y + α·x over n contiguous Doubles (elementwise, so the order is irrelevant).
    @inlinable
    public static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        let va = SIMD8<Double>(repeating: alpha)
        var k = 0
        while k + 8 <= n {
            let xv = rx.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<Double>.self)
            let yv = ry.loadUnaligned(fromByteOffset: k * 8, as: SIMD8<Double>.self)
            ry.storeBytes(of: yv + va * xv, toByteOffset: k * 8, as: SIMD8<Double>.self)
            k += 8
        }
        while k < n { y[k] = y[k] + alpha * x[k]; k += 1 }
    }

    /// A·B for A (n×k) and B (k×m): row i of the result is Σ_l A[i, l]·b_l in the order l = 0…k−1.
    /// Register-blocked (4 rows × 8 columns per micro-tile); parallel over row blocks.
    public static func product(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        precondition(a.columns == b.rows, "A·B: \(a.shape) and \(b.shape) do not chain")
        let n = a.rows, k = a.columns, m = b.columns
        var c = Matrix(rows: n, columns: m)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let av = pa.baseAddress!, bv = UnsafeRawPointer(pb.baseAddress!), out = pc.baseAddress!
                    let rowBlocks = (n + 3) / 4
                    parallelism.forEachRange(rowBlocks) { blockRange in
                        for blk in blockRange {
                            let i0 = blk * 4, rowsHere = min(4, n - i0)
                            var j = 0
                            while j + 8 <= m {
                                var c0 = SIMD8<Double>(), c1 = SIMD8<Double>(), c2 = SIMD8<Double>(), c3 = SIMD8<Double>()
                                for l in 0..<k {
                                    let bl = bv.loadUnaligned(fromByteOffset: (l * m + j) * 8, as: SIMD8<Double>.self)
                                    c0 = c0 + av[i0 * k + l] * bl
                                    if rowsHere > 1 { c1 = c1 + av[(i0 + 1) * k + l] * bl }
                                    if rowsHere > 2 { c2 = c2 + av[(i0 + 2) * k + l] * bl }
                                    if rowsHere > 3 { c3 = c3 + av[(i0 + 3) * k + l] * bl }
                                }
                                let raw = UnsafeMutableRawPointer(out)
                                raw.storeBytes(of: c0, toByteOffset: (i0 * m + j) * 8, as: SIMD8<Double>.self)
                                if rowsHere > 1 { raw.storeBytes(of: c1, toByteOffset: ((i0 + 1) * m + j) * 8, as: SIMD8<Double>.self) }
                                if rowsHere > 2 { raw.storeBytes(of: c2, toByteOffset: ((i0 + 2) * m + j) * 8, as: SIMD8<Double>.self) }
                                if rowsHere > 3 { raw.storeBytes(of: c3, toByteOffset: ((i0 + 3) * m + j) * 8, as: SIMD8<Double>.self) }
                                j += 8
                            }
                            for i in i0..<(i0 + rowsHere) {
                                for jj in j..<m {
                                    var s = 0.0
                                    for l in 0..<k { s = s + av[i * k + l] * pb[l * m + jj] }
                                    out[i * m + jj] = s
                                }
                            }
                        }
                    }
                }
            }
        }
        return c
    }

    /// ‖a_i‖² for each row.
    public static func rowSquaredNorms(_ a: Matrix) -> [Double] {
        a.storage.withUnsafeBufferPointer { p in
            (0..<a.rows).map { i in dot(p.baseAddress! + i * a.columns, p.baseAddress! + i * a.columns, a.columns) }
        }
    }
}
