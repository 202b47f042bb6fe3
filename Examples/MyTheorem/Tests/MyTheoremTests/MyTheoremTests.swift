import Claims
import Foundation
import MyTheoremClaims
import Testing

/// The example's own tests: each Proofs page pins its claim's constants, each claim is decided at
/// smoke scale, and each counterfactual fails.
@Suite("MyTheorem")
struct MyTheoremTests {
    /// The package root, from this file's path (Tests/MyTheoremTests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let claims: [any Claim] = [ArcCosineKernelClaim(), MarginRadiusClaim()]

    @Test func proofsPagesPinTheConstants() throws {
        for claim in Self.claims {
            #expect(try PinnedConstants.mismatches(claim, proofs: Self.root.appendingPathComponent("Proofs/claims")) == [], "\(claim.id)")
        }
    }

    @Test func holdAndTheirCounterfactualsFail() throws {
        for claim in Self.claims {
            #expect(try claim.check(ClaimRun(scale: .smoke)).verdict == .holds, "\(claim.id)")
            #expect(try claim.check(ClaimRun(scale: .smoke, variant: .counterfactual)).verdict == .fails, "\(claim.id)")
        }
    }

    /// The robustness example's report carries its three curves over the grid, and its numbers
    /// say which side of the truth they are on.
    @Test func marginRadiusDrawsItsCurves() throws {
        let result = try MarginRadiusClaim().check(ClaimRun(scale: .smoke))
        let radii = try #require(result.series["radii"])
        for side in ["exact", "certified", "attack"] {
            #expect(result.series["monotoneRobustAccuracy.\(side)"]?.count == radii.count, "\(side)")
        }
        #expect(RobustnessEvidence.violations(MarginRadiusClaim().robustnessEvidence) == [])
    }
}
