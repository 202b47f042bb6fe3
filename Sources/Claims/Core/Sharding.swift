import Engine
import Foundation
import Synchronization

/// Splitting a verification into units, running a shard of them, and deciding from all shards'
/// outcomes (docs/sharding.md). Every unit is a pure function of its id and the run, so a unit's
/// outcome is the same on whichever machine ran it, and a merged result equals the one-machine one.
public enum Sharding {
    /// Every unit of `claims` under `run`, in order: each check's trials instances (found by a
    /// `plan` run that stops at its trials, measuring nothing) and its follow-up points; a check
    /// that decides without trials (its hypotheses violated, or no trials at all) is one unit.
    public static func units(_ claims: [any Claim], _ run: ClaimRun) throws -> [UnitID] {
        try claims.flatMap { claim -> [UnitID] in
            let schedule = WorkSchedule(.plan)
            var planning = run
            planning.work = schedule
            planning.progress = nil
            do {
                _ = try claim.check(planning)
                return [UnitID(claim: claim.id, variant: run.variant, stage: UnitID.wholeStage, instance: 0)]
            } catch is WorkSchedule.Stop {
                let followUps = claim.followUps(run).flatMap { stage in
                    stage.instances.map { UnitID(claim: claim.id, variant: run.variant, stage: stage.name, instance: $0) }
                }
                return schedule.plannedUnits + followUps
            }
        }
    }

