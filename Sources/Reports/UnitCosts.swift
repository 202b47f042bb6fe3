import Claims
import Engine
import Foundation

/// Recorded seconds per unit, by scale (Baselines/unit-costs.json): what `verify --shard` balances
/// its shards by and `verify --plan` estimates a run's time from. A unit's cost is its own recorded
/// seconds (`units`: a sweep's points differ by orders of magnitude), else the mean of the recorded
/// seeds of its point (same stage, same `UnitID.point`: a sweep level measured on one seed), else a
/// power law in the point fitted to its stage's recorded points (a sweep's unmeasured largest
/// level), else the mean of its stage (`seconds`, by `claim/variant/stage`: a trial of another seed), else the mean
/// of its claim's known stages, else 1 s (`Source` says which). Only balance depends on it — never
/// a result.
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
        case unit, point, trend, stage, claim, none
    }

    /// The estimates of one scale, the table indexed once (a plan asks for thousands of units).
    public struct Estimator: Sendable {
        /// A unit's own seconds, by `UnitID.description`.
        let own: [String: Double]
        /// "claim/variant/stage" → point → the mean seconds of its recorded seeds.
        let points: [String: [UInt64: Double]]
        /// "claim/variant/stage" → the least-squares power law log s = a + α·log p over its
        /// recorded points p > 0, where there are two or more.
        let trends: [String: (a: Double, alpha: Double)]
        /// "claim/variant/stage" → mean seconds.
        let stages: [String: Double]

        init(own: [String: Double], stages: [String: Double]) {
            self.own = own
            self.stages = stages
            var samples: [String: [UInt64: [Double]]] = [:]
            for (id, seconds) in own {
                guard let unit = UnitID(id) else { continue }
                samples[UnitCosts.key(unit), default: [:]][unit.point, default: []].append(seconds)
            }
            points = samples.mapValues { $0.mapValues { $0.sorted().reduce(0, +) / Double($0.count) } }
            var trends: [String: (a: Double, alpha: Double)] = [:]
            for (key, byPoint) in points {
                let fitted = byPoint.filter { $0.key > 0 && $0.value > 0 }.sorted { $0.key < $1.key }
                    .map { (x: Foundation.log(Double($0.key)), y: Foundation.log($0.value)) }
                guard fitted.count >= 2 else { continue }
                let n = Double(fitted.count)
                let mx = fitted.map(\.x).reduce(0, +) / n, my = fitted.map(\.y).reduce(0, +) / n
                let sxx = fitted.map { ($0.x - mx) * ($0.x - mx) }.reduce(0, +)
                let sxy = fitted.map { ($0.x - mx) * ($0.y - my) }.reduce(0, +)
                guard sxx > 0 else { continue }
                let alpha = sxy / sxx
                if alpha.isFinite { trends[key] = (my - alpha * mx, alpha) }
            }
            self.trends = trends
        }

        /// The estimated seconds of `unit`, and where the estimate comes from: its own record, else
        /// its point's recorded seeds, else — for a point p > 0 of a stage recorded at two or more
        /// points (a follow-up's point is a size or a count) — the stage's power law in p, else its
        /// stage's mean, else its claim's, else 1 s.
        public func estimate(_ unit: UnitID) -> (seconds: Double, source: Source) {
            if let seconds = own[unit.description] { return (max(seconds, 1e-3), .unit) }
            let key = UnitCosts.key(unit)
            if let seconds = points[key]?[unit.point] { return (max(seconds, 1e-3), .point) }
            if unit.point > 0, let law = trends[key] {
                let seconds = Foundation.exp(law.a + law.alpha * Foundation.log(Double(unit.point)))
                if seconds.isFinite { return (max(seconds, 1e-3), .trend) }
            }
            if let known = stages[key] { return (max(known, 1e-3), .stage) }
            let sameClaim = stages.filter { $0.key.hasPrefix(unit.claim + "/") }.map(\.value)
            return sameClaim.isEmpty ? (1, .none) : (max(sameClaim.reduce(0, +) / Double(sameClaim.count), 1e-3), .claim)
        }

        /// The estimated seconds of `unit`.
        public func cost(_ unit: UnitID) -> Double { estimate(unit).seconds }
    }

    /// The estimates at `scale` (`Estimator`).
    public func estimator(_ scale: Scale) -> Estimator {
        Estimator(own: units?[scale.rawValue] ?? [:], stages: seconds[scale.rawValue] ?? [:])
    }

    /// The estimated seconds of `unit` at `scale`, and where the estimate comes from (`Estimator`;
    /// for many units, build the estimator once).
    public func estimate(_ unit: UnitID, scale: Scale) -> (seconds: Double, source: Source) { estimator(scale).estimate(unit) }

    /// The estimated seconds of `unit` at `scale`.
    public func cost(_ unit: UnitID, scale: Scale) -> Double { estimate(unit, scale: scale).seconds }

    /// The table with `scale`'s entries for `records` replaced: each unit's seconds, and the mean
    /// of each stage they belong to over all its recorded units (those of earlier records too: a
    /// stage recorded a level at a time keeps every level in its mean).
    public func updated(with records: [UnitRecord], scale: Scale) -> UnitCosts {
        let rounded = { (x: Double) in (x * 1000).rounded() / 1000 }
        var copy = self
        var own = copy.units ?? [:]
        for record in records { own[scale.rawValue, default: [:]][record.unit.description] = rounded(record.seconds) }
        copy.units = own
        let touched = Set(records.map { Self.key($0.unit) })
        var grouped: [String: [Double]] = [:]
        for (id, seconds) in own[scale.rawValue] ?? [:] {
            guard let unit = UnitID(id), touched.contains(Self.key(unit)) else { continue }
            grouped[Self.key(unit), default: []].append(seconds)
        }
        for (key, values) in grouped {
            copy.seconds[scale.rawValue, default: [:]][key] = rounded(values.sorted().reduce(0, +) / Double(values.count))
        }
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

    /// Checks before a run that `path` can take its recorded seconds (`--record-costs`), so that a
    /// bad path is refused before hours of work rather than after: an existing file must be a cost
    /// table, and the nearest existing directory on its path must be a writable directory. Throws
    /// `ConfigError` naming `field`.
    public static func requireRecordable(_ path: String, field: String) throws {
        do { _ = try load(path) } catch {
            throw ConfigError(field: field, value: path, allowed: "a cost table written by --record-costs, or a new file")
        }
        let fm = FileManager.default
        var directory = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while !fm.fileExists(atPath: directory.path) && directory.path != "/" { directory = directory.deletingLastPathComponent() }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue, fm.isWritableFile(atPath: directory.path) else {
            throw ConfigError(field: field, value: path, allowed: "a file in a writable directory (\(directory.path) is not one)")
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
