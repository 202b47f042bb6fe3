import Engine

/// FA.realImages — Figure 2 of Feature Averaging on real images: the binary classifier read off a
/// 10-class net (argmax → group) breaks at a larger radius than the net trained on the two groups,
/// decided on both sides of the truth (certified radii for the derived classifier, attacks for the
/// binary one; Proofs/claims/FA.realImages.md).
public struct RealImagesClaim: Claim {
    public init() {}
    public let id = "FA.realImages"
    public let paper = Paper.featureAveraging
    public let source = "Figure 2 (binary tasks from real images: 10-class net read as binary against the binary-trained net)"
    public let statement = "the classifier derived from a net trained on the 10 classes is more robust than the net trained on the two groups"
    public let predicate = "r_c = first ℓ2 radius where robust test accuracy ≤ 0.5; per seed proved when certified r_c(derived) > attacked r_c(binary); Wilson 95% lower bound of the proved fraction ≥ 0.5"
    public let counterfactual = "the derived classifier read by the wrong groups (parity) against 0–4/5–9 labels must fail"
    public var readsData: Bool { true }

    /// The predicate's constants (Proofs/claims/FA.realImages.md, "Pinned constants").
    enum Bound {
        static let level = PredicateConstant("criticalRadius.robustAccuracyLevel", .equals, 0.5)
        static let fraction = PredicateConstant("fractionOfSeedsProved", .atLeast, 0.5)
        static let trainAccuracy = PredicateConstant("trainAccuracy", .atLeast, 0.9)
        static let counterfactualGrouping = PredicateConstant("derivedGrouping.parity", .equals, 1, variant: .counterfactual)
    }
    public var constants: [PredicateConstant] { [Bound.level, Bound.fraction, Bound.trainAccuracy, Bound.counterfactualGrouping] }

    /// The official pretrained-feature numbers (Figure 2's code, CIFAR-10 ResNet-18 features): ℓ2
    /// robust accuracy (%) at ε = 0, 0.2, …, 2.0 of the 10-class net read as binary and the 2-class net.
    static let official = (radii: stride(from: 0.0, through: 2.0, by: 0.2).map { $0 },
                           derived: [97.03, 92.22, 83.16, 73.86, 65.21, 57.89, 52.22, 47.73, 43.91, 40.75, 37.59],
                           binary: [97.11, 92.85, 84.02, 73.5, 62.67, 53.36, 45.46, 39.08, 33.79, 29.44, 25.12])

    /// The attack on the binary net (the derived classifier's: the same on its own loss).
    static func attack(_ norm: AttackConfig.Norm) -> AttackConfig {
        AttackConfig(norm: norm, steps: 20, stepSizeFactor: 0.25, start: .ball, restarts: 3, objective: .margin)
    }

