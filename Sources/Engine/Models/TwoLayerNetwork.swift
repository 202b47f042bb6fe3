/// A two-layer network with a trainable first layer and a fixed second layer, applied to P patches
/// with shared weights:
///
///     F_o(X) = Σ_{r : out(r) = o} a_r · Σ_{p < P} σ(⟨w_r, x_p⟩ + b_r)
///
/// One definition covers every model of the papers:
/// - Feature Averaging (Proofs/feature-averaging.md): P = 1, σ = ReLU, binary head (m neurons with a_r = +s and m
///   with a_r = −s; s = 1/m in the theorem, 1 in the official code) or the k-class head (output i
///   sums its own h neurons; h = 1, s = 1 is the identity head of feature decoupling);
/// - the patch CNN of Li & Li (Proofs/adversarial-training.md): F_i(X) = Σ_r Σ_p sReLU(⟨w_{i,r}, x_p⟩), i.e.
///   σ = smoothed ReLU, per-class head with a_r = 1 and no biases;
/// - the linear model: σ = identity with one neuron per output.
/// Trainable: W (one neuron per row, length d) and, optionally, b. A sample is one row of length
/// P·d (patch p in columns p·d ..< (p+1)·d). ReLU′(0) := 0 (tested exactly).
public struct TwoLayerNetwork: DifferentiableModel, Equatable {
    /// The fixed second layer: which output each neuron feeds, with which coefficient.
    public struct Head: Equatable, Sendable, Codable {
        public let outputs: Int
        public let neuronOutput: [Int]
        public let coefficient: [Double]

        public init(outputs: Int, neuronOutput: [Int], coefficient: [Double]) {
            precondition(neuronOutput.count == coefficient.count && neuronOutput.allSatisfy { (0..<outputs).contains($0) })
            self.outputs = outputs
            self.neuronOutput = neuronOutput
            self.coefficient = coefficient
        }

        /// The neurons in maximal runs of consecutive indices that feed one output, in order
        /// (one run per output for the binary and multiclass heads).
        var outputRuns: [(neurons: Range<Int>, output: Int)] {
            var runs: [(neurons: Range<Int>, output: Int)] = []
            var start = 0
            for r in neuronOutput.indices where r + 1 == neuronOutput.count || neuronOutput[r + 1] != neuronOutput[r] {
                runs.append((start..<(r + 1), neuronOutput[r]))
                start = r + 1
            }
            return runs
        }

        public static func binary(neuronsPerSign m: Int, scale: Double) -> Head {
            Head(outputs: 1, neuronOutput: [Int](repeating: 0, count: 2 * m),
                 coefficient: (0..<(2 * m)).map { $0 < m ? scale : -scale })
        }

        public static func perClass(classes k: Int, neuronsPerClass h: Int, scale: Double) -> Head {
            Head(outputs: k, neuronOutput: (0..<(k * h)).map { $0 / h },
                 coefficient: [Double](repeating: scale, count: k * h))
        }
    }

    public var weights: Matrix { didSet { transposedWeights = nil } }
    public var biases: [Double]
    public let head: Head
    public let activation: Activation
    public let patches: Int
    public let trainsBiases: Bool
    /// Wᵀ (d × m), where `preparedForInputGradients()` kept it: each input gradient ∂ℓ/∂z·W would
    /// otherwise transpose W again (`Kernels.product`), which on a wide net attacked a few rows at
    /// a time cost more than the products. Dropped whenever W changes; not part of the net's value.
    private(set) var transposedWeights: Matrix?

    public static func == (lhs: TwoLayerNetwork, rhs: TwoLayerNetwork) -> Bool {
        lhs.weights == rhs.weights && lhs.biases == rhs.biases && lhs.head == rhs.head && lhs.activation == rhs.activation
            && lhs.patches == rhs.patches && lhs.trainsBiases == rhs.trainsBiases
    }

    public func preparedForInputGradients() -> TwoLayerNetwork {
        // With 16 neurons or fewer the input gradient is summed from W's rows: no transpose to keep.
        guard Kernels.readsTransposedB(innerDimension: neurons) else { return self }
        var prepared = self
        prepared.transposedWeights = weights.transposed
        return prepared
    }

