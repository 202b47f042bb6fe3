import Exact

/// The clustered data of Feature Averaging (Li, Pan, Lyu, Li, ICLR 2025; Proofs/feature-averaging.md):
/// k pairwise-orthogonal features μ_1…μ_k with ‖μ_j‖ = √d; clusters 0..<k₊ form J₊ (label +1), the
/// rest J₋ (label −1); a sample of cluster j is x = μ_j + ξ with ξ ~ N(0, σ²I_d).
public struct MultiClusterConfig: Codable, Equatable, Sendable {
    /// How the features are built.
    public enum Features: String, Codable, Sendable, CaseIterable {
        /// √d × the orthonormal Q of a Householder QR of a Gaussian d×k matrix (fa-paper).
        case qr
        /// Rows of the Sylvester–Hadamard matrix (entries ±1; d a power of two): exactly orthogonal.
        case hadamard
        /// √d·e_j.
        case basis
    }

    /// How samples are assigned to clusters.
    public enum Sampling: String, Codable, Sendable, CaseIterable {
        /// Sample i belongs to cluster i mod k: exactly n/k per cluster when k divides n.
        case balanced
        /// Each sample's cluster is uniform over the k clusters, independently.
        case uniform
    }

    public var dimension: Int
    public var clusters: Int
    /// |J₊|: clusters 0..<positiveClusters are labelled +1.
    public var positiveClusters: Int
    public var trainSamples: Int
    public var testSamples: Int
    public var noise: Double
    public var features: Features
    public var sampling: Sampling

    public init(dimension: Int, clusters: Int, positiveClusters: Int, trainSamples: Int, testSamples: Int,
                noise: Double = 1, features: Features = .qr, sampling: Sampling = .balanced) {
        self.dimension = dimension
        self.clusters = clusters
        self.positiveClusters = positiveClusters
        self.trainSamples = trainSamples
        self.testSamples = testSamples
        self.noise = noise
        self.features = features
        self.sampling = sampling
    }

    /// Checks every field; the error names the first invalid one. `prefix` is prepended to field
    /// names (e.g. "data.") so messages match the user's config keys.
    public func validate(prefix: String = "") throws {
        try ConfigError.require(dimension >= 1 && dimension <= 1 << 20, prefix + "dimension", dimension, "1 … 1048576")
        try ConfigError.require(clusters >= 2, prefix + "clusters", clusters, "≥ 2")
        try ConfigError.require(clusters <= dimension, prefix + "clusters", clusters,
                                "≤ dimension = \(dimension) (k orthogonal features need k ≤ d)")
        try ConfigError.require(clusters <= ExactLimits.maxMatrixEntries / dimension, prefix + "clusters", clusters,
                                "≤ \(ExactLimits.maxMatrixEntries / dimension) at dimension \(dimension) (k·d ≤ 2²⁸ feature entries)")
        try ConfigError.require((1..<clusters).contains(positiveClusters), prefix + "positiveClusters", positiveClusters,
                                "1 … \(clusters - 1) (both classes non-empty)")
        try ConfigError.requireSampleCounts(train: trainSamples, test: testSamples, prefix: prefix)
        try ConfigError.require(noise.isFinite && noise >= 0, prefix + "noise", noise, "a finite σ ≥ 0")
        if features == .hadamard {
            try ConfigError.require(dimension & (dimension - 1) == 0, prefix + "dimension", dimension,
                                    "a power of two for features = hadamard")
        }
    }
}

/// A sampled instance of the MultiCluster model: features, training and test sets.
public struct MultiClusterData: Sendable {
    public let config: MultiClusterConfig
    /// μ_j as rows (k×d).
    public let features: Matrix
    public private(set) var train: Dataset
    public let test: Dataset

    /// The same sample with the training set's Gram matrix formed once (`Dataset.withGram`), for
    /// the binary and the per-cluster net trained on it.
    public func withTrainingGram(_ parallelism: Parallelism = .machine) -> MultiClusterData {
        var copy = self
        copy.train = train.withGram(parallelism)
        return copy
    }

    /// Samples the model from `key` (features, train and test use independent child keys).
    public init(_ config: MultiClusterConfig, key: PRNGKey) throws {
        try config.validate()
        self.config = config
        features = try MultiClusterData.features(config, key: key)
        train = MultiClusterData.sample(config.trainSamples, config, features, key.child("train"))
        test = MultiClusterData.sample(config.testSamples, config, features, key.child("test"))
    }

    /// The cluster features μ_1 … μ_k (rows) of `config` sampled from `key` — the same matrix the
    /// full sample holds, without drawing the data (the hypotheses ledger measures it).
    public static func features(_ config: MultiClusterConfig, key: PRNGKey) throws -> Matrix {
        try config.validate()
        let d = config.dimension, k = config.clusters
        switch config.features {
        case .qr:
            var q = HouseholderQR.randomFrame(count: k, dimension: d, key: key.child("features"))
            let scale = Double(d).squareRoot()
            for t in q.storage.indices { q.storage[t] *= scale }
            return q
        case .hadamard:
            return Matrix(try OrthogonalFeatures.hadamard(count: k, dimension: d))
        case .basis:
            return Matrix(try OrthogonalFeatures.scaledBasis(count: k, dimension: d))
        }
    }

    /// Row i's noise comes from its own stream (key "noise", child i: `ClusterNoise`), so the rows can
    /// be sampled in parallel and the result does not depend on the thread count. The dataset keeps
    /// the noise's source, not the n × d matrix; `Dataset.noise` draws it again where it is needed
    /// (the weight decomposition's reconstruction).
    static func sample(_ n: Int, _ config: MultiClusterConfig, _ features: Matrix, _ key: PRNGKey,
                       _ parallelism: Parallelism = .machine) -> Dataset {
        let d = config.dimension, k = config.clusters
        var assignment = key.child("clusters").stream
        let clusters: [Int] = (0..<n).map { i in
            config.sampling == .balanced ? i % k : Int(assignment.next() % UInt64(k))
        }
        let noise = ClusterNoise(key: key.child("noise"), sigma: config.noise, rows: n, dimension: d)
        // Every entry is written by the rows' workers (no zero fill first: the n·d pages are first
        // touched in parallel).
        let inputs = Matrix(rows: n, columns: d) { x in
            features.storage.withUnsafeBufferPointer { mu in
                let x = UncheckedSendable(x.baseAddress!), mu = UncheckedSendable(mu.baseAddress!)
                parallelism.forEachRange(n, grain: 16) { rows in
                    for i in rows {
                        let c = clusters[i] * d, xi = noise.row(i)
                        for j in 0..<d { x.value[i * d + j] = mu.value[c + j] + xi[j] }
                    }
                }
            }
        }
        let labels = clusters.map { $0 < config.positiveClusters ? 1 : -1 }
        return Dataset(inputs: inputs, labels: labels, clusters: clusters, noiseSource: noise)
    }
}
