import Foundation

/// The axes of a scaling fit, for figures.
public struct FitAxes: Codable, Equatable, Sendable {
    public var x: String
    public var y: String
}

extension ClaimResult {
    /// Adds a scaling check (THEORY.md §0.5) to the result: the least-squares power law of `y` in `x`
    /// (`PowerLawFit`), its exponent decided against `band`, combined with the verdict so far
    /// (`Verdict.conjunction`). Records the fit as `fits[name]`, its data as `series[name + ".x"]` and
    /// `series[name + ".y"]`, its axes as `fitAxes[name]`, and appends "y ∝ x^b [lo, hi] (verdict)" to
    /// the summary. Data that is not positive and finite cannot be fitted: that part is inconclusive.
    @discardableResult
    public mutating func addScalingCheck(_ name: String, x: (label: String, values: [Double]), y: (label: String, values: [Double]),
                                         band: ClosedRange<Double>) -> Verdict {
        series[name + ".x"] = x.values
        series[name + ".y"] = y.values
        fitAxes[name] = FitAxes(x: x.label, y: y.label)
        guard x.values.count >= 3, zip(x.values, y.values).allSatisfy({ $0 > 0 && $1 > 0 && $0.isFinite && $1.isFinite }) else {
            summary += "; \(y.label): not positive and finite, no fit (inconclusive)"
            verdict = .conjunction(verdict, .inconclusive)
            return .inconclusive
        }
        let fit = PowerLawFit(x: x.values, y: y.values)
        let decided = fit.decide(band: band)
        fits[name] = fit
        summary += "; \(y.label) ∝ \(x.label)^" + String(format: "%.3f [%.3f, %.3f]", fit.exponent, fit.lower, fit.upper) + " (\(decided.rawValue))"
        verdict = .conjunction(verdict, decided)
        return decided
    }
}
