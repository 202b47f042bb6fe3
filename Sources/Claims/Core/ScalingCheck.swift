import Foundation

/// The axes of a scaling fit, for figures.
public struct FitAxes: Codable, Equatable, Sendable {
    /// The label of the swept size (e.g. "d").
    public var x: String
    /// The label of the fitted quantity.
    public var y: String
}

extension ClaimResult {
    /// Adds a scaling check (docs/methodology.md §3) to the result: the least-squares power law of `y` in `x`
    /// (`PowerLawFit`), its exponent decided against `band`, combined with the verdict so far
    /// (`Verdict.conjunction`). Records the fit as `fits[name]`, its data as `series[name + ".x"]` and
    /// `series[name + ".y"]`, its axes as `fitAxes[name]`, and appends "y ∝ x^b [lo, hi] (verdict)" to
    /// the summary. Data that is not positive and finite cannot be fitted: that part is inconclusive.
    @discardableResult
    public mutating func addScalingCheck(_ name: String, x: (label: String, values: [Double]), y: (label: String, values: [Double]),
                                         band: ClosedRange<Double>) -> Verdict {
        guard let fit = recordFit(name, x: x, y: y) else {
            summary += "; \(y.label): not positive and finite, no fit (inconclusive)"
            verdict = .conjunction(verdict, .inconclusive)
            return .inconclusive
        }
        let decided = fit.decide(band: band)
        summary += "; \(y.label) ∝ \(x.label)^" + String(format: "%.3f [%.3f, %.3f]", fit.exponent, fit.lower, fit.upper) + " (\(decided.rawValue))"
        verdict = .conjunction(verdict, decided)
        return decided
    }

    /// An asymptotic statement whose finite predicate failed at the largest size, decided by its
    /// trend (docs/methodology.md §3): the least-squares power law of `y` in `x` is fitted, and its
    /// exponent's 95% interval says whether y moves toward the prediction as the size grows
    /// (`approaching`, e.g. [0, ∞) for a quantity below a prediction it should reach from below).
    /// Returns — and does not combine into `verdict`, which the caller sets — `fails` when the
    /// interval lies outside `approaching` (the failure is not a finite-size effect on its way), and
    /// `inconclusive` otherwise: approaching (a finite-size effect, said so) or undecided. Records
    /// the fit as `addScalingCheck` does.
    public mutating func trendOfFailure(_ name: String, x: (label: String, values: [Double]), y: (label: String, values: [Double]),
                                        approaching: ClosedRange<Double>) -> Verdict {
        guard let fit = recordFit(name, x: x, y: y) else {
            summary += "; trend of \(y.label): not positive and finite, no fit (inconclusive)"
            return .inconclusive
        }
        let interval = String(format: "%.3f [%.3f, %.3f]", fit.exponent, fit.lower, fit.upper)
        switch fit.decide(band: approaching) {
        case .holds:
            summary += "; trend: \(y.label) ∝ \(x.label)^\(interval), approaching the prediction — a finite-size effect (inconclusive)"
            return .inconclusive
        case .fails:
            summary += "; trend: \(y.label) ∝ \(x.label)^\(interval), not approaching the prediction (fails)"
            return .fails
        default:
            summary += "; trend: \(y.label) ∝ \(x.label)^\(interval), undecided (inconclusive)"
            return .inconclusive
        }
    }

    /// A conjunctive finite predicate that failed at its main size, decided along a size sweep
    /// (docs/methodology.md §3): each conjunct that fails at the largest size is fitted by
    /// `trendOfFailure` over every point. Returns — without combining it into `verdict` — `fails`
    /// when some failing conjunct moves away from its prediction with 95% confidence, and
    /// `inconclusive` otherwise (approaching or undecided; or no conjunct fails at the largest size,
    /// a finite-size failure), the trend stated in the summary.
    public mutating func trendOfFailingConjuncts(x: (label: String, values: [Double]), _ conjuncts: [ConjunctTrend]) -> Verdict {
        let failing = conjuncts.filter(\.failsAtLargest)
        guard !failing.isEmpty else {
            summary += "; trend: every conjunct holds at the largest \(x.label) — a failure of the smaller sizes only (inconclusive)"
            return .inconclusive
        }
        var decided = Verdict.inconclusive
        for conjunct in failing where trendOfFailure(conjunct.name, x: x, y: (conjunct.label, conjunct.values),
                                                     approaching: conjunct.approaching) == .fails {
            decided = .fails
        }
        return decided
    }

