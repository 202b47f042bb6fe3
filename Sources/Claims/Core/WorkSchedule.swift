import Engine
import Synchronization

/// How a check's units are run when the work is split across machines (`ClaimRun.work`; nil: the
/// check runs everything itself, as on one machine).
///
/// - `plan`: the check stops at its trials and reports their units (`Stop`), measuring nothing.
/// - `shard`: the check measures only the trials instances this shard owns (and not already
///   recorded, for `--resume`), hands each outcome to `record` as soon as it is known, then stops.
/// - `replay`: the check takes every unit's outcome from `records` (the shards') instead of
///   measuring; everything after (decisions, intervals, fits) is computed as on one machine.
public final class WorkSchedule: Sendable {
    public enum Mode: Sendable, Equatable { case plan, shard, replay }

    /// Thrown by `trials` in `plan` and `shard` modes: the check has nothing more to do here.
    public struct Stop: Error, Sendable {}

    public let mode: Mode
    let owned: Set<UnitID>
    let records: Mutex<[UnitID: UnitRecord]>
    let planned = Mutex<[UnitID]>([])
    let record: @Sendable (UnitRecord) throws -> Void

    /// A schedule; `owned`: the shard's units; `records`: outcomes already known (the shards' when
    /// replaying; this shard's earlier ones when resuming); `record`: called with each new outcome.
    public init(_ mode: Mode, owned: Set<UnitID> = [], records: [UnitID: UnitRecord] = [:],
                record: @escaping @Sendable (UnitRecord) throws -> Void = { _ in }) {
        self.mode = mode
        self.owned = owned
        self.records = Mutex(records)
        self.record = record
    }

    /// The units a `plan` run reported.
    public var plannedUnits: [UnitID] { planned.withLock { $0 } }

    /// A recorded outcome (replay and resume).
    public func recorded(_ unit: UnitID) -> UnitRecord? { records.withLock { $0[unit] } }

    /// Plan: notes `units` and stops. Shard: runs `measure(i)` for each owned unit `units[i]` not
    /// yet recorded, records it, then stops. Replay: returns (the caller reads `recorded`).
    func visit(_ units: [UnitID], measure: (Int) throws -> UnitOutcome) throws {
        switch mode {
        case .plan:
            planned.withLock { $0.append(contentsOf: units) }
            throw Stop()
        case .shard:
            for (index, unit) in units.enumerated() where owned.contains(unit) && recorded(unit) == nil {
                let clock = ContinuousClock(), start = clock.now
                let outcome = try measure(index)
                let entry = UnitRecord(unit: unit, outcome: outcome, seconds: (clock.now - start).inSeconds)
                try record(entry)
                records.withLock { $0[unit] = entry }
            }
            throw Stop()
        case .replay:
            return
        }
    }

    /// The outcome of `unit` when replaying (throws `MissingUnit` if no shard measured it); nil in
    /// the other modes.
    func replayed(_ unit: UnitID) throws -> UnitOutcome? {
        guard mode == .replay else { return nil }
        guard let entry = recorded(unit) else { throw MissingUnit(unit, why: "is in no partial report") }
        return entry.outcome
    }
}
