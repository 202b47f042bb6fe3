/// Gradient descent, the papers' algorithm: θ_{t+1} = θ_t − η·∇L(θ_t), full-batch by default,
/// optionally on mini-batches (SGD, batches drawn from an explicit key).
public struct GradientDescent: Codable, Equatable, Sendable {
    public var learningRate: Double
    public var steps: Int
    /// nil: full batch (the papers' GD). Otherwise the batch size of SGD.
    public var batchSize: Int?
    /// Record a history entry every this many steps (and always at the first and last step).
    public var probeEvery: Int
    /// How full-batch GD of a one-patch two-layer network is executed (same iterates up to rounding).
    public var algorithm: TrainingAlgorithm

    public init(learningRate: Double, steps: Int, batchSize: Int? = nil, probeEvery: Int = 10, algorithm: TrainingAlgorithm = .auto) {
        self.learningRate = learningRate
        self.steps = steps
        self.batchSize = batchSize
        self.probeEvery = probeEvery
        self.algorithm = algorithm
    }

    enum CodingKeys: String, CodingKey { case learningRate, steps, batchSize, probeEvery, algorithm }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        steps = try c.decode(Int.self, forKey: .steps)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize)
        probeEvery = try c.decode(Int.self, forKey: .probeEvery)
        algorithm = try c.decodeIfPresent(TrainingAlgorithm.self, forKey: .algorithm) ?? .auto
    }

    /// Writes every field, `batchSize` as null for full batch, so that the exported config lists it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(steps, forKey: .steps)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(probeEvery, forKey: .probeEvery)
        try c.encode(algorithm, forKey: .algorithm)
    }

    public func validate(prefix: String = "") throws {
        try ConfigError.require(learningRate.isFinite && learningRate > 0, prefix + "learningRate", learningRate, "a finite η > 0")
        try ConfigError.require(steps >= 0 && steps <= 100_000_000, prefix + "steps", steps, "0 … 100000000")
        try ConfigError.require(probeEvery >= 1, prefix + "probeEvery", probeEvery, "≥ 1")
        if let b = batchSize { try ConfigError.require(b >= 1, prefix + "batchSize", b, "≥ 1 (or null for full batch)") }
    }
}

/// One entry of a training history.
public struct HistoryRecord: Codable, Equatable, Sendable {
    public var step: Int
    public var loss: Double
    public var trainAccuracy: Double
    public var testAccuracy: Double?
    /// Robust accuracy under the run's `RobustnessProbe` (absent when it is off).
    public var robustTrainAccuracy: Double?
    public var robustTestAccuracy: Double?
    /// Probe-specific series (e.g. "lambda": the λ matrix row-major), keyed by name.
    public var series: [String: [Double]]
}

/// Observes each step's backward pass (before the update), e.g. to track the weight decomposition.
public typealias StepObserver = (_ step: Int, _ batch: [Int]?, _ backward: Backward) -> Void
/// Extra values recorded at probe steps.
public typealias Probe<Model> = (_ step: Int, _ model: Model) -> [String: [Double]]

/// Builds the history entries of one run (shared by every training route).
struct HistoryRecorder<M: DifferentiableModel> {
    let train: Dataset
    let test: Dataset?
    let loss: any Loss
    let robustness: RobustnessProbe
    let key: PRNGKey
    let parallelism: Parallelism
    let probe: Probe<M>?

    /// The entry at `step`; `trainAccuracy` when the caller already has it.
    func record(_ step: Int, loss value: Double, model: M, trainAccuracy: Double? = nil) -> HistoryRecord {
        let robustKey = key.child(UInt64(step))
        let robustTest = robustness.robustSamples(model, test, loss: loss, key: robustKey.child("test"), parallelism: parallelism)
        var series = probe?(step, model) ?? [:]
        // Multiclass runs also record robust test accuracy per class (the classes of patch data
        // learn their features on their own clocks, Proofs/adversarial-training.md).
        if let robustTest, model.outputs > 1 {
            series["robustTestAccuracyByClass"] = RobustnessProbe.fractionByClass(robustTest, classes: model.outputs)
        }
        return HistoryRecord(
            step: step, loss: value, trainAccuracy: trainAccuracy ?? model.accuracy(train, parallelism),
            testAccuracy: test.map { model.accuracy($0, parallelism) },
            robustTrainAccuracy: robustness.trainSet
                ? robustness.robustAccuracy(model, train, loss: loss, key: robustKey.child("train"), parallelism: parallelism) : nil,
            robustTestAccuracy: robustTest.map(RobustnessProbe.fraction),
            series: series)
    }
}

