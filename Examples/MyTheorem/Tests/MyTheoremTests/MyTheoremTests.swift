import Claims
import Foundation
import MyTheoremClaims
import Testing

/// The example's own tests: the Proofs page pins the claim's constants, the claim is decided at
/// smoke scale, and its counterfactual fails.
@Suite("NTK.arcCosine")
struct MyTheoremTests {
    /// The package root, from this file's path (Tests/MyTheoremTests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func proofsPagePinsTheConstants() throws {
        #expect(try PinnedConstants.mismatches(ArcCosineKernelClaim(), proofs: Self.root.appendingPathComponent("Proofs/claims")) == [])
    }

    @Test func holdsAndItsCounterfactualFails() throws {
        let claim = ArcCosineKernelClaim()
        #expect(try claim.check(ClaimRun(scale: .smoke)).verdict == .holds)
        #expect(try claim.check(ClaimRun(scale: .smoke, variant: .counterfactual)).verdict == .fails)
    }
}
