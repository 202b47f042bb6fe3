import Claims
import Reports
import Testing

/// `verify --plan`: a unit's cost comes from its own record, else its stage's mean, else its
/// claim's, else 1 s; a plan's tasks are the balanced shards `verify --shard` would run.
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
        #expect(table.estimate(Self.unit("A", "sweep", 3), scale: .paper) == (5, .stage))
        #expect(table.estimate(Self.unit("A", "trials", 1), scale: .paper) == (5, .claim))
        #expect(table.estimate(Self.unit("B", "trials", 1), scale: .paper) == (1, .none))
        #expect(table.estimate(Self.unit("A", "sweep", 2), scale: .standard) == (1, .none))
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
