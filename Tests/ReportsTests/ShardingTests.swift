import Claims
import Engine
import Foundation
import Synchronization
import Testing
@testable import Reports

/// Sharded verification (docs/sharding.md): units planned without measuring, balanced shards, a
/// merge that reproduces the one-machine report byte for byte, and a resumed shard that runs only
/// what a killed one did not finish.
@Suite("Sharding and merge")
struct ShardingTests {
    static let environment = Report.Environment(theorycheckVersion: "test", gitCommit: nil, swiftCompiler: "swift", operatingSystem: "test",
                                                processors: 2, threads: 2, scale: "smoke", variant: "claim", seedsOverride: nil,
                                                startedAt: "2026-12-05T00:00:00Z", seconds: 0)

    /// Every format of `results`' report, with the time fields zeroed (they record time, not results).
    static func formats(_ claims: [any Claim], _ results: [ClaimResult]) throws -> [String] {
        let report = Report(environment: environment, claims: Array(zip(claims, results.map { var r = $0; r.seconds = 0; return r })))
        return [try ReportFormats.json(report), ReportFormats.markdown(report), HTMLReport.page(report), ReportFormats.junit(report)]
    }

    /// Runs `claims` as `shards` shards, each writing its partial report into a directory (so every
    /// outcome goes through its JSON file), reads them back and merges.
    static func sharded(_ claims: [any Claim], _ run: ClaimRun, shards: Int) throws -> [ClaimResult] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("theorycheck-shards-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: root) }
        let identity = try RunIdentity(theorycheckVersion: "test", gitCommit: nil, scale: run.scale, variant: run.variant, seedsOverride: nil,
                                       data: nil, foundationSeed: nil, claims: claims, run: run, shards: shards)
        let units = try Sharding.units(claims, run)
        let parts = Sharding.assign(units, shards: shards) { _ in 1 }
        var records: [UnitID: UnitRecord] = [:]
        for (index, part) in parts.enumerated() {
            let directory = root.appendingPathComponent("shard\(index)")
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(PartialReport.unitsDirectory), withIntermediateDirectories: true)
            try Sharding.execute(claims, run, owned: Set(part)) { try PartialReport.writeUnit($0, run: identity, into: directory) }
            try PartialReport(identity: identity, shard: index, units: part, foundation: nil, startedAt: "", seconds: 0, host: "test").write(into: directory)
            let (manifest, read) = try PartialReport.read(directory)
            #expect(manifest.units == part && read.map(\.unit) == part)
            for record in read { records[record.unit] = record }
        }
        #expect(Set(records.keys) == Set(units), "every planned unit measured exactly once")
        return try Sharding.merge(claims, run, records: records)
    }

    /// Claims covering each kind of unit: trials (with their post-processing and a fit), trials
    /// with a trend sweep after them, and follow-up stages (AT.phaseTransition's dynamics).
    static let claimIDs = ["FA.robustSolution", "FA.featureDecoupling", "AT.phaseTransition", "EP.lowerBound"]

    @Test(arguments: ClaimVariant.allCases)
    func mergedReportIsTheOneMachineReport(variant: ClaimVariant) throws {
        let claims = Self.claimIDs.compactMap { ClaimRegistry.claim($0) }
        #expect(claims.count == Self.claimIDs.count)
        let run = ClaimRun(scale: .smoke, variant: variant, parallelism: Parallelism(threads: 2))
        let single = try claims.map { try $0.check(run) }
        let merged = try Self.sharded(claims, run, shards: 3)
        let (a, b) = (try Self.formats(claims, single), try Self.formats(claims, merged))
        for (name, (x, y)) in zip(["report.json", "report.md", "report.html", "junit.xml"], zip(a, b)) {
            #expect(x == y, "\(name) differs between one machine and the merged shards")
        }
    }

    /// Units run side by side on two workers (verify's default) decide every claim as running the
    /// claims one after another does, and report each claim once, in order.
    @Test func sideBySideIsSequential() throws {
        let claims = Self.claimIDs.compactMap { ClaimRegistry.claim($0) }
        let run = ClaimRun(scale: .smoke, parallelism: Parallelism(threads: 2))
        let sequential = try claims.map { try $0.check(run) }
        let order = Mutex<[Int]>([])
        let parallel = try Sharding.sideBySide(claims, run, workers: 2, cost: { _ in 1 }) { index, _ in order.withLock { $0.append(index) } }.results
        #expect(order.withLock { $0 } == Array(claims.indices))
        #expect(try Self.formats(claims, parallel) == Self.formats(claims, sequential))
    }

    /// A shard killed after two units, re-run with the units it finished, measures only the rest —
    /// and its records are those of an uninterrupted run.
    @Test func resumedShardRunsOnlyMissingUnits() throws {
        let claims = [ClaimRegistry.claim("FA.robustSolution")!]
        let run = ClaimRun(scale: .smoke, parallelism: Parallelism(threads: 2))
        let owned = Set(try Sharding.units(claims, run))
        struct Killed: Error {}
        let first = Mutex<[UnitID: UnitRecord]>([:])
        #expect(throws: Killed.self) {
            try Sharding.execute(claims, run, owned: owned) { record in
                try first.withLock { store in
                    if store.count == 2 { throw Killed() }
                    store[record.unit] = record
                }
            }
        }
        let finished = first.withLock { $0 }
        #expect(finished.count == 2)
        let second = Mutex<[UnitRecord]>([])
        try Sharding.execute(claims, run, owned: owned, done: finished) { record in second.withLock { $0.append(record) } }
        let rerun = second.withLock { $0 }
        #expect(Set(rerun.map(\.unit)) == owned.subtracting(finished.keys), "only the missing units run again")
        let uninterrupted = Mutex<[UnitID: UnitOutcome]>([:])
        try Sharding.execute(claims, run, owned: owned) { record in uninterrupted.withLock { $0[record.unit] = record.outcome } }
        var resumed = finished.mapValues(\.outcome)
        for record in rerun { resumed[record.unit] = record.outcome }
        #expect(resumed == uninterrupted.withLock { $0 })
    }

    /// A merge missing one unit throws naming it.
    @Test func mergeNamesAMissingUnit() throws {
        let claims = [ClaimRegistry.claim("EP.lowerBound")!]
        let run = ClaimRun(scale: .smoke)
        let units = try Sharding.units(claims, run)
        let records = Mutex<[UnitID: UnitRecord]>([:])
        try Sharding.execute(claims, run, owned: Set(units)) { record in records.withLock { $0[record.unit] = record } }
        var partial = records.withLock { $0 }
        let dropped = units[1]
        partial[dropped] = nil
        #expect {
            _ = try Sharding.merge(claims, run, records: partial)
        } throws: { error in
            (error as? MissingUnit)?.unit == dropped
        }
    }

    /// Greedy balancing: every unit in exactly one shard, deterministic, and no shard above the list
    /// scheduling bound total/n + max cost (Graham 1966).
    @Test func assignmentIsAPartitionWithinGrahamsBound() {
        var random = PRNGKey(seed: 5).stream
        for trial in 0..<50 {
            let count = 1 + Int(random.next() % 40)
            let units = (0..<count).map { UnitID(claim: "C\($0 % 3)", variant: .claim, stage: "trials", instance: UInt64($0)) }
            let costs = Dictionary(uniqueKeysWithValues: units.map { ($0, 0.1 + 100 * random.uniform()) })
            let shards = 1 + trial % 7
            let parts = Sharding.assign(units, shards: shards) { costs[$0]! }
            #expect(parts.count == shards)
            #expect(parts.flatMap { $0 }.sorted() == units.sorted())
            #expect(parts == Sharding.assign(units.reversed(), shards: shards) { costs[$0]! }, "independent of the input order")
            let total = costs.values.reduce(0, +), largest = costs.values.max()!
            for part in parts { #expect(part.map { costs[$0]! }.reduce(0, +) <= total / Double(shards) + largest + 1e-9) }
        }
    }

    /// Unit ids read back as they are written; run identities name the first field that differs.
    @Test func unitIDsAndIdentities() throws {
        let unit = UnitID(claim: "AT.phaseTransition", variant: .counterfactual, stage: "tStar.alpha=0.8", instance: 3)
        #expect(UnitID(unit.description) == unit)
        #expect(UnitID("a/b/c") == nil && UnitID("a/nope/c/1") == nil)
        let claims = [ClaimRegistry.claim("EP.lowerBound")!]
        let run = ClaimRun(scale: .smoke)
        let a = try RunIdentity(theorycheckVersion: "1", gitCommit: nil, scale: .smoke, variant: .claim, seedsOverride: nil, data: nil,
                                foundationSeed: nil, claims: claims, run: run, shards: 3)
        var b = a
        #expect(a.difference(from: b) == nil)
        b.seedsOverride = 4
        #expect(a.difference(from: b)?.hasPrefix("seedsOverride") == true)
        b = a
        b.configHashes = ["0"]
        #expect(a.difference(from: b)?.contains("EP.lowerBound") == true)
        #expect(a.fingerprint != b.fingerprint)
        var exploring = run
        exploring.explore = true
        let c = try RunIdentity(theorycheckVersion: "1", gitCommit: nil, scale: .smoke, variant: .claim, seedsOverride: nil, data: nil,
                                foundationSeed: nil, claims: claims, run: exploring, shards: 3)
        #expect(a.difference(from: c) == "explore: off vs on")
        #expect(a.fingerprint != c.fingerprint)
    }

    /// Exploratory stages (AT.phaseTransition's t* sweep and phase diagram) are planned only with
    /// `explore`, and never for the counterfactual; the stages a verdict reads are planned either way.
    @Test func explorationIsOptIn() throws {
        let claim = ClaimRegistry.claim("AT.phaseTransition")!
        func stages(_ scale: Scale, _ variant: ClaimVariant, explore: Bool) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: claim.followUps(ClaimRun(scale: scale, variant: variant, explore: explore)).map { ($0.name, $0.instances.count) })
        }
        #expect(stages(.standard, .claim, explore: false) == ["dynamics": 1, "trainingLength": 2 * 12])  // the trend rule reads it
        #expect(stages(.standard, .counterfactual, explore: true) == ["dynamics": 1])
        let explored = stages(.standard, .claim, explore: true)
        #expect(explored["dynamics"] == 1 && explored["diagram"] == 12 * 2)
        #expect(explored.keys.filter { $0.hasPrefix("tStar.") }.count == 8 && explored["tStar.beta=0.6"] == 3)
        #expect(stages(.smoke, .claim, explore: true) == ["dynamics": 1, "trainingLength": 2 * 3])  // no exploration seeds at smoke
        #expect(try Sharding.configHash(claim, ClaimRun(scale: .standard)) != Sharding.configHash(claim, ClaimRun(scale: .standard, explore: true)))
    }

    /// A claim whose check throws — in a trial, or after its trials — is an `error` result naming
    /// the error; the claims around it are decided as without it.
    @Test func aThrowingClaimIsAnErrorAndTheOthersAreDecided() throws {
        struct Throwing: Claim {
            let id: String, afterTrials: Bool
            let paper = Paper(rawValue: "test", citation: "test")
            let source = "test", statement = "test", predicate = "test", counterfactual = "test"
            let constants: [PredicateConstant] = []
            func ledger(_ run: ClaimRun) throws -> Ledger { Ledger() }
            func check(_ run: ClaimRun) throws -> ClaimResult {
                let result = try trials(run, instances: [1, 2], decision: .everyTrial) { seed in
                    if !afterTrials && seed == 2 { throw ClaimError("a trial broke") }
                    return (true, [:], "")
                }
                if afterTrials { throw ClaimError("the decision broke") }
                return result
            }
        }
        let lower = try #require(ClaimRegistry.claim("EP.lowerBound"))
        let claims: [any Claim] = [Throwing(id: "T.inTrial", afterTrials: false), lower, Throwing(id: "T.afterTrials", afterTrials: true)]
        let (results, _) = try Sharding.sideBySide(claims, ClaimRun(scale: .smoke), workers: 2, cost: { _ in 1 }) { _, _ in }
        #expect(results.map(\.verdict) == [.error, .holds, .error])
        #expect(results[0].summary.contains("a trial broke") && results[2].summary.contains("the decision broke"))
        var alone = try Sharding.sideBySide([lower], ClaimRun(scale: .smoke), workers: 2, cost: { _ in 1 }) { _, _ in }.results[0]
        var beside = results[1]
        (alone.seconds, beside.seconds) = (0, 0)  // wall time is not part of a result
        #expect(beside == alone)
    }
}
