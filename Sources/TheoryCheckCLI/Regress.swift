import ArgumentParser
import Claims
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
            A pinned verdict (a claim case's) changes only under a new registry entry: --update refuses (exit 2) \
            unless the claim's smoke protocol was registered (`theorycheck claims --register ID --scale smoke \
            --reason TEXT`) after the verdict was pinned.
            """
    )

    @Option(help: "The baseline directory (holds engine.json).")
    var baseline: String = "Baselines"

    @Option(name: .customLong("case"), help: "Only these cases (repeatable; default: all).")
    var cases: [String] = []

    @Flag(help: "Rewrite the baselines with the current results (and print what changed).")
    var update = false

    @Option(help: "The protocol registry that pinned verdicts are checked against (with --update).")
    var registry = ProtocolRegistry.defaultPath

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
        var pins: [String: String] = [:]
        if let data = FileManager.default.contents(atPath: path) {
            stored = try Regression.decode(String(decoding: data, as: UTF8.self))
            pins = Regression.decodePins(String(decoding: data, as: UTF8.self))
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
            // Quantities within tolerance keep their stored text, so that an update's diff is what moved.
            current[name] = record.reduce(into: RegressionRecord()) { kept, quantity in
                let old = stored[name]?[quantity.key]
                kept[quantity.key] = moved.contains { $0.quantity == quantity.key } ? quantity.value : old ?? quantity.value
            }
            print("\(stored[name] == nil ? "new  " : moved.isEmpty ? "same " : "DRIFT") \(name) (\(record.count) quantities, \(clock.now - start))")
        }
        // A run new to the baseline is reported by its line above, not quantity by quantity, and is no drift.
        let added = Set(drifts.map(\.run).filter { stored[$0] == nil })
        drifts.removeAll { added.contains($0.run) }
        for drift in drifts { print("  " + drift.description) }
        if let output {
            try checkPinnedVerdicts(stored: stored, current: current, pins: &pins)
            try output.write("engine.json", text: Regression.encode(current, pins: pins))
            try output.commit()
            print(stored.isEmpty ? "created \(path): \(current.count) runs"
                  : "updated \(path): \(drifts.count) quantit\(drifts.count == 1 ? "y" : "ies") changed"
                    + (added.isEmpty ? "" : ", \(added.count) new run\(added.count == 1 ? "" : "s") (\(added.sorted().joined(separator: ", ")))"))
            return
        }
        print(drifts.isEmpty ? "no drift" : "\(drifts.count) quantit\(drifts.count == 1 ? "y" : "ies") drifted")
        if !added.isEmpty { print("no baseline for \(added.sorted().joined(separator: ", ")) (write it with --update)") }
        if !drifts.isEmpty || !added.isEmpty { throw ExitCode(1) }
    }

    /// A claim case's verdict may change only under a registry entry newer than the one it was
    /// pinned under, matching the claim's current smoke protocol; `pins` is brought up to date.
    func checkPinnedVerdicts(stored: [String: RegressionRecord], current: [String: RegressionRecord], pins: inout [String: String]) throws {
        let book = try ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry))
        func entry(_ name: String) -> ProtocolRegistry.Entry? {
            book.latest(String(name.dropFirst("claim:".count)), .smoke)
        }
        for change in Regression.verdictChanges(stored: stored, current: current) {
            let id = String(change.name.dropFirst("claim:".count))
            guard let claim = ClaimRegistry.claim(id) else { continue }
            let document = try ClaimProtocol.of(claim, scale: .smoke)
            guard let latest = entry(change.name), latest.fingerprint == document.fingerprint, latest.hash != pins[change.name] else {
                throw ConfigError(field: "--update", value: "\(change.name): \(change.before) → \(change.after)",
                                  allowed: "a pinned verdict changes only after its protocol change is registered: "
                                    + "theorycheck claims --register \(id) --scale smoke --reason TEXT (then regress --update again)")
            }
        }
        for name in current.keys where name.hasPrefix("claim:") { pins[name] = entry(name)?.hash }
    }
}
