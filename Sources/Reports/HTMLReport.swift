import Claims
import Foundation

/// report.html: one self-contained page (inline SVG and CSS, no script, no network) with the verdict
/// table and, per claim, the figures its series support: robust-accuracy curves with the √(d/k) and
/// √(d/2) markers, (neuron × feature) cosine heatmaps, log–log scaling plots with the fitted slope.
public enum HTMLReport {
    public static func page(_ report: Report) -> String {
        let env = report.environment
        var body = ["<h1>TheoryCheck verification report</h1>",
                    "<p>\(ReportFormats.xml(env.programLabel))" + (env.gitCommit.map { ", commit <code>\(ReportFormats.xml(String($0.prefix(12))))</code>" } ?? "")
                        + ", scale <b>\(ReportFormats.xml(env.scale))</b>, \(env.variant == "claim" ? "claims" : "counterfactuals")\(env.explore == true ? ", with the exploratory stages" : ""), \(env.threads) threads, "
                        + String(format: "%.1f s", env.seconds) + ", \(ReportFormats.xml(env.startedAt)).</p>",
                    "<table><tr><th>claim</th><th>paper</th><th>verdict</th><th>evidence</th></tr>"]
        for e in report.claims {
            body.append("<tr><td><a href=\"#\(e.id)\"><code>\(e.id)</code></a></td><td>\(e.paper)</td><td class=\"\(e.result.verdict.rawValue)\">\(e.result.verdict.rawValue)</td><td>\(ReportFormats.xml(e.result.summary))</td></tr>")
        }
        body.append("</table>")
        body += foundation(report) + certificates(report)
        for e in report.claims {
            let r = e.result
            body += ["<h2 id=\"\(e.id)\">\(e.id) — <span class=\"\(r.verdict.rawValue)\">\(r.verdict.rawValue)</span></h2>",
                     "<p><i>\(ReportFormats.xml(e.source)).</i> \(ReportFormats.xml(e.statement))</p>",
                     "<p><b>Predicate.</b> \(ReportFormats.xml(r.predicate))<br><b>Counterfactual.</b> \(ReportFormats.xml(e.counterfactual))<br><b>Evidence.</b> \(ReportFormats.xml(r.summary))"
                        + (e.protocolStanding.map { "<br><b>Protocol.</b> " + ReportFormats.xml($0.sentence) } ?? "") + "</p>"]
            if !r.ledger.checks.isEmpty {
                body.append("<table class=\"ledger\"><tr><th>hypothesis</th><th>as stated</th><th>checked</th><th></th><th>setting</th><th>constant from</th></tr>")
                for row in r.ledger.checks {
                    body.append("<tr><td>\(ReportFormats.xml(row.hypothesis.name))</td><td>\(ReportFormats.xml(row.hypothesis.statement))</td>"
                                + "<td>\(ReportFormats.xml(row.condition))</td><td class=\"\(row.satisfied ? "holds" : "fails")\">\(row.satisfied ? "✓" : "✗")</td>"
                                + "<td>\(ReportFormats.xml(row.setting))</td><td>\(ReportFormats.xml(row.provenance))</td></tr>")
                }
                body.append("</table>")
            }
            if let c = r.counterexample {
                body.append("<p><b>Counterexample</b> (instance \(c.seed)): " + ReportFormats.xml(c.values.sorted { $0.key < $1.key }.map { "\($0.key) = \(ReportFormats.number($0.value))" }.joined(separator: ", ")) + "</p>")
            }
            body += figures(r).map { "<figure>\($0)</figure>" }
            body += comparison(r) + instances(r)
        }
        let style = """
            body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
            table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
            .holds{color:#1a7f37;font-weight:bold}.fails{color:#c62828;font-weight:bold}.inconclusive{color:#b26a00;font-weight:bold}
            .outOfRegime{color:#666;font-weight:bold}.error{color:#a0a;font-weight:bold}table.ledger{margin:6px 0;font-size:12px}figure{display:inline-block;margin:8px}code{font-size:12px}
            """
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TheoryCheck report</title><style>\(style)</style></head><body>\n"
            + body.joined(separator: "\n") + "\n</body></html>\n"
    }

