import Engine
import Foundation

/// AT.phaseTransition — the two phases of adversarial training (Li & Li, Figure 3): per class, the
/// non-robust feature is learned first with robust accuracy ≈ 0 (Phase I), then the robust feature
/// overtakes it, the non-robust growth stops and robust accuracy rises (Phase II). Also reports the
/// changepoint t* and how it moves with ε, α, β and |J_NR| (Proofs/claims/AT.phaseTransition.md).
public struct PhaseTransitionClaim: Claim {
    public init() {}
    public let id = "AT.phaseTransition"
    public let paper = Paper.adversarialTraining
    public let source = "feature-learning dynamics of adversarial training (Figure 3)"
    public let statement = "Phase I: non-robust features learned first, clean accuracy 1, robust accuracy ≈ 0; Phase II: robust correlation overtakes, non-robust growth stops, robust accuracy rises"
    public let predicate = "per class: t*_i = last crossing of ρ_u over ρ_v; Phase II (t*_i < T, final class robust acc ≥ 0.9 certified, ρ_v(T) ≤ max_{t ≤ t*_i} ρ_v) in every class; Phase I (some t < t*_i with ρ_v ≥ ρ/β = 0.2 and class robust acc ≤ 0.1) in ≥ ⌈k/2⌉ classes (Wilson 95% lower ≥ 0.75 of seeds); when that fails, the satisfying fraction at T, 2T, 4T must not fall with log₂ T (logistic slope's 95% interval meets [0, ∞): rising is inconclusive, not rising fails)"
    public let counterfactual = "the same detector on standard training (attack off) must fail"

    /// The predicate's constants (Proofs/claims/AT.phaseTransition.md, "Pinned constants"); the
    /// knee ρ/β is the config's own, not a constant.
    enum Bound {
        static let phaseIRobust = PredicateConstant("phaseI.classRobustAccuracy", .atMost, 0.1)
        static let phaseIIRobust = PredicateConstant("phaseII.finalClassRobustAccuracy", .atLeast, 0.9)
        static let phaseIClasses = PredicateConstant("classesWithPhaseI/k", .atLeast, 0.5)
        static let phaseIIClasses = PredicateConstant("classesWithPhaseII/k", .equals, 1)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        /// The trend rule in the training length (registered 2026-12-07, before its first run): when
        /// the predicate fails at T, the logistic slope of the per-seed outcome on log₂ T over
        /// T, 2T, 4T is ≥ 0 iff the satisfying fraction rises — the non-robust growth stopping with
        /// longer training.
        static let lengthTrend = PredicateConstant.band("satisfiedVersusTrainingLength.logisticSlope", 0...Double.infinity)
    }

    /// The training lengths of the trend rule, as multiples of the setting's T.
    static let lengthMultiples = [1, 2, 4]

    /// The confirmatory setting trained `multiple`·T steps (the runs continue one another: `RunMemo`).
    static func lengthConfig(_ scale: Scale, seed: UInt64, multiple: Int) -> ExperimentConfig {
        var c = config(scale, seed: seed)
        c.optimizer.steps *= multiple
        return c
    }

    /// A training-length unit's instance: the multiple in the high 32 bits, the seed in the low.
    static func lengthUnit(multiple: Int, seed: UInt64) -> UInt64 { UInt64(multiple) << 32 | seed }
    static let seen = "AT.phaseTransition fails 1/12 at standard (2026-11-23)"

    /// The confirmatory setting (committed on the Proofs page before its run, 2026-12-04): at-phase
    /// trained on the adversarial loss alone (c = 0, the theorem's min–max) with ε = 2β for the
    /// training attack and the probe. `adversarial: false` is the same run with the attack off.
    static func config(_ scale: Scale, seed: UInt64, adversarial: Bool = true) -> ExperimentConfig {
        var c = PhaseSetting.config(scale, seed: seed, adversarial: adversarial)
        guard case let .patchStructured(data) = c.data else { preconditionFailure("the AT claims run on patch data") }
        c.preset = adversarial ? "at-phase-c0-eps2beta" : "at-phase-c0-eps2beta-standard"
        c.adversarialTraining.cleanWeight = 0
        c.adversarialTraining.epsilon = 2 * data.beta.upper
        c.robustness.epsilon = 2 * data.beta.upper
        // The phases are read off the robust *test* accuracy (and the correlations): the probe
        // attacks the test points only (it never changes the run; Proofs/engine.md, "Probes observe").
        c.robustness.trainSet = false
        return c
    }

