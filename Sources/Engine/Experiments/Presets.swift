/// Named experiment configurations. Every field is visible in `theorycheck presets` and in the
/// exported `config.json`; every choice that is ours rather than a paper's is marked as such here.
public enum Presets {
    public static var all: [ExperimentConfig] { [faPaper, faPaperCluster, faSmall, faSmallCluster] }

    public static func named(_ name: String) throws -> ExperimentConfig {
        guard let preset = all.first(where: { $0.preset == name }) else {
            throw ConfigError(field: "--preset", value: name, allowed: all.map(\.preset).joined(separator: ", "))
        }
        return preset
    }

    /// The official synthetic Feature Averaging setup: d = 3072, k = 10 with J₊ = clusters 0…4,
    /// n = 1000 (exactly 100 per cluster) and 1000 test samples, features √d·Q from the QR of a
    /// Gaussian d×k matrix, noise N(0, I), 5 neurons per sign with the second layer fixed at ±1,
    /// W ~ N(0, (10⁻⁵)²), b = 0 (trained), logistic loss, full-batch GD, η = 0.001, 100 steps.
    public static let faPaper = ExperimentConfig(
        preset: "fa-paper", seed: 0, task: .binary,
        data: MultiClusterConfig(dimension: 3072, clusters: 10, positiveClusters: 5, trainSamples: 1000, testSamples: 1000,
                                 noise: 1, features: .qr, sampling: .balanced),
        network: .init(neuronsPerHead: 5, secondLayerScale: 1, weightInitStd: 1e-5, biasInitStd: 0),
        loss: .logistic, optimizer: GradientDescent(learningRate: 0.001, steps: 100, probeEvery: 10))

    /// fa-paper's k-class twin: one neuron per cluster with the identity head, cross-entropy on the
    /// cluster index, the same data, initialisation, learning rate and steps.
    public static let faPaperCluster: ExperimentConfig = {
        var c = faPaper
        c.preset = "fa-paper-cluster"
        c.task = .cluster
        c.network.neuronsPerHead = 1
        c.loss = .crossEntropy
        return c
    }()

    /// A small Feature Averaging run in the theorem's scaling (our choice): d = 256, k = 8, n = 400,
    /// Hadamard features (exactly orthogonal), m = 4 per sign with a = ±1/m, W ~ N(0, 1/d),
    /// b ~ N(0, 1/d²), η = 1/√d, 500 steps.
    public static let faSmall = ExperimentConfig(
        preset: "fa-small", seed: 0, task: .binary,
        data: MultiClusterConfig(dimension: 256, clusters: 8, positiveClusters: 4, trainSamples: 400, testSamples: 400,
                                 noise: 1, features: .hadamard, sampling: .balanced),
        network: .init(neuronsPerHead: 4, secondLayerScale: 0.25, weightInitStd: 1.0 / 16, biasInitStd: 1.0 / 256),
        loss: .logistic, optimizer: GradientDescent(learningRate: 1.0 / 16, steps: 500, probeEvery: 50))

    /// fa-small's k-class twin (one neuron per cluster, identity head, cross-entropy).
    public static let faSmallCluster: ExperimentConfig = {
        var c = faSmall
        c.preset = "fa-small-cluster"
        c.task = .cluster
        c.network.neuronsPerHead = 1
        c.network.secondLayerScale = 1
        c.loss = .crossEntropy
        return c
    }()
}
