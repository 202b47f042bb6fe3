import Engine
import Foundation

/// Baselines of fixed-seed runs and their comparison (`theorycheck regress`).
///
/// Tolerances: integers and texts (verdicts, counts) must match exactly. Floats must agree to a
/// relative 1e-9 (|a − b| ≤ 1e-9·max(|a|, |b|)). The engine is bit-reproducible on one machine
/// (fixed summation orders, IEEE fma); the tolerance admits what may legitimately differ between
/// machines — the platform's libm exp/log in the losses (≤ 1 ulp each) amplified through ≤ 20 GD
/// steps and the claims' fits — while any change to the algorithm (a learning rate off by one part
/// in 10⁷, a different reduction) exceeds it by orders of magnitude.
public enum Regression {
    public static let relativeTolerance = 1e-9
    public static let version = 1

    /// One differing quantity.
    public struct Drift: Sendable, CustomStringConvertible {
        public let run: String, quantity: String
        public let baseline: RegressionValue?, current: RegressionValue?
        public var description: String {
            "\(run)  \(quantity): baseline \(baseline.map(\.description) ?? "absent"), now \(current.map(\.description) ?? "absent")"
                + (relativeDifference.map { String(format: " (relative %.3g)", $0) } ?? "")
        }
        var relativeDifference: Double? {
            guard case let .float(a)? = baseline, case let .float(b)? = current else { return nil }
            return abs(a - b) / max(abs(a), abs(b))
        }
    }

    public static func compare(_ run: String, baseline: RegressionRecord, current: RegressionRecord) -> [Drift] {
        Set(baseline.keys).union(current.keys).sorted().compactMap { key in
            let a = baseline[key], b = current[key]
            if let a, let b, agree(a, b) { return nil }
            return Drift(run: run, quantity: key, baseline: a, current: b)
        }
    }

    static func agree(_ a: RegressionValue, _ b: RegressionValue) -> Bool {
        switch (a, b) {
        case let (.float(x), .float(y)):
            if x == y || (x.isNaN && y.isNaN) { return true }
            return x.isFinite && y.isFinite && abs(x - y) <= relativeTolerance * max(abs(x), abs(y))
        default: return a == b
        }
    }

    // MARK: The baseline file: one JSON object per run, one quantity per line (diff-friendly).

    /// The baseline file: the runs' records and, per claim case, the protocol-registry entry under
    /// which its verdict was pinned (`pins`: case name → entry hash; see `verdictChanges`).
    public static func encode(_ records: [String: RegressionRecord], pins: [String: String] = [:]) -> String {
        var lines = ["{", "  \"version\": \(version),", "  \"relativeTolerance\": \(relativeTolerance),"]
        if !pins.isEmpty {
            lines.append("  \"pinnedUnder\": {")
            for (i, name) in pins.keys.sorted().enumerated() {
                lines.append("    \(JSONValue.string(name)): \(JSONValue.string(pins[name]!))" + (i + 1 < pins.count ? "," : ""))
            }
            lines.append("  },")
        }
        lines.append("  \"runs\": {")
        for (i, name) in records.keys.sorted().enumerated() {
            lines.append("    \(JSONValue.string(name)): {")
            let record = records[name]!
            for (j, key) in record.keys.sorted().enumerated() {
                lines.append("      \(JSONValue.string(key)): \(record[key]!)" + (j + 1 < record.count ? "," : ""))
            }
            lines.append("    }" + (i + 1 < records.count ? "," : ""))
        }
        return (lines + ["  }", "}"]).joined(separator: "\n") + "\n"
    }

    /// The `pinnedUnder` map of a baseline file (empty when it has none).
    public static func decodePins(_ text: String) -> [String: String] {
        guard let tree = try? JSONValue(parsing: text), case let .object(pins)? = tree["pinnedUnder"] else { return [:] }
        return pins.reduce(into: [:]) { if case let .string(hash) = $1.value { $0[$1.key] = hash } }
    }

    /// The claim cases whose pinned verdict differs between `stored` and `current`: (case, before, after).
    public static func verdictChanges(stored: [String: RegressionRecord], current: [String: RegressionRecord]) -> [(name: String, before: String, after: String)] {
        current.keys.sorted().compactMap { name in
            guard name.hasPrefix("claim:"), case let .text(before)? = stored[name]?["verdict"], case let .text(after)? = current[name]?["verdict"],
                  before != after else { return nil }
            return (name, before, after)
        }
    }

    public static func decode(_ text: String) throws -> [String: RegressionRecord] {
        let bad = { (why: String) in ConfigError(field: "--baseline", value: "engine.json", allowed: "a baseline written by `theorycheck regress --update` (\(why))") }
        guard let tree = try? JSONValue(parsing: text), case let .object(members) = tree else { throw bad("not a JSON object") }
        guard case let .number(v)? = tree["version"], Int(v) == version else { throw bad("version \(version) expected") }
        guard case let .object(runs)? = members.first(where: { $0.key == "runs" })?.value else { throw bad("no runs") }
        var result: [String: RegressionRecord] = [:]
        for (name, value) in runs {
            guard case let .object(quantities) = value else { throw bad("run \(name) is not an object") }
            var record: RegressionRecord = [:]
            for (key, leaf) in quantities {
                switch leaf {
                case let .number(text):
                    if !text.contains("."), !text.contains("e"), !text.contains("E"), let n = Int(text) { record[key] = .integer(n) }
                    else if let x = Double(text) { record[key] = .float(x) } else { throw bad("\(name).\(key) = \(text)") }
                case let .string(s): record[key] = Double(s).map { .float($0) } ?? .text(s)  // "inf", "nan" are floats
                default: throw bad("\(name).\(key) has an unexpected type")
                }
            }
            result[name] = record
        }
        return result
    }
}
