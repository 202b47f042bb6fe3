import Engine
import Exact

/// EP.dataSeparation — real data are 2ε-separated in ℓ∞ at the usual ε: the hypothesis of the
/// Expressive Power theorems, measured exactly on the supplied data (the shipped digits by default)
/// beside the table of Yang et al. (2020) (Proofs/claims/EP.dataSeparation.md).
public struct DataSeparationClaim: Claim {
    public init() {}
    public let id = "EP.dataSeparation"
    public let paper = Paper.expressivePower
    public let source = "the separated-data hypothesis (A, B ⊂ [0,1]^d, d∞(A, B) ≥ 2ε), on real data as in Yang et al. (2020)"
    public let statement = "differently labelled images are ℓ∞-separated far above 2ε at the usual ε, train–train and test–train"
    public let predicate = "exact minimum ℓ∞ distance between differently labelled images ≥ 2ε, train–train and test–train, ε = 0.1 (digits, MNIST) or 0.031 (CIFAR), in every trial"
    public let counterfactual = "the same at ε = ε* + ½ grey level (just above the largest ε the measured minimum allows) must fail"
    public var readsData: Bool { true }

    /// The predicate's constants (Proofs/claims/EP.dataSeparation.md, "Pinned constants").
    enum Bound {
        static let digits = PredicateConstant("epsilon.digits", .equals, 0.1)
        static let mnist = PredicateConstant("epsilon.mnist", .equals, 0.1)
        static let cifar = PredicateConstant("epsilon.cifar", .equals, 0.031)
        static let separated = PredicateConstant("separationOverTwoEpsilon", .atLeast, 1)
        static let counterfactualStep = PredicateConstant("epsilonAboveLargest", .equals, 0.5, variant: .counterfactual)
    }
    public var constants: [PredicateConstant] { [Bound.digits, Bound.mnist, Bound.cifar, Bound.separated, Bound.counterfactualStep] }

    /// The table of Yang et al. (2020) as the paper quotes it: (ε, train–train, test–train).
    static let published: [String: (epsilon: Double, train: Double, test: Double)] = [
        "mnist": (0.1, 0.737, 0.812), "cifar10": (0.031, 0.212, 0.220), "svhn": (0.031, 0.094, 0.110),
    ]

    static func source(_ run: ClaimRun) throws -> String { run.data ?? "digits" }

