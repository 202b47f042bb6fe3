/// Sparse-coding data for Feature Purification (Allen-Zhu & Li, 2020; Proofs/feature-purification.md). Our exact
/// choice (the paper's constants are not used):
///
///     x = M z + ξ,  M ∈ ℝ^{d×D} with orthonormal columns (the dictionary), ξ ~ N(0, σ² I_d),
///     z ∈ {0, ±1}^D with exactly s nonzero entries: a uniformly random support, independent
///     uniform signs;  y = sign⟨w*, z⟩ with w* ∈ {±1}^D drawn once per dataset.
///
/// s is required odd, so ⟨w*, z⟩ is an odd integer and the label is never a tie.
public struct SparseCodingConfig: Codable, Equatable, Sendable {
    public enum Dictionary: String, Codable, Sendable, CaseIterable {
        /// M = the first D standard basis vectors.
        case basis
        /// M = Q from a QR of a Gaussian d×D matrix.
        case qr
    }

    public var dimension: Int
    public var atoms: Int
    public var sparsity: Int
    public var noise: Double
    public var dictionary: Dictionary
    public var trainSamples: Int
    public var testSamples: Int

    public init(dimension: Int, atoms: Int, sparsity: Int, noise: Double, dictionary: Dictionary = .qr,
                trainSamples: Int, testSamples: Int) {
        self.dimension = dimension
        self.atoms = atoms
        self.sparsity = sparsity
        self.noise = noise
        self.dictionary = dictionary
        self.trainSamples = trainSamples
        self.testSamples = testSamples
    }

    public func validate(prefix: String = "") throws {
        try ConfigError.require(dimension >= 1 && dimension <= 1 << 20, prefix + "dimension", dimension, "1 … 1048576")
        try ConfigError.require(atoms >= 1 && atoms <= dimension, prefix + "atoms", atoms,
                                "1 … dimension = \(dimension) (orthonormal atoms need D ≤ d)")
        try ConfigError.require(sparsity >= 1 && sparsity <= atoms && sparsity % 2 == 1, prefix + "sparsity", sparsity,
                                "an odd s with 1 ≤ s ≤ atoms = \(atoms) (odd, so the label is never a tie)")
        try ConfigError.require(noise.isFinite && noise >= 0, prefix + "noise", noise, "a finite σ ≥ 0")
        try ConfigError.requireSampleCounts(train: trainSamples, test: testSamples, prefix: prefix)
    }
}

public struct SparseCodingData: Sendable {
    public let config: SparseCodingConfig
    /// The atoms as rows (D×d, orthonormal).
    public let dictionary: Matrix
    /// w* ∈ {±1}^D.
    public let teacher: [Double]
    public let train: Dataset
    public let test: Dataset
    /// The latent codes z (n×D) of the training and test samples.
    public let trainCodes: Matrix
    public let testCodes: Matrix

    public init(_ config: SparseCodingConfig, key: PRNGKey) throws {
        try config.validate()
        self.config = config
        let d = config.dimension, atoms = config.atoms
        switch config.dictionary {
        case .basis:
            var m = Matrix(rows: atoms, columns: d)
            for t in 0..<atoms { m[t, t] = 1 }
            dictionary = m
        case .qr:
            dictionary = HouseholderQR.randomFrame(count: atoms, dimension: d, key: key.child("dictionary"))
        }
        var t = key.child("teacher").stream
        teacher = (0..<atoms).map { _ in t.next() & 1 == 0 ? 1.0 : -1.0 }
        (train, trainCodes) = SparseCodingData.sample(config.trainSamples, config, dictionary, teacher, key.child("train"))
        (test, testCodes) = SparseCodingData.sample(config.testSamples, config, dictionary, teacher, key.child("test"))
    }

    static func sample(_ n: Int, _ config: SparseCodingConfig, _ m: Matrix, _ teacher: [Double], _ key: PRNGKey) -> (Dataset, Matrix) {
        let atoms = config.atoms
        var support = key.child("support").stream, noise = key.child("noise").stream
        var codes = Matrix(rows: n, columns: atoms)
        for i in 0..<n {
            let chosen = GradientDescent.sampleWithoutReplacement(config.sparsity, of: atoms, &support)
            for j in chosen { codes[i, j] = support.next() & 1 == 0 ? 1 : -1 }
        }
        var x = Kernels.product(codes, m, .serial)  // rows z_iᵀ M ᵀ: the sum of s signed atoms
        for t in x.storage.indices { x.storage[t] += config.noise * noise.gaussian() }
        let labels = (0..<n).map { i in
            (0..<atoms).reduce(0.0) { $0 + teacher[$1] * codes[i, $1] } > 0 ? 1 : -1
        }
        return (Dataset(inputs: x, labels: labels), codes)
    }
}
