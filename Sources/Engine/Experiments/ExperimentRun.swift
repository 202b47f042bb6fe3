import Foundation


/// A reference to the weight decomposition being tracked during one run (single-threaded use).
final class DecompositionTracker {
    var value: WeightDecomposition?
    init(_ value: WeightDecomposition?) { self.value = value }
}

/// One training run of a two-layer network, with the weight decomposition tracked at every step
/// where it applies (MultiCluster data, one patch), and its export for NumPy users.
public struct ExperimentRun: Sendable {
    public let config: ExperimentConfig
    public let data: SampledData
    public let initial: TwoLayerNetwork
    public let final: TwoLayerNetwork
    public let history: [HistoryRecord]
    public let decomposition: WeightDecomposition?
    /// Wall-clock seconds spent sampling the data and training (not part of the results).
    public let timings: (data: Double, training: Double)

    public var train: Dataset { data.train }
    public var test: Dataset { data.test }

    /// Runs the experiment: a pure function of `config` (seed included), for any `parallelism`.
    /// `data`, when given, must be the config's own sample, `SampledData.sample(config.data, task:
    /// config.task, key: PRNGKey(seed: config.seed).child("data"))` — e.g. one MultiCluster sample
    /// shared by the binary and the per-cluster net of an experiment (`SampledData.multiCluster`).
    public static func run(_ config: ExperimentConfig, data given: SampledData? = nil, parallelism: Parallelism = .machine) throws -> ExperimentRun {
        try config.validate()
        let clock = ContinuousClock()
        let start = clock.now
        let key = PRNGKey(seed: config.seed)
        if let given { try checkShared(given, for: config) }
        let data = try given ?? SampledData.sample(config.data, task: config.task, key: key.child("data"))
        let sampled = clock.now
        let net = config.network
        let initial = TwoLayerNetwork.initialized(
            inputDimension: config.data.patchDimension, head: config.head, weightStd: net.weightInitStd, biasStd: net.biasInitStd,
            activation: net.activation, patches: config.data.patches, trainsBiases: net.trainBiases, key: key.child("init"))
        // Adversarial examples leave the span of the clean data, so λ is tracked for standard training only.
        let decomposition = data.clusterFeatures != nil && !config.adversarialTraining.enabled
            ? WeightDecomposition(neurons: initial.neurons, clusters: config.data.classes, train: data.train,
                                  learningRate: config.optimizer.learningRate)
            : nil
        let run = try descend(config, on: data, initial: initial, from: (initial, 0, [], decomposition), parallelism: parallelism)
        return run.timed(data: (sampled - start).inSeconds)
    }

    /// The run of `config` continued from `prefix`, the run of its first s₀ steps: `config` with
    /// `optimizer.steps` = s₀ (its preset name aside), or — where `config` trains adversarially from
    /// `adversarialTraining.startStep` ≥ s₀ — with adversarial training off. Bit for bit
    /// `run(config)` (`GradientDescent.train`'s `resuming`), at the cost of the remaining steps only:
    /// FP's adversarial runs continue their clean run (Proofs/engine.md, "Continued runs").
    /// Throws a `ConfigError` naming `continuing` when `prefix` is not such a run, or when either
    /// run takes the span route (which cannot be resumed).
    public static func run(_ config: ExperimentConfig, continuing prefix: ExperimentRun, parallelism: Parallelism = .machine) throws -> ExperimentRun {
        try config.validate()
        let s0 = prefix.config.optimizer.steps
        var same = config
        same.preset = prefix.config.preset
        same.optimizer.steps = s0
        var clean = same
        clean.adversarialTraining.enabled = false
        let prefixIsClean = prefix.config == clean && (!config.adversarialTraining.enabled || config.adversarialTraining.startStep >= s0)
        let fullBatch = config.optimizer.batchSize.map { $0 >= prefix.train.count } ?? true
        func spanRoute(_ c: ExperimentConfig) -> Bool {
            !c.adversarialTraining.enabled && c.optimizer.algorithm.usesKernel(
                steps: c.optimizer.steps, samples: prefix.train.count, dimension: prefix.initial.inputDimension,
                neurons: prefix.initial.neurons, patches: prefix.initial.patches, fullBatch: fullBatch)
        }
        let tracksBoth = (prefix.decomposition != nil) == (prefix.data.clusterFeatures != nil && !config.adversarialTraining.enabled)
        try ConfigError.require((prefix.config == same || prefixIsClean) && s0 <= config.optimizer.steps && tracksBoth
                                && !spanRoute(prefix.config) && !spanRoute(config),
                                "continuing", "a run of \(prefix.config.preset) (\(s0) steps)",
                                "the first s₀ ≤ \(config.optimizer.steps) steps of \(config.preset) on the primal route (the same config with optimizer.steps = s₀, adversarial training off before its startStep)")
        let history = prefix.history.filter { $0.step < s0 }  // the record at s₀ is the continuation's own
        let run = try descend(config, on: prefix.data, initial: prefix.initial, from: (prefix.final, s0, history, prefix.decomposition),
                            parallelism: parallelism)
        return run.timed(data: 0)
    }

