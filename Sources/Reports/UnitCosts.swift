import Claims
import Engine
import Foundation

/// Recorded seconds per unit, by scale and by `claim/variant/stage` (Baselines/unit-costs.json):
/// what `verify --shard` balances its shards by. A unit of a stage not in the table costs the mean
/// of its claim's known stages, or 1 s. Only balance depends on it — never a result.
public struct UnitCosts: Codable, Equatable, Sendable {
    /// scale → "claim/variant/stage" → mean seconds per unit.
    public var seconds: [String: [String: Double]]

    public init(seconds: [String: [String: Double]] = [:]) { self.seconds = seconds }

    static func key(_ unit: UnitID) -> String { "\(unit.claim)/\(unit.variant.rawValue)/\(unit.stage)" }

    /// The estimated seconds of `unit` at `scale`.
    public func cost(_ unit: UnitID, scale: Scale) -> Double {
        let table = seconds[scale.rawValue] ?? [:]
        if let known = table[Self.key(unit)] { return max(known, 1e-3) }
        let sameClaim = table.filter { $0.key.hasPrefix(unit.claim + "/") }.map(\.value)
        return sameClaim.isEmpty ? 1 : max(sameClaim.reduce(0, +) / Double(sameClaim.count), 1e-3)
    }

    /// The table with `scale`'s entries for the stages of `records` replaced by their mean seconds.
    public func updated(with records: [UnitRecord], scale: Scale) -> UnitCosts {
        var grouped: [String: [Double]] = [:]
        for record in records { grouped[Self.key(record.unit), default: []].append(record.seconds) }
        var copy = self
        for (key, values) in grouped {
            copy.seconds[scale.rawValue, default: [:]][key] = (values.reduce(0, +) / Double(values.count) * 1000).rounded() / 1000
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
