import Foundation
import Testing
@testable import Engine

/// `ExperimentRun.run(_:continuing:)`: a run continued from the run of its first s₀ steps is the run
/// from step 0, bit for bit (weights, history), and a prefix that is not such a run is refused; and
/// the probes, which only observe a run.
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

    /// Probes observe: recording the history every 7 steps or only at the ends gives the same
    /// final weights and the same records at the steps both have.
    @Test func probesDoNotChangeTheRun() throws {
        let probed = Self.purification(steps: 40, startStep: 20, adversarial: true)
        var ends = probed
        ends.optimizer.probeEvery = 40
        let (a, b) = (try ExperimentRun.run(probed, parallelism: .serial), try ExperimentRun.run(ends, parallelism: .serial))
        #expect(a.final.parameters == b.final.parameters)
        #expect(b.history.map(\.step) == [0, 40])
        let same = a.history.filter { [0, 40].contains($0.step) } == b.history
        #expect(same, "the records at steps 0 and 40 differ")
        // A probe of the test points only: the same run and test records, no robust train accuracy.
        var testOnly = probed
        testOnly.robustness.trainSet = false
        let c = try ExperimentRun.run(testOnly, parallelism: .serial)
        #expect(c.final.parameters == a.final.parameters)
        #expect(c.history.map(\.robustTestAccuracy) == a.history.map(\.robustTestAccuracy))
        #expect(c.history.allSatisfy { $0.robustTrainAccuracy == nil } && a.history.allSatisfy { $0.robustTrainAccuracy != nil })
    }

    @Test func aProbeWrittenBeforeTrainSetExistedAttacksBothSets() throws {
        // A probe as written before the field existed: every field but `trainSet`.
        var fields = try #require(try JSONSerialization.jsonObject(
            with: JSONEncoder().encode(RobustnessProbe(epsilon: 0.3, attack: .fgm, samples: 50, trainSet: false))) as? [String: Any])
        #expect(fields.removeValue(forKey: "trainSet") as? Bool == false)
        let probe = try JSONDecoder().decode(RobustnessProbe.self, from: JSONSerialization.data(withJSONObject: fields))
        #expect(probe.trainSet && probe.samples == 50)
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