    public init(weights: Matrix, biases: [Double], head: Head, activation: Activation = .relu, patches: Int = 1,
                trainsBiases: Bool = true) {
        precondition(weights.rows == biases.count && weights.rows == head.neuronOutput.count, "inconsistent neuron counts")
        precondition(patches >= 1)
        self.weights = weights
        self.biases = biases
        self.head = head
        self.activation = activation
        self.patches = patches
        self.trainsBiases = trainsBiases
    }

    /// W ~ N(0, weightStd²), b ~ N(0, biasStd²) (b = 0 when biases are not trained), from `key`.
    public static func initialized(inputDimension d: Int, head: Head, weightStd: Double, biasStd: Double,
                                   activation: Activation = .relu, patches: Int = 1, trainsBiases: Bool = true,
                                   key: PRNGKey) -> TwoLayerNetwork {
        let neurons = head.neuronOutput.count
        var w = key.child("weights").stream, b = key.child("biases").stream
        let weights = Matrix(rows: neurons, columns: d, storage: (0..<(neurons * d)).map { _ in weightStd * w.gaussian() })
        let biases = (0..<neurons).map { _ in trainsBiases ? biasStd * b.gaussian() : 0 }
        return TwoLayerNetwork(weights: weights, biases: biases, head: head, activation: activation, patches: patches,
                               trainsBiases: trainsBiases)
    }

    public var neurons: Int { weights.rows }
    /// The patch dimension d (the length of each w_r).
    public var inputDimension: Int { weights.columns }

    /// W, for one patch and fewer neurons than inputs: ∂ℓ/∂x = Σ_r ∂ℓ/∂z_r·w_r (biases add nothing).
    public var inputGradientSpan: Matrix? { patches == 1 && neurons < inputDimension ? weights : nil }
    public var outputs: Int { head.outputs }

    // MARK: Parameters

    public var parameters: [Double] {
        get { trainsBiases ? weights.storage + biases : weights.storage }
        set {
            let w = weights.rows * weights.columns
            precondition(newValue.count == w + (trainsBiases ? biases.count : 0), "parameter vector has the wrong length")
            weights.storage = Array(newValue[0..<w])
            if trainsBiases { biases = Array(newValue[w...]) }
        }
    }

    public func parameterName(_ index: Int) -> String {
        let w = weights.rows * weights.columns
        return index < w ? "W[\(index / weights.columns), \(index % weights.columns)]" : "b[\(index - w)]"
    }

    // MARK: Forward and backward

    /// The samples as one patch per row: (n·P) × d, sharing the storage of `inputs` (no copy).
    func patchRows(_ inputs: Matrix) -> Matrix {
        precondition(inputs.columns == patches * inputDimension,
                     "inputs have \(inputs.columns) columns, the network expects P·d = \(patches)·\(inputDimension)")
        return Matrix(rows: inputs.rows * patches, columns: inputDimension, storage: inputs.storage)
    }

    /// z_{(i,p),r} = ⟨w_r, x_{i,p}⟩ + b_r, one row per (sample, patch).
    public func preactivations(_ inputs: Matrix, _ parallelism: Parallelism) -> Matrix {
        var z = Kernels.productTransposed(patchRows(inputs), weights, parallelism)
        let (rows, m) = (z.rows, z.columns)
        z.storage.withUnsafeMutableBufferPointer { zp in
            biases.withUnsafeBufferPointer { bp in
                for row in 0..<rows {
                    let out = zp.baseAddress! + row * m
                    for r in 0..<m { out[r] += bp[r] }
                }
            }
        }
        return z
    }

