import Testing
@testable import Engine
@testable import Exact

/// A small Feature Averaging problem (Proofs/feature-averaging.md regime, scaled down): Hadamard features.
func smallFeatureAveraging(seed: UInt64 = 11, d: Int = 64, k: Int = 4, n: Int = 40) throws -> (MultiClusterData, TwoLayerNetwork) {
    let config = MultiClusterConfig(dimension: d, clusters: k, positiveClusters: k / 2, trainSamples: n, testSamples: n,
                                    noise: 1, features: .hadamard, sampling: .balanced)
    let key = PRNGKey(seed: seed)
    let data = try MultiClusterData(config, key: key.child("data"))
    let network = TwoLayerNetwork.initialized(inputDimension: d, head: .binary(neuronsPerSign: 3, scale: 1.0 / 3),
                                              weightStd: 1 / Double(d).squareRoot(), biasStd: 1 / Double(d), key: key.child("init"))
    return (data, network)
}

@Suite("Training")
struct TrainingTests {
    @Test func featureAveragingTrainsAndTheWeightDecompositionReconstructsTheWeights() throws {
        let (data, initial) = try smallFeatureAveraging()
        var network = initial
        let gd = GradientDescent(learningRate: 1 / 8.0, steps: 200, probeEvery: 50)
        var decomposition = WeightDecomposition(neurons: network.neurons, clusters: 4, train: data.train, learningRate: gd.learningRate)
        let history = try gd.train(&network, on: data.train, test: data.test, loss: LogisticLoss(),
                                   observe: { _, batch, backward in decomposition.accumulate(backward, batch: batch) })
        #expect(history.last!.trainAccuracy == 1)
        #expect(history.last!.testAccuracy! >= 0.95)
        #expect(history.map(\.step) == [0, 50, 100, 150, 200])
        #expect(history.last!.loss < history.first!.loss)
        // w(t) = w(0) + λ·M + σ·Ξ to 1e-10 relative (Proofs/feature-averaging.md check (b), in Double).
        let reconstructed = decomposition.reconstruct(initial: initial.weights, features: data.features, noise: data.train.noise!)
        let scale = network.weights.storage.map(abs).max()!
        let error = zip(reconstructed.storage, network.weights.storage).map { abs($0 - $1) }.max()!
        #expect(error / scale <= 1e-10, "relative reconstruction error \(error / scale)")
        // A neuron that never fires on the training set gets no gradient: its λ and σ stay exactly 0
        // and its weights exactly w(0) (the decomposition is exact for it).
        for r in 0..<network.neurons where (0..<decomposition.sigma.columns).allSatisfy({ decomposition.sigma[r, $0] == 0 }) {
            #expect(network.weights.row(r) == initial.weights.row(r))
        }
    }

