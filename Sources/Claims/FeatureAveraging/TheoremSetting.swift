import Engine
import Foundation

/// The Feature Averaging theorem's setting (Proofs/feature-averaging.md) at one size: D_binary with Hadamard
/// features (exactly orthogonal, ‖μ_j‖ = √d), σ = 1, balanced clusters with J₊ the first k/2; 2m
/// ReLU neurons with a = ±1/m, W ~ N(0, I/d), b ~ N(0, 1/d²); logistic loss; full-batch GD with
/// η = 1/√d for T steps.
struct TheoremSetting: Codable, Sendable {
    var dimension: Int
    var clusters: Int
    var trainSamples: Int
    var testSamples: Int
    var neuronsPerSign: Int
    var steps: Int
    /// nil: the paper's stated W ~ N(0, I/d), b ~ N(0, 1/d²); else the official code's small init
    /// W ~ N(0, smallInit²), b = 0.
    var smallInit: Double? = nil

    func config(seed: UInt64, probeEvery: Int? = nil) -> ExperimentConfig {
        let d = Double(dimension)
        return ExperimentConfig(
            preset: "fa-theorem", seed: seed, task: .binary,
            data: .multiCluster(MultiClusterConfig(dimension: dimension, clusters: clusters, positiveClusters: clusters / 2,
                                                   trainSamples: trainSamples, testSamples: testSamples, noise: 1,
                                                   features: .hadamard, sampling: .balanced)),
            network: .init(neuronsPerHead: neuronsPerSign, secondLayerScale: 1 / Double(neuronsPerSign),
                           weightInitStd: smallInit ?? 1 / d.squareRoot(), biasInitStd: smallInit == nil ? 1 / d : 0),
            loss: .logistic, optimizer: GradientDescent(learningRate: 1 / d.squareRoot(), steps: steps, probeEvery: probeEvery ?? max(steps, 1)))
    }

    /// The config as JSON (for counterexamples).
    static func describe(_ config: ExperimentConfig) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(config), as: UTF8.self)) ?? config.preset
    }
}
