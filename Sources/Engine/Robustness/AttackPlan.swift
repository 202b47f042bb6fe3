/// Everything an attack on fixed inputs needs that depends neither on the radius nor on the
/// objective, formed once: the budget block, the split of the random start along the model's
/// input-gradient span (`SplitGaussianStart`, one QR), the coordinate route (`CoordinateRoute`,
/// with its Gram matrix) and, on that route, the clean pre-activations Z⁰ = X·Wᵀ + b of every row,
/// from which the clean decisions follow too. A robustness curve attacks the same inputs at every
/// radius (`RobustAccuracy.curve`): with one plan it pays the O(n·d·m) pass over X once instead of
/// twice per radius, and on the coordinate route a decisions-only attack never reads X again.
/// Row i of Z⁰ is row i of the per-block product (the model's row-independence contract), so a
/// plan changes no bit of any attack.
struct AttackPlan<M: DifferentiableModel> {
    let model: M
    let inputs: Matrix
    let config: AttackConfig
    let block: Int
    let split: SplitGaussianStart?
    let coordinates: CoordinateRoute?
    /// Z⁰ of every row of `inputs` (coordinate route only), one row per sample: its P patch rows
    /// of m pre-activations side by side (P·m columns).
    let preactivations: Matrix?

    init(_ model: M, inputs: Matrix, config: AttackConfig, parallelism: Parallelism) {
        let width = inputs.columns
        let block = config.patchDimension > 0 ? config.patchDimension : width
        precondition(config.subspaceBasis.map { $0.columns == block } ?? true, "the subspace basis must have the budget block's width \(block)")
        precondition(width % block == 0, "the input width \(width) is not a multiple of the patch dimension \(block)")
        self.model = model.preparedForInputGradients()
        self.inputs = inputs
        self.config = config
        self.block = block
        // The model's gradient span, for an ℓ2 attack on the whole input: the split of its random
        // start, and the basis of its coordinates.
        split = config.norm == .l2 && config.subspaceBasis == nil && block == width
            ? model.inputGradientSpan.flatMap(SplitGaussianStart.init(spanning:)) : nil
        coordinates = CoordinateRoute(model, config: config, block: block, start: split)
        preactivations = coordinates.map {
            Matrix(rows: inputs.rows, columns: $0.network.patches * $0.network.neurons, storage: $0.network.preactivations(inputs, parallelism).storage)
        }
    }

    /// Per-sample rows of pre-activations back as the network's patch rows (n·P × m).
    static func patchRows(_ z: Matrix, _ network: TwoLayerNetwork) -> Matrix {
        Matrix(rows: z.rows * network.patches, columns: network.neurons, storage: z.storage)
    }

    /// The clean decision of every row.
    func cleanPredictions(_ parallelism: Parallelism) -> [Int] {
        guard let z0 = preactivations, let network = coordinates?.network else { return model.predictions(inputs, parallelism) }
        return predictedLabels(network.logits(fromPreactivations: Self.patchRows(z0, network)))
    }

    /// `Attacks.attack` of the plan's inputs (or of the rows `selected` of them).
    func attack(labels: [Int], epsilon: Double, objective: any Loss, key: PRNGKey, sampleIndices: [Int]?,
                rows selected: [Int]?, keep: Attacks.Kept, parallelism: Parallelism) -> Attacks.Outcome {
        let width = inputs.columns, n = selected?.count ?? inputs.rows
        precondition(labels.count == inputs.rows && (sampleIndices?.count ?? inputs.rows) == inputs.rows, "one label and index per row")
        let row = { (j: Int) in selected?[j] ?? j }
        let gather = { (rows: Range<Int>, source: Matrix) in
            let w = source.columns
            let storage = [Double](unsafeUninitializedCapacity: rows.count * w) { buffer, count in
                source.storage.withUnsafeBufferPointer { sp in
                    for (j, i) in rows.enumerated() {
                        (buffer.baseAddress! + j * w).initialize(from: sp.baseAddress! + row(i) * w, count: w)
                    }
                }
                count = rows.count * w
            }
            return Matrix(rows: rows.count, columns: w, storage: storage)
        }
        guard epsilon > 0, n > 0 else {
            let clean = cleanPredictions(parallelism)
            return Attacks.Outcome(inputs: keep == .decisions ? Matrix(rows: 0, columns: width) : gather(0..<n, inputs),
                                   fooled: keep == .last ? [] : (0..<n).map { clean[row($0)] != labels[row($0)] })
        }
        var result = Matrix(rows: keep == .decisions ? 0 : n, columns: width)
        var fooled = [Bool](repeating: false, count: keep == .last ? 0 : n)
        // In coordinates a decisions-only attack reads only Z⁰ (m numbers per row): wider blocks.
        let rows = coordinates != nil && (keep == .decisions || keep == .fooledExamples) ? 64 : Attacks.blockRows(width: width)
        let blocks = (n + rows - 1) / rows
        result.storage.withUnsafeMutableBufferPointer { rp in
            fooled.withUnsafeMutableBufferPointer { fp in
                let (rp, fp) = (UncheckedSendable(rp), UncheckedSendable(fp))
                parallelism.forEachRange(blocks) { range in
                    for b in range {
                        let span = (b * rows)..<min(n, (b + 1) * rows)
                        // In coordinates a decisions-only attack forms no input: X is not read.
                        let x = coordinates != nil && keep == .decisions ? Matrix(rows: 0, columns: width) : gather(span, inputs)
                        let y = span.map { labels[row($0)] }
                        let indices = span.map { sampleIndices?[row($0)] ?? row($0) }
                        let outcome = coordinates.map {
                            $0.attackBlock(inputs: x, z0: Self.patchRows(gather(span, preactivations!), $0.network), labels: y, indices: indices, epsilon: epsilon,
                                           config: config, objective: objective, key: key, keep: keep)
                        } ?? Attacks.attackBlock(model, inputs: x, labels: y, indices: indices, epsilon: epsilon, config: config, block: block,
                                                 objective: objective, subspace: config.subspaceBasis, start: split, key: key, keep: keep)
                        if keep != .decisions {
                            outcome.inputs.storage.withUnsafeBufferPointer { op in
                                (rp.value.baseAddress! + span.lowerBound * width).update(from: op.baseAddress!, count: span.count * width)
                            }
                        }
                        for (i, f) in outcome.fooled.enumerated() { fp.value[span.lowerBound + i] = f }
                    }
                }
            }
        }
        return Attacks.Outcome(inputs: result, fooled: fooled)
    }
}
