import Engine
import Exact
import Foundation

/// FA.robustSolution — f_robust (one neuron per feature, b = −d/2) is certified exactly at radius
/// √d/4 on ≥ 99% of test points, and its radius over the trained averaged net's grows like √k
/// (Proofs/claims/FA.robustSolution.md).
public struct RobustSolutionClaim: Claim {
    public init() {}
    public let id = "FA.robustSolution"
    public let paper = Paper.featureAveraging
    public let source = "The robust solution exists (robust radius Θ(√d) = √k × the averaged Θ(√(d/k)))"
    public let statement = "f_robust with b = −d/2 is robust at radius Θ(√d); its radius over the averaged net's grows like √k"
    public let predicate = "(1) exact certificate at √d/4 on ≥ 99% of test points for every k; (2) median exact radius of f_robust / median averaged-attack flip radius of the trained net ∝ k^e with the 95% CI of e ⊂ [0.4, 0.6]"
    public let counterfactual = "(1) claimed at ¾√d must fail"

    /// The predicate's constants (Proofs/claims/FA.robustSolution.md, "Pinned constants").
    enum Bound {
        static let radius = PredicateConstant("radiusOverSqrtD", .equals, 0.25)
        static let certified = PredicateConstant("certifiedFraction", .atLeast, 0.99)
        static let kBand = PredicateConstant.band("robustOverAveragedRadiusVersusK.exponent", 0.4...0.6)
        static let counterfactualRadius = PredicateConstant("radiusOverSqrtD", .equals, 0.75, variant: .counterfactual)
    }
    public var constants: [PredicateConstant] { [Bound.radius, Bound.certified] + Bound.kBand + [Bound.counterfactualRadius] }

    /// f_robust is constructed (the data model only); the averaged net it is compared with is trained.
    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let seen = "FA.robustSolution holds at standard (2026-11-23)"
        let configs = Self.ks.map { Self.setting(d: Self.dimension(run.scale), k: $0).config(seed: 1) }
        return try FeatureAveragingHypotheses.ledger(FeatureAveragingHypotheses.data(introducedAfter: seen) + FeatureAveragingHypotheses.training(introducedAfter: seen), configs.map { (FeatureAveragingHypotheses.name($0), $0) })
    }

    static let ks = [2, 4, 8, 16]

    static func setting(d: Int, k: Int) -> TheoremSetting {
        TheoremSetting(dimension: d, clusters: k, trainSamples: 12 * k, testSamples: 50 * k, neuronsPerSign: 2, steps: 2 * d, smallInit: 1e-5)
    }

    /// The trained nets' configs, one per k (seed 1 each).
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        ["configs": ClaimProtocol.setting(Self.ks.map { Self.setting(d: Self.dimension(scale), k: $0).config(seed: 1) })]
    }

    static func dimension(_ scale: Scale) -> Int { [.smoke: 256, .standard: 1024, .paper: 2048][scale]! }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("certifiedFraction", .certified, decides: .robust, how: "exact certificate of f_robust at √d/4, in rationals"),
         RobustnessEvidence("medianExactRadius", .exact, decides: .comparison, how: "f_robust's exact ℓ2 radius (ExactRadius, verified in rationals)"),
         RobustnessEvidence("medianTrainedFlipRadius", .exact, decides: .comparison, how: "flip radius along the averaged-feature ray: exact for the theorem's perturbation"),
         RobustnessEvidence("fit.robustOverAveragedRadiusVersusK*", .exact, decides: .comparison, how: "the fit of the exact ratio's medians in k"),
         RobustnessEvidence("medianCertifiedRadius", .certified, decides: .nothing, how: "the certificate's radius, reported beside")]
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let d = Self.dimension(run.scale), ks = Self.ks
        // c²·d with c = ¼ (claim) or ¾ (counterfactual).
        let c = (run.variant == .claim ? Bound.radius : Bound.counterfactualRadius).bound
        let radiusSquared = try Rational(exactly: c * c) * Rational(d)  // c² exact in Double for c = ¼, ¾
        var result = try trials(run, instances: ks.map { UInt64($0) }, decision: .everyTrial) { instance in
            let k = Int(instance)
            let setting = Self.setting(d: d, k: k)
            let experiment = try ExperimentRun.run(setting.config(seed: 1), parallelism: run.parallelism)
            let features = experiment.data.clusterFeatures!, test = experiment.test
            let robust = FeatureAveragingModels.robust(features: features, positiveClusters: k / 2)
            var certified = 0
            var radii: [Double] = []
            for i in 0..<test.count {
                let r2 = try Certificates.robustModelRadiusSquared(robust, x: test.inputs.row(i), label: test.labels[i])
                if let r2, r2 >= radiusSquared { certified += 1 }
                radii.append(r2.map { Double($0).squareRoot() } ?? 0)
            }
            // The comparison on exact numbers (Proofs page, "Which side"): f_robust's exact radii.
            let exact = try ExactRadius.provenRadii(robust, test, parallelism: run.parallelism).sorted()
            let flips = NonRobustnessClaim.flipRadii(experiment.final, test, features: features, positiveClusters: k / 2).sorted()
            let ratio = exact[exact.count / 2] / flips[flips.count / 2]
            let fraction = Double(certified) / Double(test.count)
            return (Bound.certified.admits(fraction), ["k": Double(k), "certifiedFraction": fraction, "medianCertifiedRadius": radii.sorted()[radii.count / 2], "medianExactRadius": exact[exact.count / 2],
                                      "medianTrainedFlipRadius": flips[flips.count / 2], "ratio": ratio],
                    "d = \(d), k = \(k), \(test.count) test points, certificate at \(run.variant == .claim ? "√d/4" : "3√d/4")")
        }
        guard run.variant == .claim, result.verdict != .outOfRegime else { return result }
        let ratios = result.trials.map { $0.values["ratio"]! }
        result.addScalingCheck("robustOverAveragedRadiusVersusK", x: ("k", ks.map(Double.init)), y: ("f_robust/trained radius", ratios), band: PredicateConstant.range(Bound.kBand))
        return result
    }
}
