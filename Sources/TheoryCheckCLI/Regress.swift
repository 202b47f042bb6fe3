import ArgumentParser
import Engine
import Foundation
import Reports

/// `theorycheck regress`: re-runs the fixed-seed regression cases and compares them with the
/// baselines (exit 1 on drift), or rewrites the baselines with `--update`.
struct Regress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare fixed-seed engine runs and smoke claims with the baselines.",
        discussion: """
            Cases: every preset (≤ \(RegressionCases.maxSteps) GD steps) and every claim at smoke scale. Floats must \
            agree to a relative \(Regression.relativeTolerance), integers and verdicts exactly. Exit 0: no drift; \
            1: drift (a table of what moved); 2: usage errors. Examples:
              theorycheck regress
              theorycheck regress --case preset:fa-small --case claim:EP.lowerBound
              theorycheck regress --update        # after an intended change; prints what changed
            """
    )

    @Option(help: "The baseline directory (holds engine.json).")
    var baseline: String = "Baselines"

    @Option(name: .customLong("case"), help: "Only these cases (repeatable; default: all).")
    var cases: [String] = []

    @Flag(help: "Rewrite the baselines with the current results (and print what changed).")
    var update = false

    @Option(help: "Threads (results do not depend on it).")
    var threads: Int?

    func run() throws {
        if let threads, threads < 1 { throw ConfigError(field: "--threads", value: "\(threads)", allowed: "≥ 1") }
        let parallelism = threads.map { Parallelism(threads: $0) } ?? .machine
        for name in cases where !RegressionCases.names.contains(name) {
            throw ConfigError(field: "--case", value: name, allowed: RegressionCases.names.joined(separator: ", "))
        }
        let path = baseline + "/engine.json"
        let stored: [String: RegressionRecord]
        if let data = FileManager.default.contents(atPath: path) {
            stored = try Regression.decode(String(decoding: data, as: UTF8.self))
        } else if update {
            stored = [:]
        } else {
            throw ConfigError(field: "--baseline", value: baseline, allowed: "a directory with engine.json (create it with --update)")
        }
        let output = update ? try StagedOutput(path: baseline) : nil
        var current = stored, drifts: [Regression.Drift] = []
        for name in cases.isEmpty ? RegressionCases.names : cases {
            let clock = ContinuousClock(), start = clock.now
            let record = try RegressionCases.run(name, parallelism: parallelism)
            let moved = Regression.compare(name, baseline: stored[name] ?? [:], current: record)
            drifts += moved
            current[name] = record
            print("\(moved.isEmpty ? "same " : "DRIFT") \(name) (\(record.count) quantities, \(clock.now - start))")
        }
        // A run new to the baseline is reported by its line above, not quantity by quantity.
        for drift in drifts where stored[drift.run] != nil { print("  " + drift.description) }
        if let output {
            try output.write("engine.json", text: Regression.encode(current))
            try output.commit()
            print("updated \(path): \(drifts.count) quantit\(drifts.count == 1 ? "y" : "ies") changed")
            return
        }
        print(drifts.isEmpty ? "no drift" : "\(drifts.count) quantit\(drifts.count == 1 ? "y" : "ies") drifted")
        if !drifts.isEmpty { throw ExitCode(1) }
    }
}
