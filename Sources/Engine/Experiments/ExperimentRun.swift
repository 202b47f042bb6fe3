import Foundation

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

/// One training run of a two-layer network on MultiCluster data, with the weight decomposition
/// tracked at every step, and its export for NumPy users.
public struct ExperimentRun: Sendable {
    public let config: ExperimentConfig
    public let data: MultiClusterData
    public let train: Dataset
    public let test: Dataset
    public let initial: TwoLayerNetwork
    public let final: TwoLayerNetwork
    public let history: [HistoryRecord]
    public let decomposition: WeightDecomposition
    /// Wall-clock seconds spent sampling the data and training (not part of the results).
    public let timings: (data: Double, training: Double)

    /// Runs the experiment: a pure function of `config` (seed included), for any `parallelism`.
    public static func run(_ config: ExperimentConfig, parallelism: Parallelism = .machine) throws -> ExperimentRun {
        try config.validate()
        let clock = ContinuousClock()
        let start = clock.now
        let key = PRNGKey(seed: config.seed)
        let data = try MultiClusterData(config.data, key: key.child("data"))
        let sampled = clock.now
        let (train, test) = config.task == .binary ? (data.train, data.test) : (data.train.clusterLabelled, data.test.clusterLabelled)
        let initial = TwoLayerNetwork.initialized(
            inputDimension: config.data.dimension, head: config.head, weightStd: config.network.weightInitStd,
            biasStd: config.network.biasInitStd, trainsBiases: config.network.trainBiases, key: key.child("init"))
        var network = initial
        var decomposition = WeightDecomposition(neurons: initial.neurons, clusters: config.data.clusters, train: train,
                                                learningRate: config.optimizer.learningRate)
        let history = try config.optimizer.train(
            &network, on: train, test: test.count > 0 ? test : nil, loss: config.loss.loss, key: key.child("optimizer"),
            parallelism: parallelism,
            observe: { _, batch, backward in decomposition.accumulate(backward, batch: batch) },
            probe: { [decomposition] _, _ in ["lambda": decomposition.lambda.storage] })
        let trained = clock.now
        return ExperimentRun(config: config, data: data, train: train, test: test, initial: initial, final: network,
                             history: history, decomposition: decomposition,
                             timings: (seconds(sampled - start), seconds(trained - sampled)))
    }

    /// The files of the export, by name: NumPy arrays (float64 `<f8`, labels `<i8`, C order) and
    /// `config.json` (every field, resolved) and `history.json`.
    public func exportFiles() throws -> [(name: String, bytes: [UInt8])] {
        let head = initial.head
        var files: [(String, NPY.Array)] = [
            ("X_train.npy", NPY.Array(train.inputs)), ("y_train.npy", NPY.Array(labels: train.labels)),
            ("clusters_train.npy", NPY.Array(labels: train.clusters)),
            ("X_test.npy", NPY.Array(test.inputs)), ("y_test.npy", NPY.Array(labels: test.labels)),
            ("clusters_test.npy", NPY.Array(labels: test.clusters)),
            ("features.npy", NPY.Array(data.features)),
            ("W_init.npy", NPY.Array(initial.weights)), ("b_init.npy", NPY.Array(vector: initial.biases)),
            ("W.npy", NPY.Array(final.weights)), ("b.npy", NPY.Array(vector: final.biases)),
            ("a.npy", NPY.Array(vector: head.coefficient)), ("neuron_output.npy", NPY.Array(labels: head.neuronOutput)),
            ("lambda.npy", NPY.Array(decomposition.lambda)),
        ]
        files.sort { $0.0 < $1.0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return files.map { ($0.0, NPY.encode($0.1)) } + [
            ("config.json", Array(try encoder.encode(config)) + [10]),
            ("history.json", Array(try encoder.encode(history)) + [10]),
        ]
    }
}