    /// The foundation checks, with the distribution of the gradient check's relative errors.
    static func foundation(_ report: Report) -> [String] {
        guard !report.foundation.isEmpty else { return [] }
        var out = ["<h2>Foundation checks</h2>", "<table><tr><th>check</th><th>verdict</th><th>detail</th></tr>"]
        for f in report.foundation {
            out.append("<tr><td><code>\(ReportFormats.xml(f.id))</code></td><td class=\"\(f.holds ? "holds" : "fails")\">\(f.holds ? "holds" : "fails")</td><td>\(ReportFormats.xml(f.detail))</td></tr>")
        }
        out.append("</table>")
        if let errors = report.foundation.first(where: { $0.id == "engine.gradient-check" })?.series["relativeErrors"], !errors.isEmpty {
            // Decade bins: exact (0), then [10^e, 10^(e+1)) for e = −20 … −9, and ≥ 1e-10 (over the tolerance).
            var bins: [(label: String, count: Int)] = [("0", errors.filter { $0 == 0 }.count)]
            for e in -20 ... -11 {
                bins.append(("1e\(e)", errors.filter { $0 > 0 && $0 >= Foundation.pow(10, Double(e)) && $0 < Foundation.pow(10, Double(e + 1)) }.count))
            }
            bins[1].count += errors.filter { $0 > 0 && $0 < 1e-20 }.count
            bins.append(("≥1e-10", errors.filter { $0 >= 1e-10 }.count))
            out.append("<figure>" + SVG.bars(title: "Gradient check: |g − r| / ‖r‖∞ per entry (\(errors.count) entries; tolerance 1e-10)",
                                             xLabel: "relative error (decade)", yLabel: "entries", bins: bins) + "</figure>")
        }
        return out
    }

    /// The exact certificates among the claims' measurements, in one table.
    static func certificates(_ report: Report) -> [String] {
        let rows: [(id: String, key: String, meaning: String)] = [
            ("EP.memorization", "uncertifiedPoints", "training points not certified at δ = 0.99ε (exact, rationals)"),
            ("EP.lipschitz", "misclassifiedPerturbations", "perturbations below ε misclassified (exact sign of d_B − d_A)"),
            ("FA.nonRobustness", "certifiedRobustAccuracy", "f_FA robust accuracy at 3√(d/k), certified exactly (δ², no roots)"),
            ("FA.robustSolution", "certifiedFraction", "test points where f_robust is certified at √d/4 (exact)"),
            ("FA.weightDecomposition", "exactIdentityHolds", "rational GD: decomposition identity with zero error (1 = holds)"),
        ]
        var out: [String] = []
        for row in rows {
            guard let entry = report.claims.first(where: { $0.id == row.id }) else { continue }
            let values = entry.result.trials.compactMap { $0.values[row.key] }
            guard let low = values.min(), let high = values.max() else { continue }
            out.append("<tr><td><code>\(row.id)</code></td><td>\(ReportFormats.xml(row.meaning))</td><td>\(values.count)</td><td>\(ReportFormats.number(low)) … \(ReportFormats.number(high))</td></tr>")
        }
        guard !out.isEmpty else { return [] }
        return ["<h2>Exact certificates</h2>", "<table><tr><th>claim</th><th>certificate</th><th>instances</th><th>range over instances</th></tr>"] + out + ["</table>"]
    }