    func logits(fromPreactivations z: Matrix) -> Matrix {
        var f = Matrix(rows: z.rows / patches, columns: outputs)
        // σ(z) of every entry (written by `apply`, so not zero-filled first).
        let s = [Double](unsafeUninitializedCapacity: z.storage.count) { buffer, count in
            z.storage.withUnsafeBufferPointer { activation.apply($0, into: buffer, derivative: false) }
            count = z.storage.count
        }
        let (m, o) = (neurons, outputs)
        s.withUnsafeBufferPointer { sp in
            f.storage.withUnsafeMutableBufferPointer { fp in
                head.neuronOutput.withUnsafeBufferPointer { out in
                    head.coefficient.withUnsafeBufferPointer { a in
                        // F_{i,q} = Σ_p Σ_{r: out(r) = q} a_r·σ(z_{(i,p),r}), added in the order (p, r).
                        // No branch on σ = 0: adding a·0 = ±0 leaves every sum's bits as they are
                        // (f starts at +0 and is never −0), and the branch mispredicts on half the rows.
                        // Four samples at a time: their sums are independent chains of additions
                        // (each keeps its own order, so the bits are those of one sample at a time) —
                        // in vector registers for ≤ 4 outputs (`addOutputs`), else interleaved in
                        // memory so that one chain's latency hides behind the others'.
                        let samples = z.rows / patches, rowWidth = patches * m
                        var i = 0
                        if o <= 4 {
                            // Lanes = four samples, one vector of sums per output, in registers:
                            // each sample's σ(z) read four neurons at a time and transposed.
                            while i + 4 <= samples {
                                Self.addOutputs(sp.baseAddress! + i * rowWidth, rowWidth: rowWidth, patches: patches, neurons: m,
                                                out: out.baseAddress!, a: a.baseAddress!, into: fp.baseAddress! + i * o, outputs: o)
                                i += 4
                            }
                        }
                        while i + 4 <= samples {
                            let s0 = sp.baseAddress! + i * rowWidth, f0 = fp.baseAddress! + i * o
                            for p in 0..<patches {
                                for r in 0..<m {
                                    let coefficient = a[r], q = out[r], column = p * m + r
                                    f0[q] += coefficient * s0[column]
                                    f0[o + q] += coefficient * s0[rowWidth + column]
                                    f0[2 * o + q] += coefficient * s0[2 * rowWidth + column]
                                    f0[3 * o + q] += coefficient * s0[3 * rowWidth + column]
                                }
                            }
                            i += 4
                        }
                        while i < samples {
                            for p in 0..<patches {
                                let row = i * patches + p
                                for r in 0..<m { fp[i * o + out[r]] += a[r] * sp[row * m + r] }
                            }
                            i += 1
                        }
                    }
                }
            }
        }
        return f
    }

    /// F_{k,q} = Σ_p Σ_{r: out(r) = q} a_r·σ_{k,(p,r)} for four samples k (rows of `s`, `rowWidth`
    /// apart), added in the order (p, r) from +0 with a rounded product and a rounded sum per term —
    /// the bits of `logits`' one-sample loop — with the samples in the lanes of one vector per output
    /// (≤ 4 outputs).
    @inline(__always)
    static func addOutputs(_ s: UnsafePointer<Double>, rowWidth: Int, patches: Int, neurons m: Int, out: UnsafePointer<Int>,
                           a: UnsafePointer<Double>, into f: UnsafeMutablePointer<Double>, outputs o: Int) {
        var f0 = SIMD4<Double>(), f1 = SIMD4<Double>(), f2 = SIMD4<Double>(), f3 = SIMD4<Double>()
        let s1 = s + rowWidth, s2 = s1 + rowWidth, s3 = s2 + rowWidth
        @inline(__always) func add(_ q: Int, _ term: SIMD4<Double>) {
            switch q {
            case 0: f0 = f0 + term
            case 1: f1 = f1 + term
            case 2: f2 = f2 + term
            default: f3 = f3 + term
            }
        }
        var column = 0
        for _ in 0..<patches {
            var r = 0
            while r + 4 <= m {
                let u0 = Kernels.load4(s, column), u1 = Kernels.load4(s1, column)
                let u2 = Kernels.load4(s2, column), u3 = Kernels.load4(s3, column)
                add(out[r], SIMD4(repeating: a[r]) * SIMD4(u0[0], u1[0], u2[0], u3[0]))
                add(out[r + 1], SIMD4(repeating: a[r + 1]) * SIMD4(u0[1], u1[1], u2[1], u3[1]))
                add(out[r + 2], SIMD4(repeating: a[r + 2]) * SIMD4(u0[2], u1[2], u2[2], u3[2]))
                add(out[r + 3], SIMD4(repeating: a[r + 3]) * SIMD4(u0[3], u1[3], u2[3], u3[3]))
                r += 4
                column += 4
            }
            while r < m {  // the last m mod 4 neurons of the patch, one at a time
                add(out[r], SIMD4(repeating: a[r]) * SIMD4(s[column], s1[column], s2[column], s3[column]))
                r += 1
                column += 1
            }
        }
        for k in 0..<4 {
            f[k * o] = f0[k]
            if o > 1 { f[k * o + 1] = f1[k] }
            if o > 2 { f[k * o + 2] = f2[k] }
            if o > 3 { f[k * o + 3] = f3[k] }
        }
    }

