import Claims
import Engine
import Foundation

/// What makes partial reports parts of one run: the same program, selection, scale, seeds, data
/// and settings (each claim's `Sharding.configHash`), and the same number of shards.
public struct RunIdentity: Codable, Equatable, Sendable {
    public var theorycheckVersion: String
    public var gitCommit: String?
    public var scale: String
    public var variant: String
    public var seedsOverride: Int?
    public var data: String?
    /// true with `--explore` (the exploratory stages run); absent otherwise.
    public var explore: Bool?
    /// The foundation checks' seed, when the run includes them (a `verify` with no selection).
    public var foundationSeed: UInt64?
    /// The selected claims, in the order of the report.
    public var claims: [String]
    /// `Sharding.configHash` of each selected claim, in the same order.
    public var configHashes: [String]
    public var shards: Int

    public init(theorycheckVersion: String, gitCommit: String?, scale: Scale, variant: ClaimVariant, seedsOverride: Int?, data: String?,
                foundationSeed: UInt64?, claims: [any Claim], run: ClaimRun, shards: Int) throws {
        self.theorycheckVersion = theorycheckVersion
        self.gitCommit = gitCommit
        self.scale = scale.rawValue
        self.variant = variant.rawValue
        self.seedsOverride = seedsOverride
        self.data = data
        self.explore = run.explore ? true : nil
        self.foundationSeed = foundationSeed
        self.claims = claims.map(\.id)
        self.configHashes = try claims.map { try Sharding.configHash($0, run) }
        self.shards = shards
    }

    /// The first field in which `other` differs, named as the report spells it (nil: the same run).
    public func difference(from other: RunIdentity) -> String? {
        let fields: [(String, String, String)] = [
            ("theorycheckVersion", theorycheckVersion, other.theorycheckVersion), ("gitCommit", gitCommit ?? "none", other.gitCommit ?? "none"),
            ("scale", scale, other.scale), ("variant", variant, other.variant),
            ("seedsOverride", seedsOverride.map(String.init) ?? "none", other.seedsOverride.map(String.init) ?? "none"),
            ("data", data ?? "default", other.data ?? "default"),
            ("explore", explore == true ? "on" : "off", other.explore == true ? "on" : "off"),
            ("foundationSeed", foundationSeed.map(String.init) ?? "none", other.foundationSeed.map(String.init) ?? "none"),
            ("claims", claims.joined(separator: ","), other.claims.joined(separator: ",")), ("shards", "\(shards)", "\(other.shards)"),
        ]
        if let (name, a, b) = fields.first(where: { $0.1 != $0.2 }) { return "\(name): \(a) vs \(b)" }
        for (index, claim) in claims.enumerated() where configHashes[index] != other.configHashes[index] {
            return "the settings of \(claim) (config hash \(configHashes[index]) vs \(other.configHashes[index]))"
        }
        return nil
    }

    /// A short fingerprint of the identity, stamped on every unit file (a resumed shard only reuses
    /// units of the same run).
    public var fingerprint: String {
        var f = Fingerprint()
        f.add([theorycheckVersion, gitCommit ?? "", scale, variant, seedsOverride.map(String.init) ?? "", data ?? "", explore == true ? "explore" : "",
               foundationSeed.map(String.init) ?? "", claims.joined(separator: ","), configHashes.joined(separator: ","), "\(shards)"]
            .joined(separator: "\u{1F}"))
        return String(f.value, radix: 16)
    }
}

/// One shard's output directory: `units/` (one file per finished unit, each written atomically as
/// soon as it is known, so a killed shard keeps what it finished) and `partial.json` (this
/// manifest, written last: a directory without it is an unfinished shard).
public struct PartialReport: Codable, Sendable {
    public static let schemaVersion = 1
    public static let manifestName = "partial.json"
    public static let unitsDirectory = "units"

    public var schemaVersion = PartialReport.schemaVersion
    public var identity: RunIdentity
    /// This shard's index, 0 ≤ shard < identity.shards.
    public var shard: Int
    /// The units assigned to this shard.
    public var units: [UnitID]
    /// The foundation checks, on shard 0 of a run that includes them.
    public var foundation: [Report.FoundationEntry]?
    /// When and where it ran (recorded, never compared).
    public var startedAt: String
    public var seconds: Double
    public var host: String

