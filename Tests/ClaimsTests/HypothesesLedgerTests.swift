import Engine
import Foundation
import Testing
@testable import Claims

/// The hypotheses ledger: every claim's settings are checked against the theorem's hypotheses; each
/// condition is decided just inside and just outside its boundary on a config moved only in the
/// quantity it reads; a violated row makes the verdict `outOfRegime` naming it, before anything runs.
@Suite("Hypotheses ledger")
struct HypothesesLedgerTests {
    /// The names of the rows a single config violates.
    static func violated<M>(_ measures: [(Hypothesis, (M) throws -> Double)], _ setting: M) throws -> [String] {
        try Ledger.worstCase(measures, over: [("probe", setting)]).violated.map(\.hypothesis.name)
    }

    /// Every claim's confirmatory settings lie inside its theorem's hypotheses at smoke and at
    /// standard (the ledger is cheap: it reads configs and features, it trains nothing).
    @Test(arguments: [Scale.smoke, .standard])
    func everyClaimsSettingsAreInRegime(scale: Scale) throws {
        for claim in ClaimRegistry.all {
            let ledger = try claim.ledger(ClaimRun(scale: scale))
            #expect(!ledger.checks.isEmpty, "\(claim.id) has an empty ledger")
            #expect(ledger.violated.isEmpty, "\(claim.id) at \(scale): \(ledger.violated.map(\.description))")
            for row in ledger.checks where row.hypothesis.origin == .instantiation {
                #expect(!row.hypothesis.reason.isEmpty, "\(claim.id): \(row.hypothesis.name) has no reason for its constant")
            }
        }
    }

    // MARK: Feature Averaging

    @Test func featureAveragingConditionsAtTheirBoundaries() throws {
        let measures = FeatureAveragingHypotheses.data(introducedAfter: nil) + FeatureAveragingHypotheses.training(introducedAfter: nil)
        let base = FeatureAveragingClaim.base(.smoke).config(seed: 1)  // d = 128, k = 4
        #expect(try Self.violated(measures, base).isEmpty)
        func moved(_ change: (inout ExperimentConfig) -> Void) -> ExperimentConfig { var c = base; change(&c); return c }
        func data(_ change: @escaping (inout MultiClusterConfig) -> Void) -> ExperimentConfig {
            moved { c in
                guard case var .multiCluster(d) = c.data else { return }
                change(&d)
                c.data = .multiCluster(d)
            }
        }
        let d = 128.0
        let cases: [(String, inside: ExperimentConfig, outside: ExperimentConfig)] = [
            ("noise of order one (lower end)", data { $0.noise = 0.25 }, data { $0.noise = 0.25.nextDown }),
            ("noise of order one (upper end)", data { $0.noise = 4 }, data { $0.noise = 4.nextUp }),
            ("initialisation scale", moved { $0.network.weightInitStd = 1 / d.squareRoot() }, moved { $0.network.weightInitStd = 1.001 / d.squareRoot() }),
            ("bias initialisation scale", moved { $0.network.biasInitStd = 1 / d }, moved { $0.network.biasInitStd = 1.001 / d }),
            ("step size (lower end)", moved { $0.optimizer.learningRate = 0.25 / d.squareRoot() }, moved { $0.optimizer.learningRate = 0.2499 / d.squareRoot() }),
            ("step size (upper end)", moved { $0.optimizer.learningRate = 4 / d.squareRoot() }, moved { $0.optimizer.learningRate = 4.001 / d.squareRoot() }),
            ("training length", moved { $0.optimizer.steps = 128 }, moved { $0.optimizer.steps = 127 }),
            ("balanced classes", data { $0.clusters = 3; $0.positiveClusters = 1 }, data { $0.clusters = 5; $0.positiveClusters = 1 }),
        ]
        for (name, inside, outside) in cases {
            #expect(!(try Self.violated(measures, inside)).contains(name), "\(name) just inside")
            #expect(try Self.violated(measures, outside) == [name], "\(name) just outside")
        }
        // Orthogonality and the norm: exact for Hadamard features, to rounding for a QR frame.
        let qr = data { $0.features = .qr; $0.dimension = 96 }
        #expect(try Self.violated(measures, qr).isEmpty)
        let rows = try Ledger.worstCase(measures, over: [("qr", qr)]).checks
        #expect(rows.first { $0.hypothesis.name == "orthogonal features" }!.value < 1e-14)
    }

