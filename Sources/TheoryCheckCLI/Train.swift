import ArgumentParser
import Engine
import Foundation

/// `theorycheck train`: one experiment, exported for NumPy.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an experiment (or several side by side) and export data, weights and history as .npy/.json files.",
        discussion: """
            The config is the preset, overlaid by --config FILE.json (same keys), then by each --set \
            key=value (dotted keys, e.g. --set data.dimension=1024 --set optimizer.steps=50). \
            `theorycheck presets` lists every key. Exit status: 0 on success, 1 if training diverges, \
            2 on an invalid config or output directory (nothing is written then). Examples:
              theorycheck train --preset fa-paper --out /tmp/fa
              theorycheck train --preset fa-paper,fa-paper-cluster --out /tmp/fa2
              theorycheck train --preset fa-small --set optimizer.steps=50 --set data.noise=0.5 --seed 3
              theorycheck train --preset at-small-adversarial --set adversarialTraining.epsilon=0.35 --out /tmp/at
              theorycheck train --preset digits --data mnist:~/mnist --set data.trainSamples=10000 --out /tmp/mnist
            With --data KIND:PATH (\(DataSource.spellings)) a preset on real data (digits, \
            digits-classes) reads those images or features instead; its grouping is kept.
            """
    )

    @Option(name: .customLong("preset"), help: ArgumentHelp(
        "The preset to start from (see `theorycheck presets`); repeat it, or list several separated by commas, to train several experiments in one go.",
        discussion: "Experiments with the same data config and seed share one sample of the data (and, on MultiCluster data, one Gram matrix) and run side by side; each run is bit for bit the run trained alone. With several presets --out is a parent directory, with one run directory per preset in it; the data arrays they share are hard links to one file."))
    var presetArguments: [String]

    /// The presets named, in order.
    var presets: [String] { presetArguments.flatMap { $0.split(separator: ",").map(String.init) } }

    @Option(help: "A JSON file of config fields overriding the preset.")
    var config: String?

    @Option(name: .customLong("set"), help: "key=value overriding one config field (repeatable).")
    var assignments: [String] = []

    @Option(help: "The seed (overrides the config's `seed`).")
    var seed: UInt64?

    @Option(help: "Output directory for the export (written atomically).")
    var out: String?

    @Option(help: "Threads for the kernels (results are bit-identical for any count).")
    var threads: Int?

    @Option(help: "Real data for a preset on real data: \(DataSource.spellings).")
    var data: String?

    func run() throws {
        if let threads, threads < 1 { throw ConfigError(field: "--threads", value: "\(threads)", allowed: "≥ 1") }
        let names = presets
        guard !names.isEmpty else { throw ConfigError(field: "--preset", value: "(missing)", allowed: "a preset name (see `theorycheck presets`)") }
        if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ConfigError(field: "--preset", value: repeated, allowed: "each preset once (their runs are written to --out/<preset>)")
        }
        let resolved = try names.map { try ConfigResolution.resolve(preset: $0, configFile: config, overrides: try dataAssignments(preset: $0) + assignments, seed: seed) }
        let outputs = try out.map { out in
            names.count == 1 ? [try StagedOutput(path: out)] : try names.map { try StagedOutput(path: URL(fileURLWithPath: out).appendingPathComponent($0).path) }
        }
        let parallelism = threads.map { Parallelism(threads: $0) } ?? .machine
        let clock = ContinuousClock()
        let start = clock.now
        let runs: [ExperimentRun]
        do {
            runs = try ExperimentRun.runSharingSamples(resolved, parallelism: parallelism)
        } catch let error as DivergenceError {
            FileDescriptor.standardError.write("error: \(error)\n")
            throw ExitCode(1)
        }
        let elapsed = clock.now - start
        for run in runs {
            let config = run.config, last = run.history.last!
            print("\(config.preset) (seed \(config.seed)): \(config.optimizer.steps) steps; data \(milliseconds(run.timings.data)), training \(milliseconds(run.timings.training))"
                  + (runs.count == 1 ? ", total \(milliseconds(elapsed))" : ""))
            print("  final loss \(last.loss), train accuracy \(last.trainAccuracy)" + (last.testAccuracy.map { ", test accuracy \($0)" } ?? ""))
            if let robust = last.robustTrainAccuracy {
                print("  robust accuracy at ε = \(config.robustness.epsilon): train \(robust)" + (last.robustTestAccuracy.map { ", test \($0)" } ?? ""))
            }
        }
        if runs.count > 1 { print("\(runs.count) experiments, side by side where they share a sample: total \(milliseconds(elapsed))") }
        if let outputs {
            try ExperimentRun.export(runs, to: outputs)
            for output in outputs { try output.commit() }
            print("  exported to " + outputs.map(\.target.path).joined(separator: ", "))
        }
    }
}

extension Train {
    /// `--data` as config assignments (source, width, classes, the split of a one-set source),
    /// placed before the user's own --set so that those still win.
    func dataAssignments(preset: String) throws -> [String] {
        guard let data else { return [] }
        guard try Presets.named(preset).data.kind == .real else {
            throw ConfigError(field: "--data", value: data, allowed: "only with a preset on real data: "
                              + Presets.all.filter { $0.data.kind == .real }.map(\.preset).joined(separator: ", "))
        }
        let c = try RealDataConfig.describing(data, field: "--data")
        return ["data.source=\(c.source)", "data.dimension=\(c.dimension)", "data.classes=\(c.classes)",
                "data.trainSamples=\(c.trainSamples)", "data.testSamples=\(c.testSamples)"]
    }
}

func milliseconds(_ s: Double) -> String { "\(Int((s * 1000).rounded())) ms" }
func milliseconds(_ d: Duration) -> String {
    milliseconds(d.inSeconds)
}

/// `theorycheck presets`: every preset with every field.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the presets with all their fields and defaults (JSON).",
        discussion: """
            Every field shown is a config key for `theorycheck train --set key=value` or --config. Examples:
              theorycheck presets
              theorycheck presets fa-paper
            """
    )

    @Argument(help: "Show only this preset.")
    var name: String?

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let chosen = try name.map { [try Presets.named($0)] } ?? Presets.all
        for preset in chosen {
            print("# \(preset.preset)")
            print(String(decoding: try encoder.encode(preset), as: UTF8.self))
        }
    }
}