    public func logits(_ inputs: Matrix, _ parallelism: Parallelism) -> Matrix {
        logits(fromPreactivations: preactivations(inputs, parallelism))
    }

    /// ∂L/∂z_{(i,p),r} = a_r · ∂L/∂F_{i,out(r)} · σ′(z_{(i,p),r}).
    func preactivationGradient(_ z: Matrix, logitGradient g: Matrix) -> Matrix {
        let (m, o) = (neurons, g.columns)
        return Matrix(rows: z.rows, columns: neurons) { dp in
            z.storage.withUnsafeBufferPointer { zp in
                activation.apply(zp, into: dp, derivative: true)  // σ′(z) into every entry, then scaled in place
                g.storage.withUnsafeBufferPointer { gp in
                    head.neuronOutput.withUnsafeBufferPointer { out in
                        head.coefficient.withUnsafeBufferPointer { a in
                            // a_r·∂L/∂F_{i,out(r)} once per sample (the same product (a·g)·σ′ as
                            // before), then every patch row of the sample in one contiguous pass.
                            // The neurons of one output are contiguous runs (`outputRuns`), so the
                            // scales are a vector loop per run with ∂L/∂F_{i,q} broadcast.
                            let runs = head.outputRuns
                            var scale = [Double](repeating: 0, count: m)
                            scale.withUnsafeMutableBufferPointer { c in
                                for i in 0..<(z.rows / patches) {
                                    for run in runs {
                                        let gq = gp[i &* o &+ run.output]
                                        for r in run.neurons { c[r] = a[r] * gq }
                                    }
                                    var row = dp.baseAddress! + i * patches * m
                                    for _ in 0..<patches {
                                        for r in 0..<m {  // a select, not a branch: σ′ = 0 gives +0, as before
                                            let slope = row[r], v = c[r] * slope
                                            row[r] = slope != 0 ? v : 0
                                        }
                                        row += m
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public func lossAndGradient(_ data: Dataset, _ loss: any Loss, _ parallelism: Parallelism) -> Backward {
        let z = preactivations(data.inputs, parallelism)
        let (value, g) = loss.valueAndGradient(logits: logits(fromPreactivations: z), labels: data.labels, divisor: Double(data.count))
        let dz = preactivationGradient(z, logitGradient: g)
        return Backward(loss: value, gradient: parameterGradient(dz, data, parallelism), preactivationGradient: patches == 1 ? dz : nil)
    }

    /// ∂L/∂(W, b) from ∂L/∂z: ∂L/∂W = dzᵀ·X_patches, formed as (X_patchesᵀ·dz)ᵀ (inner products of
    /// contiguous rows), and ∂L/∂b_r = Σ_rows dz_{·,r} when the biases are trained.
    func parameterGradient(_ dz: Matrix, _ data: Dataset, _ parallelism: Parallelism) -> [Double] {
        let xt = data.transposedPatchRows(patches: patches) ?? patchRows(data.inputs).transposed
        var gradient = Kernels.productTransposed(xt, dz.transposed, parallelism).transposed.storage
        if trainsBiases {
            // ∂L/∂b_r = Σ_rows ∂L/∂z_{row,r}, summed over the rows in order.
            var db = [Double](repeating: 0, count: neurons)
            let m = neurons
            db.withUnsafeMutableBufferPointer { out in
                dz.storage.withUnsafeBufferPointer { g in
                    for row in 0..<dz.rows {
                        let line = g.baseAddress! + row * m
                        for r in 0..<m { out[r] += line[r] }
                    }
                }
            }
            gradient += db
        }
        return gradient
    }

    public func prepareForTraining(_ data: Dataset) -> Dataset { data.withTransposedPatchRows(patches: patches) }

    public func logitsAndInputGradient(_ inputs: Matrix, labels: [Int], _ loss: any Loss, _ parallelism: Parallelism) -> (logits: Matrix, gradient: Matrix) {
        let z = preactivations(inputs, parallelism)
        let f = logits(fromPreactivations: z)
        let (_, g) = loss.valueAndGradient(logits: f, labels: labels, divisor: 1)
        let dz = preactivationGradient(z, logitGradient: g)
        let dx = transposedWeights.map { Kernels.product(dz, transposedB: $0, parallelism) } ?? Kernels.product(dz, weights, parallelism)  // (n·P) × d
        return (f, Matrix(rows: inputs.rows, columns: inputs.columns, storage: dx.storage))
    }
}