extension GradientDescent {
    /// Trains `model` in place and returns the history. With `adversary` enabled every step is a
    /// step of adversarial training (`AdversarialTraining`); `robustness` adds robust accuracies to
    /// the history. A run is a pure function of the model, the data, the configuration and `key`
    /// (SGD batches, the adversary's and the probe's random starts), for any `parallelism`.
    /// Throws `DivergenceError` naming the step and the quantity at the first NaN or ±∞ in the loss,
    /// the gradient or the updated parameters.
    ///
    /// `resuming` continues a run at step s₀ with `model` = θ_{s₀} and the history of steps < s₀:
    /// every step's randomness is keyed by its index, so the result is bit for bit the run from
    /// step 0 (a precondition: the primal route, which the span route's precomputation excludes).
    public func train<M: DifferentiableModel>(
        _ model: inout M, on train: Dataset, test: Dataset? = nil, loss: any Loss,
        adversary: AdversarialTraining = .disabled, robustness: RobustnessProbe = .none,
        key: PRNGKey = PRNGKey(seed: 0), parallelism: Parallelism = .machine,
        observe: StepObserver? = nil, probe: Probe<M>? = nil,
        resuming: (step: Int, history: [HistoryRecord])? = nil
    ) throws -> [HistoryRecord] {
        try validate()
        try adversary.validate()
        try robustness.validate()
        let fullBatch = batchSize == nil || batchSize! >= train.count
        if var network = model as? TwoLayerNetwork, !adversary.enabled,
           algorithm.usesKernel(steps: steps, samples: train.count, dimension: network.inputDimension, neurons: network.neurons,
                                    patches: network.patches, fullBatch: fullBatch) {
            precondition(resuming == nil, "a run on the span route cannot be resumed")
            let recorder = HistoryRecorder<TwoLayerNetwork>(
                train: train, test: test, loss: loss, robustness: robustness, key: key.child("robustness"),
                parallelism: parallelism, probe: probe.map { p in { step, net in p(step, net as! M) } })
            let history = try trainInSpan(&network, on: train, loss: loss, parallelism: parallelism,
                                          observe: observe, recorder: recorder)
            model = network as! M
            return history
        }
        var history = resuming?.history ?? []
        var batches = key.child("batches").stream
        let train = batchSize == nil ? model.prepareForTraining(train) : train
        let recorder = HistoryRecorder<M>(train: train, test: test, loss: loss, robustness: robustness, key: key.child("robustness"),
                                          parallelism: parallelism, probe: probe)
        func record(_ step: Int, loss value: Double) { history.append(recorder.record(step, loss: value, model: model)) }
        let first = resuming?.step ?? 0
        precondition((0...steps).contains(first), "resuming at step \(first) of \(steps)")
        if let b = batchSize, b < train.count {  // the batches of the skipped steps, drawn and dropped
            for _ in 0..<first { _ = GradientDescent.sampleWithoutReplacement(b, of: train.count, &batches) }
        }
        for step in first..<steps {
            var batch: [Int]? = nil
            var data = train
            if let b = batchSize, b < train.count {
                let chosen = GradientDescent.sampleWithoutReplacement(b, of: train.count, &batches)
                batch = chosen
                data = train.subset(chosen)
            }
            let backward = adversary.isActive(atStep: step)
                ? adversary.lossAndGradient(model, data, loss: loss, key: key.child("adversary").child(UInt64(step)), parallelism: parallelism)
                : model.lossAndGradient(data, loss, parallelism)
            guard backward.loss.isFinite else { throw DivergenceError(step: step, quantity: "loss", value: backward.loss) }
            if let bad = backward.gradient.firstIndex(where: { !$0.isFinite }) {
                throw DivergenceError(step: step, quantity: "gradient ∂L/∂\(model.parameterName(bad))", value: backward.gradient[bad])
            }
            if step % probeEvery == 0 { record(step, loss: backward.loss) }
            observe?(step, batch, backward)
            var theta = model.parameters
            for t in theta.indices { theta[t] -= learningRate * backward.gradient[t] }
            if let bad = theta.firstIndex(where: { !$0.isFinite }) {
                throw DivergenceError(step: step, quantity: "parameter \(model.parameterName(bad)) after the update", value: theta[bad])
            }
            model.parameters = theta
        }
        let final = adversary.isActive(atStep: steps)
            ? adversary.lossAndGradient(model, train, loss: loss, key: key.child("adversary").child(UInt64(steps)), parallelism: parallelism).loss
            : model.lossAndGradient(train, loss, parallelism).loss
        guard final.isFinite else { throw DivergenceError(step: steps, quantity: "loss", value: final) }
        record(steps, loss: final)
        return history
    }

    /// b distinct indices of 0..<n by a partial Fisher–Yates shuffle, in increasing order (or in
    /// the order drawn: with b = n a uniformly random permutation).
    static func sampleWithoutReplacement(_ b: Int, of n: Int, _ stream: inout RandomStream, sorted: Bool = true) -> [Int] {
        var pool = Array(0..<n)
        for t in 0..<b {
            let j = t + Int(stream.next() % UInt64(n - t))
            pool.swapAt(t, j)
        }
        return sorted ? pool[0..<b].sorted() : Array(pool[0..<b])
    }
}

extension Dataset {
    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var x = Matrix(rows: indices.count, columns: inputs.columns)
        for (row, i) in indices.enumerated() {
            for j in 0..<inputs.columns { x[row, j] = inputs[i, j] }
        }
        return Dataset(inputs: x, labels: indices.map { labels[$0] },
                       clusters: clusters.isEmpty ? [] : indices.map { clusters[$0] })
    }
}
