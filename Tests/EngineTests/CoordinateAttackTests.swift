import Testing
@testable import Engine

/// Forwards every call to the wrapped model and hides its type: the attacks then run their primal
/// algorithm (the reference the coordinate route is replayed against) — with the same random start,
/// as the span of the input gradients is forwarded too.
struct Opaque<M: DifferentiableModel>: DifferentiableModel {
    var model: M
    var outputs: Int { model.outputs }
    var parameters: [Double] {
        get { model.parameters }
        set { model.parameters = newValue }
    }
    func parameterName(_ index: Int) -> String { model.parameterName(index) }
    func logits(_ inputs: Matrix, _ parallelism: Parallelism) -> Matrix { model.logits(inputs, parallelism) }
    func lossAndGradient(_ data: Dataset, _ loss: any Loss, _ parallelism: Parallelism) -> Backward { model.lossAndGradient(data, loss, parallelism) }
    func prepareForTraining(_ data: Dataset) -> Dataset { model.prepareForTraining(data) }
    var inputGradientSpan: Matrix? { model.inputGradientSpan }
    func logitsAndInputGradient(_ inputs: Matrix, labels: [Int], _ loss: any Loss, _ parallelism: Parallelism) -> (logits: Matrix, gradient: Matrix) {
        model.logitsAndInputGradient(inputs, labels: labels, loss, parallelism)
    }
}

/// PGD in coordinates (`PerturbationCoordinates`) against the primal algorithm it replaces: the same
/// iterates up to rounding, the same decisions — for the subspace attack on patch data (and
/// adversarial training on at-phase that follows the primal run) and the full-space attack on
/// Feature Averaging's one-patch networks.
@Suite("PGD in coordinates")
struct CoordinateAttackTests {
    static func atPhase(_ overrides: [String]) throws -> (ExperimentConfig, SampledData) {
        let config = try ConfigResolution.resolve(preset: "at-phase", overrides: overrides)
        return (config, try SampledData.sample(config.data, task: config.task, key: PRNGKey(seed: config.seed).child("data")))
    }

