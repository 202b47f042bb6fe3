/// How trials become a verdict — the shared mechanics of every claim (docs/methodology.md §3).
public enum Decision {
    /// A universal claim: every trial must satisfy the predicate (exact certificates, identities).
    /// holds iff all do; otherwise fails with the first failing trial as the counterexample.
    case everyTrial
    /// A w.h.p. claim: the fraction of satisfying trials must reach `level`, judged by the Wilson
    /// 95% interval: holds if its lower end ≥ level, fails if its upper end < level, else
    /// inconclusive.
    case fraction(level: Double)

    /// The verdict of `trials`, the Wilson interval of a fraction decision, and the first failing trial.
    public func decide(_ trials: [Trial]) -> (verdict: Verdict, proportion: WilsonInterval?, counterexample: Counterexample?) {
        precondition(!trials.isEmpty, "a claim needs at least one trial")
        let failing = trials.first { !$0.satisfied }
        let counterexample = failing.map { Counterexample(seed: $0.seed, config: $0.config, values: $0.values) }
        switch self {
        case .everyTrial:
            return (failing == nil ? .holds : .fails, nil, counterexample)
        case let .fraction(level):
            let interval = WilsonInterval(successes: trials.filter(\.satisfied).count, trials: trials.count)
            let verdict: Verdict = interval.lower >= level ? .holds : interval.upper < level ? .fails : .inconclusive
            return (verdict, interval, counterexample)
        }
    }

    /// The rule in words, as reports print it.
    public var description: String {
        switch self {
        case .everyTrial: "every trial"
        case let .fraction(level): "Wilson 95% lower bound of the satisfying fraction ≥ \(level)"
        }
    }
}

/// Thrown by a measurement whose instance lies outside the theorem's hypotheses.
public struct OutOfRegime: Error, Sendable {
    /// Which hypothesis the instance violates, and how.
    public let reason: String
    /// An instance outside the hypotheses, with the reason.
    public init(_ reason: String) { self.reason = reason }
}

extension Claim {
    /// The predicate a run decides: the claim's, or the counterfactual's.
    public func predicate(for run: ClaimRun) -> String {
        run.variant == .claim ? predicate : "COUNTERFACTUAL: " + counterfactual
    }

    /// Runs `measure` for each seed of `run` (reporting progress) and decides with `decision`.
    /// `measure` returns whether the predicate held, the measured values and the instance's config;
    /// it throws `OutOfRegime` for an instance outside the hypotheses (the verdict is then
    /// `outOfRegime`, never `fails`).
    public func trials(
        _ run: ClaimRun, seeds defaults: [Scale: Int], decision: Decision,
        measure: (UInt64) throws -> (satisfied: Bool, values: [String: Double], config: String)
    ) throws -> ClaimResult {
        try trials(run, instances: run.seedList(defaults), decision: decision, measure: measure)
    }

    /// The same over explicit instance numbers (seeds, or e.g. the N of a sweep).
    public func trials(
        _ run: ClaimRun, instances: [UInt64], decision: Decision,
        measure: (UInt64) throws -> (satisfied: Bool, values: [String: Double], config: String)
    ) throws -> ClaimResult {
        try trials(run, instances: instances, decision: decision) { instance in
            let (satisfied, values, config) = try measure(instance)
            return (satisfied, values, config, [:])
        }.result
    }

    /// The same, where each trial also measures curves (the report's figures): returned beside the
    /// result, by instance, for the check to place — a trial's measurement has no side effects, so
    /// that any machine can run it (`UnitID`).
    public func trials(
        _ run: ClaimRun, instances: [UInt64], decision: Decision,
        measureWithCurves measure: (UInt64) throws -> (satisfied: Bool, values: [String: Double], config: String, curves: [String: [Double]])
    ) throws -> (result: ClaimResult, curves: [UInt64: [String: [Double]]]) {
        let clock = ContinuousClock(), start = clock.now
        func seconds() -> Double {
            let elapsed = clock.now - start
            return elapsed.inSeconds
        }
        let ledger = try ledger(run)
        do {
            try ledger.requireRegime()
        } catch let error as OutOfRegime {
            return (ClaimResult(id: id, variant: run.variant, scale: run.scale, verdict: .outOfRegime, predicate: predicate(for: run),
                                summary: "outside the hypotheses: \(error.reason)", ledger: ledger, seconds: seconds()), [:])
        }
        // Each instance is a unit (`UnitID`): planned, measured by the shard that owns it, or
        // replayed from it (`ClaimRun.work`); on one machine, measured here.
        let units = instances.map { UnitID(claim: id, variant: run.variant, stage: UnitID.trialsStage, instance: $0) }
        func outcome(_ index: Int) throws -> UnitOutcome {
            do {
                let (satisfied, values, config, curves) = try measure(instances[index])
                return .trial(Trial(seed: instances[index], satisfied: satisfied, values: values, config: config), curves: curves)
            } catch let error as OutOfRegime {
                return .outOfRegime(error.reason)
            }
        }
        try run.work?.visit(units, measure: outcome)
        var trials: [Trial] = [], curves: [UInt64: [String: [Double]]] = [:]
        for (index, seed) in instances.enumerated() {
            run.progress?(index + 1, instances.count, seed)
            switch try run.work?.replayed(units[index]) ?? outcome(index) {
            case let .trial(trial, trialCurves):
                trials.append(trial)
                if !trialCurves.isEmpty { curves[seed] = trialCurves }
            case let .outOfRegime(reason):
                return (ClaimResult(id: id, variant: run.variant, scale: run.scale, verdict: .outOfRegime, predicate: predicate(for: run),
                                    summary: "instance \(seed) is outside the hypotheses: \(reason)", trials: trials, ledger: ledger,
                                    seconds: seconds()), curves)
            case let other:
                throw ClaimError("unit \(units[index]) recorded \(other), not a trial")
            }
        }
        var (verdict, proportion, counterexample) = decision.decide(trials)
        let held = trials.filter(\.satisfied).count
        var summary = "\(held)/\(trials.count) trials satisfy the predicate" + (proportion.map {
            String(format: " (Wilson 95%%: [%.3f, %.3f])", $0.lower, $0.upper)
        } ?? "")
        // A robustness number on the wrong side (an attack's for a "robust" conjunct) cannot prove
        // the claim: `holds` on it is only `inconclusive` (Proofs/robustness.md, "Two sides").
        let undecisive = robustnessEvidence.filter { !$0.isDecisive }
        if run.variant == .claim, verdict == .holds, !undecisive.isEmpty {
            verdict = .inconclusive
            summary += "; inconclusive: " + RobustnessEvidence.violations(undecisive).joined(separator: "; ")
        }
        return (ClaimResult(id: id, variant: run.variant, scale: run.scale, verdict: verdict, predicate: predicate(for: run), summary: summary,
                            trials: trials, proportion: proportion, counterexample: counterexample, ledger: ledger, seconds: seconds()), curves)
    }
}

/// An internal inconsistency found while measuring (an independent re-check that disagrees): a bug,
/// thrown — never turned into a verdict.
public struct ClaimError: Error, CustomStringConvertible, Sendable {
    /// What disagreed.
    public let description: String
    /// An internal inconsistency (a bug), described.
    public init(_ description: String) { self.description = description }
}