    /// The data's description on the shipped digits (the published values are reported beside).
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        guard var config = try? RealDataConfig.describing("digits", field: "--data") else { return ["data": "unreadable"] }
        config.grouping = "none"
        return ["data": ClaimProtocol.setting(config), "seeds.otherData": "1 (the shipped split)"]
    }

    /// The data of one trial, all classes: the digits split by the seed, other sources as shipped.
    static func data(_ run: ClaimRun, seed: UInt64) throws -> (train: LabelledSamples, test: LabelledSamples, kind: String, config: RealDataConfig) {
        var config = try RealDataConfig.describing(try source(run), field: "--data")
        config.grouping = "none"
        let loaded = try LoadedData(config, binary: false, key: PRNGKey(seed: seed).child("EP.dataSeparation"), field: "--data ")
        return (loaded.trainSamples, loaded.testSamples, try DataSource(parsing: config.source, field: "--data").kind, config)
    }

    static func epsilon(_ kind: String) throws -> Rational {
        switch kind {
        case "digits": try Bound.digits.exactDecimal()
        case "mnist": try Bound.mnist.exactDecimal()
        case "cifar10", "cifar100": try Bound.cifar.exactDecimal()
        default: throw OutOfRegime("no usual ε is fixed for \(kind) data (digits, mnist, cifar10, cifar100)")
        }
    }

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let d = try Self.data(run, seed: 1)
        let unitCube = Hypothesis("points in the unit cube", statement: "A, B ⊂ [0,1]^d", PredicateConstant("max coordinate", .atMost, 1),
                                  origin: .paper, reason: "pixels p/scale: digits p/16, IDX and CIFAR p/255")
        let twoClasses = Hypothesis("two labelled sets", statement: "A and B non-empty", PredicateConstant("classes", .atLeast, 2),
                                    origin: .paper, reason: "a separation needs two labels")
        let largest = d.train.inputs.storage.max() ?? 0
        return Ledger([unitCube.check(largest, setting: d.config.source), twoClasses.check(Double(Set(d.train.labels).count), setting: d.config.source)])
    }

    /// Re-measures a reported pair by the definition, in rationals.
    static func verified(_ pair: LinfSeparation.Pair, _ result: LinfSeparation.Result, query: LabelledSamples, reference: LabelledSamples) throws -> Rational {
        let a = query.subset([pair.query]), b = reference.subset([pair.reference])
        guard a.labels != b.labels, let distance = LinfSeparation.minimumByDefinition(b, against: a), distance == result.separation else {
            throw ClaimError("LinfSeparation reported pair \(pair) at \(result.distance ?? -1)/\(result.scale), which the definition does not confirm")
        }
        return distance
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let kind = try DataSource(parsing: try Self.source(run), field: "--data").kind
        let seeds: [Scale: Int] = kind == "digits" ? [.smoke: 1, .standard: 5, .paper: 10] : [.smoke: 1, .standard: 1, .paper: 1]
        var result = try trials(run, seeds: seeds, decision: .everyTrial) { seed in
            let d = try Self.data(run, seed: seed)
            let trainTrain = LinfSeparation.minimum(d.train, parallelism: run.parallelism)
            let testTrain = LinfSeparation.minimum(d.train, against: d.test, parallelism: run.parallelism)
            guard let sTrain = trainTrain.separation, let sTest = testTrain.separation else { throw OutOfRegime("a set has one label only") }
            _ = try Self.verified(trainTrain.pairs[0], trainTrain, query: d.train, reference: d.train)
            _ = try Self.verified(testTrain.pairs[0], testTrain, query: d.test, reference: d.train)
            let largest = sTrain < sTest ? trainTrain.largestEpsilon! : testTrain.largestEpsilon!
            let epsilon = run.variant == .claim
                ? try Self.epsilon(d.kind)
                : largest + (try Bound.counterfactualStep.exactDecimal()) * (try Rational(1, trainTrain.scale))
            let twoEpsilon = epsilon * 2
            var values: [String: Double] = [
                "separationTrain": Double(sTrain), "separationTest": Double(sTest), "epsilon": Double(epsilon),
                "largestEpsilon": Double(largest), "separationOverTwoEpsilon": Double(try min(sTrain, sTest) / twoEpsilon),
                "pairsAtMinimumTrain": Double(trainTrain.pairs.count), "pairsAtMinimumTest": Double(testTrain.pairs.count),
                "comparedPairs": Double(trainTrain.comparedPairs + testTrain.comparedPairs),
                "trainImages": Double(d.train.count), "testImages": Double(d.test.count),
            ]
            for (side, r, query) in [("Train", trainTrain, d.train), ("Test", testTrain, d.test)] {
                let p = r.pairs[0]
                values["closestPair\(side).queryFileRow"] = Double(query.fileRow(p.query))
                values["closestPair\(side).referenceFileRow"] = Double(d.train.fileRow(p.reference))
                values["closestPair\(side).queryLabel"] = Double(query.labels[p.query])
                values["closestPair\(side).referenceLabel"] = Double(d.train.labels[p.reference])
            }
            if let paper = Self.published[d.kind] {
                (values["published.epsilon"], values["published.separationTrain"], values["published.separationTest"]) = (paper.epsilon, paper.train, paper.test)
            }
            let satisfied = sTrain >= twoEpsilon && sTest >= twoEpsilon
            return (satisfied, values,
                    "\(d.config.source): \(d.train.count) training + \(d.test.count) test images, d = \(d.config.dimension), ℓ∞, exact "
                        + "(s_train = \(sTrain), s_test = \(sTest) as rationals; ε = \(epsilon))")
        }
        if result.verdict != .outOfRegime {
            result.summary += "; " + (Self.published[kind].map { "Yang et al. (2020) report \(kind): ε = \($0.epsilon), train–train \($0.train), test–train \($0.test)" }
                ?? "Yang et al. (2020) report MNIST 0.737 / 0.812 (ε 0.1), CIFAR-10 0.212 / 0.220, SVHN 0.094 / 0.110 (ε 0.031)")
        }
        return result
    }
}