    /// NRF-PGD (ball start, 10 steps, each targeted objective) on a random patch CNN: the returned
    /// inputs agree with the primal algorithm's to 1e-12·ε and the fooled flags are equal, for the
    /// evaluation (first success) and the training (last iterate) variants; the coordinate route
    /// is really taken (a `TwoLayerNetwork` under a per-patch ℓ2 budget).
    @Test(arguments: [Attacks.Kept.firstSuccess, .last])
    func coordinatesReplayThePrimalAttack(keep: Attacks.Kept) throws {
        let (config, data) = try Self.atPhase(["data.trainSamples=24", "data.testSamples=4"])
        let net = TwoLayerNetwork.initialized(inputDimension: 64, head: config.head, weightStd: 0.3, biasStd: 0,
                                              activation: config.network.activation, patches: 32, trainsBiases: false, key: PRNGKey(seed: 11))
        var attack = config.robustness.attack
        attack.start = .ball
        attack = data.resolving(config.resolved(attack))
        guard case .subspace = CoordinateRoute(net, config: attack, block: 64) else { Issue.record("not in coordinates"); return }
        #expect(CoordinateRoute(Opaque(model: net), config: attack, block: 64) == nil)
        let epsilon = 0.75
        var fooled = 0
        for (index, objective) in attack.objectives(classes: 4, trainingLoss: CrossEntropyLoss()).enumerated() {
            let key = PRNGKey(seed: 12).child(UInt64(index))
            let fast = Attacks.attack(net, inputs: data.train.inputs, labels: data.train.labels, epsilon: epsilon, config: attack,
                                      objective: objective, key: key, keep: keep, parallelism: .serial)
            let primal = Attacks.attack(Opaque(model: net), inputs: data.train.inputs, labels: data.train.labels, epsilon: epsilon,
                                        config: attack, objective: objective, key: key, keep: keep, parallelism: .serial)
            let difference = zip(fast.inputs.storage, primal.inputs.storage).map { abs($0 - $1) }.max()!
            #expect(difference <= 1e-12 * epsilon, "objective \(index): max |Δx| = \(difference)")
            #expect(fast.fooled == primal.fooled)
            fooled += fast.fooled.filter { $0 }.count
            // Moved at all, within the budget of every patch.
            #expect(fast.inputs.storage != data.train.inputs.storage)
        }
        if keep == .firstSuccess { #expect(fooled > 0, "the attack fooled the random network somewhere") }
    }

    /// 30 steps of at-phase adversarial training (5-step NRF-PGD + ½ clean) with the whole step in
    /// coordinates (the attack, the shared Z⁰, the adversarial pass Z⁰ + C·A and the combined
    /// weight gradient: `AdversarialTraining.backwardInCoordinates`) against the same run with the
    /// primal step: the weights agree to 1e-10 relative (measured 9.9e-17; PGD's normalised steps
    /// amplify rounding only mildly over 30 steps).
    @Test func adversarialTrainingFollowsThePrimalRun() throws {
        let (config, data) = try Self.atPhase(["data.trainSamples=24", "data.testSamples=4", "optimizer.steps=30"])
        var adversary = config.adversarialTraining
        adversary.attack = data.resolving(config.resolved(adversary.attack))
        let initial = TwoLayerNetwork.initialized(inputDimension: 64, head: config.head, weightStd: config.network.weightInitStd,
                                                  biasStd: 0, activation: config.network.activation, patches: 32, trainsBiases: false,
                                                  key: PRNGKey(seed: config.seed).child("init"))
        var fast = initial, primal = Opaque(model: initial)
        let key = PRNGKey(seed: 13)
        _ = try config.optimizer.train(&fast, on: data.train, loss: config.loss.loss, adversary: adversary, key: key, parallelism: .serial)
        _ = try config.optimizer.train(&primal, on: data.train, loss: config.loss.loss, adversary: adversary, key: key, parallelism: .serial)
        let scale = fast.weights.storage.map(abs).max()!
        let difference = zip(fast.weights.storage, primal.model.weights.storage).map { abs($0 - $1) }.max()!
        #expect(difference <= 1e-10 * scale, "max |ΔW| = \(difference) of max |W| = \(scale)")
        #expect(fast.weights != initial.weights)
    }

    /// The full-space ℓ2 attack in span{v_i, w_1 … w_m} (`WeightSpanCoordinates`) on a trained
    /// fa-small net (binary and per-cluster): the fa-paper protocol (sphere start, model loss), the
    /// strong one (ball start, margin) and FGM, at a radius that fools some points and not others —
    /// the inputs agree with the primal algorithm's to 1e-12·ε, the decisions are equal, and the
    /// decisions-only mode (no input formed, the last decision from the pre-activations in
    /// coordinates) decides as both.
    @Test(arguments: ["fa-small", "fa-small-cluster"])
    func weightSpanReplaysThePrimalAttack(preset: String) throws {
        let config = try ConfigResolution.resolve(preset: preset, overrides: ["optimizer.steps=100", "data.trainSamples=80", "data.testSamples=40"])
        let run = try ExperimentRun.run(config, parallelism: .serial)
        let net = run.final, test = run.test
        guard case .weightSpan = CoordinateRoute(net, config: .faPaper, block: net.inputDimension, start: SplitGaussianStart(spanning: net.weights)) else {
            Issue.record("not in coordinates"); return
        }
        var fooled = 0, kept = 0
        for (attack, epsilon) in [(AttackConfig.faPaper, 3.0), (.strong, 4.0), (.fgm, 3.0)] {
            for objective in attack.objectives(classes: net.outputs, trainingLoss: config.loss.loss) {
                for keep in [Attacks.Kept.firstSuccess, .last] {
                    let key = PRNGKey(seed: 21)
                    let fast = Attacks.attack(net, inputs: test.inputs, labels: test.labels, epsilon: epsilon, config: attack,
                                              objective: objective, key: key, keep: keep, parallelism: .serial)
                    let primal = Attacks.attack(Opaque(model: net), inputs: test.inputs, labels: test.labels, epsilon: epsilon,
                                                config: attack, objective: objective, key: key, keep: keep, parallelism: .serial)
                    let difference = zip(fast.inputs.storage, primal.inputs.storage).map { abs($0 - $1) }.max()!
                    #expect(difference <= 1e-12 * epsilon, "\(preset), ε = \(epsilon), \(keep): max |Δx| = \(difference)")
                    #expect(fast.fooled == primal.fooled)
                    fooled += fast.fooled.filter { $0 }.count
                    kept += fast.fooled.filter { !$0 }.count
                    guard keep == .firstSuccess else { continue }
                    let decisions = Attacks.attack(net, inputs: test.inputs, labels: test.labels, epsilon: epsilon, config: attack,
                                                   objective: objective, key: key, keep: .decisions, parallelism: .serial)
                    #expect(decisions.fooled == fast.fooled && decisions.inputs.rows == 0)
                    // A selection of rows is attacked as in the whole batch (each row its own stream).
                    let rows = Array(stride(from: 1, to: test.count, by: 3))
                    let some = Attacks.attack(net, inputs: test.inputs, labels: test.labels, epsilon: epsilon, config: attack,
                                              objective: objective, key: key, rows: rows, keep: .decisions, parallelism: .serial)
                    #expect(some.fooled == rows.map { fast.fooled[$0] })
                }
            }
        }
        #expect(fooled > 0 && kept > 0, "\(preset): the radii fool some points and not others (\(fooled) / \(kept))")
        // Where coordinates cost more than the primal steps (s = 1 + m > d/4) the primal algorithm runs.
        let wide = TwoLayerNetwork.initialized(inputDimension: 64, head: .binary(neuronsPerSign: 8, scale: 1), weightStd: 1, biasStd: 0,
                                               key: PRNGKey(seed: 1))
        #expect(CoordinateRoute(wide, config: .faPaper, block: 64, start: SplitGaussianStart(spanning: wide.weights)) == nil)
        // A random start must come split along the span to be drawn in coordinates.
        #expect(CoordinateRoute(net, config: .faPaper, block: net.inputDimension) == nil)
    }
}
