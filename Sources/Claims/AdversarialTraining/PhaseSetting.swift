import Engine
import Foundation

/// The setting of the adversarial-training claims (Theorem 2, the phase transition, the targeted
/// attacks): the `at-phase` preset at one scale — patch data with denser non-robust features and
/// the non-robust-feature threat model (Proofs/adversarial-training.md) — and its runs.
/// The three claims share their runs (`RunMemo`).
enum PhaseSetting {
    /// `at-phase` at `scale` for `seed`; `adversarial: false` is the same run with standard training
    /// (same data, initialisation and probes).
    static func config(_ scale: Scale, seed: UInt64, adversarial: Bool = true) -> ExperimentConfig {
        var c = Presets.atPhase
        c.preset = adversarial ? "at-phase" : "at-phase-standard"
        c.seed = seed
        c.adversarialTraining.enabled = adversarial
        let (n, steps) = [Scale.smoke: (100, 1200), .standard: (200, 2000), .paper: (400, 3000)][scale]!
        c.data = patchData(c) { $0.trainSamples = n; $0.testSamples = 200 }
        c.optimizer.steps = steps
        return c
    }

    /// `config` with its patch-data fields changed by `change`.
    static func patchData(_ config: ExperimentConfig, _ change: (inout PatchStructuredConfig) -> Void) -> DataConfig {
        guard case var .patchStructured(data) = config.data else { preconditionFailure("the AT claims run on patch data") }
        change(&data)
        return .patchStructured(data)
    }

    /// Theorem 2's hypotheses (the data model and the network, as Theorem 1's) and the conditions of
    /// the non-robust-feature threat model, for the training attack and the probe alike.
    static func measures(introducedAfter: String?) -> [AdversarialTrainingHypotheses.Measure] {
        AdversarialTrainingHypotheses.model(introducedAfter: introducedAfter) + AdversarialTrainingHypotheses.threatModel()
    }

    /// The ledger over named configs.
    static func ledger(_ settings: [(name: String, setting: ExperimentConfig)], introducedAfter: String?) throws -> Ledger {
        try AdversarialTrainingHypotheses.ledger(measures(introducedAfter: introducedAfter), settings)
    }

    /// Throws `OutOfRegime` naming each hypothesis `config` violates.
    static func hypotheses(_ config: ExperimentConfig) throws {
        try ledger([(config.preset, config)], introducedAfter: nil).requireRegime()
    }

    /// The run of `config` (shared by the three claims, `RunMemo`).
    static func run(_ config: ExperimentConfig, parallelism: Parallelism) throws -> ExperimentRun {
        try RunMemo.run(config, parallelism: parallelism)
    }

    /// Class i's robust and non-robust correlations ρ_u,i, ρ_v,i (max over its neurons of
    /// ⟨w, u_i⟩, ⟨w, v_i⟩; unit features) for `weights`.
    static func correlations(_ run: ExperimentRun, _ weights: Matrix) -> (robust: [Double], nonRobust: [Double]) {
        let perClass = run.config.network.neuronsPerHead
        func features(_ name: String) -> Matrix { run.data.probeFeatures.first { $0.name == name }!.features }
        return (Probes.ownFeatureCorrelation(weights, features("robustCorrelation"), perClass: perClass),
                Probes.ownFeatureCorrelation(weights, features("nonRobustCorrelation"), perClass: perClass))
    }

    /// The fraction of `data` classified correctly at its clean inputs and under `attack` at ε
    /// (confined to `subspace` in every patch).
    static func robustAccuracy(_ run: ExperimentRun, _ model: TwoLayerNetwork, _ data: Dataset, epsilon: Double,
                               attack: AttackConfig, label: String, parallelism: Parallelism) -> Double {
        let robust = RobustAccuracy.robustSamples(model, data, epsilon: epsilon, attack: run.data.resolving(run.config.resolved(attack)), trainingLoss: run.config.loss.loss,
                                                  key: PRNGKey(seed: run.config.seed).child(label), parallelism: parallelism)
        return Double(robust.filter { $0 }.count) / Double(robust.count)
    }
}
