import Foundation

/// Several experiments run together, each on its own sample of the data, with every sample drawn
/// once: experiments whose data config and seed coincide draw the same sample
/// (`SampledData.sample(config.data, task:, key: PRNGKey(seed: config.seed).child("data"))`), so it
/// is drawn once and shared — the binary and the per-cluster net of Feature Averaging
/// (`SampledData.multiCluster`) are the case in point. Where two or more of the experiments on one
/// sample may train on the kernel route, the training set's Gram matrix is formed once for them.
///
/// Each run equals `ExperimentRun.run(config)` bit for bit: the shared sample is the config's own
/// sample (the same key, the same sampler), and the Gram matrix is the one the kernel route would
/// form (`Kernels.gram`, bit-identical for any thread count). Only the wall-clock `timings` differ:
/// a shared sample's seconds are charged to the first run on it, and 0 to the others.
extension ExperimentRun {
    public static func runSharingSamples(_ configs: [ExperimentConfig], parallelism: Parallelism = .machine) throws -> [ExperimentRun] {
        for config in configs { try config.validate() }
        // Groups of experiments on one sample, in order of first appearance.
        var groups: [(representative: ExperimentConfig, members: [Int])] = []
        for (index, config) in configs.enumerated() {
            if let g = groups.firstIndex(where: { sharesSample($0.representative, config) }) {
                groups[g].members.append(index)
            } else {
                groups.append((config, [index]))
            }
        }
        var runs = [ExperimentRun?](repeating: nil, count: configs.count)
        for group in groups {
            let clock = ContinuousClock(), start = clock.now
            let first = group.representative
            // The shared sample: a MultiCluster sample serves both tasks; any other is the group's own.
            var multiCluster: MultiClusterData?
            var given: SampledData?
            if group.members.count >= 2 {
                if case let .multiCluster(c) = first.data {
                    var data = try MultiClusterData(c, key: PRNGKey(seed: first.seed).child("data"))
                    if group.members.filter({ mayTakeKernelRoute(configs[$0], trainSamples: c.trainSamples) }).count >= 2 {
                        data = data.withTrainingGram(parallelism)
                    }
                    multiCluster = data
                } else {
                    given = try SampledData.sample(first.data, task: first.task, key: PRNGKey(seed: first.seed).child("data"))
                }
            }
            let sampled = (clock.now - start).inSeconds
            let results = try parallelism.concurrently(group.members.count) { position, share in
                let config = configs[group.members[position]]
                if let multiCluster { return try run(config, data: .multiCluster(multiCluster, task: config.task), parallelism: share) }
                if let given { return try run(config, data: given, parallelism: share) }
                return try run(config, parallelism: share)
            }
            for (position, (index, run)) in zip(group.members, results).enumerated() {
                runs[index] = group.members.count < 2 ? run : run.timed(data: position == 0 ? sampled : 0)
            }
        }
        return runs.map { $0! }
    }

    /// Whether `a` and `b` draw the same sample: the same data config and seed, and — except on
    /// MultiCluster data, whose sample serves both tasks — the same task.
    static func sharesSample(_ a: ExperimentConfig, _ b: ExperimentConfig) -> Bool {
        guard a.data == b.data, a.seed == b.seed else { return false }
        if case .multiCluster = a.data { return true }
        return a.task == b.task
    }

    /// Whether `config` may train on the kernel route (`TrainingAlgorithm.usesKernel` decides;
    /// this is its necessary part: clean full-batch training on one patch, route not primal).
    static func mayTakeKernelRoute(_ config: ExperimentConfig, trainSamples: Int) -> Bool {
        !config.adversarialTraining.enabled && config.data.patches == 1 && config.optimizer.algorithm != .primal
            && config.optimizer.batchSize.map { $0 >= trainSamples } ?? true
    }
}

extension ExperimentRun {
    /// Writes the exports of `runs` into `outputs` (one each), as `export(to:)` does, except that an
    /// array equal bit for bit to one of the same name staged earlier in this call — the shared
    /// sample's `X_train.npy`, `X_test.npy`, `features.npy`, … — is hard-linked to that file
    /// instead of written again (written where the file system refuses the link). The files are
    /// never modified after staging, so the linked names always read the same bytes.
    public static func export(_ runs: [ExperimentRun], to outputs: [StagedOutput]) throws {
        precondition(runs.count == outputs.count, "one output per run")
        var staged: [(name: String, array: NPY.Array, output: StagedOutput)] = []
        for (run, output) in zip(runs, outputs) {
            for (name, array) in run.exportArrays() {
                if let earlier = staged.first(where: { $0.name == name && $0.array.isBitwiseEqual(to: array) }),
                   output.link(name, to: earlier.output) {
                    continue
                }
                try output.write(name, npy: array)
                staged.append((name, array, output))
            }
            for (name, bytes) in try run.exportDocuments() { try output.write(name, bytes) }
        }
    }
}

extension NPY.Array {
    /// The same shape and the same bits in every entry (so the same .npy bytes; `==` would equate
    /// 0.0 with −0.0 and tell NaN from itself).
    func isBitwiseEqual(to other: NPY.Array) -> Bool {
        guard shape == other.shape else { return false }
        switch (payload, other.payload) {
        case let (.float64(a), .float64(b)):
            return a.count == b.count && a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
        case let (.int64(a), .int64(b)): return a == b
        default: return false
        }
    }
}