    /// Both nets' configs on the shipped digits (seed 0; the units carry it), the grids and attacks.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        guard let (binary, classes) = try? Self.configs(ClaimRun(scale: scale), seed: 0) else { return ["configs": "unreadable"] }
        return ["binary": ClaimProtocol.setting(binary), "classes": ClaimProtocol.setting(classes),
                "grouping.claim": "0-4/5-9", "grouping.counterfactual": "parity",
                "radii.l2": ClaimProtocol.setting(Self.radiiL2), "radii.linf": ClaimProtocol.setting(Self.radiiLinf),
                "attack.l2": ClaimProtocol.setting(Self.attack(.l2)), "attack.linf": ClaimProtocol.setting(Self.attack(.linf))]
    }

    static let radiiL2 = (0...40).map { Double($0) / 10 }
    static let radiiLinf = (0...40).map { Double($0) / 100 }

    /// The two nets' configs for one seed: the digits presets, or their heads on `--data`.
    static func configs(_ run: ClaimRun, seed: UInt64) throws -> (binary: ExperimentConfig, classes: ExperimentConfig) {
        var binary = Presets.digits, classes = Presets.digitsClasses
        var data = RealDataConfig(trainSamples: run.scale == .smoke ? 600 : 0, testSamples: run.scale == .smoke ? 300 : 597)
        if let source = run.data, !source.hasPrefix("digits") {
            // Other images or embeddings: their official split, subsampled by the seed to at most
            // 10,000 training and 1,000 test images (2,000 / 500 at smoke) — full-batch GD on 2 cores.
            data = try RealDataConfig.describing(source, field: "--data")
            let (train, test) = try DataSource(parsing: source, field: "--data").load()
            let (most, mostTest) = run.scale == .smoke ? (2000, 500) : (10_000, 1000)
            data.trainSamples = train.count > most ? most : 0
            data.testSamples = test == nil ? min(mostTest, train.count / 3) : (test!.count > mostTest ? mostTest : 0)
        } else if let source = run.data {
            data.source = source
        }
        data.grouping = "0-4/5-9"
        // W ~ N(0, 1/d) at any width (the presets' 1/64 for the digits).
        binary.network.weightInitStd = 1 / Double(data.dimension).squareRoot()
        classes.network.weightInitStd = binary.network.weightInitStd
        binary.data = .real(data)
        classes.data = .real(data)
        let steps = run.scale == .smoke ? 500 : 1000
        (binary.seed, classes.seed, binary.optimizer.steps, classes.optimizer.steps) = (seed, seed, steps, steps)
        (binary.optimizer.probeEvery, classes.optimizer.probeEvery) = (steps, steps)
        return (binary, classes)
    }

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let (binary, classes) = try Self.configs(run, seed: 1)
        let fits = Hypothesis("trained nets", statement: "the theorem speaks of nets trained to fit their data",
                              Bound.trainAccuracy, origin: .instantiation, reason: "both nets fit their training images (Proofs page)")
        return Ledger(try [binary, classes].map { config in
            let trained = try RunMemo.run(config, parallelism: run.parallelism)
            return fits.check(trained.final.accuracy(trained.train, run.parallelism), setting: "\(config.preset), seed 1")
        })
    }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("criticalRadiusDerivedCertified", .certified, decides: .robust, how: "linear bounds: clean top class beats the other group"),
         RobustnessEvidence("criticalRadiusBinaryAttack", .attack, decides: .broken, how: "ℓ2 PGD on the margin, 20 steps, 3 restarts"),
         RobustnessEvidence("criticalRadiusDerivedAttack", .attack, decides: .nothing, how: "reported beside (attack-side bracket)"),
         RobustnessEvidence("criticalRadiusBinaryCertified", .certified, decides: .nothing, how: "reported beside (refutation side)")]
            + [("Binary", "Attack", RadiusBracket.Side.attack), ("Binary", "Certified", .certified), ("Derived", "Attack", .attack), ("Derived", "Certified", .certified)].map {
                RobustnessEvidence("criticalRadius\($0.0)\($0.1)Linf", $0.2, decides: .nothing, how: "ℓ∞, reported beside (the predicate is ℓ2)")
            }
    }

    /// The first grid radius where the robust fraction is ≤ the level (∞ when none is).
    static func critical(_ fractions: [Double], _ radii: [Double]) -> Double {
        fractions.firstIndex { $0 <= Bound.level.bound }.map { radii[$0] } ?? .infinity
    }

    /// Robust-accuracy curves of one model in one norm: from below (certified radii) and from above
    /// (the worst of the attacks on each image, monotone in the radius).
    struct Curves {
        var certified: [Double]
        var attacked: [Double]
    }

    static func curves<M: DifferentiableModel>(_ attacked: [M], _ data: Dataset, certifiedRadii: [Double], correct: [Bool], radii: [Double],
                                               norm: AttackConfig.Norm, loss: any Loss, key: PRNGKey, run: ClaimRun) -> Curves {
        let attack = Self.attack(norm)
        var breaks = [Double](repeating: .infinity, count: data.count)
        for (index, model) in attacked.enumerated() {
            let objective: AttackConfig = index == 0 ? attack : {
                var a = attack
                a.objective = .modelLoss
                return a
            }()
            let found = RobustAccuracy.curveAndBreaks(model, data, radii: radii, attack: objective, trainingLoss: loss,
                                                      key: key.child(UInt64(index)), parallelism: run.parallelism).breaks
            for i in 0..<data.count { breaks[i] = min(breaks[i], found[i] ?? .infinity) }
        }
        let n = Double(data.count)
        return Curves(certified: radii.map { r in Double(certifiedRadii.indices.filter { correct[$0] && certifiedRadii[$0] >= r }.count) / n },
                      attacked: radii.map { r in Double(breaks.filter { $0 > r }.count) / n })
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let decision = Decision.fraction(level: Bound.fraction.bound)
        let seeds = run.seedList([.smoke: 5, .standard: 10, .paper: 20])
        var (result, curves) = try trials(run, instances: seeds, decision: decision) { seed in
            var figures: [String: [Double]] = [:]  // the first seed's curves and cosines (the report's figures)
            let (binaryConfig, classesConfig) = try Self.configs(run, seed: seed)
            let binary = try RunMemo.run(binaryConfig, parallelism: run.parallelism)
            let classes = try RunMemo.run(classesConfig, parallelism: run.parallelism)
            guard case let .real(data) = binaryConfig.data else { throw ClaimError("FA.realImages needs real data") }
            let kept = data.taskClasses
            let grouping = try ClassGrouping(parsing: run.variant == .claim ? "0-4/5-9" : "parity", classes: kept, field: "grouping")
            let (positive, negative) = grouping.groups!
            let derived = GroupedClassifier(classes.final, positive: positive, negative: negative)
            var official = derived
            official.surface = .summedProbabilities
            // The derived classifier's test set: the binary labels as group indices (+1 → 0, −1 → 1).
            var groupTest = binary.test
            groupTest.labels = binary.test.labels.map { $0 == 1 ? 0 : 1 }
            let key = PRNGKey(seed: seed).child(id)
            var values: [String: Double] = [
                "trainAccuracyBinary": binary.final.accuracy(binary.train, run.parallelism),
                "trainAccuracyClasses": classes.final.accuracy(classes.train, run.parallelism),
                "testAccuracyBinary": binary.final.accuracy(binary.test, run.parallelism),
                "testAccuracyDerived": derived.accuracy(groupTest, run.parallelism),
                "testImages": Double(binary.test.count), "trainImages": Double(binary.train.count),
            ]
            var bounds: [String: Double] = [:]
            for (norm, radii, suffix) in [(AttackConfig.Norm.l2, Self.radiiL2, ""), (.linf, Self.radiiLinf, "Linf")] {
                let binaryCorrect = zip(binary.final.predictions(binary.test.inputs, run.parallelism), binary.test.labels).map { $0 == $1 }
                let derivedCorrect = zip(derived.predictions(groupTest.inputs, run.parallelism), groupTest.labels).map { $0 == $1 }
                let b = Self.curves([binary.final], binary.test,
                                    certifiedRadii: LinearBoundCertificate.certifiedRadii(binary.final, binary.test, basis: nil, norm: norm, grid: radii, parallelism: run.parallelism),
                                    correct: binaryCorrect, radii: radii, norm: norm, loss: LogisticLoss(), key: key.child("binary" + suffix), run: run)
                let g = Self.curves([derived, official], groupTest, certifiedRadii: derived.certifiedRadii(groupTest, norm: norm, grid: radii, parallelism: run.parallelism),
                                    correct: derivedCorrect, radii: radii, norm: norm, loss: CrossEntropyLoss(), key: key.child("derived" + suffix), run: run)
                for (name, curves) in [("Binary", b), ("Derived", g)] {
                    bounds["criticalRadius\(name)Certified\(suffix)"] = Self.critical(curves.certified, radii)
                    bounds["criticalRadius\(name)Attack\(suffix)"] = Self.critical(curves.attacked, radii)
                    if seed == 1 {
                        figures["radii" + suffix] = radii
                        figures["monotoneRobustAccuracy\(suffix).\(name.lowercased()) attacked"] = curves.attacked
                        figures["monotoneRobustAccuracy\(suffix).\(name.lowercased()) certified"] = curves.certified
                    }
                }
            }
            if seed == 1 {
                let means = (try LoadedData(data, binary: false, key: PRNGKey(seed: seed).child("data"))).classMeans
                figures["cosine.binary"] = Probes.cosines(binary.final.weights, means).storage
                figures["cosine.10-class"] = Probes.cosines(classes.final.weights, means).storage
                figures["cosineColumns"] = [Double(means.rows)]
            }
            values.merge(bounds) { a, _ in a }
            let proved = bounds["criticalRadiusDerivedCertified"]! > bounds["criticalRadiusBinaryAttack"]!
            values["proved"] = proved ? 1 : 0
            values["refuted"] = bounds["criticalRadiusDerivedAttack"]! <= bounds["criticalRadiusBinaryCertified"]! ? 1 : 0
            return (proved, values, "\(data.source), seed \(seed): \(binary.train.count) training + \(binary.test.count) test images, "
                        + "binary net (50 per sign) vs 10-class net (3 per class) read by \(grouping)", figures)
        }
        var figures = curves[1] ?? [:]
        result.series = figures
        result.bracketByAttackNumbers(run, decision: decision) { $0.values["criticalRadiusDerivedAttack"]! > $0.values["criticalRadiusBinaryAttack"]! }
        if run.data != nil {
            figures["published.radii"] = Self.official.radii
            figures["published.2-class net (CIFAR-10 ResNet-18 features)"] = Self.official.binary
            figures["published.10-class net read as binary (CIFAR-10 ResNet-18 features)"] = Self.official.derived
            result.series = figures
        }
        if run.data != nil, result.verdict != .outOfRegime {
            result.summary += "; official (CIFAR-10 ResNet-18 features, ℓ2 ε = 0 … 2): 10-class read as binary "
                + Self.official.derived.map { String($0) }.joined(separator: ", ") + " % vs 2-class " + Self.official.binary.map { String($0) }.joined(separator: ", ") + " %"
        }
        return result
    }
}
