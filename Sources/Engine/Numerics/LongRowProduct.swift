extension Kernels {
    /// The block shape of `longRowProductTransposed`: a block of the result is `rows` rows of A ×
    /// `columns` rows of B (a multiple of 3, the tile's width), worked on `depth` entries of the
    /// inner dimension at a time (a multiple of 4, the lanes). With d-long rows the block's slices of
    /// A and B (64 + 96 rows × 256 Doubles = 320 KiB) and its lanes (64 × 96 × 4 Doubles = 192 KiB)
    /// stay in a 1 MiB L2 while its 16 × 32 tiles run over them.
    @usableFromInline
    enum LongRowBlock {
        static let rows = 64, columns = 96, depth = 256
    }

    /// Whether `productTransposed` takes the k-blocked path: rows long enough that one tile's rows
    /// no longer stay in cache (d ≥ 1024), on both sides enough rows to fill a block's tiles.
    static func prefersLongRowBlocks(rows n: Int, columns m: Int, depth d: Int) -> Bool {
        d >= 1024 && n >= LongRowBlock.rows && m >= LongRowBlock.columns
    }

    /// A·Bᵀ for A (n×d) and B (m×d) with long rows: **the same entries, bit for bit, as the tiles of
    /// `productTransposed`** — each entry ⟨a_i, b_r⟩ in the dot order of `Kernels` — computed by
    /// blocks of the inner dimension.
    ///
    /// The dot order's four lanes are independent fma chains, lane l over j ≡ l (mod 4) in increasing
    /// j, up to 4⌊d/4⌋. A chain can be stopped after any j and continued later from its stored value
    /// without changing a bit (a Double stored and loaded is the same Double). So a block of the
    /// result keeps its entries' lanes in a scratch buffer, runs its tiles over one slice of `depth`
    /// columns at a time — the slices of A and B stay in L2 and are each reused by every tile of the
    /// block — and only after the last slice forms (l₀ + l₁) + (l₂ + l₃) and the tail fma's. The
    /// streaming tiles of `productTransposed` run each entry's chains in registers over whole rows,
    /// so with rows too long for cache they read B from memory once per four rows of A; here once
    /// per block of 64 (Benchmarks/BENCHMARKS.md, Feature Purification at paper scale).
    ///
    /// Parallel over blocks of the result (each thread owns whole entries), so the result is the same
    /// for any thread count. `transposingResult` stores (A·Bᵀ)ᵀ instead, as in `productTransposed`.
    static func longRowProductTransposed(_ a: Matrix, _ b: Matrix, _ parallelism: Parallelism,
                                         transposingResult: Bool = false) -> Matrix {
        precondition(a.columns == b.columns, "A·Bᵀ: \(a.shape) and \(b.shape) have different row lengths")
        let n = a.rows, m = b.rows, d = a.columns, d4 = d & ~3
        var c = transposingResult ? Matrix(rows: m, columns: n) : Matrix(rows: n, columns: m)
        let (rowStride, columnStride) = transposingResult ? (1, n) : (m, 1)
        let (height, width, depth) = (LongRowBlock.rows, LongRowBlock.columns, LongRowBlock.depth)
        let rowBlocks = (n + height - 1) / height, columnBlocks = (m + width - 1) / width
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    let av = pa.baseAddress!, bv = pb.baseAddress!, out = pc.baseAddress!
                    parallelism.forEachRange(rowBlocks * columnBlocks) { blocks in
                        let lanes = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: height * width)
                        defer { lanes.deallocate() }
                        for block in blocks {
                            let (bi, bj) = block.quotientAndRemainder(dividingBy: columnBlocks)
                            let i0 = bi * height, i1 = min(n, i0 + height), j0 = bj * width, j1 = min(m, j0 + width)
                            let span = j1 - j0  // lanes of entry (i, j) at (i − i0)·span + (j − j0)
                            lanes.initialize(repeating: SIMD4(), count: (i1 - i0) * span)
                            var k0 = 0
                            while k0 < d4 {
                                let k1 = min(d4, k0 + depth)
                                var i = i0
                                while i < i1 {
                                    let rows = min(4, i1 - i)
                                    var j = j0
                                    while j < j1 {
                                        let count = min(3, j1 - j)
                                        let state = lanes + (i - i0) * span + (j - j0)
                                        if rows == 4 && count == 3 {
                                            laneTile4x3(av + i * d, bv + j * d, d, k0, k1, state, span)
                                        } else {
                                            laneTileEdge(av + i * d, rows, bv + j * d, count, d, k0, k1, state, span)
                                        }
                                        j += count
                                    }
                                    i += rows
                                }
                                k0 = k1
                            }
                            for i in i0..<i1 {
                                for j in j0..<j1 {
                                    var s = reduce(lanes[(i - i0) * span + (j - j0)])
                                    for t in d4..<d { s = s.addingProduct(av[i * d + t], bv[j * d + t]) }
                                    out[i * rowStride + j * columnStride] = s
                                }
                            }
                        }
                    }
                }
            }
        }
        return c
    }

    /// Continues the lanes of a 4-row × 3-column tile over the inner indices k0..<k1 (multiples of
    /// 4): twelve accumulators loaded from `state` (row stride `span`), `Tile4x3.step` as in
    /// `tile4x3`, stored back.
    @inline(__always)
    static func laneTile4x3(_ x: UnsafePointer<Double>, _ w: UnsafePointer<Double>, _ d: Int, _ k0: Int, _ k1: Int,
                            _ state: UnsafeMutablePointer<SIMD4<Double>>, _ span: Int) {
        let s1 = state + span, s2 = s1 + span, s3 = s2 + span
        var t = Tile4x3(a0: state[0], a1: state[1], a2: state[2], b0: s1[0], b1: s1[1], b2: s1[2],
                        c0: s2[0], c1: s2[1], c2: s2[2], e0: s3[0], e1: s3[1], e2: s3[2])
        let x1 = x + d, x2 = x1 + d, x3 = x2 + d, w1 = w + d, w2 = w1 + d
        var j = k0
        while j < k1 { t.step(x, x1, x2, x3, w, w1, w2, j); j &+= 4 }
        state[0] = t.a0; state[1] = t.a1; state[2] = t.a2
        s1[0] = t.b0; s1[1] = t.b1; s1[2] = t.b2
        s2[0] = t.c0; s2[1] = t.c1; s2[2] = t.c2
        s3[0] = t.e0; s3[1] = t.e1; s3[2] = t.e2
    }

    /// The ragged edge of a block (fewer than 4 rows or 3 columns): each entry's lanes continued on
    /// their own, the same fma steps in the same order.
    @inline(never)
    static func laneTileEdge(_ x: UnsafePointer<Double>, _ rows: Int, _ w: UnsafePointer<Double>, _ count: Int, _ d: Int,
                             _ k0: Int, _ k1: Int, _ state: UnsafeMutablePointer<SIMD4<Double>>, _ span: Int) {
        for row in 0..<rows {
            for q in 0..<count {
                let xr = x + row * d, wq = w + q * d
                var lane = state[row * span + q], j = k0
                while j < k1 { lane = lane.addingProduct(load4(xr, j), load4(wq, j)); j &+= 4 }
                state[row * span + q] = lane
            }
        }
    }
}