    /// Splits `units` into `shards` parts of balanced cost: longest first, each to the part with the
    /// least cost so far (ties: the lower index; Graham's LPT rule, within 4/3 of the best makespan).
    /// Deterministic: the same units and costs give the same parts on every machine.
    public static func assign(_ units: [UnitID], shards: Int, cost: (UnitID) -> Double) -> [[UnitID]] {
        precondition(shards >= 1, "at least one shard")
        let ordered = units.map { ($0, cost($0)) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var parts = [[UnitID]](repeating: [], count: shards), loads = [Double](repeating: 0, count: shards)
        for (unit, c) in ordered {
            let lightest = loads.indices.min { loads[$0] != loads[$1] ? loads[$0] < loads[$1] : $0 < $1 }!
            parts[lightest].append(unit)
            loads[lightest] += c
        }
        return parts.map { $0.sorted() }
    }

    /// Runs the units `owned` of `claims` — except those already in `done` (a resumed shard) — and
    /// hands each outcome to `record` as soon as it is known.
    ///
    /// A claim whose check throws records an `error` outcome naming the error for each of its owned
    /// units not yet recorded, and the next claim runs; an error thrown by `record` itself (the
    /// output could not be written) ends the run.
    ///
    /// With a `journal`, each claim's work is announced (`begin`/`end`), so that a supervisor can
    /// name the claim that crashed the process.
    public static func execute(_ claims: [any Claim], _ run: ClaimRun, owned: Set<UnitID>, done: [UnitID: UnitRecord] = [:],
                               journal: CrashJournal? = nil, record: @escaping @Sendable (UnitRecord) throws -> Void) throws {
        /// An error of `record`, kept apart from the claim's own errors.
        struct RecordFailure: Error { let underlying: any Error }
        for claim in claims {
            let mine = owned.filter { $0.claim == claim.id && $0.variant == run.variant && done[$0] == nil }
            guard !mine.isEmpty else { continue }
            let recorded = Mutex(Set<UnitID>())
            let keep: @Sendable (UnitRecord) throws -> Void = { r in
                do { try record(r) } catch { throw RecordFailure(underlying: error) }
                recorded.withLock { _ = $0.insert(r.unit) }
            }
            journal?.begin(claim.id, "shard")
            defer { journal?.end(claim.id, "shard") }
            do {
                try execute(claim, run, mine: mine, done: done, record: keep)
            } catch let failure as RecordFailure {
                throw failure.underlying
            } catch {
                let message = "\(error)"
                for unit in mine.sorted() where !recorded.withLock({ $0.contains(unit) }) {
                    try record(UnitRecord(unit: unit, outcome: .error(message), seconds: 0))
                }
            }
        }
    }

    /// One claim's units `mine`: the whole check, its trials (in a `.shard` schedule) and its follow-ups.
    static func execute(_ claim: any Claim, _ run: ClaimRun, mine: Set<UnitID>, done: [UnitID: UnitRecord],
                        record: @escaping @Sendable (UnitRecord) throws -> Void) throws {
        if mine.contains(where: { $0.stage == UnitID.wholeStage }) {
            var whole = run
            whole.work = nil
            let clock = ContinuousClock(), start = clock.now
            let result = try claim.check(whole)
            try record(UnitRecord(unit: UnitID(claim: claim.id, variant: run.variant, stage: UnitID.wholeStage, instance: 0),
                                  outcome: .result(result), seconds: (clock.now - start).inSeconds))
        }
        if mine.contains(where: { $0.stage == UnitID.trialsStage }) {
            var shard = run
            shard.work = WorkSchedule(.shard, owned: mine, records: done, record: record)
            do {
                _ = try claim.check(shard)
                throw ClaimError("\(claim.id): the check did not reach its trials in a shard, as it did when planned")
            } catch is WorkSchedule.Stop {}
        }
        let stages = Set(claim.followUps(run).map(\.name))
        for unit in mine.sorted() where unit.stage != UnitID.trialsStage && unit.stage != UnitID.wholeStage {
            guard stages.contains(unit.stage) else { throw MissingUnit(unit, why: "is not a follow-up stage of \(claim.id)") }
            let clock = ContinuousClock(), start = clock.now
            let value = try claim.followUp(run, stage: unit.stage, instance: unit.instance)
            try record(UnitRecord(unit: unit, outcome: .value(value), seconds: (clock.now - start).inSeconds))
        }
    }

    /// Each claim's result from the units' outcomes: a whole check's result as recorded; otherwise
    /// the check run again with every unit replayed, so its decisions, intervals and fits are
    /// computed over all trials exactly as on one machine. `seconds` is the units' time plus this.
    public static func merge(_ claims: [any Claim], _ run: ClaimRun, records: [UnitID: UnitRecord]) throws -> [ClaimResult] {
        try claims.map { claim in
            let own = records.values.filter { $0.unit.claim == claim.id && $0.unit.variant == run.variant }
            let unitSeconds = own.map(\.seconds).reduce(0, +)
            // A unit that recorded an error makes the claim's verdict `error`, naming the first one.
            if let failed = own.sorted(by: { $0.unit < $1.unit }).first(where: { if case .error = $0.outcome { true } else { false } }),
               case let .error(message) = failed.outcome {
                return .error(claim, run, "unit \(failed.unit): \(message)")
            }
            if let whole = own.first(where: { $0.unit.stage == UnitID.wholeStage }) {
                guard case let .result(result) = whole.outcome else { throw ClaimError("unit \(whole.unit) recorded no result") }
                return result
            }
            var replay = run
            replay.work = WorkSchedule(.replay, records: records)
            let clock = ContinuousClock(), start = clock.now
            var result = try claim.check(replay)
            result.seconds = unitSeconds + (clock.now - start).inSeconds
            return result
        }
    }

    /// A fingerprint of what a claim decides under `run`: its predicate with the constants filled
    /// in, the constants' table and the hypotheses ledger of its settings — partial reports whose
    /// fingerprints differ were made from different code or settings and cannot be merged.
    public static func configHash(_ claim: any Claim, _ run: ClaimRun) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var fingerprint = Fingerprint()
        fingerprint.add(claim.predicate(for: run))
        fingerprint.add(String(decoding: try encoder.encode(claim.constants), as: UTF8.self))
        fingerprint.add(String(decoding: try encoder.encode(try claim.ledger(run)), as: UTF8.self))
        fingerprint.add(claim.followUps(run).map { "\($0.name):\($0.instances)" }.joined(separator: ";"))
        return String(fingerprint.value, radix: 16)
    }
}
