import Testing
@testable import Engine

/// Adversarial training (Proofs/robustness.md, "Adversarial training").
@Suite("Adversarial training")
struct AdversarialTrainingTests {
    /// The binary linear model f = ⟨v, x⟩ + c₀ (identity activation, one neuron per sign, head ±s)
    /// on Gaussian data.
    static func linearProblem(seed: UInt64, d: Int = 12, n: Int = 16) -> (TwoLayerNetwork, Dataset) {
        var s = PRNGKey(seed: seed).child("data").stream
        let network = TwoLayerNetwork.initialized(inputDimension: d, head: .binary(neuronsPerSign: 1, scale: 0.5), weightStd: 1,
                                                  biasStd: 0.5, activation: .identity, key: PRNGKey(seed: seed).child("net"))
        let x = Matrix(rows: n, columns: d, storage: (0..<(n * d)).map { _ in s.gaussian() })
        return (network, Dataset(inputs: x, labels: (0..<n).map { _ in s.next() % 2 == 0 ? 1 : -1 }))
    }

    /// ∇_θ of c·mean softplus(−y f) + (1 − c)·mean softplus(ε‖v‖ − y f) (the closed form).
    static func closedFormGradient(_ net: TwoLayerNetwork, _ data: Dataset, epsilon: Double, cleanWeight c: Double) -> [Double] {
        let d = net.inputDimension, s = net.head.coefficient[0]
        let v = (0..<d).map { s * (net.weights[0, $0] - net.weights[1, $0]) }
        let c0 = s * (net.biases[0] - net.biases[1])
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var gv = [Double](repeating: 0, count: d), gc = 0.0
        let n = Double(data.count)
        for i in 0..<data.count {
            let y = Double(data.labels[i])
            let f = (0..<d).reduce(c0) { $0 + v[$1] * data.inputs[i, $1] }
            for (weight, radius) in [(c, 0.0), (1 - c, epsilon)] where weight > 0 {
                let slope = weight * StableMath.sigmoid(radius * norm - y * f) / n
                for t in 0..<d { gv[t] += slope * (radius * v[t] / norm - y * data.inputs[i, t]) }
                gc += slope * -y
            }
        }
        return gv.map { s * $0 } + gv.map { -s * $0 } + [s * gc, -s * gc]
    }

