import Testing
@testable import Claims

/// Every Expressive Power claim holds at smoke scale and its counterfactual fails.
@Suite("Expressive Power claims")
struct ExpressivePowerClaimTests {
    @Test(arguments: ["EP.lipschitz", "EP.memorization", "EP.lowerBound"])
    func claimHoldsAndCounterfactualFails(id: String) throws {
        let claim = try #require(ClaimRegistry.claim(id))
        let result = try claim.check(ClaimRun(scale: .smoke))
        #expect(result.verdict == .holds, "\(id): \(result.summary) \(result.counterexample.map { "\($0)" } ?? "")")
        let counterfactual = try claim.check(ClaimRun(scale: .smoke, variant: .counterfactual))
        #expect(counterfactual.verdict == .fails, "\(id) counterfactual: \(counterfactual.summary)")
        #expect(counterfactual.counterexample != nil)
    }
}

/// Feature Averaging claims at smoke scale: each holds and its counterfactual fails.
@Suite("Feature Averaging claims")
struct FeatureAveragingClaimTests {
    @Test(arguments: ["FA.weightDecomposition"])
    func claimHoldsAndCounterfactualFails(id: String) throws {
        let claim = try #require(ClaimRegistry.claim(id))
        let result = try claim.check(ClaimRun(scale: .smoke))
        #expect(result.verdict == .holds, "\(id): \(result.summary) \(result.counterexample.map { "\($0.values)" } ?? "")")
        let counterfactual = try claim.check(ClaimRun(scale: .smoke, variant: .counterfactual))
        #expect(counterfactual.verdict == .fails, "\(id) counterfactual: \(counterfactual.summary)")
    }
}
