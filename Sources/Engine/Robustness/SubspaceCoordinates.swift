/// NRF-/RF-PGD in coordinates: every patch moves within the span of the orthonormal rows S (s × d)
/// of the attack's subspace, δ_p = Sᵀc_p, so the gain is A = S·Wᵀ (s × m) for every patch, the
/// metric is the identity (‖δ_p‖ = ‖c_p‖), and the step direction — the input gradient projected
/// onto the subspace — has the coordinates S·∇_{x_p}ℓ = Σ_r ∂ℓ/∂z_{p,r}·A[·, r].
/// Per PGD step O(n·P·s·m) instead of O(n·P·d·m): s = k = 4 against d = 64 on `at-phase`.
/// `orthogonalCoordinates` more coordinates may follow the basis's: of unit directions orthogonal
/// to S and to every neuron (zero gain), whose vectors the caller supplies — the weight span's
/// start direction u (`WeightSpanCoordinates`).
struct SubspaceCoordinates: PerturbationCoordinates {
    let network: TwoLayerNetwork
    /// S (s × d), orthonormal rows.
    let basis: Matrix
    /// A = S·Wᵀ (s × m), then a zero row per orthogonal coordinate.
    let gain: Matrix

    init(network: TwoLayerNetwork, basis: Matrix, orthogonalCoordinates: Int = 0) {
        self.network = network
        self.basis = basis
        let a = Kernels.productTransposed(basis, network.weights, .serial)
        gain = Matrix(rows: basis.rows + orthogonalCoordinates, columns: a.columns,
                      storage: a.storage + [Double](repeating: 0, count: orthogonalCoordinates * a.columns))
    }

    /// Coordinates per patch row: the basis's and the orthogonal ones.
    var dimension: Int { gain.rows }

    /// No per-row frame; the coordinates of the primal algorithm's random start of samples
    /// `indices` (one row per patch).
    func frame(_ n: Int, indices: [Int], config: AttackConfig, epsilon: Double, key: PRNGKey) -> (frame: Void, start: Matrix) {
        let p = network.patches, s = basis.rows, d = network.inputDimension
        var c = Matrix(rows: indices.count * p, columns: s)
        guard config.start != .none else { return ((), c) }
        for i in indices.indices {
            var stream = key.child(UInt64(indices[i])).stream
            for patch in 0..<p {
                let (v, radius) = Attacks.l2Start(&stream, config.start, epsilon: epsilon, block: d)
                let row = i * p + patch
                for j in 0..<s { c[row, j] = v.withUnsafeBufferPointer { vp in basis.storage.withUnsafeBufferPointer { Kernels.dot($0.baseAddress! + j * d, vp.baseAddress!, d) } } }
                let norm = (0..<s).reduce(0.0) { $0 + c[row, $1] * c[row, $1] }.squareRoot()
                for j in 0..<s { c[row, j] = norm > 0 ? radius * c[row, j] / norm : 0 }
            }
        }
        return ((), c)
    }

