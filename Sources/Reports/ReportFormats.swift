import Claims
import Foundation

/// The text formats of a report: JSON (every number), Markdown (for a pull request) and JUnit XML
/// (one test case per claim, for CI dashboards).
public enum ReportFormats {
    public static func json(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    public static func markdown(_ report: Report) -> String {
        let env = report.environment
        var lines = ["# TheoryCheck verification report", "",
                     env.programLabel + (env.gitCommit.map { " (commit `\($0.prefix(12))`)" } ?? "")
                        + ", scale **\(env.scale)**, \(env.variant == "claim" ? "claims" : "counterfactuals")\(env.explore == true ? ", with the exploratory stages" : ""), \(env.threads) threads, "
                        + String(format: "%.1f s", env.seconds) + ", \(env.startedAt).", "",
                     "| claim | paper | verdict | evidence | time |", "|---|---|---|---|---|"]
        for entry in report.claims {
            let r = entry.result
            lines.append("| `\(entry.id)` | \(entry.paper) | **\(r.verdict.rawValue)** | \(cell(r.summary)) | \(String(format: "%.1f s", r.seconds)) |")
        }
        for entry in report.claims {
            let r = entry.result
            lines += ["", "## \(entry.id) — \(r.verdict.rawValue)", "", "*\(entry.source).* \(entry.statement)", "",
                      "- Predicate: \(r.predicate)", "- Counterfactual: \(entry.counterfactual)", "- Evidence: \(r.summary)",
                      // Not a link: the report is written anywhere, and the page lives in the package that defines the claim.
                      "- Derivation: `Proofs/claims/\(entry.id).md` in the package that defines the claim"]
                + (entry.protocolStanding.map { ["- " + $0.sentence] } ?? [])
            if !r.ledger.checks.isEmpty {
                lines += ["", "Hypotheses ledger:", "", "| hypothesis | as stated | checked | ok | setting | constant from |", "|---|---|---|---|---|---|"]
                for row in r.ledger.checks {
                    lines.append("| \(cell(row.hypothesis.name)) | \(cell(row.hypothesis.statement)) | \(cell(row.condition)) | \(row.satisfied ? "✓" : "✗") | \(cell(row.setting)) | \(cell(row.provenance)) |")
                }
                lines.append("")
            }
            if let evidence = entry.robustness {
                lines += ["", "Robustness numbers (Proofs/robustness.md, \"Two sides\"):", "", "| quantity | side | decides | how |", "|---|---|---|---|"]
                for e in evidence { lines.append("| \(cell(e.quantity)) | \(e.side.rawValue) | \(e.decides.rawValue) | \(cell(e.how)) |") }
                lines.append("")
            }
            if let p = r.proportion {
                lines.append(String(format: "- Satisfying fraction %d/%d, Wilson 95%% interval [%.3f, %.3f]", p.successes, p.trials, p.lower, p.upper))
            }
            for (name, fit) in r.fits.sorted(by: { $0.key < $1.key }) {
                lines.append("- Fit `\(name)`: " + String(format: "exponent %.3f, 95%% [%.3f, %.3f] over %d points", fit.exponent, fit.lower, fit.upper, fit.points))
            }
            if let c = r.counterexample {
                lines.append("- Counterexample: instance \(c.seed): " + c.values.sorted { $0.key < $1.key }.map { "\($0.key) = \(number($0.value))" }.joined(separator: ", "))
            }
            let keys = Array(Set(r.trials.flatMap(\.values.keys))).sorted()
            if !keys.isEmpty && r.trials.count <= 30 {
                lines += ["", "| instance | ok | " + keys.joined(separator: " | ") + " |", "|---|---|" + String(repeating: "---|", count: keys.count)]
                for t in r.trials {
                    lines.append("| \(t.seed) | \(t.satisfied ? "✓" : "✗") | " + keys.map { t.values[$0].map(number) ?? "" }.joined(separator: " | ") + " |")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func junit(_ report: Report) -> String {
        // A claim whose check threw is a JUnit error, not a failure.
        let errors = report.claims.filter { $0.result.verdict == .error }.count
        let failures = report.claims.filter { $0.result.verdict != wanted(report) && $0.result.verdict != .error }.count
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                     "<testsuites name=\"theorycheck verify\" tests=\"\(report.claims.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(report.environment.seconds)\">",
                     "  <testsuite name=\"claims (\(xml(report.environment.scale)))\" tests=\"\(report.claims.count)\" failures=\"\(failures)\" errors=\"\(errors)\">"]
        for entry in report.claims {
            let r = entry.result
            lines.append("    <testcase classname=\"\(xml(entry.paper))\" name=\"\(xml(entry.id))\" time=\"\(r.seconds)\">")
            if r.verdict != wanted(report) {
                let detail = r.counterexample.map { c in "instance \(c.seed) (\(c.config)): " + c.values.sorted { $0.key < $1.key }.map { "\($0.key) = \(number($0.value))" }.joined(separator: ", ") } ?? r.summary
                let element = r.verdict == .error ? "error" : "failure"
                lines.append("      <\(element) type=\"\(r.verdict.rawValue)\" message=\"\(xml(r.summary))\">\(xml(detail))</\(element)>")
            }
            lines.append("    </testcase>")
        }
        return (lines + ["  </testsuite>", "</testsuites>"]).joined(separator: "\n") + "\n"
    }

    static func wanted(_ report: Report) -> Verdict { report.environment.variant == "claim" ? .holds : .fails }

    public static func number(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "\(x)" }

    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    /// Text escaped for XML attributes and content.
    public static func xml(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Characters XML 1.0 forbids (controls other than tab, newline, return) are dropped.
                if c.value < 0x20 && c != "\t" && c != "\n" && c != "\r" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