    public init(identity: RunIdentity, shard: Int, units: [UnitID], foundation: [Report.FoundationEntry]?, startedAt: String, seconds: Double, host: String) {
        self.identity = identity
        self.shard = shard
        self.units = units
        self.foundation = foundation
        self.startedAt = startedAt
        self.seconds = seconds
        self.host = host
    }

    /// A unit file's name: its id with "/" spelled "~".
    public static func fileName(_ unit: UnitID) -> String { unit.description.replacingOccurrences(of: "/", with: "~") + ".json" }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// A unit's file content: the run's fingerprint and the record.
    struct UnitFile: Codable {
        var run: String
        var record: UnitRecord
    }

    /// Writes `bytes` to `url` atomically: a temporary file beside it, then rename(2).
    static func writeAtomically(_ bytes: Data, to url: URL) throws {
        try AtomicFile.write(bytes, to: url)
    }

    /// Writes one finished unit into shard directory `directory`.
    public static func writeUnit(_ record: UnitRecord, run identity: RunIdentity, into directory: URL) throws {
        let url = directory.appendingPathComponent(unitsDirectory).appendingPathComponent(fileName(record.unit))
        try writeAtomically(try encoder.encode(UnitFile(run: identity.fingerprint, record: record)), to: url)
    }

    /// The units already finished in `directory` for run `identity` (files of another run are
    /// ignored: a resumed shard never reuses them).
    public static func finishedUnits(in directory: URL, run identity: RunIdentity) throws -> [UnitID: UnitRecord] {
        let folder = directory.appendingPathComponent(unitsDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var records: [UnitID: UnitRecord] = [:]
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let file = try readUnitFile(folder.appendingPathComponent(name))
            if file.run == identity.fingerprint { records[file.record.unit] = file.record }
        }
        return records
    }

    static func readUnitFile(_ url: URL) throws -> UnitFile {
        do {
            return try decoder.decode(UnitFile.self, from: try Data(contentsOf: url))
        } catch {
            throw ConfigError(field: "merge", value: url.path, allowed: "a unit file written by `theorycheck verify --shard` (\(error))")
        }
    }

    /// Writes the manifest into `directory` (last, atomically: the shard is then finished).
    public func write(into directory: URL) throws {
        try PartialReport.writeAtomically(try PartialReport.encoder.encode(self), to: directory.appendingPathComponent(PartialReport.manifestName))
    }

    /// Reads a finished shard: its manifest and the records of every unit it lists.
    public static func read(_ directory: URL) throws -> (report: PartialReport, records: [UnitRecord]) {
        let manifest = directory.appendingPathComponent(manifestName)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(field: "merge", value: directory.path, allowed: "a shard's --out directory (this one does not exist)")
        }
        guard FileManager.default.fileExists(atPath: manifest.path) else {
            throw ConfigError(field: "merge", value: directory.path,
                              allowed: "a finished shard directory (no \(manifestName): the shard did not finish — re-run it with --resume)")
        }
        let report: PartialReport
        do {
            report = try decoder.decode(PartialReport.self, from: try Data(contentsOf: manifest))
        } catch {
            throw ConfigError(field: "merge", value: manifest.path, allowed: "a partial report written by `theorycheck verify --shard` (\(error))")
        }
        guard report.schemaVersion == schemaVersion else {
            throw ConfigError(field: "merge", value: "\(manifest.path) schemaVersion \(report.schemaVersion)", allowed: "\(schemaVersion)")
        }
        let records = try report.units.map { unit -> UnitRecord in
            let url = directory.appendingPathComponent(unitsDirectory).appendingPathComponent(fileName(unit))
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ConfigError(field: "merge", value: directory.path, allowed: "a shard holding every unit it lists (unit \(unit) is missing)")
            }
            let file = try readUnitFile(url)
            guard file.run == report.identity.fingerprint, file.record.unit == unit else {
                throw ConfigError(field: "merge", value: url.path, allowed: "unit \(unit) of this shard's run")
            }
            return file.record
        }
        return (report, records)
    }
}
