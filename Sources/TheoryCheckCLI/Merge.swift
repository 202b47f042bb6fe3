import ArgumentParser
import Claims
import Engine
import Foundation
import Reports

/// `theorycheck merge DIR… --out OUT`: joins the partial reports of `verify --shard` into the report
/// one machine would have written.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the partial reports of `verify --shard i/n` into one report.",
        discussion: """
            Checks that the partial reports belong to one run (same version, selection, scale, seeds, \
            data and settings; every shard once; every unit exactly once), recomputes every decision, \
            interval and fit over all trials, and writes the report a single `verify --out` would have \
            written — the same bytes except the fields that record time and machine. Exit status as \
            for verify: 0 when every claim came out as wanted, 1 otherwise, 2 on bad input (naming it), 3 when a claim's check threw.
            """
    )

    @Argument(help: "The shards' --out directories.")
    var partials: [String] = []

    @Option(help: "Write the report into this directory, atomically.")
    var out: String

    @Option(help: "Report formats: html, md, json, junit (comma-separated; default all).")
    var format: String = "html,md,json,junit"

    @Option(help: "The protocol registry the report states each claim's protocol against.")
    var registry = ProtocolRegistry.defaultPath

    @Option(help: "Threads (results do not depend on it).")
    var threads: Int?

    @Option(help: "Also write the units' mean seconds into this cost table (what `verify --shard` balances by).")
    var recordCosts: String?

    @Flag(name: .shortAndLong, help: "Print only the count of verdicts and the claims that did not come out as wanted.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print every trial's measured values.")
    var verbose = false

    func run() throws {
        guard !partials.isEmpty else { throw ConfigError(field: "merge", value: "no directories", allowed: "the shards' --out directories") }
        let formats = try Verify.formats(format)
        if let threads, threads < 1 { throw ConfigError(field: "--threads", value: "\(threads)", allowed: "≥ 1") }
        if let recordCosts { try UnitCosts.requireRecordable(recordCosts, field: "--record-costs") }
        let clock = ContinuousClock(), start = clock.now
        let shards = try partials.map { try PartialReport.read(URL(fileURLWithPath: $0).standardizedFileURL) }
        let (identity, records) = try Self.check(shards, directories: partials)
        let claims = try identity.claims.map { id in
            guard let claim = ClaimRegistry.claim(id) else {
                throw ConfigError(field: "merge", value: id, allowed: "a claim this program knows: " + ClaimRegistry.active.map(\.id).joined(separator: ", "))
            }
            return claim
        }
        guard let scale = Scale(rawValue: identity.scale), let variant = ClaimVariant(rawValue: identity.variant) else {
            throw ConfigError(field: "merge", value: "\(identity.scale)/\(identity.variant)", allowed: "a scale and variant this program knows")
        }
        let run = ClaimRun(scale: scale, variant: variant, seeds: identity.seedsOverride,
                           parallelism: threads.map { Parallelism(threads: $0) } ?? .machine, data: identity.data,
                           explore: identity.explore == true)
        // The partial reports must come from this program with these settings.
        let here = try RunIdentity(theorycheckVersion: TheoryCheckVersion.string, gitCommit: identity.gitCommit, scale: scale, variant: variant,
                                   seedsOverride: identity.seedsOverride, data: identity.data, foundationSeed: identity.foundationSeed,
                                   claims: claims, run: run, shards: identity.shards)
        if let difference = identity.difference(from: here) {
            throw ConfigError(field: "merge", value: partials[0], allowed: "partial reports of this program and settings (they differ in \(difference))")
        }
        // Every unit the run plans, exactly once (duplicates were refused in `check`).
        let planned = try Sharding.units(claims, run)
        for unit in planned where records[unit] == nil {
            throw ConfigError(field: "merge", value: "unit \(unit)", allowed: "a unit of some shard (it is in none: was a shard left out?)")
        }
        if let extra = Set(records.keys).subtracting(planned).sorted().first {
            throw ConfigError(field: "merge", value: "unit \(extra)", allowed: "only the units this run plans")
        }
        let wanted: Verdict = variant == .counterfactual ? .fails : .holds
        let results: [ClaimResult]
        do {
            results = try Sharding.merge(claims, run, records: records)
        } catch let missing as MissingUnit {
            throw ConfigError(field: "merge", value: "\(missing)", allowed: "every unit the checks ask for")
        }
        if !quiet { print("TheoryCheck \(TheoryCheckVersion.string) — merge of \(shards.count) shard(s), \(records.count) units (scale \(scale.rawValue))") }
        let foundation = shards.compactMap(\.report.foundation).first ?? []
        if !foundation.isEmpty && !quiet {
            print("\(foundation.filter(\.holds).count) of \(foundation.count) foundation checks hold (shard 0).")
        }
        Verify.printVerdicts(claims, results, wanted: wanted, quiet: quiet, verbose: verbose)
        let output = try StagedOutput(path: out)
        let earliest = shards.map(\.report.startedAt).min() ?? ""
        var environment = Verify.environment(run, seedsOverride: identity.seedsOverride, startedAt: Date(),
                                             seconds: shards.map(\.report.seconds).reduce(0, +) + (clock.now - start).inSeconds)
        environment.startedAt = earliest
        environment.gitCommit = identity.gitCommit
        var report = Report(environment: environment, claims: Array(zip(claims, results)),
                            registry: try? ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry)), data: run.data)
        report.foundation = foundation
        try Verify.write(report, formats: formats, to: output)
        if let recordCosts { try UnitCosts.record(Array(records.values), scale: scale, in: recordCosts) }
        let ok = foundation.allSatisfy(\.holds) && results.allSatisfy { $0.verdict == wanted }
        if results.contains(where: { $0.verdict == .error }) { throw ExitCode(3) }
        if !ok { throw ExitCode(1) }
    }

    /// The run all shards belong to and their units' records; throws (exit 2) naming the first
    /// shard that differs, a shard missing or given twice, or a unit recorded twice.
    static func check(_ shards: [(report: PartialReport, records: [UnitRecord])], directories: [String]) throws -> (RunIdentity, [UnitID: UnitRecord]) {
        let identity = shards[0].report.identity
        for (index, shard) in shards.enumerated() {
            if let difference = shard.report.identity.difference(from: identity) {
                throw ConfigError(field: "merge", value: directories[index],
                                  allowed: "a shard of the same run as \(directories[0]) (it differs in \(difference))")
            }
        }
        var seen: [Int: String] = [:]
        for (index, shard) in shards.enumerated() {
            if let other = seen[shard.report.shard] {
                throw ConfigError(field: "merge", value: directories[index], allowed: "each shard once (shard \(shard.report.shard)/\(identity.shards) is also \(other))")
            }
            seen[shard.report.shard] = directories[index]
        }
        if let missing = (0..<identity.shards).first(where: { seen[$0] == nil }) {
            throw ConfigError(field: "merge", value: "shard \(missing)/\(identity.shards)", allowed: "every shard of the run (this one is not among the directories)")
        }
        var records: [UnitID: UnitRecord] = [:]
        var holder: [UnitID: String] = [:]
        for (index, shard) in shards.enumerated() {
            for record in shard.records {
                if let other = holder[record.unit] {
                    throw ConfigError(field: "merge", value: "unit \(record.unit)", allowed: "each unit in one shard (it is in \(other) and \(directories[index]))")
                }
                holder[record.unit] = directories[index]
                records[record.unit] = record
            }
        }
        return (identity, records)
    }
}
