/// The dense kernels of the engine, in pure Swift with SIMD.
///
/// **One summation order.** Every inner product ⟨a, b⟩ of length n is evaluated as
///
///     lane_l = fma(a_j, b_j, lane_l) for j = l, l+4, l+8, … < 4⌊n/4⌋   (l = 0…3, in increasing j)
///     s = (lane_0 + lane_1) + (lane_2 + lane_3);  then s = fma(a_j, b_j, s) for the tail j ≥ 4⌊n/4⌋
///
/// and every sum Σ_i c_i·x_i over rows (the Aᵀ·B and A·B kernels) is accumulated with fma in the
/// order i = 0, 1, …. All code paths — register-blocked tiles, remainders, blocks of the inner
/// dimension that carry the four lanes from one block to the next (`longRowProductTransposed`), any
/// partition between threads — implement exactly these orders, so every kernel is
/// **bit-identical for any thread count** (tested). `fma` is IEEE-754's exactly specified fused
/// multiply-add, so results are also the same on every machine (where the CPU lacks FMA, the library
/// `fma` gives the same bits).
public enum Kernels {
    @inline(__always) @usableFromInline
    static func load4(_ p: UnsafePointer<Double>, _ offset: Int) -> SIMD4<Double> {
        UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always) @usableFromInline
    static func store4(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>, _ offset: Int) {
        UnsafeMutableRawPointer(p + offset).storeBytes(of: v, as: SIMD4<Double>.self)
    }

    @inline(__always) @usableFromInline
    static func reduce(_ v: SIMD4<Double>) -> Double { (v[0] + v[1]) + (v[2] + v[3]) }