    /// The trend of a satisfying fraction of seeds whose finite predicate failed (a w.h.p. statement
    /// under an asymptotic hypothesis): a logistic regression of the per-seed outcomes on `x`
    /// (`LogisticFit`). Returns — without combining it into `verdict` — `fails` when the slope's
    /// interval lies outside `approaching` or every seed fails at every level, and `inconclusive`
    /// otherwise (rising: the statement's asymptotic regime not yet reached, said so; or undecided).
    /// Records the levels (`name.x`), the fractions (`name.fraction`) and the slope with its interval
    /// (`measurements[name + ".logisticSlope…"]`).
    public mutating func trendOfFailedFraction(_ name: String, x label: String, levels: [Double], outcomes: [[Bool]],
                                               approaching: ClosedRange<Double>) -> Verdict {
        series[name + ".x"] = levels
        series[name + ".fraction"] = outcomes.map { Double($0.filter { $0 }.count) / Double(max($0.count, 1)) }
        let pairs = zip(levels, outcomes).flatMap { level, seeds in seeds.map { (level, $0) } }
        let fit = LogisticFit(x: pairs.map(\.0), y: pairs.map(\.1))
        measurements[name + ".logisticSlope"] = fit.slope
        measurements[name + ".logisticSlope.lower"] = fit.lower
        measurements[name + ".logisticSlope.upper"] = fit.upper
        let fractions = series[name + ".fraction"]!.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        let trend = "satisfying fraction \(fractions) at \(label) = " + levels.map { String(format: "%g", $0) }.joined(separator: ", ")
            + String(format: ", logistic slope %.3g [%.3g, %.3g]", fit.slope, fit.lower, fit.upper)
        if fit.separation == .constant && !(pairs.first?.1 ?? false) {
            summary += "; trend: \(trend) — every seed fails at every level (fails)"
            return .fails
        }
        switch fit.decide(band: approaching) {
        case .holds:
            summary += "; trend: \(trend) — rising: the asymptotic regime is not yet reached (inconclusive)"
            return .inconclusive
        case .fails:
            summary += "; trend: \(trend) — not rising (fails)"
            return .fails
        default:
            summary += "; trend: \(trend) — undecided (inconclusive)"
            return .inconclusive
        }
    }

    /// Records a fit's data, axes and fit under `name`; nil when the data cannot be fitted (fewer
    /// than 3 points, or a value that is not positive and finite).
    mutating func recordFit(_ name: String, x: (label: String, values: [Double]), y: (label: String, values: [Double])) -> PowerLawFit? {
        series[name + ".x"] = x.values
        series[name + ".y"] = y.values
        fitAxes[name] = FitAxes(x: x.label, y: y.label)
        guard x.values.count >= 3, zip(x.values, y.values).allSatisfy({ $0 > 0 && $1 > 0 && $0.isFinite && $1.isFinite }) else { return nil }
        let fit = PowerLawFit(x: x.values, y: y.values)
        fits[name] = fit
        return fit
    }
}

/// One conjunct of a finite predicate followed along a size sweep (`trendOfFailingConjuncts`): the
/// fitted quantity at each point, whether the conjunct fails at the largest size, and the band of
/// exponents that approach its prediction.
public struct ConjunctTrend: Sendable {
    /// The conjunct's fit name.
    public var name: String
    /// The conjunct's quantity, as the summary names it.
    public var label: String
    /// The quantity at each size of the sweep.
    public var values: [Double]
    /// Whether the conjunct fails at the largest size (only then its trend decides).
    public var failsAtLargest: Bool
    /// The exponent band that means "approaching the prediction".
    public var approaching: ClosedRange<Double>

    /// One failing conjunct and its values over the sweep.
    public init(_ name: String, label: String, values: [Double], failsAtLargest: Bool, approaching: ClosedRange<Double>) {
        self.name = name
        self.label = label
        self.values = values
        self.failsAtLargest = failsAtLargest
        self.approaching = approaching
    }
}
