import ArgumentParser
import Engine
import Exact
import Foundation

/// `theorycheck robustness`: robust-accuracy curves of a trained run.
struct Robustness: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate the robust accuracy of a trained run over a grid of radii.",
        discussion: """
            Attacks: exact (not an attack: each point's exact ℓ2 radius for a binary two-layer ReLU net, by \
            branch and bound over activation patterns with the winning region verified in rationals; the \
            truth every attack's curve lies above), fa-paper (the official Feature Averaging protocol: ℓ2 PGD, 7 steps of ε/4, random \
            start on the sphere, the model's loss), strong (ℓ2 PGD, 20 steps, 3 restarts, margin and \
            targeted-margin objectives, worst case), pgd-l2, pgd-linf, fgm, fgsm; for Feature \
            Averaging runs averaged-feature (x + ε·y·u/‖u‖, u = −Σ_{J+} μ_j + Σ_{J−} μ_j); for patch \
            data negative-nonrobust (x_p − ε·v_y on every non-robust patch), nrf-pgd and rf-pgd \
            (targeted PGD within span{v_j} resp. span{u_j} on each patch). Gradient attacks on patch \
            data have a budget ε per patch. A comma-separated list evaluates several. Writes robustness.json and one CSV per attack into the run \
            directory (or --out), atomically. Exit 2 on invalid arguments, nothing written then. A network \
            trained elsewhere: --network DIR (W.npy m×d, b.npy, a.npy of shape (m,) or (k, m); ReLU) with \
            --data KIND:PATH (e.g. npy:DIR with X_test.npy, y_test.npy), instead of --run.
            """
    )

    @Option(name: .customLong("run"), help: "A directory written by `theorycheck train --out`.")
    var runDirectory: String?

    @Option(help: "A two-layer ReLU network trained elsewhere: a directory of W.npy, b.npy, a.npy (with --data).")
    var network: String?

    @Option(help: "The data for --network: \(DataSource.spellings).")
    var data: String?

    @Option(help: "Attacks (comma-separated): \(NamedAttack.names.joined(separator: ", ")).")
    var attack: String = "fa-paper,strong"

    @Option(help: "Radii as start:stop:step (inclusive) or a comma-separated list.")
    var radii: String = "0:46:2"

    @Option(help: "Override the number of PGD steps.")
    var steps: Int?

    @Option(help: "Override the step size as a fraction of the radius.")
    var stepSize: Double?

    @Option(help: "Override the number of random restarts.")
    var restarts: Int?

    @Option(help: "The robust-accuracy level that defines the critical radius.")
    var level: Double = 0.05

    @Option(help: "Evaluate on the first N test points (default: all).")
    var samples: Int?

    @Option(help: "Seed of the attacks' random starts.")
    var seed: UInt64 = 0

    @Option(help: "Output directory (default: the run directory).")
    var out: String?

    func run() throws {
        let grid = try Robustness.parseRadii(radii)
        try ConfigError.validateLevel(level)
        let loaded: ExportedRun
        switch (runDirectory, network, data) {
        case let (run?, nil, nil): loaded = try ExportedRun(directory: run, readsTraining: false)
        case let (nil, network?, data?): loaded = try ExportedRun.external(network: network, data: data)
        case (nil, _?, nil): throw ConfigError(field: "--data", value: "(missing)", allowed: "KIND:PATH with --network (\(DataSource.spellings))")
        default: throw ConfigError(field: "--run", value: runDirectory ?? "(missing)", allowed: "a run directory, or --network DIR with --data KIND:PATH (not both)")
        }
        let runDirectory = loaded.directory
        let attacks = try attack.split(separator: ",").map { name in
            var plan = try NamedAttack(String(name), run: loaded)
            if case var .gradient(config) = plan {
                if let steps { config.steps = steps }
                if let stepSize { config.stepSizeFactor = stepSize }
                if let restarts { config.restarts = restarts }
                try config.validate(prefix: "--")
                plan = .gradient(config)
            }
            return (String(name), plan)
        }
        if let samples, samples < 1 { throw ConfigError(field: "--samples", value: "\(samples)", allowed: "≥ 1") }
        var test = loaded.test
        if let samples, samples < test.count { test = test.subset(Array(0..<samples)) }
        guard test.count > 0 else {
            throw network == nil ? ConfigError(field: "--run", value: runDirectory, allowed: "a run with test samples")
                                 : ConfigError(field: "--data", value: data ?? "", allowed: "data with at least one point (X_test.npy, or X_train.npy without it, has 0 rows)")
        }
        let output = try StagedOutput(path: out ?? runDirectory)
        let d = Double(loaded.config.data.patchDimension), k = Double(loaded.config.data.classes)
        print("\(loaded.config.preset): \(test.count) test points, d = \(Int(d)), k = \(Int(k)); √(d/k) = \(format(d / k)), √(d/2) = \(format(d / 2))")
        var report: [String: Any] = ["run": runDirectory, "preset": loaded.config.preset, "level": level, "sqrtDOverK": (d / k).squareRoot(), "sqrtDOverTwo": (d / 2).squareRoot()]
        var curves: [[String: Any]] = []
        var evaluated: [RadiusBracket.Evaluation] = []
        for (name, plan) in attacks {
            let clock = ContinuousClock(), start = clock.now
            var exact: [ExactRadius.PointRadius] = []
            let (curve, pointRadii) = try plan.evaluate(loaded, test, radii: grid, key: PRNGKey(seed: seed).child(name), exactRadii: &exact)
            evaluated.append(RadiusBracket.Evaluation(name: name, side: plan.side, radii: pointRadii, threat: plan.threat,
                                                      upperRadii: exact.isEmpty ? nil : exact.map(\.upperRadius)))
            var pointRecord: [String: Any] = ["side": plan.side.rawValue, "pointRadii": pointRadii.map { $0 as Any? ?? NSNull() }]
            if case .gradient = plan { pointRecord["breaksConfirmed"] = plan.confirmation(loaded) != nil }
            var upperCurve: [RobustAccuracy.Point]?
            if !exact.isEmpty {
                pointRecord.merge(Self.bracketRecord(exact, inputDimension: test.inputs.columns)) { a, _ in a }
                upperCurve = ExactRadius.band(exact, radii: grid).upper
                pointRecord["robustAccuracyUpper"] = upperCurve!.map(\.robustAccuracy)
                pointRecord["monotoneRobustAccuracyUpper"] = upperCurve!.map(\.monotoneRobustAccuracy)
            }
            let critical = RobustAccuracy.criticalRadius(curve, level: level)
            print("\n\(name) (\(plan.summary)) — \(clock.now - start)")
            if let upperCurve {
                let open = exact.filter { !$0.closed }.count
                print("  brackets closed (exact radii): \(exact.count - open)/\(exact.count)" + (open > 0 ? "; \(open) point(s) unknown: the curve is a band (proven robust … not proven broken)" : ""))
                print("  radius  robust accuracy  (monotone)" + (open > 0 ? "  upper (monotone)" : ""))
                for (p, u) in zip(curve, upperCurve) {
                    print("  \(pad(format2(p.radius), 6))  \(pad(format2(p.robustAccuracy), 15))  \(format2(p.monotoneRobustAccuracy))"
                          + (open > 0 ? "      \(pad(format2(u.robustAccuracy), 5)) (\(format2(u.monotoneRobustAccuracy)))" : ""))
                }
            } else {
                print("  radius  robust accuracy  (monotone)")
                for p in curve { print("  \(pad(format2(p.radius), 6))  \(pad(format2(p.robustAccuracy), 15))  \(format2(p.monotoneRobustAccuracy))") }
            }
            print("  critical radius (robust accuracy ≤ \(level)): \(critical.map(format2) ?? "not reached")")
            curves.append(["attack": name, "criticalRadius": critical as Any, "radii": curve.map(\.radius),
                           "robustAccuracy": curve.map(\.robustAccuracy), "monotoneRobustAccuracy": curve.map(\.monotoneRobustAccuracy)]
                          .merging(plan.record) { a, _ in a }.merging(pointRecord) { a, _ in a })
            let csv = "radius,robust_accuracy,monotone_robust_accuracy\n" + curve.map { "\($0.radius),\($0.robustAccuracy),\($0.monotoneRobustAccuracy)" }.joined(separator: "\n") + "\n"
            try output.write("robustness-\(name).csv", text: csv)
        }
        // Each point's gap to the truth (the exact radius, else the certificate); a point on the
        // wrong side is a bug in an attack, a certificate or the exact solver.
        let gaps = RadiusBracket.gaps(evaluated)
        if !gaps.isEmpty { print("\npoint by point, against the exact radius (else the certificate) of the same threat model:") }
        for gap in gaps {
            let broken = gap.gaps.compactMap { $0 }.count
            print("  \(gap.name) against \(gap.reference): \(broken)/\(gap.gaps.count) points with a gap, median \(gap.median.map(format2) ?? "—"), largest \(gap.largest.map(format2) ?? "—")"
                  + (gap.violations.isEmpty ? "" : "; WRONG SIDE at \(gap.violations.count) point(s), first \(gap.violations.prefix(5).map(String.init).joined(separator: ", ")) — a bug"))
        }
        if !gaps.isEmpty {
            report["pointGaps"] = gaps.map { g -> [String: Any] in
                ["attack": g.name, "reference": g.reference, "gaps": g.gaps.map { $0 as Any? ?? NSNull() },
                 "median": g.median as Any? ?? NSNull(), "largest": g.largest as Any? ?? NSNull(), "violations": g.violations]
            }
        }
        if network != nil {
            // A net trained elsewhere: its neurons against the class means of the evaluated data —
            // cosines, and λ as least-squares coefficients on the means (`Probes.featureCoefficients`).
            let classes = max(2, loaded.network.outputs)
            let means = LabelledSamples(dimension: test.inputs.columns, values: .doubles(test.inputs.storage),
                                        labels: test.labels.map { loaded.network.outputs == 1 ? ($0 + 1) / 2 : $0 }).classMeans(classes: classes)
            report["classMeanCosines"] = Probes.cosines(loaded.network.weights, means).rowList
            report["classMeanCoefficients"] = (try? Probes.featureCoefficients(loaded.network.weights, means).rowList) as Any? ?? NSNull()
            print("\nneurons against the \(classes) class means of the evaluated data: cosines and least-squares λ in robustness.json")
        }
        report["curves"] = curves
        let safe = jsonSafe(report)
        // JSONText writes JSONSerialization's bytes, without its casts (≈ 15 ms here).
        try output.write("robustness.json", JSONText.pretty(safe) ?? Array(try JSONSerialization.data(withJSONObject: safe, options: [.prettyPrinted, .sortedKeys])))
        try output.commit()
        print("\nwrote robustness.json and the curves' CSV files to \(output.target.path)")
        let violations = gaps.reduce(0) { $0 + $1.violations.count }
        if violations > 0 {
            print("CONSISTENCY CHECK FAILED: \(violations) number(s) on the wrong side of a proven bound (listed above) — a bug in an attack, a certificate or the exact solver")
            throw ExitCode(1)
        }
    }

    /// Each point's exact bracket for robustness.json (docs/report-schema.md, "robustness.json"):
    /// the ends as Doubles that enclose ρ, as exact rationals of ρ² (ℓ2) or ρ (ℓ∞), whether it is
    /// closed and attained, and the witness of the upper end.
    static func bracketRecord(_ exact: [ExactRadius.PointRadius], inputDimension: Int) -> [String: Any] {
        func text(_ value: Rational?) -> String { value.map { "\($0)" } ?? "inf" }
        func strings(_ values: [Rational]?) -> Any { values.map { $0.map { "\($0)" } } as Any? ?? NSNull() }
        return [
            "pointLower": exact.map(\.lowerRadius), "pointUpper": exact.map(\.upperRadius),
            "pointClosed": exact.map(\.closed), "pointAttained": exact.map { $0.closed ? $0.attained as Any : NSNull() },
            "pointExactLower": exact.map { text($0.lower) }, "pointExactUpper": exact.map { text($0.upper) },
            "pointVerified": exact.map(\.verified),
            "pointSquaredRadii": exact.map { $0.squaredRadius.map { "\($0)" } ?? "" },
            "pointWitness": exact.map { point -> Any in
                guard let w = point.witness else { return NSNull() }
                var record: [String: Any] = [:]
                if let delta = w.delta { record["delta"] = strings(delta) }
                if let c = w.coefficients { record["coefficients"] = strings(c) }
                if let delta = w.interiorDelta { record["interior"] = strings(delta) }
                if let c = w.interiorCoefficients { record["interiorCoefficients"] = strings(c) }
                return record
            },
        ]
    }


    /// "a:b:s" (inclusive, s > 0) or "r1,r2,…"; radii must be finite and ≥ 0.
    static func parseRadii(_ text: String) throws -> [Double] {
        let bad = ConfigError(field: "--radii", value: text, allowed: "start:stop:step with 0 ≤ start ≤ stop, step > 0, or a list r1,r2,… of radii ≥ 0")
        var values: [Double]
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 3 {
            guard let a = Double(parts[0]), let b = Double(parts[1]), let s = Double(parts[2]), s > 0, a <= b, (b - a) / s <= 100_000 else { throw bad }
            values = stride(from: 0, through: Int(((b - a) / s + 1e-9).rounded(.down)), by: 1).map { a + Double($0) * s }
        } else {
            values = try text.split(separator: ",").map { guard let v = Double($0) else { throw bad }; return v }
        }
        guard !values.isEmpty, values.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw bad }
        return values.sorted()
    }
}

extension ConfigError {
    static func validateLevel(_ level: Double) throws {
        guard level.isFinite, (0...1).contains(level) else { throw ConfigError(field: "--level", value: "\(level)", allowed: "0 … 1") }
    }
}

func format(_ x: Double) -> String { format2(x.squareRoot()) }
func format2(_ x: Double) -> String { String(format: "%.2f", x) }
func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

/// `value` with every non-finite Double replaced by the string "inf", "-inf" or "nan" (the
/// encoding of docs/report-schema.md; JSONSerialization refuses them).
func jsonSafe(_ value: Any) -> Any {
    switch value {
    case let d as Double: d.isFinite ? d : (d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf"))
    case let list as [Any]: list.map(jsonSafe)
    case let record as [String: Any]: record.mapValues(jsonSafe)
    default: value
    }
}
