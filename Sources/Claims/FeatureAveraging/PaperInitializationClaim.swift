import Engine
import Foundation

/// FA.featureAveragingPaperInit — the Feature Averaging theorem read with the paper's stated
/// initialisation, W ~ N(0, I/d), b ~ N(0, 1/d²), instead of the official code's small one
/// (FA.featureAveraging): part A's per-neuron predicate, with the sample size growing with d, since
/// the chance that a neuron is inactive on a whole cluster falls with the samples per cluster
/// (Proofs/claims/FA.featureAveragingPaperInit.md). Registered before its first run (2026-12-07).
public struct PaperInitializationClaim: Claim {
    public init() {}
    public let id = "FA.featureAveragingPaperInit"
    public let paper = Paper.featureAveraging
    public let source = "Theorem (feature averaging), at the paper's stated initialisation"
    public let statement = "with W ~ N(0, I/d), b ~ N(0, 1/d²) and enough samples: λ_{s,r,j} ≥ Ω(1) and λ_{s,r,j}/λ_{s,r,k} ≤ O(1) for j, k ∈ J_s; w_{s,r} ∝ Σ_{j∈J_s} μ_j"
    public let predicate = "FA.featureAveraging's part A (train acc = 1, test acc ≥ 0.95, every neuron's own λ > 0, max/min own λ ≤ 3, own λ(T) > λ(T/2), cos ≥ 0.9) at the largest d with n ∝ d·log d (Wilson 95% lower ≥ 0.75 of seeds); when that fails, the satisfying fraction over the d sweep (n ∝ d·log d) must not fall with log₂ d (logistic slope's 95% interval meets [0, ∞): rising is inconclusive, not rising fails)"
    public let counterfactual = "part A applied to the fine-grained (cluster-label) network at the same initialisation and sizes must fail"

    /// The predicate's constants (Proofs/claims/FA.featureAveragingPaperInit.md, "Pinned
    /// constants"); part A's are FA.featureAveraging's own.
    enum Bound {
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        static let dTrend = PredicateConstant.band("satisfiedVersusD.logisticSlope", 0...Double.infinity)
    }
    public var constants: [PredicateConstant] {
        typealias A = FeatureAveragingClaim.Bound
        return [A.train, A.test, A.ownLambda, A.ownRatio, A.growth, A.cosine, Bound.level] + Bound.dTrend
    }

    /// How n grows with d: n ∝ d·log₂ d (the trials and the deciding trend) or n ∝ d (reported).
    enum SampleLaw: Int, CaseIterable, Sendable {
        case dLogD = 0, linear = 1
        var name: String { self == .dLogD ? "n∝dlogd" : "n∝d" }
    }

    /// The sizes at a scale: the d sweep, k, m, the reference (d₀, n₀) both laws pass through, the
    /// test split, the trials' and each other sweep point's seed counts.
    struct Sizes: Codable, Equatable {
        var dims: [Int], clusters: Int, neuronsPerSign: Int, referenceD: Int, referenceN: Int, testSamples: Int
        var trialSeeds: Int, sweepSeeds: Int
    }

    static func sizes(_ scale: Scale) -> Sizes {
        switch scale {
        case .smoke: Sizes(dims: [64, 128, 256], clusters: 4, neuronsPerSign: 2, referenceD: 128, referenceN: 48, testSamples: 200, trialSeeds: 3, sweepSeeds: 2)
        case .standard: Sizes(dims: [128, 256, 512, 1024], clusters: 8, neuronsPerSign: 4, referenceD: 512, referenceN: 200, testSamples: 400, trialSeeds: 12, sweepSeeds: 4)
        case .paper: Sizes(dims: [256, 512, 1024, 2048], clusters: 8, neuronsPerSign: 8, referenceD: 1024, referenceN: 400, testSamples: 400, trialSeeds: 16, sweepSeeds: 6)
        }
    }

    /// n at dimension d under `law`: n₀·(d log₂ d)/(d₀ log₂ d₀) or n₀·d/d₀, rounded to a multiple of k
    /// (balanced clusters).
    static func samples(_ s: Sizes, d: Int, law: SampleLaw) -> Int {
        let ratio = law == .linear ? Double(d) / Double(s.referenceD)
            : Double(d) * log2(Double(d)) / (Double(s.referenceD) * log2(Double(s.referenceD)))
        let k = Double(s.clusters)
        return max(s.clusters, Int((Double(s.referenceN) * ratio / k).rounded()) * s.clusters)
    }

    /// The setting at d under `law`: the theorem's, T = 2d, the paper's initialisation (`smallInit: nil`).
    static func setting(_ s: Sizes, d: Int, law: SampleLaw) -> TheoremSetting {
        TheoremSetting(dimension: d, clusters: s.clusters, trainSamples: samples(s, d: d, law: law), testSamples: s.testSamples,
                       neuronsPerSign: s.neuronsPerSign, steps: 2 * d, smallInit: nil)
    }

    /// The seeds start at index 2001: no earlier run of either reading used them (FA.featureAveraging's
    /// trials use 1 …, its sweep 1001 …; the exploration at the paper's initialisation, 1 … 12).
    static let firstSeed: UInt64 = 2001

    /// A sweep unit's instance: the law in bits 48…, the d index in bits 32…, the seed in the low 32.
    static func sweepUnit(law: SampleLaw, dIndex: Int, seed: UInt64) -> UInt64 {
        UInt64(law.rawValue) << 48 | UInt64(dIndex) << 32 | seed
    }

    /// The sweep's points beyond the trials: every (law, d) but (n ∝ d log d, largest d).
    static func sweepPoints(_ s: Sizes) -> [(law: SampleLaw, dIndex: Int)] {
        SampleLaw.allCases.flatMap { law in s.dims.indices.filter { !(law == .dLogD && $0 == s.dims.count - 1) }.map { (law, $0) } }
    }