    /// The confirmatory setting's ledger. The t* sweep is exploratory (it moves α, β, ε and |J_NR|
    /// toward the regime's edges on purpose): each sweep point's own ledger is reported beside its
    /// t* row, and never decides the verdict.
    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let base = Self.config(run.scale, seed: 1)
        return try PhaseSetting.ledger([(name: base.preset, setting: base)], introducedAfter: Self.seen)
    }

    /// The detector on one run: classes with Phase I and with Phase II, the predicate, and t*.
    /// With `certifiedFinal` (each class's certified robust accuracy at T), "ends robust" reads it
    /// instead of the probe's attack numbers (Proofs page, "Phase II decided on certified numbers").
    static func phases(_ e: ExperimentRun, certifiedFinal: [Double]? = nil)
        -> (phaseI: Int, phaseII: Int, satisfied: Bool, tStar: Double, endsRobust: Int, nonRobustStops: Int) {
        let k = e.config.data.classes
        var paths = Self.paths(e.history, classes: k)
        if let certifiedFinal { for i in paths.indices { paths[i].certifiedFinal = certifiedFinal[i] } }
        let vLearned = Self.vLearned(e.config)
        let phaseI = paths.filter { $0.phaseI(vLearned: vLearned) }.count
        let phaseII = paths.filter(\.phaseII).count
        let satisfied = Bound.phaseIIClasses.admits(Double(phaseII), times: Double(k)) && Bound.phaseIClasses.admits(Double(phaseI), times: Double(k))
        return (phaseI, phaseII, satisfied, Self.changepoint(paths), paths.filter(\.endsRobust).count, paths.filter(\.nonRobustStops).count)
    }

    /// The exploratory phase diagram (the verdicts issue, item 4; not a verdict): where Phase I occurs
    /// over the clean weight c (rows) and the radius ε/β (columns, training and probe alike), a
    /// few seeds per cell, everything else at-phase. Seeds per cell by scale (none at smoke).
    static let diagram = (cleanWeights: [0.0, 0.5, 0.75, 0.9], epsilonOverBeta: [1.0, 1.5, 2.0],
                          seeds: [Scale.smoke: 0, .standard: 2, .paper: 3])

    static let claimID = "AT.phaseTransition"

    /// The confirmatory trials' seed count by scale.
    static let seedCounts: [Scale: Int] = [.smoke: 3, .standard: 12, .paper: 16]
    /// The confirmatory trials run on seeds 17, 18, …: seeds 1–16 ran before seed domains existed,
    /// and the exploratory phase diagram, from which this setting was chosen, ran its cell
    /// (c = 0, ε/β = 2) on seeds 1–2 (standard) and 1–3 (paper) — the same runs as those
    /// confirmatory seeds (Proofs/claims/AT.phaseTransition.md, "Fresh seeds"). 17 is the first
    /// index no run of this claim has used at any scale.
    static let firstFreshSeed: UInt64 = 17

    /// The confirmatory seeds of `run`: `firstFreshSeed` onward, as many as the scale (or `--seeds`) asks.
    static func confirmatorySeeds(_ run: ClaimRun) -> [UInt64] {
        run.seedList(seedCounts).map { SeedDomain.seed(.confirmatory, claim: claimID, index: $0 + firstFreshSeed - 1) }
    }

    /// A t* sweep point's config at its `index`-th exploratory seed.
    static func sweepConfig(_ scale: Scale, point change: (inout ExperimentConfig) -> Void, index: UInt64) -> ExperimentConfig {
        var config = PhaseSetting.config(scale, seed: SeedDomain.seed(.exploratory, claim: claimID, index: index))
        change(&config)
        return config
    }

    /// The confirmatory config (seed 0; the units carry it), both exploratory designs and their seeds.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        ["config.adversarial": ClaimProtocol.setting(Self.config(scale, seed: 0)),
         "config.standard": ClaimProtocol.setting(Self.config(scale, seed: 0, adversarial: false)),
         "confirmatorySeeds": "\(Self.seedCounts[scale]!) from index \(Self.firstFreshSeed) (confirmatory domain)",
         "trainingLength.multiples": "\(Self.lengthMultiples) × T = \(Self.lengthMultiples.map { $0 * Self.config(scale, seed: 0).optimizer.steps }) steps (each run continues the shorter one)",
         "certificate": "LinearBoundCertificate (linear bounds with optimised slopes) on the probe's test points, ε within span{v}",
         "exploratory.sweep": Self.sweep.map(\.name).joined(separator: ", ") + "; \(Self.sweepSeeds[scale]!) exploratory seeds each",
         "exploratory.diagram": "c \(Self.diagram.cleanWeights) × ε/β \(Self.diagram.epsilonOverBeta); \(Self.diagram.seeds[scale]!) exploratory seeds per cell"]
    }

    /// Seeds per sweep point (the t* table) by scale.
    static let sweepSeeds: [Scale: Int] = [.smoke: 0, .standard: 3, .paper: 5]

    public var constants: [PredicateConstant] { [Bound.phaseIRobust, Bound.phaseIIRobust, Bound.phaseIClasses, Bound.phaseIIClasses, Bound.level] + Bound.lengthTrend }

    /// One class's trajectory, read from a history.
    struct ClassPath {
        var steps: [Int], robust: [Double], nonRobust: [Double], robustAccuracy: [Double]
        /// The class's certified robust accuracy at T, where measured (it then decides "ends robust").
        var certifiedFinal: Double? = nil

        /// The first probe index from which ρ_u > ρ_v at every later probe (nil: no switch).
        var switchIndex: Int? {
            guard let last = steps.indices.last, robust[last] > nonRobust[last] else { return nil }
            var i = last
            while i > 0 && robust[i - 1] > nonRobust[i - 1] { i -= 1 }
            return i
        }

        func phaseI(vLearned: Double) -> Bool {
            guard let s = switchIndex else { return false }
            return (0..<s).contains { nonRobust[$0] >= vLearned && Bound.phaseIRobust.admits(robustAccuracy[$0]) }
        }

        var phaseII: Bool { endsRobust && nonRobustStops }

        /// Phase II's first half: the class switched and ends robust (r_i(T) ≥ 0.9; certified where
        /// `certifiedFinal` is set).
        var endsRobust: Bool {
            guard switchIndex != nil, let last = robustAccuracy.indices.last else { return false }
            return Bound.phaseIIRobust.admits(certifiedFinal ?? robustAccuracy[last])
        }

        /// Phase II's second half: ρ_v(T) ≤ max_{t ≤ t*_i} ρ_v(t), the non-robust growth stopped.
        var nonRobustStops: Bool {
            guard let s = switchIndex, let last = nonRobust.indices.last else { return false }
            return nonRobust[last] <= nonRobust[0...s].max()!
        }
    }

    static func paths(_ history: [HistoryRecord], classes: Int) -> [ClassPath] {
        (0..<classes).map { i in
            ClassPath(steps: history.map(\.step), robust: history.map { $0.series["robustCorrelation"]![i] },
                      nonRobust: history.map { $0.series["nonRobustCorrelation"]![i] },
                      robustAccuracy: history.map { $0.series["robustTestAccuracyByClass"]![i] })
        }
    }

    /// t* = max_i t*_i (−1: some class never switches).
    static func changepoint(_ paths: [ClassPath]) -> Double {
        let indices = paths.map(\.switchIndex)
        guard indices.allSatisfy({ $0 != nil }) else { return -1 }
        return Double(zip(paths, indices).map { $0.steps[$1!] }.max()!)
    }

    /// ρ/β: the correlation at which the non-robust patches reach σ's knee.
    static func vLearned(_ config: ExperimentConfig) -> Double {
        guard case let .smoothedReLU(_, rho) = config.network.activation, case let .patchStructured(data) = config.data else { return 0 }
        return rho / data.beta.upper
    }

    /// The sweep: one field of at-phase moved at a time (name, change), each point inside the
    /// hypotheses (density Σ_{J_NR} β³ ≥ 2α³ and ε ≥ β; checked when it runs).
    static let sweep: [(name: String, change: @Sendable (inout ExperimentConfig) -> Void)] = [
        ("epsilon=0.6", { $0.adversarialTraining.epsilon = 0.6; $0.robustness.epsilon = 0.6 }),
        ("epsilon=1.0", { $0.adversarialTraining.epsilon = 1.0; $0.robustness.epsilon = 1.0 }),
        ("alpha=0.8", { $0.data = PhaseSetting.patchData($0) { $0.alpha = .constant(0.8) } }),
        ("alpha=1.2", { $0.data = PhaseSetting.patchData($0) { $0.alpha = .constant(1.2) } }),
        ("beta=0.42", { $0.data = PhaseSetting.patchData($0) { $0.beta = .constant(0.42) } }),
        ("beta=0.6", { $0.data = PhaseSetting.patchData($0) { $0.beta = .constant(0.6) } }),
        ("nonRobustPatches=23", { $0.data = PhaseSetting.patchData($0) { $0.patches = 24; $0.nonRobustPatches = 23 } }),
        ("nonRobustPatches=47", { $0.data = PhaseSetting.patchData($0) { $0.patches = 48; $0.nonRobustPatches = 47 } }),
    ]

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("classesWithPhaseI", .attack, decides: .broken, how: "class robust accuracy ≤ 0.1 under the probe's attack (NRF-PGD) during Phase I"),
         RobustnessEvidence("classesWithPhaseIICertified", .certified, decides: .robust, how: "class robust accuracy ≥ 0.9 at T by linear-bound certificates (ε per patch within span{v})"),
         RobustnessEvidence("classesEndingRobustCertified", .certified, decides: .robust, how: "linear-bound certificates at T"),
         RobustnessEvidence("classesWithPhaseII", .attack, decides: .broken, how: "the probe's attack at T; refutes in the attack-number fallback"),
         RobustnessEvidence("classesEndingRobust", .attack, decides: .broken, how: "the probe's attack at T; refutes in the attack-number fallback"),
         RobustnessEvidence("finalRobustTestAccuracyCertified", .certified, decides: .nothing, how: "linear-bound certificates at T, reported"),
         RobustnessEvidence("finalRobustTestAccuracy", .attack, decides: .nothing, how: "the probe's attack at T, reported")]
    }

    /// Each class's certified robust accuracy of the final network on the probe's points (the first
    /// `robustness.samples` test points), in the probe's threat model (ε per patch within span{v}),
    /// and the overall fraction.
    static func certifiedFinal(_ e: ExperimentRun, parallelism: Parallelism) -> (byClass: [Double], overall: Double) {
        let points = e.test.subset(Array(0..<min(e.config.robustness.samples, e.test.count)))
        let v = e.data.probeFeatures.first { $0.name == "nonRobustCorrelation" }!.features
        let certified = LinearBoundCertificate.certified(e.final, points, epsilon: e.config.robustness.epsilon, basis: v, parallelism: parallelism)
        let byClass = (0..<e.config.data.classes).map { c in
            let members = points.labels.indices.filter { points.labels[$0] == c }
            return Double(members.filter { certified[$0] }.count) / Double(members.count)
        }
        return (byClass, Double(certified.filter { $0 }.count) / Double(certified.count))
    }

    /// The follow-up stages: the first seed's dynamics (adversarial beside standard, the report's
    /// figure); with `run.explore`, for the claim, each t* sweep point's seeds and each
    /// phase-diagram cell's seeds (exploratory: they decide nothing).
    public func followUps(_ run: ClaimRun) -> [FollowUpStage] {
        var stages = [FollowUpStage("dynamics", instances: [Self.firstFreshSeed])]
        guard run.variant == .claim else { return stages }
        // The trend in the training length (used when the trials fail; so a shard measures it speculatively).
        let seeds = Self.confirmatorySeeds(run)
        stages.append(FollowUpStage("trainingLength", instances: Self.lengthMultiples.dropFirst().flatMap { m in seeds.map { Self.lengthUnit(multiple: m, seed: $0) } }))
        guard run.explore else { return stages }
        let sweepSeeds = UInt64(Self.sweepSeeds[run.scale]!)
        if sweepSeeds > 0 { stages += Self.sweep.map { FollowUpStage("tStar." + $0.name, instances: Array(1...sweepSeeds)) } }
        let diagramSeeds = UInt64(Self.diagram.seeds[run.scale]!)
        if diagramSeeds > 0 { stages.append(FollowUpStage("diagram", instances: Self.diagramCells.indices.flatMap { cell in (1...diagramSeeds).map { Self.diagramUnit(cell: cell, seed: $0) } })) }
        return stages
    }

    /// The phase diagram's cells, row-major over c × ε/β.
    static let diagramCells = diagram.cleanWeights.flatMap { c in diagram.epsilonOverBeta.map { (cleanWeight: c, epsilonOverBeta: $0) } }
    /// A diagram unit's instance: the cell in the high 32 bits, the seed in the low.
    static func diagramUnit(cell: Int, seed: UInt64) -> UInt64 { UInt64(cell) << 32 | seed }

    /// A diagram cell's configuration at its `index`-th exploratory seed.
    static func diagramConfig(_ scale: Scale, cell: Int, index: UInt64) -> ExperimentConfig {
        var config = PhaseSetting.config(scale, seed: SeedDomain.seed(.exploratory, claim: claimID, index: index))
        guard case let .patchStructured(data) = config.data else { preconditionFailure("the AT claims run on patch data") }
        let (c, ratio) = diagramCells[cell]
        config.adversarialTraining.cleanWeight = c
        config.adversarialTraining.epsilon = ratio * data.beta.upper
        config.robustness.epsilon = ratio * data.beta.upper
        return config
    }

    public func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue {
        if stage == "dynamics" {
            // The dynamics of the seed, adversarial vs standard.
            let adversarial = try PhaseSetting.run(Self.config(run.scale, seed: instance), parallelism: run.parallelism)
            let standard = try PhaseSetting.run(Self.config(run.scale, seed: instance, adversarial: false), parallelism: run.parallelism)
            let k = adversarial.config.data.classes
            var value = UnitValue(series: ["dynamics.steps": adversarial.history.map { Double($0.step) }])
            for (name, e) in [("adversarial", adversarial), ("standard", standard)] {
                for (i, path) in Self.paths(e.history, classes: k).enumerated() {
                    value.series["dynamics.\(name).robustCorrelation.\(i)"] = path.robust
                    value.series["dynamics.\(name).nonRobustCorrelation.\(i)"] = path.nonRobust
                }
                value.series["dynamics.\(name).robustTestAccuracy"] = e.history.map { $0.robustTestAccuracy ?? 0 }
                value.series["dynamics.\(name).testAccuracy"] = e.history.map { $0.testAccuracy ?? 0 }
                value.values["dynamics.\(name).tStar"] = Self.changepoint(Self.paths(e.history, classes: k))
            }
            return value
        }
        if stage.hasPrefix("tStar."), let point = Self.sweep.first(where: { "tStar." + $0.name == stage }) {
            let config = Self.sweepConfig(run.scale, point: point.change, index: instance)
            return UnitValue(values: ["tStar": Self.changepoint(Self.paths(try ExperimentRun.run(config, parallelism: run.parallelism).history,
                                                                         classes: config.data.classes))])
        }
        if stage == "trainingLength" {
            let multiple = Int(instance >> 32), seed = instance & 0xFFFF_FFFF
            guard Self.lengthMultiples.dropFirst().contains(multiple) else { throw ClaimError("\(id): no training length \(multiple)·T") }
            var e = try PhaseSetting.run(Self.config(run.scale, seed: seed), parallelism: run.parallelism)
            for m in Self.lengthMultiples.dropFirst() where m <= multiple {
                e = try RunMemo.run(Self.lengthConfig(run.scale, seed: seed, multiple: m), continuing: e, parallelism: run.parallelism)
            }
            let proven = Self.phases(e, certifiedFinal: Self.certifiedFinal(e, parallelism: run.parallelism).byClass)
            return UnitValue(values: ["satisfied": proven.satisfied ? 1 : 0, "classesWithPhaseII": Double(proven.phaseII),
                                      "classesWhereVStops": Double(proven.nonRobustStops)])
        }
        if stage == "diagram" {
            let cell = Int(instance >> 32), seed = instance & 0xFFFF_FFFF
            guard Self.diagramCells.indices.contains(cell) else { throw ClaimError("\(id): no diagram cell \(cell)") }
            let p = Self.phases(try PhaseSetting.run(Self.diagramConfig(run.scale, cell: cell, index: seed), parallelism: run.parallelism))
            return UnitValue(values: ["phaseI": Double(p.phaseI), "phaseII": Double(p.phaseII), "satisfied": p.satisfied ? 1 : 0, "tStar": p.tStar])
        }
        throw ClaimError("\(id) has no follow-up stage \(stage)")
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        var result = try trials(run, instances: Self.confirmatorySeeds(run), decision: Bound.level.fractionDecision) { seed in
            let config = Self.config(run.scale, seed: seed, adversarial: run.variant == .claim)
            let e = try PhaseSetting.run(config, parallelism: run.parallelism)
            let (phaseI, phaseII, _, tStar, endsRobust, stops) = Self.phases(e)
            let certified = Self.certifiedFinal(e, parallelism: run.parallelism)
            let proven = Self.phases(e, certifiedFinal: certified.byClass)
            return (proven.satisfied, ["tStar": tStar, "classesWithPhaseI": Double(phaseI), "classesWithPhaseII": Double(phaseII),
                                       "classesEndingRobust": Double(endsRobust), "classesWhereVStops": Double(stops),
                                       "classesWithPhaseIICertified": Double(proven.phaseII), "classesEndingRobustCertified": Double(proven.endsRobust),
                                       "finalRobustTestAccuracy": e.history.last!.robustTestAccuracy ?? 0,
                                       "finalRobustTestAccuracyCertified": certified.overall,
                                       "finalTestAccuracy": e.history.last!.testAccuracy ?? 0],
                    TheoremSetting.describe(config))
        }
        // "Ends robust" is decided on certified numbers; where that is not `holds`, the probe's attack
        // numbers decide whether the claim is refuted (Proofs page, "Phase II decided on certified numbers").
        let classCount = Double(Self.config(run.scale, seed: 1).data.classes)
        result.bracketByAttackNumbers(run, decision: Bound.level.fractionDecision) { t in
            Bound.phaseIIClasses.admits(t.values["classesWithPhaseII"]!, times: classCount)
                && Bound.phaseIClasses.admits(t.values["classesWithPhaseI"]!, times: classCount)
        }
        guard result.verdict != .outOfRegime else { return result }
        // The dynamics of the first seed, adversarial vs standard (the report's figure).
        let dynamics = try followingUp(run, stage: "dynamics", [Self.firstFreshSeed])[0]
        result.series.merge(dynamics.series) { $1 }
        result.measurements.merge(dynamics.values) { $1 }
        guard run.variant == .claim else { return result }
        // Failed at T: decided by the trend of the satisfying fraction in the training length
        // (Proofs/claims/AT.phaseTransition.md, "Trend in the training length").
        if result.verdict == .fails {
            let seeds = result.trials.map(\.seed)
            let steps = Double(Self.config(run.scale, seed: 1).optimizer.steps)
            var outcomes = [result.trials.map(\.satisfied)]
            for m in Self.lengthMultiples.dropFirst() {
                let values = try followingUp(run, stage: "trainingLength", seeds.map { Self.lengthUnit(multiple: m, seed: $0) }).map(\.values)
                outcomes.append(values.map { $0["satisfied"]! == 1 })
                result.measurements["trainingLength.\(m)T.classesWhereVStops"] = values.reduce(0) { $0 + $1["classesWhereVStops"]! }
            }
            result.verdict = result.trendOfFailedFraction("satisfiedVersusTrainingLength", x: "log₂ T",
                                                          levels: Self.lengthMultiples.map { log2(steps * Double($0)) }, outcomes: outcomes,
                                                          approaching: PredicateConstant.range(Bound.lengthTrend))
        }
        // The t* table: the confirmatory trials, then (exploring) each sweep point around at-phase
        // (−1: not every class switched).
        let sweepSeeds = run.explore ? Self.sweepSeeds[run.scale]! : 0
        let base = result.trials.map { $0.values["tStar"]! }
        var rows: [(String, [Double])] = [("confirmatory", base)]
        var regimeNotes: [String: String] = [:]  // exploratory sweep points outside the hypotheses
        if sweepSeeds > 0 {
            for (name, change) in Self.sweep {
                var probe = PhaseSetting.config(run.scale, seed: 1)
                change(&probe)
                let outside = try PhaseSetting.ledger([(name, probe)], introducedAfter: Self.seen).violated
                result.measurements["tStar.\(name).inRegime"] = outside.isEmpty ? 1 : 0
                if !outside.isEmpty { regimeNotes[name] = outside.map(\.description).joined(separator: "; ") }
                rows.append((name, try followingUp(run, stage: "tStar." + name, (1...UInt64(sweepSeeds)).map { $0 }).map { $0.values["tStar"]! }))
            }
        }
        var table: [String] = []
        for (name, values) in rows {
            result.series["tStar." + name] = values
            let switched = values.filter { $0 >= 0 }.sorted()
            result.measurements["tStar.\(name).switchedFraction"] = Double(switched.count) / Double(values.count)
            if !switched.isEmpty {
                let median = (switched[(switched.count - 1) / 2] + switched[switched.count / 2]) / 2
                result.measurements["tStar.\(name).median"] = median
                table.append("\(name): t* median \(median) [\(Int(switched.first!)), \(Int(switched.last!))], \(switched.count)/\(values.count) switched"
                             + (regimeNotes[name].map { " (exploratory, outside the hypotheses: \($0))" } ?? ""))
            } else {
                table.append("\(name): no seed switched (0/\(values.count))" + (regimeNotes[name].map { " (exploratory, outside the hypotheses: \($0))" } ?? ""))
            }
        }
        result.summary += "; t*: " + table.joined(separator: "; ")
        if run.explore {
            try addPhaseDiagram(&result, run)
        } else if Self.sweepSeeds[run.scale]! > 0 || Self.diagram.seeds[run.scale]! > 0 {
            result.summary += "; t* sweep and phase diagram (exploratory): not run (verify --explore)"
        }
        return result
    }

    /// Runs the exploratory phase diagram (with `run.explore`) into `result.series["phaseDiagram.…"]` (row-major over
    /// c × ε/β): the mean fraction of classes with Phase I and with Phase II, the fraction of seeds
    /// satisfying the predicate, and the fraction whose every class switched. Cells outside the
    /// hypotheses are measured too and flagged (`phaseDiagram.inRegime`).
    func addPhaseDiagram(_ result: inout ClaimResult, _ run: ClaimRun) throws {
        let seeds = Self.diagram.seeds[run.scale]!
        guard seeds > 0 else { return }
        var phaseI: [Double] = [], phaseII: [Double] = [], satisfied: [Double] = [], switched: [Double] = [], inRegime: [Double] = []
        let k = Double(PhaseSetting.config(run.scale, seed: 1).data.classes), n = Double(seeds)
        for cell in Self.diagramCells.indices {
            var inside = true
            for seed in 1...UInt64(seeds) {
                let violated = try PhaseSetting.ledger([("cell", Self.diagramConfig(run.scale, cell: cell, index: seed))], introducedAfter: Self.seen).violated
                inside = inside && violated.isEmpty
            }
            let units = try followingUp(run, stage: "diagram", (1...UInt64(seeds)).map { Self.diagramUnit(cell: cell, seed: $0) }).map(\.values)
            phaseI.append(units.map { $0["phaseI"]! / k }.reduce(0, +) / n)
            phaseII.append(units.map { $0["phaseII"]! / k }.reduce(0, +) / n)
            satisfied.append(units.map { $0["satisfied"]! }.reduce(0, +) / n)
            switched.append(Double(units.filter { $0["tStar"]! >= 0 }.count) / n)
            inRegime.append(inside ? 1 : 0)
        }
        result.series["phaseDiagram.cleanWeight"] = Self.diagram.cleanWeights
        result.series["phaseDiagram.epsilonOverBeta"] = Self.diagram.epsilonOverBeta
        result.series["phaseDiagram.phaseIFraction"] = phaseI
        result.series["phaseDiagram.phaseIIFraction"] = phaseII
        result.series["phaseDiagram.satisfiedFraction"] = satisfied
        result.series["phaseDiagram.switchedFraction"] = switched
        result.series["phaseDiagram.inRegime"] = inRegime
        let best = satisfied.indices.max { satisfied[$0] < satisfied[$1] }!
        let columns = Self.diagram.epsilonOverBeta.count
        result.summary += "; phase diagram (exploratory, \(seeds) seeds per cell): Phase I in "
            + String(format: "%.0f–%.0f%%", 100 * phaseI.min()!, 100 * phaseI.max()!) + " of classes; predicate on "
            + String(format: "%.0f%%", 100 * satisfied[best]) + " of seeds at best (c = \(Self.diagram.cleanWeights[best / columns]), ε/β = \(Self.diagram.epsilonOverBeta[best % columns]))"
    }
}