    @Test func trainingIsBitIdenticalForAnyThreadCount() throws {
        let (data, initial) = try smallFeatureAveraging(d: 128, n: 64)
        func run(_ threads: Int, batch: Int? = nil) throws -> [Double] {
            var network = initial
            _ = try GradientDescent(learningRate: 0.1, steps: 30, batchSize: batch, probeEvery: 10)
                .train(&network, on: data.train, loss: LogisticLoss(), key: PRNGKey(seed: 5), parallelism: Parallelism(threads: threads))
            return network.parameters
        }
        let reference = try run(1)
        for threads in [2, 3, 8] { #expect(try run(threads) == reference) }
        let sgd = try run(1, batch: 16)
        #expect(try run(4, batch: 16) == sgd)
        #expect(sgd != reference)
    }

    /// The kernel (span) route gives the primal iterates up to rounding, for both heads, with the
    /// same history and the same weight decomposition.
    @Test(arguments: [false, true])
    func kernelRouteReplaysThePrimalAlgorithm(multiclass: Bool) throws {
        let (data, binaryInitial) = try smallFeatureAveraging(d: 128, n: 48)
        let initial = multiclass
            ? TwoLayerNetwork.initialized(inputDimension: 128, head: .perClass(classes: 4, neuronsPerClass: 2, scale: 1),
                                          weightStd: 0.1, biasStd: 0.01, key: PRNGKey(seed: 3))
            : binaryInitial
        let train = multiclass ? data.train.clusterLabelled : data.train
        let loss: any Loss = multiclass ? CrossEntropyLoss() : LogisticLoss()
        func run(_ algorithm: TrainingAlgorithm, threads: Int = 2) throws -> (TwoLayerNetwork, [HistoryRecord], WeightDecomposition) {
            var network = initial
            var decomposition = WeightDecomposition(neurons: network.neurons, clusters: 4, train: train, learningRate: 0.2)
            let history = try GradientDescent(learningRate: 0.2, steps: 40, probeEvery: 10, algorithm: algorithm)
                .train(&network, on: train, loss: loss, parallelism: Parallelism(threads: threads),
                       observe: { _, batch, backward in decomposition.accumulate(backward, batch: batch) })
            return (network, history, decomposition)
        }
        let (primal, primalHistory, primalLambda) = try run(.primal)
        let (kernel, kernelHistory, kernelLambda) = try run(.kernel)
        func relative(_ a: [Double], _ b: [Double]) -> Double {
            zip(a, b).map { abs($0 - $1) }.max()! / a.map(abs).max()!
        }
        #expect(relative(primal.parameters, kernel.parameters) <= 1e-12)
        #expect(relative(primalLambda.lambda.storage, kernelLambda.lambda.storage) <= 1e-12)
        #expect(primalHistory.map(\.step) == kernelHistory.map(\.step))
        #expect(primalHistory.map(\.trainAccuracy) == kernelHistory.map(\.trainAccuracy))
        for (p, k) in zip(primalHistory, kernelHistory) { #expect(abs(p.loss - k.loss) <= 1e-12 * max(1, abs(p.loss))) }
        // …and it is itself bit-identical for any thread count.
        for threads in [1, 3] { #expect(try run(.kernel, threads: threads).0.parameters == kernel.parameters) }
    }

    @Test func divergenceStopsWithTheStepAndQuantityNamed() throws {
        let (data, initial) = try smallFeatureAveraging()
        var network = initial
        do {
            _ = try GradientDescent(learningRate: 1e6, steps: 50).train(&network, on: data.train, loss: SquaredLoss())
            Issue.record("training with η = 10⁶ on the squared loss should diverge")
        } catch let error as DivergenceError {
            #expect(error.step > 0 && error.step < 50)
            #expect(["loss", "parameter", "gradient"].contains { error.quantity.hasPrefix($0) })
            #expect("\(error)".contains("step \(error.step)"))
        }
    }

    @Test func invalidConfigurationsNameTheField() throws {
        let good = MultiClusterConfig(dimension: 8, clusters: 4, positiveClusters: 2, trainSamples: 8, testSamples: 8)
        var bad = good
        bad.clusters = 9
        #expect(throws: ConfigError(field: "clusters", value: "9", allowed: "≤ dimension = 8 (k orthogonal features need k ≤ d)")) { try bad.validate() }
        bad = good
        bad.noise = -1
        #expect(throws: ConfigError.self) { try bad.validate() }
        bad = good
        bad.noise = .nan
        #expect(throws: ConfigError.self) { try bad.validate() }
        bad = good
        bad.dimension = 12
        bad.features = .hadamard
        #expect(throws: ConfigError(field: "dimension", value: "12", allowed: "a power of two for features = hadamard")) { try bad.validate() }
        #expect(throws: ConfigError.self) { try GradientDescent(learningRate: -1, steps: 1).validate() }
    }

    @Test func multiClusterDataHasTheStatedStructure() throws {
        let config = MultiClusterConfig(dimension: 50, clusters: 5, positiveClusters: 2, trainSamples: 25, testSamples: 10,
                                        noise: 0.5, features: .qr, sampling: .balanced)
        let data = try MultiClusterData(config, key: PRNGKey(seed: 3))
        // Features: pairwise orthogonal with norm √d (to rounding: QR is backward stable).
        let gram = Kernels.productTransposed(data.features, data.features)
        for i in 0..<5 { for j in 0..<5 { #expect(abs(gram[i, j] - (i == j ? 50 : 0)) < 1e-11) } }
        #expect(data.train.clusters == (0..<25).map { $0 % 5 })  // exactly n/k per cluster
        #expect(data.train.labels == data.train.clusters.map { $0 < 2 ? 1 : -1 })
        // x = μ_c + ξ: the noise, drawn again from its streams (the dataset keeps no matrix),
        // reproduces the inputs exactly as they were rounded — for the test set too, and for any
        // thread count.
        for set in [data.train, data.test] {
            let noise = try #require(set.noise)
            #expect(set.storedNoise == nil)
            #expect(set.noiseSource!.matrix(.serial) == noise)
            for i in 0..<set.count { for j in 0..<50 {
                #expect(set.inputs[i, j] == data.features[set.clusters[i], j] + noise[i, j])
            } }
        }
        let again = try MultiClusterData(config, key: PRNGKey(seed: 3))
        #expect(again.train == data.train && again.features == data.features)
    }

    /// One MultiCluster sample shared by an experiment's binary and per-cluster nets gives each run
    /// exactly what sampling its own data gives (weights, history and test accuracy, bit for bit) —
    /// with its Gram matrix formed once (on two threads) for both kernel-route trainings too.
    @Test func sharedMultiClusterDataGiveTheSameRuns() throws {
        guard case let .multiCluster(dataConfig) = Presets.faSmall.data else { Issue.record("fa-small is MultiCluster data"); return }
        for var config in [Presets.faSmall, Presets.faSmallCluster] {
            config.optimizer.steps = 20
            config.optimizer.algorithm = .kernel
            let shared = try MultiClusterData(dataConfig, key: PRNGKey(seed: config.seed).child("data"))
            let own = try ExperimentRun.run(config, parallelism: .serial)
            for data in [shared, shared.withTrainingGram(Parallelism(threads: 2))] {
                let given = try ExperimentRun.run(config, data: SampledData.multiCluster(data, task: config.task), parallelism: .serial)
                #expect(given.final == own.final && given.history == own.history && given.train == own.train && given.test == own.test)
            }
            #expect(shared.withTrainingGram().train.gramMatrix != nil)
        }
        // Data labelled for the other task, or of another size, is refused naming `data`.
        let shared = try MultiClusterData(dataConfig, key: PRNGKey(seed: 0).child("data"))
        for (config, wrong) in [(Presets.faSmall, SampledData.multiCluster(shared, task: .multiclass)),
                                (Presets.faSmallCluster, SampledData.multiCluster(shared, task: .binary))] {
            #expect { _ = try ExperimentRun.run(config, data: wrong, parallelism: .serial) } throws: { error in
                (error as? ConfigError)?.field == "data"
            }
        }
        var smaller = Presets.faSmall
        if case var .multiCluster(c) = smaller.data { c.trainSamples = 200; smaller.data = .multiCluster(c) }
        #expect(throws: ConfigError.self) { _ = try ExperimentRun.run(smaller, data: SampledData.multiCluster(shared, task: .binary), parallelism: .serial) }
    }
}
