import Engine
import Synchronization

/// Experiment runs shared between claims: a run is a pure function of its config (seed included),
/// so returning a stored run for the same config changes no result — it only avoids training the
/// same network twice when several claims speak about it (the AT and FP claims).
public enum RunMemo {
    /// At most this many runs are kept (first in, first out; a paper-scale AT run holds ≈ 10 MB).
    static let capacity = 40
    private static let store = Mutex<(runs: [String: ExperimentRun], order: [String])>(([:], []))

    /// The run of `config`, from the store when it was run before.
    public static func run(_ config: ExperimentConfig, parallelism: Parallelism) throws -> ExperimentRun {
        let key = TheoremSetting.describe(config)
        if let stored = store.withLock({ $0.runs[key] }) { return stored }
        let run = try ExperimentRun.run(config, parallelism: parallelism)
        store.withLock { store in
            guard store.runs[key] == nil else { return }
            if store.order.count >= capacity { store.runs[store.order.removeFirst()] = nil }
            store.runs[key] = run
            store.order.append(key)
        }
        return run
    }
}
