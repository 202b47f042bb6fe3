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
        var network = initial
        // One tracker shared by the step observer (which updates it) and the probe (which reads it).
        // Adversarial examples leave the span of the clean data, so λ is tracked for standard training only.
        let tracksDecomposition = data.clusterFeatures != nil && !config.adversarialTraining.enabled
        let tracker = DecompositionTracker(tracksDecomposition
            ? WeightDecomposition(neurons: initial.neurons, clusters: config.data.classes, train: data.train,
                                  learningRate: config.optimizer.learningRate)
            : nil)
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
            })
        let trained = clock.now
        return ExperimentRun(config: config, data: data, initial: initial, final: network, history: history,
                             decomposition: tracker.value, timings: ((sampled - start).inSeconds, (trained - sampled).inSeconds))
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
