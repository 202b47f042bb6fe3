import Claims
import Engine
import Foundation

/// Recorded seconds per unit, by scale (Baselines/unit-costs.json): what `verify --shard` balances
/// its shards by and `verify --plan` estimates a run's time from. A unit's cost is its own recorded
/// seconds (`units`: a sweep's points differ by orders of magnitude), else the mean of its stage
/// (`seconds`, by `claim/variant/stage`: a trial of another seed), else the mean of its claim's
/// known stages, else 1 s (`Estimate.source` says which). Only balance depends on it — never a result.
public struct UnitCosts: Codable, Equatable, Sendable {
    /// scale → "claim/variant/stage" → mean seconds per unit.
    public var seconds: [String: [String: Double]]
    /// scale → a unit's id (`claim/variant/stage/instance`) → its seconds (nil in older tables).
    public var units: [String: [String: Double]]?

    public init(seconds: [String: [String: Double]] = [:], units: [String: [String: Double]]? = nil) {
        self.seconds = seconds
        self.units = units
    }

    static func key(_ unit: UnitID) -> String { "\(unit.claim)/\(unit.variant.rawValue)/\(unit.stage)" }

    /// Where an estimate comes from.
    public enum Source: String, Sendable, CaseIterable {
        case unit, stage, claim, none
    }

    /// The estimated seconds of `unit` at `scale`, and where the estimate comes from.
    public func estimate(_ unit: UnitID, scale: Scale) -> (seconds: Double, source: Source) {
        if let own = units?[scale.rawValue]?[unit.description] { return (max(own, 1e-3), .unit) }
        let table = seconds[scale.rawValue] ?? [:]
        if let known = table[Self.key(unit)] { return (max(known, 1e-3), .stage) }
        let sameClaim = table.filter { $0.key.hasPrefix(unit.claim + "/") }.map(\.value)
        return sameClaim.isEmpty ? (1, .none) : (max(sameClaim.reduce(0, +) / Double(sameClaim.count), 1e-3), .claim)
    }

    /// The estimated seconds of `unit` at `scale`.
    public func cost(_ unit: UnitID, scale: Scale) -> Double { estimate(unit, scale: scale).seconds }

    /// The table with `scale`'s entries for `records` replaced: each unit's seconds, and each
    /// stage's mean over the records of it.
    public func updated(with records: [UnitRecord], scale: Scale) -> UnitCosts {
        let rounded = { (x: Double) in (x * 1000).rounded() / 1000 }
        var grouped: [String: [Double]] = [:]
        for record in records { grouped[Self.key(record.unit), default: []].append(record.seconds) }
        var copy = self
        for (key, values) in grouped {
            copy.seconds[scale.rawValue, default: [:]][key] = rounded(values.reduce(0, +) / Double(values.count))
        }
        var own = copy.units ?? [:]
        for record in records { own[scale.rawValue, default: [:]][record.unit.description] = rounded(record.seconds) }
        copy.units = own
        return copy
    }

    /// Reads a table (a missing file is the empty table).
    public static func load(_ path: String) throws -> UnitCosts {
        guard FileManager.default.fileExists(atPath: path) else { return UnitCosts() }
        do {
            return try JSONDecoder().decode(UnitCosts.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ConfigError(field: "--costs", value: path, allowed: "a cost table written by `theorycheck merge --record-costs` (\(error))")
        }
    }

    /// Updates the table at `path` with `records`' seconds at `scale`, atomically.
    public static func record(_ records: [UnitRecord], scale: Scale, in path: String) throws {
        let table = try load(path).updated(with: records, scale: scale)
        let url = URL(fileURLWithPath: path)
        let output = try StagedOutput(path: url.deletingLastPathComponent().path)
        try output.write(url.lastPathComponent, text: try table.encoded())
        try output.commit()
        print("recorded the units' seconds in \(path)")
    }

    /// The table as JSON (sorted keys: a stable diff).
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}

/// The time of a sharded run as the recorded costs predict it (`verify --plan N`): the units split
/// over N tasks by the same balanced assignment `verify --shard i/N` uses (`Sharding.assign`), each
/// task running its units one after another, so that the run takes as long as its busiest task.
public struct ShardPlan: Equatable, Sendable {
    /// The number of tasks.
    public var tasks: Int
    /// Each task's estimated seconds, by shard index.
    public var loads: [Double]
    /// The busiest task's seconds: the run's estimated wall time (start-up and queueing not counted).
    public var makespan: Double { loads.max() ?? 0 }
    /// Total seconds over N × makespan: the share of the array's reserved time spent on work.
    public var efficiency: Double { makespan > 0 ? loads.reduce(0, +) / (Double(tasks) * makespan) : 1 }

    /// The plan of `units` over `tasks` tasks, with `cost` per unit.
    public init(units: [UnitID], tasks: Int, cost: (UnitID) -> Double) {
        self.tasks = tasks
        let parts = Sharding.assign(units, shards: tasks, cost: cost)
        loads = parts.map { $0.map(cost).reduce(0, +) }
    }
}
