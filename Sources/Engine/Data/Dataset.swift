/// A labelled sample set: X (one sample per row), labels, and for clustered data the cluster of
/// each sample and its noise ξ_i = x_i − μ_{c(i)} as sampled (before rounding x).
public struct Dataset: Sendable, Equatable {
    /// Changing the inputs drops what was formed from them (the transposed patch rows, K).
    public var inputs: Matrix { didSet { transposedPatchMatrix = nil; transposedPatches = 0; gramMatrix = nil } }
    /// ±1 for binary tasks, 0..<classes for multi-class tasks.
    public var labels: [Int]
    public var clusters: [Int]
    /// ξ as given, or nil (see `noise`).
    var storedNoise: Matrix?
    /// Where clustered data keep their noise: its streams (`ClusterNoise`), not the matrix.
    public var noiseSource: ClusterNoise?
    /// ξ (n × d): the matrix given at construction, or drawn again from `noiseSource` — the same
    /// bits as sampled, n·d Gaussians per access (bind it once).
    public var noise: Matrix? { storedNoise ?? noiseSource?.matrix() }
    /// The transpose of the patch rows ((n·P) × d, see `TwoLayerNetwork`), kept when the same data
    /// is used for many gradient steps: the weight gradient dzᵀ·X is then a product of contiguous
    /// rows, (Xᵀ·dz)ᵀ. `transposedPatches` is the P it was formed for.
    var transposedPatchMatrix: Matrix?
    var transposedPatches = 0
    /// K = X·Xᵀ (`Kernels.gram`), kept when several kernel-route trainings read the same inputs
    /// (the binary and the per-cluster net of one sample): formed once instead of once per net.
    var gramMatrix: Matrix?

    public init(inputs: Matrix, labels: [Int], clusters: [Int] = [], noise: Matrix? = nil, noiseSource: ClusterNoise? = nil) {
        self.inputs = inputs
        self.labels = labels
        self.clusters = clusters
        storedNoise = noise
        self.noiseSource = noiseSource
    }

    /// The same data with the transposed patch rows computed once.
    public func withTransposedPatchRows(patches: Int) -> Dataset {
        var copy = self
        copy.transposedPatchMatrix = Matrix(rows: count * patches, columns: inputs.columns / patches, storage: inputs.storage).transposed
        copy.transposedPatches = patches
        return copy
    }

    func transposedPatchRows(patches: Int) -> Matrix? { transposedPatches == patches ? transposedPatchMatrix : nil }

    /// The same data with K = X·Xᵀ formed once (the same bits as forming it in each training:
    /// `Kernels.gram`'s sums do not depend on the thread count).
    public func withGram(_ parallelism: Parallelism = .machine) -> Dataset {
        var copy = self
        copy.gramMatrix = Kernels.gram(inputs, parallelism)
        return copy
    }

    public var count: Int { inputs.rows }

    /// The same samples: inputs, labels, clusters and noise (not what was formed from them).
    public static func == (a: Dataset, b: Dataset) -> Bool {
        a.inputs == b.inputs && a.labels == b.labels && a.clusters == b.clusters && a.storedNoise == b.storedNoise && a.noiseSource == b.noiseSource
    }

    /// The same samples labelled by their cluster index (the fine-grained task of feature decoupling).
    public var clusterLabelled: Dataset {
        var copy = self
        copy.labels = clusters
        return copy
    }
}
