import Foundation
import Claims
import Engine
import Reports
import Testing

/// `verify --plan`: a unit's cost comes from its own record, else its point's other seeds, else its
/// stage's power law in the point, else its stage's mean, else its claim's, else 1 s; a plan's tasks are the balanced shards `verify --shard` would run.
@Suite("Shard plans")
struct ShardPlanTests {
    static func unit(_ claim: String, _ stage: String, _ instance: UInt64) -> UnitID {
        UnitID(claim: claim, variant: .claim, stage: stage, instance: instance)
    }

    @Test func aUnitsOwnRecordComesBeforeItsStagesMean() {
        let records = [UnitRecord(unit: Self.unit("A", "sweep", 1), outcome: .error("x"), seconds: 1),
                       UnitRecord(unit: Self.unit("A", "sweep", 2), outcome: .error("x"), seconds: 9)]
        let table = UnitCosts().updated(with: records, scale: .paper)
        #expect(table.estimate(Self.unit("A", "sweep", 2), scale: .paper) == (9, .unit))
        #expect(table.estimate(Self.unit("A", "sweep", 3), scale: .paper) == (5, .point))  // seeds 1, 2 and 3 share point 0
        #expect(table.estimate(Self.unit("A", "trials", 1), scale: .paper) == (5, .claim))
        #expect(table.estimate(Self.unit("B", "trials", 1), scale: .paper) == (1, .none))
        #expect(table.estimate(Self.unit("A", "sweep", 2), scale: .standard) == (1, .none))
    }

    @Test func anUnrecordedSeedTakesItsPointsRecordedSeedsAndAnUnrecordedPointItsStagesPowerLaw() {
        // A sweep recorded a level at a time, on seed 1: seed 2 of each level is its level's cost,
        // a level never measured is on the power law through the measured ones (here s = p³/2¹⁷·10),
        // and the stage's mean covers every level recorded so far.
        let level = { (claim: String, size: UInt64, seed: UInt64) in Self.unit(claim, "sweep", size << 32 | seed) }
        var table = UnitCosts().updated(with: [UnitRecord(unit: level("A", 128, 1), outcome: .error("x"), seconds: 10)], scale: .paper)
        table = table.updated(with: [UnitRecord(unit: level("A", 256, 1), outcome: .error("x"), seconds: 80),
                                     UnitRecord(unit: level("B", 128, 1), outcome: .error("x"), seconds: 7)], scale: .paper)
        #expect(table.estimate(level("A", 128, 2), scale: .paper) == (10, .point))
        #expect(table.estimate(level("A", 256, 2), scale: .paper) == (80, .point))
        #expect(table.estimate(level("A", 256, 1), scale: .paper) == (80, .unit))
        for (size, expected) in [(512 as UInt64, 640.0), (64, 1.25)] {
            let (seconds, source) = table.estimate(level("A", size, 1), scale: .paper)
            #expect(source == .trend && abs(seconds - expected) <= 1e-12 * expected, "\(seconds)")
        }
        // One recorded point is no trend: the stage's mean; a stage never recorded: the claim's.
        #expect(table.estimate(level("B", 256, 1), scale: .paper) == (7, .stage))
        #expect(table.seconds["paper"]?["A/claim/sweep"] == 45)
        #expect(table.estimate(Self.unit("A", "trials", 5), scale: .paper) == (45, .claim))
    }

    /// `--record-costs` is checked before a run: a table that is not one, or a path whose directory
    /// is a file, is refused naming the option; a new file in a writable directory is taken.
    @Test func aCostTablePathIsCheckedBeforeTheRun() throws {
        let base = NSTemporaryDirectory() + "theorycheck-costs-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try "not a table".write(toFile: base + "/bad.json", atomically: true, encoding: .utf8)
        for path in [base + "/bad.json", base + "/bad.json/costs.json", base] {
            #expect(throws: ConfigError.self) { try UnitCosts.requireRecordable(path, field: "--record-costs") }
            do { try UnitCosts.requireRecordable(path, field: "--record-costs") } catch let error as ConfigError {
                #expect("\(error)".contains("--record-costs"), "\(error)")
            }
        }
        try UnitCosts.requireRecordable(base + "/new/costs.json", field: "--record-costs")
        try UnitCosts().updated(with: [], scale: .paper).encoded().write(toFile: base + "/good.json", atomically: true, encoding: .utf8)
        try UnitCosts.requireRecordable(base + "/good.json", field: "--record-costs")
        #expect(!FileManager.default.fileExists(atPath: base + "/new"), "the check writes nothing")
    }

    @Test func aPlanSplitsTheWorkAsTheShardsWould() {
        let units = (1...10).map { Self.unit("A", "trials", UInt64($0)) } + [Self.unit("B", "sweep", 1)]
        let cost = { (u: UnitID) in u.claim == "B" ? 12.0 : Double(u.instance) }
        let total = units.map(cost).reduce(0, +)  // 55 + 12
        for n in [1, 2, 3, 4, 16] {
            let plan = ShardPlan(units: units, tasks: n, cost: cost)
            #expect(plan.loads.count == n)
            #expect(abs(plan.loads.reduce(0, +) - total) < 1e-9)
            #expect(plan.makespan >= max(12, total / Double(n)))
            let parts = Sharding.assign(units, shards: n, cost: cost)
            #expect(plan.loads == parts.map { $0.map(cost).reduce(0, +) })
        }
        #expect(ShardPlan(units: units, tasks: 1, cost: cost).makespan == total)
        #expect(ShardPlan(units: units, tasks: 16, cost: cost).makespan == 12)  // the longest unit
    }
}