    /// Every instance's measured values, one row each (as report.md; up to 30 instances).
    static func instances(_ r: ClaimResult) -> [String] {
        let keys = Array(Set(r.trials.flatMap(\.values.keys))).sorted()
        guard !keys.isEmpty, r.trials.count <= 30 else { return [] }
        return ["<details><summary>Instances (\(r.trials.count)): measured values</summary><table><tr><th>instance</th><th>ok</th>"
                + keys.map { "<th>\(ReportFormats.xml($0))</th>" }.joined() + "</tr>"]
            + r.trials.map { t in
                "<tr><td>\(t.seed)</td><td class=\"\(t.satisfied ? "holds" : "fails")\">\(t.satisfied ? "✓" : "✗")</td>"
                    + keys.map { "<td>\(t.values[$0].map(ReportFormats.number) ?? "")</td>" }.joined() + "</tr>"
            } + ["</table></details>"]
    }

    /// A published curve beside ours at the published radii (series `published.radii`,
    /// `published.<name>` in %, and ours as `monotoneRobustAccuracy.<name>` over `radii`).
    static func comparison(_ r: ClaimResult) -> [String] {
        guard let radii = r.series["published.radii"], let ours = r.series["radii"] else { return [] }
        let names = r.series.keys.filter { $0.hasPrefix("published.") && $0 != "published.radii" }.sorted().map { String($0.dropFirst(10)) }
        let mine = r.series.keys.filter { $0.hasPrefix("monotoneRobustAccuracy.") }.sorted()
        var rows = ["<table><tr><th>radius</th>" + names.map { "<th>published: \(ReportFormats.xml($0)) (%)</th>" }.joined()
                    + mine.map { "<th>ours: \(ReportFormats.xml(String($0.dropFirst(23)))) (%)</th>" }.joined() + "</tr>"]
        for (i, radius) in radii.enumerated() {
            let j = ours.firstIndex { abs($0 - radius) < 1e-9 }
            rows.append("<tr><td>\(ReportFormats.number(radius))</td>" + names.map { "<td>\(ReportFormats.number(r.series["published." + $0]![i]))</td>" }.joined()
                        + mine.map { key in "<td>\(j.map { String(format: "%.2f", 100 * r.series[key]![$0]) } ?? "")</td>" }.joined() + "</tr>")
        }
        return ["<p><b>Published numbers beside ours</b> (different data and training: compare shapes, not values)</p>"] + rows + ["</table>"]
    }

    /// The figures a claim's series support.
    static func figures(_ r: ClaimResult) -> [String] {
        var out: [String] = []
        let values = r.trials.first?.values ?? [:]
        // ℓ2 curves over `radii`, ℓ∞ curves (FA.realImages) over `radiiLinf`.
        for (suffix, norm) in [("", "ℓ2"), ("Linf", "ℓ∞")] {
            guard let radii = r.series["radii" + suffix] else { continue }
            let prefix = "monotoneRobustAccuracy\(suffix)."
            let curves = r.series.keys.filter { $0.hasPrefix(prefix) }.sorted().map {
                SVG.Series(label: String($0.dropFirst(prefix.count)), x: radii, y: r.series[$0]!)
            }
            var markers: [(label: String, x: Double)] = []
            if suffix.isEmpty, let v = values["sqrtDOverK"] { markers.append(("√(d/k)", v)) }
            if suffix.isEmpty, let v = values["sqrtDOverTwo"] { markers.append(("√(d/2)", v)) }
            if !curves.isEmpty {
                out.append(SVG.plot(title: "Robust accuracy vs radius (monotone)", xLabel: "radius ε (\(norm))", yLabel: "robust accuracy",
                                    series: curves, markers: markers))
            }
        }
        out += dynamics(r)
        let columnLabel = r.series["cosineColumns"] == nil ? "cluster feature j" : "class mean j"
        for key in r.series.keys.filter({ $0.hasPrefix("cosine.") }).sorted() {
            let v = r.series[key]!
            // Columns: given (`cosineColumns`, e.g. the 10 class means), or k of the k×k per-cluster net.
            let k = r.series["cosineColumns"].map { Int($0[0]) } ?? r.series["cosine.cluster"].map { Int(Double($0.count).squareRoot().rounded()) } ?? 1
            guard k > 0, v.count % k == 0 else { continue }
            out.append(SVG.heatmap(title: "cos(w_r, μ_j): \(key.dropFirst(7)) net", values: v, rows: v.count / k, columns: k,
                                   rowLabel: "neuron r", columnLabel: columnLabel))
        }
        out += phaseDiagram(r)
        for (name, fit) in r.fits.sorted(by: { $0.key < $1.key }) {
            guard let axes = r.fitAxes[name], let x = r.series[name + ".x"], let y = r.series[name + ".y"], x.count == y.count else { continue }
            let line = SVG.Series(label: String(format: "fit: slope %.3f [%.3f, %.3f]", fit.exponent, fit.lower, fit.upper),
                                  x: [x.min()!, x.max()!], y: [x.min()!, x.max()!].map { Foundation.exp(fit.intercept) * Foundation.pow($0, fit.exponent) })
            out.append(SVG.plot(title: "\(name) (log–log)", xLabel: axes.x, yLabel: axes.y,
                                series: [SVG.Series(label: "measured", x: x, y: y, points: true), line], logLog: true))
        }
        return out
    }

