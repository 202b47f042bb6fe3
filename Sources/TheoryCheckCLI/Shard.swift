import Claims
import Engine
import Foundation
import Reports
import Synchronization

/// Which shard of how many: `--shard i/n`, or a scheduler's environment.
struct ShardSpec: Equatable {
    let index: Int
    let count: Int

    /// `--shard i/n` when given; else Slurm's array task (`SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN`
    /// of `SLURM_ARRAY_TASK_COUNT`) or Bazel's test sharding (`TEST_SHARD_INDEX` of
    /// `TEST_TOTAL_SHARDS`); nil when none is set.
    static func resolve(_ flag: String?, environment: [String: String]) throws -> ShardSpec? {
        if let flag { return try parse(flag, field: "--shard") }
        if let id = environment["SLURM_ARRAY_TASK_ID"], let count = environment["SLURM_ARRAY_TASK_COUNT"] {
            guard let i = Int(id), let n = Int(count), let low = Int(environment["SLURM_ARRAY_TASK_MIN"] ?? "0") else {
                throw ConfigError(field: "SLURM_ARRAY_TASK_ID", value: "\(id) of \(count)", allowed: "integers (a Slurm job array)")
            }
            return try parse("\(i - low)/\(n)", field: "SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN")
        }
        if let id = environment["TEST_SHARD_INDEX"], let count = environment["TEST_TOTAL_SHARDS"] {
            return try parse("\(id)/\(count)", field: "TEST_SHARD_INDEX/TEST_TOTAL_SHARDS")
        }
        return nil
    }

    static func parse(_ text: String, field: String) throws -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), (1...10_000).contains(n), (0..<n).contains(i) else {
            throw ConfigError(field: field, value: text, allowed: "i/n with 1 ≤ n ≤ 10000 and 0 ≤ i < n (shards are numbered from 0)")
        }
        return ShardSpec(index: i, count: n)
    }
}

/// `verify --shard i/n --out DIR`: plans the selected work into units, balances them over n shards
/// by their recorded costs, runs shard i's units (writing each as soon as it is finished) and
/// finally the manifest `partial.json`.
struct ShardRun {
    let spec: ShardSpec
    let out: String?
    let resume: Bool
    let costs: String
    let quiet: Bool
    let verbose: Bool
    /// Where to record the seconds of the units this run measured (`--record-costs`): after the
    /// manifest, the units finished now without an error (a resumed unit keeps its earlier entry).
    var recordCosts: String? = nil
    /// The journal of a supervised shard (`CrashIsolation`): its crashed claims get `error` units.
    var journal: CrashJournal? = nil

    func run(_ claims: [any Claim], _ run: ClaimRun, foundationSeed: UInt64?) throws {
        guard let out else {
            throw ConfigError(field: "--shard", value: "\(spec.index)/\(spec.count)", allowed: "only with --out DIR (the shard's partial report)")
        }
        let directory = URL(fileURLWithPath: out).standardizedFileURL
        let fm = FileManager.default
        let units = directory.appendingPathComponent(PartialReport.unitsDirectory)
        let started = Date(), clock = ContinuousClock(), start = clock.now
        if !resume {
            if fm.fileExists(atPath: directory.appendingPathComponent(PartialReport.manifestName).path)
                || !((try? fm.contentsOfDirectory(atPath: units.path)) ?? []).isEmpty {
                throw ConfigError(field: "--out", value: out, allowed: "a directory without a shard's output (this one has one: add --resume to keep its finished units, or choose another)")
            }
        }
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ConfigError(field: "--out", value: out, allowed: "a directory path (this is an existing file)")
        }
        do {
            try fm.createDirectory(at: units, withIntermediateDirectories: true)
            guard fm.isWritableFile(atPath: units.path) else { throw CocoaError(.fileWriteNoPermission) }
        } catch {
            throw ConfigError(field: "--out", value: out, allowed: "a writable location (\(error.localizedDescription))")
        }
        let identity = try RunIdentity(theorycheckVersion: TheoryCheckVersion.string, gitCommit: Verify.gitCommit(), scale: run.scale,
                                       variant: run.variant, seedsOverride: run.seeds, data: run.data, foundationSeed: foundationSeed,
                                       claims: claims, run: run, shards: spec.count)
        let table = try UnitCosts.load(costs)
        let all = try Sharding.units(claims, run)
        let estimator = table.estimator(run.scale)
        let owned = Sharding.assign(all, shards: spec.count) { estimator.cost($0) }[spec.index]
        var done = resume ? try PartialReport.finishedUnits(in: directory, run: identity).filter { owned.contains($0.key) } : [:]
        // A claim that crashed an earlier run of this shard: its units not yet finished are `error`.
        for unit in owned where done[unit] == nil {
            guard let crash = journal?.crashed[unit.claim] else { continue }
            let record = UnitRecord(unit: unit, outcome: .error(crash), seconds: 0)
            try PartialReport.writeUnit(record, run: identity, into: directory)
            done[unit] = record
        }
        let estimate = owned.filter { done[$0] == nil }.map { estimator.cost($0) }.reduce(0, +)
        print("TheoryCheck \(TheoryCheckVersion.string) — verify shard \(spec.index)/\(spec.count) (scale \(run.scale.rawValue)): "
              + "\(owned.count) of \(all.count) units" + (resume ? ", \(done.count) already finished" : "")
              + String(format: ", ≈ %.0f s by the recorded costs", estimate))
        fflush(nil)
        var foundation: [Report.FoundationEntry]? = nil
        if foundationSeed != nil && spec.index == 0 { foundation = Verify.foundationChecks(seed: foundationSeed!, quiet: quiet) }
        let counter = UnitCounter(total: owned.count - done.count)
        let measured = Mutex([UnitRecord]())
        try Sharding.execute(claims, run, owned: Set(owned), done: done, journal: journal) { record in
            try PartialReport.writeUnit(record, run: identity, into: directory)
            if case .error = record.outcome {} else { measured.withLock { $0.append(record) } }
            let k = counter.next()
            // A CI log follows the run by its slower units (every unit with --verbose).
            if !quiet && (verbose || record.seconds >= 1 || k == counter.total) {
                print("[\(k)/\(counter.total)] \(record.unit) " + String(format: "(%.1f s)", record.seconds))
                fflush(nil)
            }
        }
        let manifest = PartialReport(identity: identity, shard: spec.index, units: owned, foundation: foundation,
                                     startedAt: ISO8601DateFormatter().string(from: started), seconds: (clock.now - start).inSeconds,
                                     host: ProcessInfo.processInfo.hostName)
        try manifest.write(into: directory)
        print("wrote shard \(spec.index)/\(spec.count) (\(owned.count) units) to \(directory.path)")
        if let recordCosts { try UnitCosts.record(measured.withLock { $0 }, scale: run.scale, in: recordCosts) }
    }
}

/// Counts finished units across the check's threads.
final class UnitCounter: Sendable {
    let total: Int
    private let count = Mutex(0)
    init(total: Int) { self.total = total }
    func next() -> Int { count.withLock { $0 += 1; return $0 } }
}
