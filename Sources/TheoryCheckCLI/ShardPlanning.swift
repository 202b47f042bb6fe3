import Claims
import Engine
import Foundation
import Reports

/// `verify --plan N,…`: the estimated time of the selected work on one machine and as N-task
/// arrays, from the recorded unit costs — nothing is run.
enum ShardPlanning {
    /// The task counts of `--plan` (comma-separated, each 1 … 10000).
    static func tasks(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let counts = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, counts.count == parts.count, counts.allSatisfy({ (1...10_000).contains($0) }) else {
            throw ConfigError(field: "--plan", value: text, allowed: "task counts 1 … 10000, comma-separated (e.g. 1,4,16,64)")
        }
        return counts
    }

    /// "5234 s (1.5 h)".
    static func duration(_ seconds: Double) -> String {
        let base = String(format: "%.0f s", seconds)
        if seconds >= 3600 { return base + String(format: " (%.1f h)", seconds / 3600) }
        if seconds >= 60 { return base + String(format: " (%.1f min)", seconds / 60) }
        return base
    }

    static func print(_ claims: [any Claim], _ run: ClaimRun, tasks: [Int], costs: UnitCosts, costsPath: String) throws {
        let units = try Sharding.units(claims, run)
        let estimator = costs.estimator(run.scale)
        let estimates = Dictionary(uniqueKeysWithValues: units.map { ($0, estimator.estimate($0)) })
        let cost = { (unit: UnitID) in estimates[unit]!.seconds }
        let total = units.map(cost).reduce(0, +)
        Swift.print("TheoryCheck \(TheoryCheckVersion.string) — plan (scale \(run.scale.rawValue)\(run.variant == .counterfactual ? ", counterfactuals" : "")): "
                    + "\(units.count) units of \(claims.count) claim(s), costs from \(costsPath)")
        let sources = UnitCosts.Source.allCases.map { source in (source, estimates.values.filter { $0.source == source }.count) }
        Swift.print("  estimates: " + sources.filter { $0.1 > 0 }.map { source, count in
            switch source {
            case .unit: "\(count) by the unit's own recorded seconds"
            case .point: "\(count) by their point's other seeds"
            case .trend: "\(count) by a power law over their stage's recorded points (extrapolated)"
            case .stage: "\(count) by their stage's mean (another seed's)"
            case .claim: "\(count) by their claim's mean"
            case .none: "\(count) unrecorded (1 s each: record them with --record-costs)"
            }
        }.joined(separator: ", "))
        Swift.print("  all units one after another: \(duration(total))")
        Swift.print("  tasks  makespan               efficiency")
        for n in tasks {
            let plan = ShardPlan(units: units, tasks: n, cost: cost)
            Swift.print("  " + "\(n)".padding(toLength: 5, withPad: " ", startingAt: 0) + "  "
                        + duration(plan.makespan).padding(toLength: 21, withPad: " ", startingAt: 0) + "  "
                        + String(format: "%.0f%%", 100 * plan.efficiency))
        }
        // Every claim's share, costliest first, with how much of it rests on its own records.
        var byClaim: [String: (seconds: Double, units: Int, measured: Int)] = [:]
        for unit in units {
            let own = estimates[unit]!.source == .unit
            byClaim[unit.claim, default: (0, 0, 0)].seconds += cost(unit)
            byClaim[unit.claim, default: (0, 0, 0)].units += 1
            byClaim[unit.claim, default: (0, 0, 0)].measured += own ? 1 : 0
        }
        Swift.print("  claim                             units  recorded  estimated time")
        for (claim, share) in byClaim.sorted(by: { $0.value.seconds != $1.value.seconds ? $0.value.seconds > $1.value.seconds : $0.key < $1.key }) {
            Swift.print("  " + claim.padding(toLength: 32, withPad: " ", startingAt: 0) + "  " + "\(share.units)".padding(toLength: 5, withPad: " ", startingAt: 0)
                        + "  " + "\(share.measured)".padding(toLength: 8, withPad: " ", startingAt: 0) + "  " + duration(share.seconds))
        }
        let longest = units.max { cost($0) != cost($1) ? cost($0) < cost($1) : $0 > $1 }
        if let longest { Swift.print("  longest unit: \(longest) \(duration(cost(longest))) — no array finishes sooner") }
    }
}
