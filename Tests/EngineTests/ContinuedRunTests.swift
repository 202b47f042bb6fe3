import Testing
@testable import Engine

/// `ExperimentRun.run(_:continuing:)`: a run continued from the run of its first s₀ steps is the run
/// from step 0, bit for bit (weights, history), and a prefix that is not such a run is refused.
@Suite("Continued runs")
struct ContinuedRunTests {
    /// FP's shape, small: clean steps, then FGM adversarial training from `startStep`.
    static func purification(steps: Int, startStep: Int, adversarial: Bool, batchSize: Int? = nil) -> ExperimentConfig {
        var c = Presets.purification
        guard case var .sparseCoding(data) = c.data else { preconditionFailure() }
        data.dimension = 16
        data.atoms = 16
        data.trainSamples = 120
        data.testSamples = 40
        c.data = .sparseCoding(data)
        c.network.neuronsPerHead = 8
        c.optimizer.learningRate = 1
        c.optimizer.steps = steps
        c.optimizer.probeEvery = 7
        c.optimizer.batchSize = batchSize
        c.adversarialTraining.startStep = startStep
        c.adversarialTraining.enabled = adversarial
        c.robustness.samples = 40
        return c
    }

    static func expectSameBits(_ a: ExperimentRun, _ b: ExperimentRun) {
        let (sameWeights, sameHistory) = (a.final.parameters == b.final.parameters, a.history == b.history)
        #expect(sameWeights, "the final parameters differ")
        #expect(sameHistory, "the histories differ")
        #expect(a.history.map(\.step) == b.history.map(\.step))
    }

    @Test(arguments: [nil, 50] as [Int?])
    func anAdversarialRunContinuesItsCleanPrefix(batchSize: Int?) throws {
        // s₀ = 30 is not a multiple of probeEvery = 7: the prefix's record at s₀ is dropped.
        let full = Self.purification(steps: 60, startStep: 30, adversarial: true, batchSize: batchSize)
        var prefixConfig = Self.purification(steps: 30, startStep: 30, adversarial: false, batchSize: batchSize)
        prefixConfig.preset = "purification-clean"
        let prefix = try ExperimentRun.run(prefixConfig, parallelism: .serial)
        let continued = try ExperimentRun.run(full, continuing: prefix, parallelism: .serial)
        let scratch = try ExperimentRun.run(full, parallelism: .serial)
        Self.expectSameBits(continued, scratch)
        #expect(prefix.history.last!.step == 30 && !continued.history.contains { $0 == prefix.history.last! })
        #expect(continued.initial.parameters == scratch.initial.parameters)
    }

    @Test func aRunContinuesAShorterRunOfItself() throws {
        let full = Self.purification(steps: 50, startStep: 10, adversarial: true)
        let prefix = try ExperimentRun.run(Self.purification(steps: 21, startStep: 10, adversarial: true), parallelism: .serial)
        Self.expectSameBits(try ExperimentRun.run(full, continuing: prefix, parallelism: .serial),
                            try ExperimentRun.run(full, parallelism: .serial))
    }

    @Test func aPrefixThatIsNotTheRunsOwnIsRefused() throws {
        let full = Self.purification(steps: 60, startStep: 30, adversarial: true)
        // Clean for 40 steps, but the run is adversarial from step 30.
        let tooLong = try ExperimentRun.run(Self.purification(steps: 40, startStep: 30, adversarial: false), parallelism: .serial)
        // Another learning rate.
        var other = Self.purification(steps: 30, startStep: 30, adversarial: false)
        other.optimizer.learningRate = 2
        for prefix in [tooLong, try ExperimentRun.run(other, parallelism: .serial)] {
            #expect { try ExperimentRun.run(full, continuing: prefix, parallelism: .serial) } throws: { error in
                (error as? ConfigError)?.field == "continuing"
            }
        }
    }
}