    static func seeds(count: Int) -> [UInt64] { (0..<UInt64(count)).map { SeedDomain.seed(.confirmatory, claim: "FA.featureAveragingPaperInit", index: firstSeed + $0) } }

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let s = Self.sizes(run.scale)
        let laws: [SampleLaw] = run.variant == .claim ? SampleLaw.allCases : [.dLogD]
        let configs = laws.flatMap { law in s.dims.map { Self.setting(s, d: $0, law: law).config(seed: 1) } }
        return try FeatureAveragingHypotheses.ledger(FeatureAveragingHypotheses.data(introducedAfter: nil) + FeatureAveragingHypotheses.training(introducedAfter: nil),
                                                     configs.map { (FeatureAveragingHypotheses.name($0), $0) })
    }

    /// The sizes, both laws' configs (seed 0; the units carry it) and the seeds.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        let s = Self.sizes(scale)
        var settings = ["sizes": ClaimProtocol.setting(s), "firstSeed": "\(Self.firstSeed)"]
        for law in SampleLaw.allCases {
            settings["configs." + law.name] = ClaimProtocol.setting(s.dims.map { Self.setting(s, d: $0, law: law).config(seed: 0) })
        }
        settings["counterfactual"] = ClaimProtocol.setting(FeatureAveragingClaim.trialConfig(Self.setting(s, d: s.dims.last!, law: .dLogD), seed: 0, variant: .counterfactual))
        return settings
    }

    /// The d sweep (the claim only; used when the trials fail, so a shard measures it speculatively).
    public func followUps(_ run: ClaimRun) -> [FollowUpStage] {
        guard run.variant == .claim else { return [] }
        let s = Self.sizes(run.scale)
        return [FollowUpStage("sweep", instances: Self.sweepPoints(s).flatMap { point in
            Self.seeds(count: s.sweepSeeds).map { Self.sweepUnit(law: point.law, dIndex: point.dIndex, seed: $0) }
        })]
    }

    /// Whether part A holds at one sweep point and seed.
    public func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue {
        let s = Self.sizes(run.scale)
        let law = SampleLaw(rawValue: Int(instance >> 48)), dIndex = Int(instance >> 32 & 0xFFFF), seed = instance & 0xFFFF_FFFF
        guard stage == "sweep", let law, s.dims.indices.contains(dIndex) else { throw ClaimError("\(id) has no follow-up \(stage)/\(instance)") }
        let setting = Self.setting(s, d: s.dims[dIndex], law: law)
        let m = FeatureAveragingClaim.measure(try ExperimentRun.run(setting.config(seed: seed, probeEvery: setting.steps / 2), parallelism: run.parallelism))
        return UnitValue(values: ["satisfied": m.satisfied ? 1 : 0, "minOwnLambda": m.minOwnLambda, "maxOwnRatio": m.maxOwnRatio])
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let s = Self.sizes(run.scale)
        let largest = Self.setting(s, d: s.dims.last!, law: .dLogD)
        var result = try trials(run, instances: Self.seeds(count: s.trialSeeds), decision: Bound.level.fractionDecision) { seed in
            let config = FeatureAveragingClaim.trialConfig(largest, seed: seed, variant: run.variant)
            let measured = FeatureAveragingClaim.measure(try ExperimentRun.run(config, parallelism: run.parallelism))
            return (measured.satisfied, measured.values, TheoremSetting.describe(config))
        }
        guard run.variant == .claim, result.verdict != .outOfRegime else { return result }
        // The sweep (both laws); the n ∝ d·log d law decides when the trials fail, n ∝ d is reported.
        var outcomes: [SampleLaw: [[Bool]]] = [:]
        for law in SampleLaw.allCases {
            for dIndex in s.dims.indices {
                if law == .dLogD && dIndex == s.dims.count - 1 {
                    outcomes[law, default: []].append(result.trials.map(\.satisfied))
                    continue
                }
                let values = try followingUp(run, stage: "sweep", Self.seeds(count: s.sweepSeeds).map { Self.sweepUnit(law: law, dIndex: dIndex, seed: $0) })
                outcomes[law, default: []].append(values.map { $0.values["satisfied"]! == 1 })
            }
            result.series["sweep.\(law.name).n"] = s.dims.map { Double(Self.samples(s, d: $0, law: law)) }
            result.series["sweep.\(law.name).fraction"] = outcomes[law]!.map { Double($0.filter { $0 }.count) / Double($0.count) }
        }
        result.series["sweep.d"] = s.dims.map(Double.init)
        guard result.verdict == .fails else { return result }
        var reported = result  // the n ∝ d law's trend, beside (it decides nothing)
        _ = reported.trendOfFailedFraction("satisfiedVersusD.linearN", x: "log₂ d", levels: s.dims.map { log2(Double($0)) }, outcomes: outcomes[.linear]!,
                                           approaching: 0...Double.infinity)
        result.verdict = result.trendOfFailedFraction("satisfiedVersusD", x: "log₂ d", levels: s.dims.map { log2(Double($0)) }, outcomes: outcomes[.dLogD]!,
                                                      approaching: PredicateConstant.range(Bound.dTrend))
        for key in ["logisticSlope", "logisticSlope.lower", "logisticSlope.upper"] {
            result.measurements["satisfiedVersusD.linearN." + key] = reported.measurements["satisfiedVersusD.linearN." + key]
        }
        result.series["satisfiedVersusD.linearN.fraction"] = reported.series["satisfiedVersusD.linearN.fraction"]
        return result
    }

    public var readsData: Bool { false }
    public var robustnessEvidence: [RobustnessEvidence] { [] }
}
