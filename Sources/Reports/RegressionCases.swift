import Claims
import Engine
import Synchronization

/// The fixed-seed runs whose results `theorycheck regress` compares with `Baselines/`: every preset
/// (shortened to at most 20 GD steps, with a history record every 5) and every claim at smoke scale.
public enum RegressionCases {
    public static let maxSteps = 20

    private static let presetsIncluded = Mutex(true)

    /// Whether the engine's presets are cases (true for the suite; a package checking only its own
    /// claims turns them off with `TheoryCheckCommand.main(claims:presets:)`).
    public static var includesPresets: Bool {
        get { presetsIncluded.withLock { $0 } }
        set { presetsIncluded.withLock { $0 = newValue } }
    }

    public static var names: [String] {
        (includesPresets ? Presets.all.map { "preset:" + $0.preset } : []) + ClaimRegistry.active.map { "claim:" + $0.id }
    }

    /// Runs the case `name` (a pure function of the code: fixed seeds, any thread count).
    public static func run(_ name: String, parallelism: Parallelism = .machine) throws -> RegressionRecord {
        if name.hasPrefix("preset:") {
            var config = try Presets.named(String(name.dropFirst(7)))
            config.optimizer.steps = min(config.optimizer.steps, maxSteps)
            config.optimizer.probeEvery = 5
            return try record(ExperimentRun.run(config, parallelism: parallelism))
        }
        guard name.hasPrefix("claim:"), let claim = ClaimRegistry.claim(String(name.dropFirst(6))) else {
            throw ConfigError(field: "case", value: name, allowed: names.joined(separator: ", "))
        }
        return record(try claim.check(ClaimRun(scale: .smoke, parallelism: parallelism)))
    }

    /// History at every record; the final parameters' sum, sum of squares, largest magnitude and
    /// first entries; λ's sum where tracked.
    public static func record(_ run: ExperimentRun) -> RegressionRecord {
        var r: RegressionRecord = [:]
        for h in run.history {
            r["history.loss@\(h.step)"] = .float(h.loss)
            r["history.trainAccuracy@\(h.step)"] = .float(h.trainAccuracy)
            if let t = h.testAccuracy { r["history.testAccuracy@\(h.step)"] = .float(t) }
            if let t = h.robustTrainAccuracy { r["history.robustTrainAccuracy@\(h.step)"] = .float(t) }
        }
        let w = run.final.parameters
        r["final.parameters.count"] = .integer(w.count)
        r["final.parameters.sum"] = .float(w.reduce(0, +))
        r["final.parameters.sumOfSquares"] = .float(w.reduce(0) { $0 + $1 * $1 })
        r["final.parameters.maxMagnitude"] = .float(w.map(abs).max() ?? 0)
        for (i, x) in w.prefix(4).enumerated() { r["final.parameters[\(i)]"] = .float(x) }
        r["data.train.inputs.sum"] = .float(run.train.inputs.storage.reduce(0, +))
        if let lambda = run.decomposition?.lambda { r["lambda.sum"] = .float(lambda.storage.reduce(0, +)) }
        return r
    }

    /// Verdict, counts, and per value key the min, max and sum over the trials.
    public static func record(_ result: ClaimResult) -> RegressionRecord {
        var r: RegressionRecord = ["verdict": .text(result.verdict.rawValue), "trials": .integer(result.trials.count),
                                   "satisfied": .integer(result.trials.filter(\.satisfied).count)]
        let keys = Set(result.trials.flatMap(\.values.keys))
        for key in keys.sorted() {
            let values = result.trials.compactMap { $0.values[key] }
            r["trials.\(key).min"] = .float(values.min()!)
            r["trials.\(key).max"] = .float(values.max()!)
            r["trials.\(key).sum"] = .float(values.reduce(0, +))
        }
        for (name, fit) in result.fits {
            r["fit.\(name).exponent"] = .float(fit.exponent)
            r["fit.\(name).lower"] = .float(fit.lower)
            r["fit.\(name).upper"] = .float(fit.upper)
        }
        return r
    }
}