    /// z = z⁰ + c·A, row by row: z_r += c_j·A[j, r] for j = 0, 1, … (a rounded product and a rounded
    /// sum per term, a zero c_j skipped). Sixteen (then four) entries of a row are kept in vector
    /// registers while every j is added — the same operations in the same order per entry as the
    /// scalar loop, without a store and reload of z between two j.
    func preactivations(_ frame: Void, z0: Matrix, _ c: Matrix) -> Matrix {
        let s = dimension, m = z0.columns, rows = z0.rows
        let storage = [Double](unsafeUninitializedCapacity: rows * m) { buffer, count in
            z0.storage.withUnsafeBufferPointer { zp in
                c.storage.withUnsafeBufferPointer { cp in
                    gain.storage.withUnsafeBufferPointer { ap in
                        let a = ap.baseAddress!, out = buffer.baseAddress!
                        for row in 0..<rows {
                            let source = zp.baseAddress! + (row &* m), target = out + (row &* m), coordinates = cp.baseAddress! + (row &* s)
                            var r = 0
                            while r &+ 16 <= m {
                                var z0v = Kernels.load4(source, r), z1v = Kernels.load4(source, r &+ 4)
                                var z2v = Kernels.load4(source, r &+ 8), z3v = Kernels.load4(source, r &+ 12)
                                for j in 0..<s {
                                    let cj = coordinates[j]
                                    if cj == 0 { continue }
                                    let v = SIMD4(repeating: cj), aj = a + (j &* m &+ r)
                                    z0v = z0v + v * Kernels.load4(aj, 0)
                                    z1v = z1v + v * Kernels.load4(aj, 4)
                                    z2v = z2v + v * Kernels.load4(aj, 8)
                                    z3v = z3v + v * Kernels.load4(aj, 12)
                                }
                                Kernels.store4(z0v, target, r); Kernels.store4(z1v, target, r &+ 4)
                                Kernels.store4(z2v, target, r &+ 8); Kernels.store4(z3v, target, r &+ 12)
                                r &+= 16
                            }
                            while r &+ 4 <= m {
                                var zv = Kernels.load4(source, r)
                                for j in 0..<s {
                                    let cj = coordinates[j]
                                    if cj == 0 { continue }
                                    zv = zv + SIMD4(repeating: cj) * Kernels.load4(a + (j &* m), r)
                                }
                                Kernels.store4(zv, target, r)
                                r &+= 4
                            }
                            while r < m {
                                var z = source[r]
                                for j in 0..<s {
                                    let cj = coordinates[j]
                                    if cj == 0 { continue }
                                    z += cj * a[j &* m &+ r]
                                }
                                target[r] = z
                                r &+= 1
                            }
                        }
                    }
                }
            }
            count = rows * m
        }
        return Matrix(rows: rows, columns: m, storage: storage)
    }

    /// d = ∂ℓ/∂z·Aᵀ: row by row, ⟨∂ℓ/∂z_row, A[j, ·]⟩ in `Kernels.dot`'s order (four coordinates
    /// at a time by `Kernels.dot4`, the same bits).
    func ascentDirection(_ frame: Void, _ dz: Matrix) -> Matrix {
        let s = dimension, m = dz.columns, s4 = s & ~3
        var direction = Matrix(rows: dz.rows, columns: s)
        direction.storage.withUnsafeMutableBufferPointer { dp in
            dz.storage.withUnsafeBufferPointer { gp in
                gain.storage.withUnsafeBufferPointer { ap in
                    let out = dp.baseAddress!, g = gp.baseAddress!, a = ap.baseAddress!
                    for row in 0..<dz.rows {
                        var j = 0
                        while j < s4 {
                            let v = Kernels.dot4(g + row * m, a + j * m, stride: m, m)
                            out[row * s + j] = v[0]; out[row * s + j + 1] = v[1]; out[row * s + j + 2] = v[2]; out[row * s + j + 3] = v[3]
                            j += 4
                        }
                        while j < s { out[row * s + j] = Kernels.dot(g + row * m, a + j * m, m); j += 1 }
                    }
                }
            }
        }
        return direction
    }

    func squaredLength(_ frame: Void, row: Int, _ c: UnsafePointer<Double>) -> Double { Kernels.dot(c, c, dimension) }

    /// x + Σ_j c_j·s_j per patch (the basis's coordinates only: the orthogonal ones are the caller's).
    func perturbed(_ frame: Void, _ inputs: Matrix, _ c: Matrix, sample i: Int, into out: inout Matrix, row o: Int) {
        let d = network.inputDimension, p = network.patches, s = basis.rows, width = inputs.columns
        out.storage.withUnsafeMutableBufferPointer { op in
            inputs.storage.withUnsafeBufferPointer { ip in
                basis.storage.withUnsafeBufferPointer { bp in
                    let target = op.baseAddress! + o * width
                    target.update(from: ip.baseAddress! + i * width, count: width)
                    for patch in 0..<p {
                        for j in 0..<s {
                            let cj = c[i * p + patch, j]
                            if cj != 0 { Kernels.axpy(cj, bp.baseAddress! + j * d, target + patch * d, d) }
                        }
                    }
                }
            }
        }
    }
}
