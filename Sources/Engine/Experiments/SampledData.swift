/// The data of one experiment, whatever its model: training and test sets, the arrays that are
/// exported beside them, and what the probes and the weight decomposition need.
public struct SampledData: Sendable {
    public let train: Dataset
    public let test: Dataset
    /// Extra arrays for the export (features, dictionary, codes, …), by file stem.
    public let arrays: [(name: String, array: NPY.Array)]
    /// Features whose correlations with the neurons are recorded at probe steps, by series name.
    public let probeFeatures: [(name: String, features: Matrix)]
    /// For MultiCluster data: the cluster features, for the weight decomposition.
    public let clusterFeatures: Matrix?
    /// For patch data: the rows spanning each attack subspace within one patch.
    public var attackSubspaces: [AttackConfig.Subspace: Matrix] = [:]

    init(train: Dataset, test: Dataset, arrays: [(name: String, array: NPY.Array)],
         probeFeatures: [(name: String, features: Matrix)], clusterFeatures: Matrix?,
         attackSubspaces: [AttackConfig.Subspace: Matrix] = [:]) {
        (self.train, self.test, self.arrays, self.probeFeatures) = (train, test, arrays, probeFeatures)
        (self.clusterFeatures, self.attackSubspaces) = (clusterFeatures, attackSubspaces)
    }

    /// `attack` with its subspace basis filled in from this data.
    public func resolving(_ attack: AttackConfig) -> AttackConfig {
        var a = attack
        a.subspaceBasis = attackSubspaces[attack.subspace]
        return a
    }

    /// A MultiCluster sample labelled for `task`: ±1 by J₊/J₋ (binary) or the cluster index (the
    /// per-cluster task) — so both tasks of one experiment can share one sample of the data.
    public static func multiCluster(_ data: MultiClusterData, task: ExperimentConfig.Task) -> SampledData {
        let (train, test) = task == .binary ? (data.train, data.test) : (data.train.clusterLabelled, data.test.clusterLabelled)
        return SampledData(train: train, test: test,
                           arrays: [("features", NPY.Array(data.features)), ("clusters_train", NPY.Array(labels: train.clusters)),
                                    ("clusters_test", NPY.Array(labels: test.clusters))],
                           probeFeatures: [("cosine", data.features)], clusterFeatures: data.features)
    }

    /// Real data labelled for its task: the class means are exported and probed (cosines of the
    /// neurons with them, Figure 2 of Feature Averaging); the original class of each sample is
    /// exported beside its label.
    public static func real(_ data: LoadedData) -> SampledData {
        SampledData(train: data.train, test: data.test,
                    arrays: [("class_means", NPY.Array(data.classMeans)), ("classes_train", NPY.Array(labels: data.train.clusters)),
                             ("classes_test", NPY.Array(labels: data.test.clusters))],
                    probeFeatures: [("cosine", data.classMeans)], clusterFeatures: nil)
    }

    /// Samples `config` from `key` (independent child keys per part).
    public static func sample(_ config: DataConfig, task: ExperimentConfig.Task, key: PRNGKey) throws -> SampledData {
        switch config {
        case let .multiCluster(c):
            return multiCluster(try MultiClusterData(c, key: key), task: task)
        case let .patchStructured(c):
            let data = try PatchStructuredData(c, key: key)
            return SampledData(train: data.train, test: data.test,
                               arrays: [("robust_features", NPY.Array(data.robustFeatures)),
                                        ("nonrobust_features", NPY.Array(data.nonRobustFeatures))],
                               probeFeatures: [("robustCorrelation", data.robustFeatures), ("nonRobustCorrelation", data.nonRobustFeatures)],
                               clusterFeatures: nil,
                               attackSubspaces: [.robust: data.robustFeatures, .nonRobust: data.nonRobustFeatures])
        case let .sparseCoding(c):
            let data = try SparseCodingData(c, key: key)
            return SampledData(train: data.train, test: data.test,
                               arrays: [("dictionary", NPY.Array(data.dictionary)), ("teacher", NPY.Array(vector: data.teacher)),
                                        ("codes_train", NPY.Array(data.trainCodes)), ("codes_test", NPY.Array(data.testCodes))],
                               probeFeatures: [("dictionaryCorrelation", data.dictionary)], clusterFeatures: nil)
        case let .separatedSets(c):
            let train = try SeparatedSets.sample(c, key: key)
            return SampledData(train: train, test: Dataset(inputs: Matrix(rows: 0, columns: c.dimension), labels: []),
                               arrays: [], probeFeatures: [], clusterFeatures: nil)
        case let .real(c):
            return real(try LoadedData(c, binary: task == .binary, key: key))
        }
    }
}