    // MARK: Adversarial Training

    @Test func adversarialTrainingConditionsAtTheirBoundaries() throws {
        let measures = PhaseSetting.measures(introducedAfter: nil)
        let base = PhaseSetting.config(.smoke, seed: 1)  // α = 1, β = 0.5, |J_R| = 1, |J_NR| = 31, q = 3, ε = 0.75
        #expect(try Self.violated(measures, base).isEmpty)
        func patch(_ change: @escaping (inout PatchStructuredConfig) -> Void) -> ExperimentConfig {
            var c = base
            c.data = PhaseSetting.patchData(c, change)
            return c
        }
        func moved(_ change: (inout ExperimentConfig) -> Void) -> ExperimentConfig { var c = base; change(&c); return c }
        let cases: [(String, inside: ExperimentConfig, outside: ExperimentConfig)] = [
            // Σβ³/Σα³ = N·0.125: 16 non-robust patches give exactly 2, 15 give 1.875.
            ("non-robust features denser", patch { $0.patches = 17; $0.nonRobustPatches = 16 }, patch { $0.patches = 16; $0.nonRobustPatches = 15 }),
            ("robust features stronger", patch { $0.alpha = .constant(1) }, patch { $0.alpha = .constant(0.999); $0.nonRobustPatches = 31 }),
            ("training radius erases v", moved { $0.adversarialTraining.epsilon = 0.5 }, moved { $0.adversarialTraining.epsilon = 0.5.nextDown }),
            ("probe radius erases v", moved { $0.robustness.epsilon = 0.5 }, moved { $0.robustness.epsilon = 0.5.nextDown }),
            ("training attack within span{v}", base, moved { $0.adversarialTraining.attack.subspace = .full }),
            ("smoothed-ReLU network", base, moved { $0.network.activation = .relu }),
        ]
        for (name, inside, outside) in cases {
            #expect(!(try Self.violated(measures, inside)).contains(name), "\(name) just inside")
            let outsideRows = try Self.violated(measures, outside)
            #expect(outsideRows.contains(name), "\(name) just outside: \(outsideRows)")
        }
        // d ≥ 2k: the orthonormal family needs 2k dimensions.
        #expect(!(try Self.violated(measures, patch { $0.dimension = 8; $0.classes = 4 })).contains("orthonormal features"))
        #expect(try Self.violated(measures, patch { $0.dimension = 7; $0.classes = 4 }).contains("orthonormal features"))
    }

    // MARK: Feature Purification

    @Test func purificationConditionsAtTheirBoundaries() throws {
        let measures = PurificationSetting.measures
        let base = PurificationSetting.config(.smoke, seed: 1, adversarial: true)
        #expect(try Self.violated(measures, base).isEmpty)
        func sparse(_ change: @escaping (inout SparseCodingConfig) -> Void) -> ExperimentConfig {
            var c = base
            if case var .sparseCoding(d) = c.data { change(&d); c.data = .sparseCoding(d) }
            return c
        }
        func threshold(_ b: Double) -> ExperimentConfig { var c = base; c.network.activation = .softThreshold(b: b); return c }
        let cases: [(String, inside: ExperimentConfig, outside: ExperimentConfig)] = [
            ("sparse codes", sparse { $0.atoms = 64; $0.sparsity = 8 }, sparse { $0.atoms = 64; $0.sparsity = 9 }),
            ("dense margin below the radius", sparse { $0.atoms = 12; $0.sparsity = 1 }, sparse { $0.atoms = 11; $0.sparsity = 1 }),
            ("threshold above the radius", threshold(0.3.nextUp), threshold(0.3)),
        ]
        for (name, inside, outside) in cases {
            #expect(!(try Self.violated(measures, inside)).contains(name), "\(name) just inside")
            #expect(try Self.violated(measures, outside).contains(name), "\(name) just outside")
        }
    }