    /// Gradient descent on `config` from `start` = (θ_s, s, the history before s, λ tracked to s).
    static func descend(_ config: ExperimentConfig, on data: SampledData, initial: TwoLayerNetwork,
                      from start: (network: TwoLayerNetwork, step: Int, history: [HistoryRecord], decomposition: WeightDecomposition?),
                      parallelism: Parallelism) throws -> ExperimentRun {
        let clock = ContinuousClock()
        let begin = clock.now
        let key = PRNGKey(seed: config.seed)
        let net = config.network
        var network = start.network
        // One tracker shared by the step observer (which updates it) and the probe (which reads it).
        let tracker = DecompositionTracker(start.decomposition)
        var adversary = config.adversarialTraining, robustness = config.robustness
        adversary.attack = data.resolving(config.resolved(adversary.attack))
        robustness.attack = data.resolving(config.resolved(robustness.attack))
        let probeFeatures = data.probeFeatures
        let perClass = config.task == .multiclass ? net.neuronsPerHead : nil
        let history = try config.optimizer.train(
            &network, on: data.train, test: data.test.count > 0 ? data.test : nil, loss: config.loss.loss,
            adversary: adversary, robustness: robustness, key: key.child("optimizer"), parallelism: parallelism,
            observe: { _, batch, backward in tracker.value?.accumulate(backward, batch: batch) },
            probe: { _, model in
                var series: [String: [Double]] = [:]
                if let decomposition = tracker.value { series["lambda"] = decomposition.lambda.storage }
                for (name, features) in probeFeatures {
                    if let perClass, features.rows == config.data.classes, name != "cosine" {
                        series[name] = Probes.ownFeatureCorrelation(model.weights, features, perClass: perClass)
                    } else {
                        series[name] = (name == "cosine" ? Probes.cosines(model.weights, features) : Probes.correlations(model.weights, features)).storage
                    }
                }
                return series
            },
            resuming: start.step == 0 ? nil : (start.step, start.history))
        return ExperimentRun(config: config, data: data, initial: initial, final: network, history: history,
                             decomposition: tracker.value, timings: (0, (clock.now - begin).inSeconds))
    }

    /// The run with its data-sampling seconds.
    func timed(data seconds: Double) -> ExperimentRun {
        ExperimentRun(config: config, data: self.data, initial: initial, final: final, history: history,
                      decomposition: decomposition, timings: (seconds, timings.training))
    }

    /// Given data must have the config's shape and labels for its task (the cheap part of "its own
    /// sample"; the values themselves are the caller's promise): otherwise a `ConfigError` naming `data`.
    static func checkShared(_ data: SampledData, for config: ExperimentConfig) throws {
        let width = config.data.patches * config.data.patchDimension
        var expected = "inputs of width \(width)"
        var fits = data.train.inputs.columns == width && (data.test.count == 0 || data.test.inputs.columns == width)
        if case let .multiCluster(c) = config.data {
            expected += ", \(c.trainSamples) + \(c.testSamples) samples labelled " + (config.task == .binary ? "±1" : "by cluster")
            let labelled = { (set: Dataset) in config.task == .binary ? set.labels.allSatisfy { abs($0) == 1 } : set.labels == set.clusters }
            fits = fits && data.train.count == c.trainSamples && data.test.count == c.testSamples && labelled(data.train) && labelled(data.test)
        }
        try ConfigError.require(fits, "data", "given data (\(data.train.count) + \(data.test.count) samples of width \(data.train.inputs.columns))",
                                "the config's own sample: \(expected)")
    }

    /// The files of the export, by name: NumPy arrays (float64 `<f8`, labels `<i8`, C order) and
    /// `config.json` (every field, resolved) and `history.json`.
    public func exportFiles() throws -> [(name: String, bytes: [UInt8])] {
        exportArrays().map { ($0.name, NPY.encode($0.array)) } + (try exportDocuments())
    }

    /// Writes the export into `output`, the arrays streamed from their storage (the data are never
    /// held twice: fa-paper's peak memory stays that of its run).
    public func export(to output: StagedOutput) throws {
        for (name, array) in exportArrays() { try output.write(name, npy: array) }
        for (name, bytes) in try exportDocuments() { try output.write(name, bytes) }
    }

    /// The export's arrays, sharing the run's storage.
    func exportArrays() -> [(name: String, array: NPY.Array)] {
        let head = initial.head
        var files: [(String, NPY.Array)] = [
            ("X_train", NPY.Array(train.inputs)), ("y_train", NPY.Array(labels: train.labels)),
            ("X_test", NPY.Array(test.inputs)), ("y_test", NPY.Array(labels: test.labels)),
            ("W_init", NPY.Array(initial.weights)), ("b_init", NPY.Array(vector: initial.biases)),
            ("W", NPY.Array(final.weights)), ("b", NPY.Array(vector: final.biases)),
            ("a", NPY.Array(vector: head.coefficient)), ("neuron_output", NPY.Array(labels: head.neuronOutput)),
        ] + data.arrays
        if let decomposition { files.append(("lambda", NPY.Array(decomposition.lambda))) }
        files.sort { $0.0 < $1.0 }
        return files.map { ($0.0 + ".npy", $0.1) }
    }

    /// `config.json` and `history.json`.
    func exportDocuments() throws -> [(name: String, bytes: [UInt8])] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return [("config.json", Array(try encoder.encode(config)) + [10]), ("history.json", Array(try encoder.encode(history)) + [10])]
    }
}
