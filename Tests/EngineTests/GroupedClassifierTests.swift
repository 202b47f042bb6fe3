import Testing
@testable import Engine

/// The binary reading of a k-class net by groups (Feature Averaging, Figure 2): its decision, the
/// gradients of its two attack surfaces, and the soundness of its certified radii against attacks.
@Suite("Grouped classifier")
struct GroupedClassifierTests {
    static let network = TwoLayerNetwork.initialized(inputDimension: 6, head: .perClass(classes: 5, neuronsPerClass: 2, scale: 1),
                                                     weightStd: 1, biasStd: 0.3, key: PRNGKey(seed: 11))

    static func inputs(_ n: Int, seed: UInt64) -> Matrix {
        var stream = PRNGKey(seed: seed).stream
        return Matrix(rows: n, columns: 6, storage: (0..<(n * 6)).map { _ in stream.gaussian() })
    }

    @Test func decisionIsTheGroupOfTheArgmax() {
        let grouped = GroupedClassifier(Self.network, positive: [0, 3], negative: [1, 2, 4])
        let x = Self.inputs(200, seed: 1)
        let top = Self.network.predictions(x)
        #expect(grouped.predictions(x) == top.map { [0, 3].contains($0) ? 0 : 1 })
    }

    /// ∂ℓ/∂x of both surfaces against central differences of the loss values (the ReLU kinks are
    /// measure zero at Gaussian inputs; h = 1e-6).
    @Test(arguments: [GroupedClassifier.Surface.maximum, .summedProbabilities])
    func inputGradientMatchesFiniteDifferences(surface: GroupedClassifier.Surface) {
        let grouped = GroupedClassifier(Self.network, positive: [0, 3], negative: [1, 2, 4], surface: surface)
        let x = Self.inputs(8, seed: 2), labels = (0..<8).map { $0 % 2 }
        for loss in [CrossEntropyLoss(), MarginLoss()] as [any Loss] {
            let gradient = grouped.logitsAndInputGradient(x, labels: labels, loss, .serial).gradient
            let scoreLoss = GroupScoreLoss(inner: loss, classifier: grouped)
            for i in 0..<8 {
                for j in 0..<6 {
                    var plus = x, minus = x
                    plus[i, j] += 1e-6
                    minus[i, j] -= 1e-6
                    let f = { (m: Matrix) in scoreLoss.values(logits: Self.network.logits(m, .serial), labels: labels)[i] }
                    let numeric = (f(plus) - f(minus)) / 2e-6
                    #expect(abs(numeric - gradient[i, j]) <= 1e-6 * max(1, abs(numeric)), "\(loss.name) \(surface) [\(i), \(j)]: \(numeric) vs \(gradient[i, j])")
                }
            }
        }
    }

    /// No image certified at a grid radius is broken there by either attack: the certificate is a
    /// lower bound, the attacks an upper bound (ℓ2 and ℓ∞), on a net trained on the digits.
    @Test(arguments: [AttackConfig.Norm.l2, .linf])
    func certifiedImagesSurviveTheAttacks(norm: AttackConfig.Norm) throws {
        var config = Presets.digitsClasses
        config.data = .real(RealDataConfig(trainSamples: 300, testSamples: 120))
        config.optimizer.steps = 200
        let trained = try ExperimentRun.run(config)
        let grouped = GroupedClassifier(trained.final, positive: [0, 1, 2, 3, 4], negative: [5, 6, 7, 8, 9])
        var test = trained.test
        test.labels = test.labels.map { $0 < 5 ? 0 : 1 }
        let radii = norm == .l2 ? [0, 0.2, 0.4, 0.6, 0.8] : [0, 0.02, 0.04, 0.06, 0.08]
        let certified = grouped.certifiedRadii(test, norm: norm, grid: radii)
        var official = grouped
        official.surface = .summedProbabilities
        let attack = AttackConfig(norm: norm, steps: 20, stepSizeFactor: 0.25, start: .ball, restarts: 2, objective: .margin)
        var certifiedSomewhere = 0
        for (model, objective) in [(grouped, AttackConfig.Objective.margin), (official, .modelLoss)] {
            var a = attack
            a.objective = objective
            let breaks = RobustAccuracy.curveAndBreaks(model, test, radii: radii, attack: a, trainingLoss: CrossEntropyLoss(), key: PRNGKey(seed: 3)).breaks
            for i in 0..<test.count where certified[i] >= 0 {
                certifiedSomewhere += 1
                #expect((breaks[i] ?? .infinity) > certified[i], "image \(i): certified at \(certified[i]), broken at \(breaks[i]!)")
            }
        }
        #expect(certifiedSomewhere > 100)  // the check is not vacuous
    }
}