    /// ⟨a, b⟩ over n contiguous Doubles, in the order stated above.
    @inlinable
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var acc = SIMD4<Double>()
        let n4 = n & ~3
        var j = 0
        while j < n4 { acc = acc.addingProduct(load4(a, j), load4(b, j)); j += 4 }
        var s = reduce(acc)
        while j < n { s = s.addingProduct(a[j], b[j]); j += 1 }
        return s
    }

    /// (⟨a, b_0⟩, ⟨a, b_1⟩, ⟨a, b_2⟩, ⟨a, b_3⟩) over n contiguous Doubles, b_j = b + j·stride: four
    /// inner products sharing a's loads, each in the order stated above — the bits of four `dot`s
    /// (the lanes' final sums are formed by a 4 × 4 transpose, so (l₀ + l₁) + (l₂ + l₃) is added
    /// for all four at once).
    @inlinable
    public static func dot4(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, stride: Int, _ n: Int) -> SIMD4<Double> {
        var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>()
        let b1 = b + stride, b2 = b1 + stride, b3 = b2 + stride
        let n4 = n & ~3
        var j = 0
        while j < n4 {
            let u = load4(a, j)
            a0 = a0.addingProduct(u, load4(b, j)); a1 = a1.addingProduct(u, load4(b1, j))
            a2 = a2.addingProduct(u, load4(b2, j)); a3 = a3.addingProduct(u, load4(b3, j))
            j += 4
        }
        // Lane l of every accumulator, side by side: t_l = (a0[l], a1[l], a2[l], a3[l]).
        let t0 = SIMD4(a0[0], a1[0], a2[0], a3[0]), t1 = SIMD4(a0[1], a1[1], a2[1], a3[1])
        let t2 = SIMD4(a0[2], a1[2], a2[2], a3[2]), t3 = SIMD4(a0[3], a1[3], a2[3], a3[3])
        var s = (t0 + t1) + (t2 + t3)
        while j < n {
            s = s.addingProduct(SIMD4(repeating: a[j]), SIMD4(b[j], b1[j], b2[j], b3[j]))
            j += 1
        }
        return s
    }

    /// A·Bᵀ for A (n×d) and B (m×d): entry (i, r) = ⟨a_i, b_r⟩. With A a data matrix and B a weight
    /// matrix (one neuron per row) this is the matrix of pre-activations. Tiles of 4 rows × 3
    /// neurons (or 2 × 5 at the edges) share their loads; parallel over groups of 4 rows.
    /// With `transposingResult`, returns (A·Bᵀ)ᵀ = B·Aᵀ instead (the same entries, stored transposed).
    /// Long rows on both sides (`prefersLongRowBlocks`) go to `longRowProductTransposed`, which
    /// gives the same bits by blocks of the inner dimension.
    public static func productTransposed(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism = .machine,
                                         transposingResult: Bool = false) -> Matrix {
        if prefersLongRowBlocks(rows: a.rows, columns: b.rows, depth: a.columns) {
            return longRowProductTransposed(a, b, parallelism, transposingResult: transposingResult)
        }
        return streamingProductTransposed(a, b, parallelism, transposingResult: transposingResult)
    }

    /// `productTransposed` by tiles that each stream their rows whole (every entry's fma chain in
    /// registers from the first index to the last).
    static func streamingProductTransposed(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism,
                                           transposingResult: Bool = false) -> Matrix {
        precondition(a.columns == b.columns, "A·Bᵀ: \(a.shape) and \(b.shape) have different row lengths")
        var c = transposingResult ? Matrix(rows: b.rows, columns: a.rows) : Matrix(rows: a.rows, columns: b.rows)
        let d = a.columns, m = b.rows, n4 = d & ~3
        // Entry (i, r) of A·Bᵀ is stored at i·rowStride + r·columnStride.
        let (rowStride, columnStride) = transposingResult ? (1, a.rows) : (m, 1)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let av = pa.baseAddress!, bv = pb.baseAddress!, out = pc.baseAddress!
                    parallelism.forEachRange((a.rows + 3) / 4, grain: 2) { quads in
                        for quad in quads {
                            var i = 4 * quad
                            let i1 = min(a.rows, i + 4)
                            if i + 4 <= i1 && columnStride == 1 {
                                // While the tiles run over these four rows (from cache after the first),
                                // each prefetches its share of the next four rows.
                                let schedule = PrefetchSchedule(next: av + min(i + 4, a.rows - 4) * d, rows: 4, d: d, tiles: (m + 2) / 3)
                                var r = 0, tile = 0
                                while r < m {
                                    let count = min(3, m - r)
                                    tile4x3(av + i * d, bv + r * d, count, d, n4, out + i * rowStride + r, rowStride, schedule.segment(tile))
                                    r += count; tile += 1
                                }
                                continue
                            }
                            while i < i1 {
                                guard i + 1 < i1 else {
                                    for r in 0..<m { out[i * rowStride + r * columnStride] = dot(av + i * d, bv + r * d, d) }
                                    i += 1
                                    continue
                                }
                                let x0 = av + i * d, x1 = x0 + d
                                var r = 0
                                while r < m {
                                    let count = min(5, m - r)
                                    tile2x5(x0, x1, bv + r * d, count, d, n4, out + i * rowStride + r * columnStride, rowStride, columnStride)
                                    r += count
                                }
                                i += 2
                            }
                        }
                    }
                }
            }
        }
        return c
    }

    /// The 2-row × (count ≤ 5)-neuron tile of A·Bᵀ: ten accumulators share 2 + count loads per step.
    @inline(__always)
    static func tile2x5(_ x0: UnsafePointer<Double>, _ x1: UnsafePointer<Double>, _ w: UnsafePointer<Double>,
                        _ count: Int, _ d: Int, _ n4: Int, _ out: UnsafeMutablePointer<Double>,
                        _ rowStride: Int, _ columnStride: Int) {
        var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>(), a3 = SIMD4<Double>(), a4 = SIMD4<Double>()
        var b0 = SIMD4<Double>(), b1 = SIMD4<Double>(), b2 = SIMD4<Double>(), b3 = SIMD4<Double>(), b4 = SIMD4<Double>()
        var j = 0
        while j < n4 {
            let u = load4(x0, j), v = load4(x1, j)
            let p0 = load4(w, j)
            a0 = a0.addingProduct(u, p0); b0 = b0.addingProduct(v, p0)
            if count > 1 { let p = load4(w + d, j); a1 = a1.addingProduct(u, p); b1 = b1.addingProduct(v, p) }
            if count > 2 { let p = load4(w + 2 * d, j); a2 = a2.addingProduct(u, p); b2 = b2.addingProduct(v, p) }
            if count > 3 { let p = load4(w + 3 * d, j); a3 = a3.addingProduct(u, p); b3 = b3.addingProduct(v, p) }
            if count > 4 { let p = load4(w + 4 * d, j); a4 = a4.addingProduct(u, p); b4 = b4.addingProduct(v, p) }
            j += 4
        }
        @inline(__always) func finish(_ lanes: SIMD4<Double>, _ x: UnsafePointer<Double>, _ q: Int, _ row: Int) {
            var s = reduce(lanes)
            for t in n4..<d { s = s.addingProduct(x[t], w[q * d + t]) }
            out[row * rowStride + q * columnStride] = s
        }
        finish(a0, x0, 0, 0); finish(b0, x1, 0, 1)
        if count > 1 { finish(a1, x0, 1, 0); finish(b1, x1, 1, 1) }
        if count > 2 { finish(a2, x0, 2, 0); finish(b2, x1, 2, 1) }
        if count > 3 { finish(a3, x0, 3, 0); finish(b3, x1, 3, 1) }
        if count > 4 { finish(a4, x0, 4, 0); finish(b4, x1, 4, 1) }
    }

    /// The 4-row × (count ≤ 3)-column tile of the blocked product: twelve accumulators, 4 + count
    /// loads per step (the densest tile that fits the 16 AVX2 registers), one loop per width so a
    /// narrow tile issues only its own 4·count multiply-adds per step (fa-paper's 10 neurons are
    /// tiles of 3, 3, 3 and 1: a width-1 tile in the 3-wide loop cost 12 multiply-adds, 8 on zeros).
    /// `prefetch` names lines to hint into cache, one per step (it changes no value).
    @inline(__always)
    static func tile4x3(_ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ count: Int, _ d: Int, _ n4: Int,
                        _ out: UnsafeMutablePointer<Double>, _ rowStride: Int, _ prefetch: PrefetchSchedule.Segment) {
        var t = Tile4x3()
        let x1 = x + d, x2 = x1 + d, x3 = x2 + d, w1 = w + d, w2 = w1 + d
        var j = 0, line = prefetch.start
        if count == 3 {
            while j < n4 {
                prefetchForReading(line); line += prefetch.stride
                t.step(x, x1, x2, x3, w, w1, w2, j)
                j &+= 4
            }
        }
        // Narrower tiles (the last of a row of tiles) run only their own columns' multiply-adds.
        while count == 2 && j < n4 {
            prefetchForReading(line); line += prefetch.stride
            let p0 = load4(w, j), p1 = load4(w1, j)
            var u = load4(x, j)
            t.a0 = t.a0.addingProduct(u, p0); t.a1 = t.a1.addingProduct(u, p1)
            u = load4(x1, j)
            t.b0 = t.b0.addingProduct(u, p0); t.b1 = t.b1.addingProduct(u, p1)
            u = load4(x2, j)
            t.c0 = t.c0.addingProduct(u, p0); t.c1 = t.c1.addingProduct(u, p1)
            u = load4(x3, j)
            t.e0 = t.e0.addingProduct(u, p0); t.e1 = t.e1.addingProduct(u, p1)
            j &+= 4
        }
        while count == 1 && j < n4 {
            prefetchForReading(line); line += prefetch.stride
            let p0 = load4(w, j)
            t.a0 = t.a0.addingProduct(load4(x, j), p0); t.b0 = t.b0.addingProduct(load4(x1, j), p0)
            t.c0 = t.c0.addingProduct(load4(x2, j), p0); t.e0 = t.e0.addingProduct(load4(x3, j), p0)
            j &+= 4
        }
        @inline(__always) func finish(_ lanes: SIMD4<Double>, _ row: Int, _ q: Int) {
            guard q < count else { return }
            var s = reduce(lanes)
            for t in n4..<d { s = s.addingProduct(x[row * d + t], w[q * d + t]) }
            out[row * rowStride + q] = s
        }
        finish(t.a0, 0, 0); finish(t.a1, 0, 1); finish(t.a2, 0, 2)
        finish(t.b0, 1, 0); finish(t.b1, 1, 1); finish(t.b2, 1, 2)
        finish(t.c0, 2, 0); finish(t.c1, 2, 1); finish(t.c2, 2, 2)
        finish(t.e0, 3, 0); finish(t.e1, 3, 1); finish(t.e2, 3, 2)
    }

    /// The twelve lane accumulators of a 4-row × 3-column tile (rows a, b, c, e; columns 0, 1, 2),
    /// kept in registers once inlined.
    @usableFromInline
    struct Tile4x3 {
        var a0 = SIMD4<Double>(), a1 = SIMD4<Double>(), a2 = SIMD4<Double>()
        var b0 = SIMD4<Double>(), b1 = SIMD4<Double>(), b2 = SIMD4<Double>()
        var c0 = SIMD4<Double>(), c1 = SIMD4<Double>(), c2 = SIMD4<Double>()
        var e0 = SIMD4<Double>(), e1 = SIMD4<Double>(), e2 = SIMD4<Double>()

        /// One step of four inner indices j…j+3: each accumulator gets fma(x_row[j…], w_col[j…], ·)
        /// — 7 loads for 12 multiply-adds, the densest tile that fits the 16 AVX2 registers.
        @inline(__always)
        mutating func step(_ x0: UnsafePointer<Double>, _ x1: UnsafePointer<Double>, _ x2: UnsafePointer<Double>,
                           _ x3: UnsafePointer<Double>, _ w0: UnsafePointer<Double>, _ w1: UnsafePointer<Double>,
                           _ w2: UnsafePointer<Double>, _ j: Int) {
            let p0 = load4(w0, j), p1 = load4(w1, j), p2 = load4(w2, j)
            var u = load4(x0, j)
            a0 = a0.addingProduct(u, p0); a1 = a1.addingProduct(u, p1); a2 = a2.addingProduct(u, p2)
            u = load4(x1, j)
            b0 = b0.addingProduct(u, p0); b1 = b1.addingProduct(u, p1); b2 = b2.addingProduct(u, p2)
            u = load4(x2, j)
            c0 = c0.addingProduct(u, p0); c1 = c1.addingProduct(u, p1); c2 = c2.addingProduct(u, p2)
            u = load4(x3, j)
            e0 = e0.addingProduct(u, p0); e1 = e1.addingProduct(u, p1); e2 = e2.addingProduct(u, p2)
        }
    }

    /// Aᵀ·B for A (n×m) and B (n×d): row r of the result is Σ_i A[i, r]·b_i in the order
    /// i = 0…n−1. With A = ∂L/∂(pre-activations) and B the data this is the weight gradient, with
    /// A the coefficients C of the weight decomposition the weights Cᵀ·X — read from X itself, no
    /// transpose kept. B is streamed once, four rows at a time, into an L1-sized block of result
    /// columns (each entry loaded, given its four multiply-adds in order, stored); parallel over
    /// column blocks (each thread owns whole output entries).
    public static func transposedProduct(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        precondition(a.rows == b.rows, "Aᵀ·B: \(a.shape) and \(b.shape) have different numbers of rows")
        let n = a.rows, m = a.columns, d = b.columns
        var c = Matrix(rows: m, columns: d)
        guard m > 0, d > 0 else { return c }
        let chunk = max(4, min(256, 2048 / m) & ~3)  // result columns per block: m × chunk Doubles ≤ 16 KiB
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let av = pa.baseAddress!, bv = pb.baseAddress!, out = pc.baseAddress!
                    parallelism.forEachRange((d + chunk - 1) / chunk) { chunks in
                        for block in chunks {
                            accumulateRows(av, m, bv, d, n, block * chunk, min(d, (block + 1) * chunk), out)
                        }
                    }
                }
            }
        }
        return c
    }

    /// out[r, j] += Σ_i a[i, r]·b[i, j] for every r < m and j in j0..<j1, i = 0, 1, … in order:
    /// four rows of b at a time (each entry gets fma(a₀, b₀, ·), then a₁b₁, a₂b₂, a₃b₃), then the
    /// remaining rows one by one.
    @inline(__always)
    static func accumulateRows(_ a: UnsafePointer<Double>, _ m: Int, _ b: UnsafePointer<Double>, _ d: Int, _ n: Int,
                               _ j0: Int, _ j1: Int, _ out: UnsafeMutablePointer<Double>) {
        let vectorEnd = j0 + ((j1 - j0) & ~3)
        var i = 0
        while i + 4 <= n {
            let x0 = b + i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d
            for r in 0..<m {
                let c0 = a[i * m + r], c1 = a[(i + 1) * m + r], c2 = a[(i + 2) * m + r], c3 = a[(i + 3) * m + r]
                let v0 = SIMD4(repeating: c0), v1 = SIMD4(repeating: c1), v2 = SIMD4(repeating: c2), v3 = SIMD4(repeating: c3)
                let o = out + r * d
                var j = j0
                while j < vectorEnd {
                    var acc = load4(UnsafePointer(o), j)
                    acc = acc.addingProduct(v0, load4(x0, j))
                    acc = acc.addingProduct(v1, load4(x1, j))
                    acc = acc.addingProduct(v2, load4(x2, j))
                    acc = acc.addingProduct(v3, load4(x3, j))
                    store4(acc, o, j)
                    j += 4
                }
                while j < j1 {
                    o[j] = o[j].addingProduct(c0, x0[j]).addingProduct(c1, x1[j]).addingProduct(c2, x2[j]).addingProduct(c3, x3[j])
                    j += 1
                }
            }
            i += 4
        }
        while i < n {
            let x = b + i * d
            for r in 0..<m {
                let coefficient = a[i * m + r], v = SIMD4(repeating: coefficient), o = out + r * d
                var j = j0
                while j < vectorEnd { store4(load4(UnsafePointer(o), j).addingProduct(v, load4(x, j)), o, j); j += 4 }
                while j < j1 { o[j] = o[j].addingProduct(coefficient, x[j]); j += 1 }
            }
            i += 1
        }
    }

    /// A·B for A (n×k) and B (k×m). For a short inner dimension (k ≤ 16: e.g. ∂L/∂z·W, the input
    /// gradient) row i is Σ_l A[i, l]·b_l accumulated with fma in the order l = 0…k−1 (k < 4 is
    /// the dot order too); otherwise entry (i, j) = ⟨a_i, column j of B⟩ in the dot order, by the
    /// streaming (m ≤ 16) or blocked kernel.
    public static func product(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        precondition(a.columns == b.rows, "A·B: \(a.shape) and \(b.shape) do not chain")
        guard readsTransposedB(innerDimension: a.columns) else { return shortInnerProduct(a, b, parallelism) }
        return product(a, transposedB: b.transposed, parallelism)
    }

    /// Whether `product(a, b)` works on Bᵀ (and so transposes B first): for an inner dimension
    /// k > 16; a shorter one is summed row by row from B itself.
    public static func readsTransposedB(innerDimension k: Int) -> Bool { k > 16 }

    /// `product(a, b)` given Bᵀ (m×k) instead of B: the same bits, without forming the transpose —
    /// for a caller that multiplies by one B many times (an attack's input gradients G·W).
    public static func product(_ a: Matrix, transposedB bt: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        precondition(a.columns == bt.columns, "A·B: \(a.shape) and the transpose of \(bt.columns)×\(bt.rows) do not chain")
        guard readsTransposedB(innerDimension: a.columns) else { return shortInnerProduct(a, bt.transposed, parallelism) }
        return bt.rows <= 16 ? productTransposed(a, bt, parallelism) : blockedProductTransposed(a, bt, parallelism)
    }

    /// A·B as rows Σ_l A[i, l]·b_l (sequential fma over l), for small k: B stays in cache, each output
    /// row is written once. Parallel over rows.
    static func shortInnerProduct(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism) -> Matrix {
        let n = a.rows, k = a.columns, m = b.columns, m4 = m & ~3
        let storage = [Double](unsafeUninitializedCapacity: n * m) { buffer, count in
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    let av = pa.baseAddress!, bv = pb.baseAddress!, out = buffer.baseAddress!
                    parallelism.forEachRange(n, grain: 8) { rows in
                        var i = rows.lowerBound
                        // Four rows at a time share each load of B; every entry keeps its order l = 0…k−1.
                        while i + 4 <= rows.upperBound {
                            let c0 = av + i * k, c1 = c0 + k, c2 = c1 + k, c3 = c2 + k
                            let o0 = out + i * m, o1 = o0 + m, o2 = o1 + m, o3 = o2 + m
                            var j = 0
                            while j < m4 {
                                var a0 = SIMD4<Double>(), a1 = a0, a2 = a0, a3 = a0
                                for l in 0..<k {
                                    let bl = load4(bv + l * m, j)
                                    a0 = a0.addingProduct(SIMD4(repeating: c0[l]), bl)
                                    a1 = a1.addingProduct(SIMD4(repeating: c1[l]), bl)
                                    a2 = a2.addingProduct(SIMD4(repeating: c2[l]), bl)
                                    a3 = a3.addingProduct(SIMD4(repeating: c3[l]), bl)
                                }
                                store4(a0, o0, j); store4(a1, o1, j); store4(a2, o2, j); store4(a3, o3, j)
                                j += 4
                            }
                            for (c, o) in [(c0, o0), (c1, o1), (c2, o2), (c3, o3)] {
                                for j in m4..<m {
                                    var s = 0.0
                                    for l in 0..<k { s = s.addingProduct(c[l], bv[l * m + j]) }
                                    o[j] = s
                                }
                            }
                            i += 4
                        }
                        while i < rows.upperBound {
                            let coefficients = av + i * k, row = out + i * m
                            var j = 0
                            while j < m4 {
                                var acc = SIMD4<Double>()
                                for l in 0..<k { acc = acc.addingProduct(SIMD4(repeating: coefficients[l]), load4(bv + l * m, j)) }
                                store4(acc, row, j)
                                j += 4
                            }
                            while j < m {
                                var s = 0.0
                                for l in 0..<k { s = s.addingProduct(coefficients[l], bv[l * m + j]) }
                                row[j] = s
                                j += 1
                            }
                            i += 1
                        }
                    }
                }
            }
            count = n * m
        }
        return Matrix(rows: n, columns: m, storage: storage)
    }

    /// The Gram matrix K = A·Aᵀ (n×n), each entry ⟨a_i, a_j⟩ in the dot order above, computed once
    /// for i ≤ j (by blocks) and mirrored, so K is exactly symmetric.
    public static func gram(_ a: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        var k = blockedProductTransposed(a, a, parallelism, upperBlocksOnly: true)
        let n = a.rows
        k.storage.withUnsafeMutableBufferPointer { out in
            for i in 0..<n { for j in 0..<i { out[i * n + j] = out[j * n + i] } }
        }
        return k
    }

    /// A·Bᵀ by 32×32 blocks of the result: the 32 rows of A and of B a block needs stay in L2 while
    /// the 2×5 tiles run over them, so long rows (large d) are read from memory once per block
    /// instead of once per tile. The same entries, in the same dot order, as `productTransposed`.
    /// `upperBlocksOnly` (for A = B) skips the blocks strictly below the diagonal.
    public static func blockedProductTransposed(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism = .machine,
                                                upperBlocksOnly: Bool = false) -> Matrix {
        precondition(a.columns == b.columns, "A·Bᵀ: \(a.shape) and \(b.shape) have different row lengths")
        let n = a.rows, m = b.rows, d = a.columns, n4 = d & ~3, block = 32
        var c = Matrix(rows: n, columns: m)
        let rowBlocks = (n + block - 1) / block, columnBlocks = (m + block - 1) / block
        let pairs = (0..<rowBlocks).flatMap { bi in ((upperBlocksOnly ? bi : 0)..<columnBlocks).map { (bi, $0) } }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let av = pa.baseAddress!, bv = pb.baseAddress!, out = pc.baseAddress!
                    parallelism.forEachRange(pairs.count) { range in
                        for (bi, bj) in pairs[range] {
                            let i1 = min(n, (bi + 1) * block), j0 = bj * block, j1 = min(m, (bj + 1) * block)
                            var i = bi * block
                            while i < i1 {
                                if i + 3 < i1 {
                                    let schedule = PrefetchSchedule(next: av + min(i + 4, n - 4) * d, rows: 4, d: d, tiles: (j1 - j0 + 2) / 3)
                                    var j = j0, tile = 0
                                    while j < j1 {
                                        let count = min(3, j1 - j)
                                        tile4x3(av + i * d, bv + j * d, count, d, n4, out + i * m + j, m, schedule.segment(tile))
                                        j += count; tile += 1
                                    }
                                    i += 4
                                } else if i + 1 < i1 {
                                    var j = j0
                                    while j < j1 {
                                        let count = min(5, j1 - j)
                                        tile2x5(av + i * d, av + (i + 1) * d, bv + j * d, count, d, n4, out + i * m + j, m, 1)
                                        j += count
                                    }
                                    i += 2
                                } else {
                                    for j in j0..<j1 { out[i * m + j] = dot(av + i * d, bv + j * d, d) }
                                    i += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return c
    }

    /// A blocked transpose (32×32 tiles, so both sides stay in cache; inside a tile 4×4 blocks, each
    /// four vector loads, a register transpose and four vector stores), parallel over row bands of
    /// the result, writing into uninitialised storage (every entry is written exactly once). It
    /// moves entries and rounds nothing.
    public static func transpose(_ a: Matrix, _ parallelism: Parallelism = .machine) -> Matrix {
        let n = a.rows, m = a.columns, tile = 32
        let storage = [Double](unsafeUninitializedCapacity: n * m) { buffer, count in
            a.storage.withUnsafeBufferPointer { pa in
                let src = pa.baseAddress!, dst = buffer.baseAddress!
                parallelism.forEachRange((m + tile - 1) / tile, grain: 4) { bands in
                    for band in bands {
                        let j0 = band * tile, j1 = min(m, j0 + tile)
                        for i0 in stride(from: 0, to: n, by: tile) {
                            transposeTile(src, m, dst, n, rows: i0..<min(i0 + tile, n), columns: j0..<j1)
                        }
                    }
                }
            }
            count = n * m
        }
        return Matrix(rows: m, columns: n, storage: storage)
    }

    /// dst[j·n + i] = src[i·m + j] for i in `rows`, j in `columns`: 4×4 blocks through registers,
    /// the ragged edges entry by entry.
    @inline(__always)
    static func transposeTile(_ src: UnsafePointer<Double>, _ m: Int, _ dst: UnsafeMutablePointer<Double>, _ n: Int,
                              rows: Range<Int>, columns: Range<Int>) {
        let i4 = rows.lowerBound &+ ((rows.count) & ~3), j4 = columns.lowerBound &+ ((columns.count) & ~3)
        var i = rows.lowerBound
        while i < i4 {
            let s0 = src + i &* m, s1 = s0 + m, s2 = s1 + m, s3 = s2 + m
            var j = columns.lowerBound
            while j < j4 {
                let r0 = load4(s0, j), r1 = load4(s1, j), r2 = load4(s2, j), r3 = load4(s3, j)
                let d = dst + (j &* n &+ i)
                store4(SIMD4(r0[0], r1[0], r2[0], r3[0]), d, 0)
                store4(SIMD4(r0[1], r1[1], r2[1], r3[1]), d + n, 0)
                store4(SIMD4(r0[2], r1[2], r2[2], r3[2]), d + 2 &* n, 0)
                store4(SIMD4(r0[3], r1[3], r2[3], r3[3]), d + 3 &* n, 0)
                j &+= 4
            }
            while j < columns.upperBound {
                let d = dst + (j &* n &+ i)
                d[0] = s0[j]; d[1] = s1[j]; d[2] = s2[j]; d[3] = s3[j]
                j &+= 1
            }
            i &+= 4
        }
        while i < rows.upperBound {
            for j in columns { dst[j &* n &+ i] = src[i &* m &+ j] }
            i &+= 1
        }
    }

    /// y ← y + α·x over n contiguous Doubles, elementwise with fma.
    @inlinable
    public static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        let va = SIMD4<Double>(repeating: alpha)
        var k = 0
        while k + 4 <= n { store4(load4(UnsafePointer(y), k).addingProduct(va, load4(x, k)), y, k); k += 4 }
        while k < n { y[k] = y[k].addingProduct(alpha, x[k]); k += 1 }
    }

    /// ‖a_i‖² for each row.
    public static func rowSquaredNorms(_ a: Matrix) -> [Double] {
        a.storage.withUnsafeBufferPointer { p in
            (0..<a.rows).map { i in dot(p.baseAddress! + i * a.columns, p.baseAddress! + i * a.columns, a.columns) }
        }
    }
}
