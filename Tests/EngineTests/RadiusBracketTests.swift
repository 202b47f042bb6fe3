import PropertyBased
import Testing
@testable import Engine

/// certified ≤ exact ≤ attack, point by point (Proofs/robustness.md, "Two sides"): no attack ever
/// breaks a point below its exact radius and no certificate reaches above it — and the check that
/// says so catches a planted attack that reports too small a radius and a planted certificate that
/// reports too large a one.
@Suite("Radius brackets")
struct RadiusBracketTests {
    static let grid = stride(from: 0.0, through: 4.0, by: 0.05).map { $0 }

    /// Exact radii, interval-certified radii and the strong attack's break radii of one problem.
    static func evaluations(_ seed: UInt64, multiclass: Bool) throws -> [RadiusBracket.Evaluation] {
        let (network, data): (TwoLayerNetwork, Dataset) = multiclass ? ExactRadiusTests.multiclassProblem(seed)
            : { let (e, d) = ExactRadiusTests.problem(seed); return (e.network, d) }()
        let exact = try ExactRadius.radii(network, data, parallelism: .serial).map(\.radius)
        let certified = IntervalCertificate.certifiedRadii(network, data, basis: nil, parallelism: .serial)!
        let strong = AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .ball, restarts: 3,
                                  objective: multiclass ? .targetedMargin : .margin)
        let loss: any Loss = multiclass ? CrossEntropyLoss() : LogisticLoss()
        let breaks = RobustAccuracy.curveAndBreaks(network, data, radii: grid, attack: strong, trainingLoss: loss,
                                                   key: PRNGKey(seed: seed).child("strong"), parallelism: .serial).breaks
        return [.init(name: "exact", side: .exact, radii: exact), .init(name: "certified", side: .certified, radii: certified),
                .init(name: "strong", side: .attack, radii: breaks)]
    }

    @Test func attacksAndCertificatesLieOnTheirSides() async throws {
        await propertyCheck(count: 10, input: Gen.uint64(), Gen.bool) { seed, multiclass throws in
            for gap in RadiusBracket.gaps(try Self.evaluations(seed, multiclass: multiclass)) {
                #expect(gap.violations.isEmpty, "seed \(seed): \(gap.name) on the wrong side of \(gap.reference) at \(gap.violations)")
            }
        }
    }

    /// Not vacuous: over a few problems the attack breaks points and the certificate certifies some.
    @Test func theBracketsAreNotEmpty() throws {
        var broken = 0, certified = 0
        for seed: UInt64 in 1...6 {
            let evaluations = try Self.evaluations(seed, multiclass: seed % 2 == 0)
            broken += evaluations[2].radii.compactMap { $0 }.filter { $0 > 0 }.count
            certified += evaluations[1].radii.compactMap { $0 }.filter { $0 > 0 }.count
        }
        #expect(broken > 0 && certified > 0, "broken \(broken), certified \(certified)")
    }

    /// The counterfactuals: an "attack" reporting 0.9·ρ and a "certificate" reporting 1.1·ρ are
    /// caught at every point with ρ > 0.
    @Test func plantedViolationsAreCaught() throws {
        for seed: UInt64 in 1...4 {
            let exact = try Self.evaluations(seed, multiclass: false)[0]
            let positive = exact.radii.filter { ($0 ?? 0) > 0 }.count
            let gaps = RadiusBracket.gaps([exact, .init(name: "too-strong", side: .attack, radii: exact.radii.map { $0.map { 0.9 * $0 } }),
                                           .init(name: "unsound", side: .certified, radii: exact.radii.map { $0.map { 1.1 * $0 } })])
            #expect(gaps.count == 2 && gaps.allSatisfy { $0.violations.count == positive && positive > 0 })
        }
    }

    /// Radii are compared within one threat model only: an ℓ∞ attack at 0.5·ρ₂ and a subspace
    /// certificate at 2·ρ₂ are not measured against the exact ℓ2 radius (no gap, no violation), while
    /// the same numbers labelled ℓ2 are flagged; the ℓ∞ attack is measured against an exact ℓ∞ radius.
    @Test func threatModelsAreNotMixed() throws {
        let exact = try Self.evaluations(1, multiclass: false)[0]
        let positive = exact.radii.filter { ($0 ?? 0) > 0 }.count
        let linfAttack = RadiusBracket.Evaluation(name: "pgd-linf", side: .attack, radii: exact.radii.map { $0.map { 0.5 * $0 } }, threat: "linf")
        let subspace = RadiusBracket.Evaluation(name: "certified-nrf", side: .certified, radii: exact.radii.map { $0.map { 2 * $0 } }, threat: "l2/patch/non-robust")
        #expect(RadiusBracket.gaps([exact, linfAttack, subspace]).isEmpty)
        var mislabelled = linfAttack
        mislabelled.threat = "l2"
        #expect(RadiusBracket.gaps([exact, mislabelled]).first?.violations.count == positive && positive > 0)
        let exactLinf = RadiusBracket.Evaluation(name: "exact-linf", side: .exact, radii: exact.radii.map { $0.map { 0.4 * $0 } }, threat: "linf")
        let gaps = RadiusBracket.gaps([exact, linfAttack, exactLinf])
        #expect(gaps.count == 1 && gaps[0].reference == "exact-linf" && gaps[0].violations.isEmpty)
    }
}