    static func relativeDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max()! / b.map(abs).max()!
    }

    /// One FGM adversarial-training gradient of a linear model is the gradient of the closed-form
    /// robust loss (to 1e-12 relative), and the closed form at 1.01·ε is rejected (counterfactual).
    @Test(arguments: [0.0, 0.5])
    func fgmTrainingOfALinearModelFollowsTheClosedFormRobustLoss(cleanWeight: Double) {
        for seed: UInt64 in 1...6 {
            let (net, data) = Self.linearProblem(seed: seed)
            let epsilon = 0.3 * Double(seed)
            let at = AdversarialTraining(enabled: true, epsilon: epsilon, attack: .fgm, cleanWeight: cleanWeight)
            let engine = at.lossAndGradient(net, data, loss: LogisticLoss(), key: PRNGKey(seed: seed), parallelism: .serial).gradient
            let exact = Self.closedFormGradient(net, data, epsilon: epsilon, cleanWeight: cleanWeight)
            #expect(Self.relativeDistance(engine, exact) <= 1e-12, "seed \(seed): \(Self.relativeDistance(engine, exact))")
            let wrong = Self.closedFormGradient(net, data, epsilon: 1.01 * epsilon, cleanWeight: cleanWeight)
            #expect(Self.relativeDistance(engine, wrong) > 1e-6, "seed \(seed): a 1% wrong radius must be caught")
        }
    }

    /// With ε = 0 the attack is the identity, so adversarial training is standard primal GD, bit for
    /// bit, for every model family.
    @Test(arguments: [ModelKind.binaryReLU, .perClassReLU, .patchCNN, .linear])
    func zeroRadiusAdversarialTrainingIsStandardTraining(kind: ModelKind) throws {
        let problem = SmallProblem.make(seed: 5, kind: kind)
        let loss: any Loss = problem.network.outputs == 1 ? LogisticLoss() : CrossEntropyLoss()
        let gd = GradientDescent(learningRate: 0.05, steps: 12, probeEvery: 4, algorithm: .primal)
        var standard = problem.network, adversarial = problem.network
        let plain = try gd.train(&standard, on: problem.data, loss: loss)
        let trained = try gd.train(&adversarial, on: problem.data, loss: loss,
                                   adversary: AdversarialTraining(enabled: true, epsilon: 0, attack: .faPaper))
        #expect(adversarial.parameters == standard.parameters)
        #expect(trained == plain)
    }

    /// A whole adversarial-training run with a robustness probe is the same for any thread count;
    /// robust accuracy never exceeds clean accuracy; the decomposition is not tracked.
    @Test func adversarialRunsAreDeterministicAndRecordRobustAccuracy() throws {
        var config = Presets.atSmallAdversarial
        config.optimizer.steps = 6
        config.optimizer.probeEvery = 3
        config.data = .patchStructured({
            guard case var .patchStructured(p) = config.data else { fatalError() }
            p.trainSamples = 24
            p.testSamples = 24
            return p
        }())
        config.adversarialTraining.attack = AttackConfig(norm: .l2, steps: 2, stepSizeFactor: 0.5, start: .ball, restarts: 2)
        let one = try ExperimentRun.run(config, parallelism: Parallelism(threads: 1))
        let three = try ExperimentRun.run(config, parallelism: Parallelism(threads: 3))
        #expect(one.final == three.final)
        #expect(one.history == three.history)
        #expect(one.decomposition == nil)
        #expect(one.history.map(\.step) == [0, 3, 6])
        for record in one.history {
            let robustTrain = try #require(record.robustTrainAccuracy), robustTest = try #require(record.robustTestAccuracy)
            #expect(robustTrain <= record.trainAccuracy && robustTest <= record.testAccuracy!)
        }
        // The training attack moved the weights away from those of standard training.
        config.adversarialTraining.enabled = false
        #expect(try ExperimentRun.run(config, parallelism: .serial).final != one.final)
    }

    @Test func invalidAdversarialConfigurationsNameTheField() {
        for (key, value, field) in [("adversarialTraining.epsilon", "-1", "adversarialTraining.epsilon"),
                                    ("adversarialTraining.cleanWeight", "1.5", "adversarialTraining.cleanWeight"),
                                    ("adversarialTraining.attack.steps", "-2", "adversarialTraining.attack.steps"),
                                    ("robustness.samples", "0", "robustness.samples"),
                                    ("robustness.attack.patchDimension", "7", "robustness.attack.patchDimension"),
                                    ("adversarialTraining.attack.subspace", "nonrobust", "adversarialTraining.attack.subspace")] {
            #expect { try ConfigResolution.resolve(preset: "at-small-adversarial", overrides: ["\(key)=\(value)"]) } throws: { error in
                (error as? ConfigError)?.field == field
            }
        }
        // Enum fields list what they accept.
        for (key, value, listed) in [("adversarialTraining.attack.subspace", "sideways", "non-robust"),
                                     ("robustness.attack.objective", "hinge", "targeted-margin"),
                                     ("network.activation.kind", "cubic", "soft-threshold, square")] {
            #expect { try ConfigResolution.resolve(preset: "at-phase", overrides: ["\(key)=\(value)"]) } throws: { error in
                guard let e = error as? ConfigError else { return false }
                return e.field == key && e.allowed.contains(listed)
            }
        }
        // A feature subspace needs patch data and one patch per budget.
        #expect { try ConfigResolution.resolve(preset: "fa-small", overrides: ["robustness.attack.subspace=robust"]) } throws: { error in
            (error as? ConfigError)?.field == "robustness.attack.subspace"
        }
        #expect { try ConfigResolution.resolve(preset: "at-phase", overrides: ["adversarialTraining.attack.patchDimension=128"]) } throws: { error in
            (error as? ConfigError)?.field == "adversarialTraining.attack.patchDimension"
        }
    }

    /// Adversarial training in the non-robust-feature threat model (at-phase): every training
    /// example moves, patch by patch, only within span{v_1 … v_k} (residual ≤ 1e-12 of ε) and by
    /// at most ε; with the full space allowed the same attack leaves that span (counterfactual).
    @Test func subspaceAdversarialExamplesStayInTheNonRobustSpan() throws {
        var config = try ConfigResolution.resolve(preset: "at-phase", overrides: ["data.trainSamples=12", "data.testSamples=4"])
        let data = try SampledData.sample(config.data, task: config.task, key: PRNGKey(seed: config.seed).child("data"))
        let net = TwoLayerNetwork.initialized(inputDimension: 64, head: config.head, weightStd: 0.3, biasStd: 0,
                                              activation: config.network.activation, patches: 32, trainsBiases: false, key: PRNGKey(seed: 9))
        let v = try #require(data.attackSubspaces[.nonRobust])
        func maxResidualAndNorm(_ adversary: AdversarialTraining) -> (residual: Double, norm: Double) {
            var a = adversary
            a.attack = data.resolving(config.resolved(a.attack))
            let x = a.examples(net, data.train, loss: CrossEntropyLoss(), key: PRNGKey(seed: 3), parallelism: .serial)
            var residual = 0.0, norm = 0.0
            for i in 0..<x.rows {
                for p in 0..<32 {
                    let delta = (0..<64).map { x[i, p * 64 + $0] - data.train.inputs[i, p * 64 + $0] }
                    let inSpan = Attacks.project(delta, onto: v)
                    residual = max(residual, zip(delta, inSpan).map { abs($0 - $1) }.max()!)
                    norm = max(norm, delta.reduce(0) { $0 + $1 * $1 }.squareRoot())
                }
            }
            return (residual, norm)
        }
        let confined = maxResidualAndNorm(config.adversarialTraining)
        #expect(confined.residual <= 1e-12 * config.adversarialTraining.epsilon)
        #expect(confined.norm <= config.adversarialTraining.epsilon * (1 + 1e-12) && confined.norm > 0.5 * config.adversarialTraining.epsilon)
        config.adversarialTraining.attack.subspace = .full
        #expect(maxResidualAndNorm(config.adversarialTraining).residual > 1e-3)
    }

    /// Adversarial training continued from clean weights (`startStep`): the steps before it are
    /// standard training bit for bit (so the clean run of FP's claims is the adversarial run's
    /// prefix), and the steps after it are not.
    @Test func adversarialTrainingFromAStartStepContinuesTheCleanRun() throws {
        var config = try ConfigResolution.resolve(preset: "purification", overrides: [
            "optimizer.steps=24", "optimizer.probeEvery=6", "data.trainSamples=60", "data.testSamples=20", "robustness.samples=20"])
        config.adversarialTraining.startStep = 12
        let continued = try ExperimentRun.run(config, parallelism: .serial)
        var clean = config
        clean.adversarialTraining.enabled = false
        clean.optimizer.steps = 12
        let prefix = try ExperimentRun.run(clean, parallelism: Parallelism(threads: 2))
        #expect(Array(continued.history.prefix(2)) == Array(prefix.history.prefix(2)))  // steps 0 and 6
        clean.optimizer.steps = 24
        let standard = try ExperimentRun.run(clean, parallelism: .serial)
        #expect(continued.history[2].step == 12 && continued.history[2].trainAccuracy == standard.history[2].trainAccuracy)
        #expect(continued.final != standard.final)
        config.adversarialTraining.startStep = 24
        #expect(try ExperimentRun.run(config, parallelism: .serial).final == standard.final)
    }

    /// The per-class robust test accuracies of a history average, weighted by class sizes, to the
    /// recorded overall robust test accuracy.
    @Test func perClassRobustAccuracyAveragesToTheOverall() throws {
        let config = try ConfigResolution.resolve(preset: "at-phase", overrides: [
            "optimizer.steps=40", "optimizer.probeEvery=20", "data.trainSamples=40", "data.testSamples=60"])
        let run = try ExperimentRun.run(config, parallelism: .serial)
        let counts = (0..<4).map { c in Double(run.test.labels.filter { $0 == c }.count) }
        for record in run.history {
            let byClass = try #require(record.series["robustTestAccuracyByClass"])
            let overall = try #require(record.robustTestAccuracy)
            let weighted = zip(byClass, counts).map { $0 * $1 }.reduce(0, +) / Double(run.test.count)
            #expect(abs(weighted - overall) <= 1e-12)
        }
    }
}
