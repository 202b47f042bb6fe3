/// Patch-structured data of "Adversarial Training Can Provably Improve Robustness" (Li & Li,
/// ICLR 2025; Proofs/adversarial-training.md, with our documented choices): k classes, each with a robust feature
/// u_y and a non-robust feature v_y, all 2k orthonormal (d ≥ 2k). An input has P patches in ℝ^d:
///
///     x_p = α_p·u_y + ξ_p  (p ∈ J_R: the first |J_R| patches)
///     x_p = β_p·v_y + ξ_p  (p ∈ J_NR: the next |J_NR| patches)
///     x_p = ξ_p            (the remaining patches), ξ_p ~ N(0, σ_n² I_d),
///
/// with α_p, β_p drawn independently per patch. The theorem's regime: robust features stronger
/// (α ≫ β) and non-robust features denser (Σ_{J_R} α^τ ≪ Σ_{J_NR} β^τ). A sample is stored as one
/// row of length P·d (patch p in columns p·d ..< (p+1)·d).
public struct PatchStructuredConfig: Codable, Equatable, Sendable {
    public enum Features: String, Codable, Sendable, CaseIterable {
        /// u_y = e_y, v_y = e_{k+y}.
        case basis
        /// The 2k columns of Q from a QR of a Gaussian d×2k matrix: u_y = q_y, v_y = q_{k+y}.
        case qr
    }

    public var dimension: Int
    public var classes: Int
    public var patches: Int
    public var robustPatches: Int
    public var nonRobustPatches: Int
    public var alpha: CoefficientRange
    public var beta: CoefficientRange
    public var patchNoise: Double
    public var trainSamples: Int
    public var testSamples: Int
    public var features: Features

    public init(dimension: Int, classes: Int, patches: Int, robustPatches: Int, nonRobustPatches: Int,
                alpha: CoefficientRange, beta: CoefficientRange, patchNoise: Double,
                trainSamples: Int, testSamples: Int, features: Features = .basis) {
        self.dimension = dimension
        self.classes = classes
        self.patches = patches
        self.robustPatches = robustPatches
        self.nonRobustPatches = nonRobustPatches
        self.alpha = alpha
        self.beta = beta
        self.patchNoise = patchNoise
        self.trainSamples = trainSamples
        self.testSamples = testSamples
        self.features = features
    }

    public func validate(prefix: String = "") throws {
        try ConfigError.require(classes >= 2, prefix + "classes", classes, "≥ 2")
        try ConfigError.require(dimension >= 2 * classes && dimension <= 1 << 20, prefix + "dimension", dimension,
                                "2·classes = \(2 * classes) … 1048576 (2k orthonormal features need d ≥ 2k)")
        try ConfigError.require(patches >= 1 && patches <= 4096, prefix + "patches", patches, "1 … 4096")
        try ConfigError.require(robustPatches >= 1, prefix + "robustPatches", robustPatches, "≥ 1")
        try ConfigError.require(nonRobustPatches >= 0 && robustPatches + nonRobustPatches <= patches, prefix + "nonRobustPatches",
                                nonRobustPatches, "0 … patches − robustPatches = \(patches - robustPatches)")
        try alpha.validate(prefix + "alpha")
        try beta.validate(prefix + "beta")
        try ConfigError.require(patchNoise.isFinite && patchNoise >= 0, prefix + "patchNoise", patchNoise, "a finite σ_n ≥ 0")
        try ConfigError.requireSampleCounts(train: trainSamples, test: testSamples, prefix: prefix)
    }
}

public struct PatchStructuredData: Sendable {
    public let config: PatchStructuredConfig
    /// u_y as rows (k×d).
    public let robustFeatures: Matrix
    /// v_y as rows (k×d).
    public let nonRobustFeatures: Matrix
    public let train: Dataset
    public let test: Dataset

    public init(_ config: PatchStructuredConfig, key: PRNGKey) throws {
        try config.validate()
        self.config = config
        let d = config.dimension, k = config.classes
        var frame: Matrix
        switch config.features {
        case .basis:
            frame = Matrix(rows: 2 * k, columns: d)
            for t in 0..<(2 * k) { frame[t, t] = 1 }
        case .qr:
            frame = HouseholderQR.randomFrame(count: 2 * k, dimension: d, key: key.child("features"))
        }
        robustFeatures = Matrix(rows: k, columns: d, storage: Array(frame.storage[0..<(k * d)]))
        nonRobustFeatures = Matrix(rows: k, columns: d, storage: Array(frame.storage[(k * d)...]))
        train = PatchStructuredData.sample(config.trainSamples, config, robustFeatures, nonRobustFeatures, key.child("train"))
        test = PatchStructuredData.sample(config.testSamples, config, robustFeatures, nonRobustFeatures, key.child("test"))
    }

    static func sample(_ n: Int, _ config: PatchStructuredConfig, _ u: Matrix, _ v: Matrix, _ key: PRNGKey) -> Dataset {
        let d = config.dimension, k = config.classes, patches = config.patches
        var coefficients = key.child("coefficients").stream, noise = key.child("noise").stream
        let labels = (0..<n).map { i in i % k }  // balanced: exactly n/k per class when k divides n
        var x = Matrix(rows: n, columns: patches * d)
        for i in 0..<n {
            let y = labels[i]
            for p in 0..<patches {
                let (feature, c): (Matrix?, Double) =
                    p < config.robustPatches ? (u, config.alpha.sample(&coefficients))
                    : p < config.robustPatches + config.nonRobustPatches ? (v, config.beta.sample(&coefficients)) : (nil, 0)
                for j in 0..<d {
                    x[i, p * d + j] = (feature.map { c * $0[y, j] } ?? 0) + config.patchNoise * noise.gaussian()
                }
            }
        }
        return Dataset(inputs: x, labels: labels, clusters: labels)
    }
}