    // MARK: Expressive Power

    @Test func expressivePowerRadiusRowAndItsDroppedCounterfactual() throws {
        let claim = MemorizationNetworkClaim()
        let rows = try claim.ledger(ClaimRun(scale: .smoke)).checks
        #expect(rows.map(\.hypothesis.name) == ["2ε-separated data", "radius below ε"])
        #expect(rows[1].value == 0.99 && rows[1].satisfied)
        #expect(rows[0].value >= 1)
        // The counterfactual drops δ < ε on purpose (δ = ε), so its ledger has no such row.
        #expect(try claim.ledger(ClaimRun(scale: .smoke, variant: .counterfactual)).checks.map(\.hypothesis.name) == ["2ε-separated data"])
        let radius = rows[1].hypothesis
        #expect(radius.check(1.0.nextDown, setting: "").satisfied && !radius.check(1, setting: "").satisfied)
    }

    // MARK: The mechanism

    /// A claim whose ledger is violated is `outOfRegime`, names the hypothesis, carries the ledger,
    /// and measures nothing.
    struct OutsideClaim: Claim {
        let id = "TEST.outside", paper = Paper.featureAveraging, source = "test", statement = "test", predicate = "x ≥ 0", counterfactual = "x < 0"
        var constants: [PredicateConstant] { [] }
        let measured: @Sendable () -> Void
        func ledger(_ run: ClaimRun) throws -> Ledger {
            let h = Hypothesis("large d", statement: "d sufficiently large", PredicateConstant("d", .atLeast, 64), origin: .instantiation,
                               reason: "test", introducedAfter: "a test verdict")
            return Ledger([h.check(32, setting: "d = 32")])
        }
        func check(_ run: ClaimRun) throws -> ClaimResult {
            try trials(run, seeds: [.smoke: 3], decision: .everyTrial) { _ in measured(); return (true, [:], "") }
        }
    }

    @Test func aViolatedHypothesisIsOutOfRegimeBeforeAnythingRuns() throws {
        final class Counter: @unchecked Sendable { var count = 0 }
        let counter = Counter()
        let result = try OutsideClaim(measured: { counter.count += 1 }).check(ClaimRun(scale: .smoke))
        #expect(result.verdict == .outOfRegime)
        #expect(result.summary.contains("large d: d = 32 (needs ≥ 64) in d = 32"))
        #expect(result.ledger.violated.count == 1)
        #expect(result.ledger.checks[0].provenance == "instantiation; introduced after: a test verdict")
        #expect(counter.count == 0)
    }

    /// Every origin an author may give reads back from JSON and is what the report's provenance
    /// column shows — an assumption the check adds is visible as one.
    @Test func everyOriginIsShownAndReadsBack() throws {
        #expect(Hypothesis.Origin.allCases.map(\.rawValue) == ["paper", "instantiation", "definition", "assumption"])
        for origin in Hypothesis.Origin.allCases {
            let row = Hypothesis("h", statement: "", PredicateConstant("x", .above, 0), origin: origin, reason: "why").check(1, setting: "s")
            #expect(row.provenance == origin.rawValue)
            let back = try JSONDecoder().decode(Hypothesis.Origin.self, from: JSONEncoder().encode(origin))
            #expect(back == origin)
        }
    }

    /// The worst-case row names the setting that decides it.
    @Test func theWorstSettingDecidesTheRow() throws {
        let h = Hypothesis("h", statement: "", PredicateConstant("x", .atMost, 1), origin: .paper, reason: "")
        let ledger = try Ledger.worstCase([(h, { (x: Double) in x })], over: [("a", 0.5), ("b", 2), ("c", 0.9)])
        #expect(ledger.checks.count == 1 && ledger.checks[0].setting == "b" && !ledger.checks[0].satisfied)
        let inside = try Ledger.worstCase([(h, { (x: Double) in x })], over: [("a", 0.5), ("c", 0.9)])
        #expect(inside.checks[0].setting == "c" && inside.checks[0].satisfied)
    }
}
