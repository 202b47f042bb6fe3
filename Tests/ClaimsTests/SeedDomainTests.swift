import Testing
@testable import Claims
import Engine

/// Exploration never runs a confirmatory seed (docs/methodology.md, "Seeds"): the two domains are
/// disjoint by construction, and every exploratory stage of the suite draws from its domain.
@Suite("Seed domains")
struct SeedDomainTests {
    /// Confirmatory seeds are the indices themselves (< 2³²); exploratory ones are ≥ 2⁶³ for every
    /// claim and index, and differ between claims.
    @Test func theDomainsAreDisjointByConstruction() {
        let claims = ClaimRegistry.all.map(\.id) + ["a user's claim", ""]
        let indices: [UInt64] = [1, 2, 3, 17, 1000, 1 << 31, (1 << 32) - 1]
        for claim in claims {
            for index in indices {
                let confirmatory = SeedDomain.seed(.confirmatory, claim: claim, index: index)
                let exploratory = SeedDomain.seed(.exploratory, claim: claim, index: index)
                #expect(confirmatory == index && confirmatory < SeedDomain.confirmatoryBound)
                #expect(exploratory >= SeedDomain.exploratoryBase && exploratory & 0xFFFF_FFFF == index)
                #expect(SeedDomain.purpose(of: confirmatory) == .confirmatory && SeedDomain.purpose(of: exploratory) == .exploratory)
            }
        }
        let a = SeedDomain.seed(.exploratory, claim: "AT.phaseTransition", index: 1)
        let b = SeedDomain.seed(.exploratory, claim: "FA.featureAveraging", index: 1)
        #expect(a != b)
    }

    /// AT.phaseTransition, the claim whose confirmatory setting was chosen from its phase diagram:
    /// no diagram cell or sweep point runs a seed of its confirmatory trials, at any scale — not
    /// even the cell whose settings equal the confirmatory ones — and the confirmatory trials run
    /// on seeds no earlier run of the claim used (17 onward).
    @Test func phaseTransitionExploresOnItsOwnSeeds() throws {
        for scale in Scale.allCases {
            let run = ClaimRun(scale: scale, explore: true)
            let confirmatory = Set(PhaseTransitionClaim.confirmatorySeeds(run).map { PhaseTransitionClaim.config(scale, seed: $0).seed })
            #expect(confirmatory.allSatisfy { $0 >= 17 && SeedDomain.purpose(of: $0) == .confirmatory })
            var explored: Set<UInt64> = []
            for cell in PhaseTransitionClaim.diagramCells.indices {
                for index in 1...UInt64(max(1, PhaseTransitionClaim.diagram.seeds[scale]!)) {
                    explored.insert(PhaseTransitionClaim.diagramConfig(scale, cell: cell, index: index).seed)
                }
            }
            for point in PhaseTransitionClaim.sweep {
                for index in 1...UInt64(max(1, PhaseTransitionClaim.sweepSeeds[scale]!)) {
                    explored.insert(PhaseTransitionClaim.sweepConfig(scale, point: point.change, index: index).seed)
                }
            }
            #expect(explored.isDisjoint(with: confirmatory), "\(scale): exploration reuses \(explored.intersection(confirmatory))")
            #expect(explored.allSatisfy { SeedDomain.purpose(of: $0) == .exploratory })
        }
        // The counterfactual's units name the same fresh seeds.
        let units = try Sharding.units([PhaseTransitionClaim()], ClaimRun(scale: .standard, variant: .counterfactual, parallelism: .serial))
        #expect(units.filter { $0.stage == UnitID.trialsStage }.map(\.instance) == Array(17...28))
    }
}
