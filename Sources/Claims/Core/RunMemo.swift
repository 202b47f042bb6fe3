import Engine
import Synchronization

/// Experiment runs shared between claims: a run is a pure function of its config (seed included),
/// so returning a stored run for the same config changes no result — it only avoids training the
/// same network twice when several claims speak about it (the AT and FP claims).
///
/// The store is bounded by the runs' size, not their number: AT.targetedAttacks reuses the runs of
/// AT.adversarialTraining with AT.phaseTransition's ≈ 60 runs between them at standard scale.
public enum RunMemo {
    /// At most this many bytes of runs are kept (estimated from their data and weights; first in,
    /// first out). A standard-scale AT run is ≈ 7 MB, so ≈ 290 of them fit.
    static let byteBudget = 2 << 30
    private static let store = Mutex<(runs: [String: ExperimentRun], order: [(key: String, bytes: Int)], bytes: Int)>(([:], [], 0))

    /// The bytes a run holds, roughly: its training and test inputs, and its first and last weights.
    static func bytes(_ run: ExperimentRun) -> Int {
        8 * (run.train.inputs.storage.count + run.test.inputs.storage.count
             + run.initial.weights.storage.count + run.final.weights.storage.count)
    }

    /// The run of `config`, from the store when it was run before.
    public static func run(_ config: ExperimentConfig, parallelism: Parallelism) throws -> ExperimentRun {
        try run(config) { try ExperimentRun.run(config, parallelism: parallelism) }
    }

    /// The run of `config` continued from the stored `prefix` (`ExperimentRun.run(_:continuing:)`:
    /// the same bits as running it from step 0), from the store when it was run before.
    public static func run(_ config: ExperimentConfig, continuing prefix: ExperimentRun, parallelism: Parallelism) throws -> ExperimentRun {
        try run(config) { try ExperimentRun.run(config, continuing: prefix, parallelism: parallelism) }
    }

    /// The stored run of `config`, or `compute()`'s — which must be `config`'s run — stored.
    static func run(_ config: ExperimentConfig, compute: () throws -> ExperimentRun) throws -> ExperimentRun {
        let key = TheoremSetting.describe(config)
        if let stored = store.withLock({ $0.runs[key] }) { return stored }
        let run = try compute()
        let size = bytes(run)
        store.withLock { store in
            guard store.runs[key] == nil else { return }
            while store.bytes + size > byteBudget, !store.order.isEmpty {
                let oldest = store.order.removeFirst()
                store.runs[oldest.key] = nil
                store.bytes -= oldest.bytes
            }
            store.runs[key] = run
            store.order.append((key, size))
            store.bytes += size
        }
        return run
    }
}