    /// AT.phaseTransition's exploratory phase diagram (series `phaseDiagram.*`): one heatmap per
    /// measured fraction over the clean weight c (rows) and ε/β (columns).
    static func phaseDiagram(_ r: ClaimResult) -> [String] {
        guard let rows = r.series["phaseDiagram.cleanWeight"], let columns = r.series["phaseDiagram.epsilonOverBeta"] else { return [] }
        let titles = [("phaseIFraction", "Phase I: fraction of classes"), ("phaseIIFraction", "Phase II: fraction of classes"),
                      ("satisfiedFraction", "predicate: fraction of seeds")]
        return titles.compactMap { key, title in
            guard let v = r.series["phaseDiagram." + key], v.count == rows.count * columns.count else { return nil }
            return SVG.heatmap(title: "\(title) (exploratory)", values: v, rows: rows.count, columns: columns.count,
                               rowLabel: "clean weight c", columnLabel: "ε/β", rowTicks: rows.map { String(format: "%g", $0) },
                               columnTicks: columns.map { String(format: "%g", $0) })
        }
    }

    /// Li & Li's Figure 3: the class-averaged robust and non-robust feature correlations and the
    /// clean and robust test accuracies over training, adversarial vs standard, with the detected
    /// changepoint t* marked (series `dynamics.*` of AT.phaseTransition).
    static func dynamics(_ r: ClaimResult) -> [String] {
        guard let steps = r.series["dynamics.steps"] else { return [] }
        return ["adversarial", "standard"].compactMap { name in
            func classMean(_ feature: String) -> [Double]? {
                let curves = r.series.keys.filter { $0.hasPrefix("dynamics.\(name).\(feature).") }.compactMap { r.series[$0] }
                guard !curves.isEmpty, curves.allSatisfy({ $0.count == steps.count }) else { return nil }
                return steps.indices.map { t in curves.map { $0[t] }.reduce(0, +) / Double(curves.count) }
            }
            guard let u = classMean("robustCorrelation"), let v = classMean("nonRobustCorrelation"),
                  let robust = r.series["dynamics.\(name).robustTestAccuracy"], let clean = r.series["dynamics.\(name).testAccuracy"],
                  robust.count == steps.count, clean.count == steps.count else { return nil }
            let tStar = r.measurements["dynamics.\(name).tStar"].flatMap { $0 >= 0 ? [("t* = \(Int($0))", $0)] : nil } ?? []
            return SVG.plot(title: "\(name == "adversarial" ? "Adversarial" : "Standard") training: feature correlations and accuracies (seed 1)",
                            xLabel: "GD step", yLabel: "correlation (class mean) / accuracy",
                            series: [SVG.Series(label: "ρ_u robust feature", x: steps, y: u), SVG.Series(label: "ρ_v non-robust feature", x: steps, y: v),
                                     SVG.Series(label: "robust test accuracy", x: steps, y: robust), SVG.Series(label: "clean test accuracy", x: steps, y: clean)],
                            markers: tStar)
        }
    }
}
