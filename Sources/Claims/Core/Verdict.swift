/// The outcome of a claim check (docs/methodology.md §3).
public enum Verdict: String, Codable, Sendable, CaseIterable {
    /// The finite-d predicate holds with the stated confidence.
    case holds
    /// It does not: the result carries a counterexample.
    case fails
    /// Not enough evidence either way (an interval straddles the level, or training diverged).
    case inconclusive
    /// The configuration lies outside the theorem's hypotheses; nothing was decided.
    case outOfRegime
    /// The check itself threw (a bug or bad input inside the claim): nothing was decided, and the
    /// result's summary carries the error. `verify` decides the other claims, writes the report,
    /// and exits 3.
    case error

    /// The verdict of a claim made of several parts: fails if any part fails, out of regime if any
    /// part is (and none fails), holds if every part holds, inconclusive otherwise.
    public static func conjunction(_ parts: Verdict...) -> Verdict {
        if parts.contains(.error) { return .error }
        if parts.contains(.fails) { return .fails }
        if parts.contains(.outOfRegime) { return .outOfRegime }
        return parts.allSatisfy { $0 == .holds } ? .holds : .inconclusive
    }
}

/// A seed (or instance) at which the predicate failed, with what was measured there.
public struct Counterexample: Codable, Equatable, Sendable {
    /// The instance: a seed, or a swept size.
    public var seed: UInt64
    /// The configuration of that instance (JSON for experiment configs, else a description).
    public var config: String
    /// The measured values, by name (they go to the report and the baseline).
    public var values: [String: Double]
    /// A remark on the instance (may be empty).
    public var note: String

    /// A counterexample from a failing instance.
    public init(seed: UInt64, config: String, values: [String: Double], note: String = "") {
        self.seed = seed
        self.config = config
        self.values = values
        self.note = note
    }
}

/// One repetition of a claim's measurement.
public struct Trial: Codable, Equatable, Sendable {
    /// The instance: a seed, or a swept size.
    public var seed: UInt64
    /// Whether the predicate held on this instance.
    public var satisfied: Bool
    /// The measured values, by name (they go to the report and the baseline).
    public var values: [String: Double]
    /// The instance's configuration, in words.
    public var config: String

    /// One instance's outcome.
    public init(seed: UInt64, satisfied: Bool, values: [String: Double], config: String) {
        self.seed = seed
        self.satisfied = satisfied
        self.values = values
        self.config = config
    }
}

/// Everything a claim check measured and decided: the machine-readable result of one claim.
public struct ClaimResult: Codable, Equatable, Sendable {
    /// The claim's id.
    public var id: String
    /// Claim or counterfactual.
    public var variant: ClaimVariant
    /// The scale it ran at.
    public var scale: Scale
    /// holds, fails, inconclusive, outOfRegime or error.
    public var verdict: Verdict
    /// The predicate as decided, with its constants filled in.
    public var predicate: String
    /// A one-line summary of the evidence (shown in the verdict table).
    public var summary: String
    /// Every instance, in order.
    public var trials: [Trial]
    /// The fraction of trials satisfying the predicate, where the verdict rests on it.
    public var proportion: WilsonInterval?
    /// Power-law fits, where the verdict rests on a scaling exponent (`addScalingCheck`).
    public var fits: [String: PowerLawFit]
    /// The axes of each fit (its data is `series[name + ".x"]`, `series[name + ".y"]`).
    public var fitAxes: [String: FitAxes] = [:]
    /// Summary numbers (and series) the report shows.
    public var measurements: [String: Double]
    /// Curves, sweeps and matrices for the figures (naming: docs/report-schema.md).
    public var series: [String: [Double]]
    /// The first failing instance, when the verdict is `fails`.
    public var counterexample: Counterexample?
    /// The hypotheses ledger the verdict was reached under (empty for a result built by hand).
    public var ledger: Ledger = Ledger()
    /// Wall-clock seconds of the check (not part of the result: never compared by `regress`).
    public var seconds: Double

    /// A result; claims usually get one from `trials(_:instances:decision:measure:)` instead.
    public init(id: String, variant: ClaimVariant, scale: Scale, verdict: Verdict, predicate: String, summary: String,
                trials: [Trial] = [], proportion: WilsonInterval? = nil, fits: [String: PowerLawFit] = [:],
                measurements: [String: Double] = [:], series: [String: [Double]] = [:],
                counterexample: Counterexample? = nil, ledger: Ledger = Ledger(), seconds: Double = 0) {
        self.id = id
        self.variant = variant
        self.scale = scale
        self.verdict = verdict
        self.predicate = predicate
        self.summary = summary
        self.trials = trials
        self.proportion = proportion
        self.fits = fits
        self.measurements = measurements
        self.series = series
        self.counterexample = counterexample
        self.ledger = ledger
        self.seconds = seconds
    }
}

extension ClaimResult {
    /// The result of a check that threw: verdict `error`, the message as its summary, nothing measured.
    public static func error(_ claim: any Claim, _ run: ClaimRun, _ message: String) -> ClaimResult {
        ClaimResult(id: claim.id, variant: run.variant, scale: run.scale, verdict: .error, predicate: claim.predicate(for: run),
                    summary: "error: " + message)
    }
}
