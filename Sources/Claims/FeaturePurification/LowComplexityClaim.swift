import Engine

/// FP.lowComplexity — the best linear classifier we can train (exact adversarial training at five
/// radii) has low exact robust accuracy at ε = 0.3 on the purification data, and so has the best
/// degree-2 polynomial (FGM adversarial training at three radii; robust accuracy by attack), and so
/// has the network's neural tangent kernel at initialisation (NTK regression at three ridges, and
/// FGM adversarial training of the linearized network) (Proofs/claims/FP.lowComplexity.md).
public struct LowComplexityClaim: Claim {
    public init() {}
    public let id = "FP.lowComplexity"
    public let paper = Paper.featurePurification
    public let source = "complexity lower bound (linear classifiers, low-degree polynomials, NTK cannot be robust at the same radius)"
    public let statement = "every linear classifier, every degree-2 polynomial and the network's NTK at initialisation have low robust accuracy at the radius where adversarial training makes the network robust"
    public let predicate = "max over training radii ρ ∈ {0, 0.1, 0.2, 0.3, 0.4} of the exact robust test accuracy at ε = 0.3 of the robustly trained linear classifier, max over ρ ∈ {0, 0.15, 0.3} of the attacked robust accuracy of the FGM-trained degree-2 polynomial, and max of the attacked robust accuracy of NTK regression (ridges λ/(tr K/n) ∈ {1e-8, 1e-2, 1}) and of the FGM-trained linearized network (ρ = 0.3), each ≤ p_maj + 0.05, p_maj the majority fraction (the trivial classifier) (Wilson 95% lower ≥ 0.75 of seeds)"
    public let counterfactual = "a robust low-complexity classifier (best robust test accuracy of the linear classifiers, polynomials and NTK models ≥ 0.9) must fail"

    /// The predicate's constants (Proofs/claims/FP.lowComplexity.md, "Pinned constants").
    enum Bound {
        static let trivial = PredicateConstant("bestRobustTestAccuracy−majorityFraction", .atMost, 0.05)
        static let level = PredicateConstant("wilsonLowerBound", .atLeast, 0.75)
        static let robust = PredicateConstant("bestRobustTestAccuracy", .atLeast, 0.9, variant: .counterfactual)
    }
    public func ledger(_ run: ClaimRun) throws -> Ledger { try PurificationSetting.ledger(run.scale) }
    public var constants: [PredicateConstant] { [Bound.trivial, Bound.level, PurificationSetting.radius, Bound.robust] }

    static let trainingRadii = [0, 0.1, 0.2, 0.3, 0.4]
    static let polynomialRadii = [0, 0.15, 0.3]
    /// NTK regression ridges, relative to the kernel's mean diagonal tr(K)/n.
    static let kernelRidges = [1e-8, 1e-2, 1]
    /// Steps of FGM adversarial training of the linearized network (at ρ = ε, η = 64) by scale.
    static let linearizedSteps: [Scale: Int] = [.smoke: 300, .standard: 1000, .paper: 2000]

    /// The network at `clean`'s initialisation, linearized in its parameters and trained by GD with
    /// FGM adversarial training at ρ (logistic loss, from Δ = 0).
    static func linearizedAdversarialTraining(_ clean: ExperimentRun, radius: Double, steps: Int,
                                              parallelism: Parallelism) throws -> LinearizedNetwork {
        var model = LinearizedNetwork(around: clean.initial)
        _ = try linearizedOptimizer(steps: steps)
            .train(&model, on: clean.train, loss: LogisticLoss(), adversary: AdversarialTraining(enabled: true, epsilon: radius, attack: .fgm),
                   key: PRNGKey(seed: clean.config.seed).child("linearized"), parallelism: parallelism)
        return model
    }

    /// The degree-2 polynomial Σ_r a_r(⟨w_r, x⟩ + b_r)² (d + 1 neurons per sign: every quadratic)
    /// trained on `clean`'s data by GD with FGM adversarial training at ρ (clean for ρ = 0).
    static func polynomial(_ clean: ExperimentRun, radius: Double, parallelism: Parallelism) throws -> ExperimentRun {
        try RunMemo.run(polynomialConfig(clean.config, radius: radius), parallelism: parallelism)
    }

    /// The polynomial's config on the data of the clean run `clean`, at radius ρ.
    static func polynomialConfig(_ clean: ExperimentConfig, radius: Double) -> ExperimentConfig {
        var c = clean
        c.preset = "purification-quadratic"
        c.network = .init(neuronsPerHead: c.data.patchDimension + 1, secondLayerScale: 1.0 / Double(c.data.patchDimension),
                          activation: .square, weightInitStd: 0.05, biasInitStd: 0.01, trainBiases: true)
        c.optimizer = GradientDescent(learningRate: 2, steps: 2000, probeEvery: 2000, algorithm: .primal)
        c.adversarialTraining = AdversarialTraining(enabled: radius > 0, epsilon: radius, attack: .fgm, cleanWeight: 0, startStep: 0)
        c.robustness = .none
        return c
    }

    /// The linearized network's optimizer (η = 64, primal GD).
    static func linearizedOptimizer(steps: Int) -> GradientDescent {
        GradientDescent(learningRate: 64, steps: steps, probeEvery: steps, algorithm: .primal)
    }
    /// The linear classifier's optimizer.
    static let linearOptimizer = GradientDescent(learningRate: 0.5, steps: 2000, probeEvery: 2000, algorithm: .primal)

    /// The FP setting, every model class's training (radii, optimizers, the polynomial's config), the ridges.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        let clean = PurificationSetting.config(scale, seed: 0, adversarial: false)
        return PurificationSetting.protocolSettings(scale).merging([
            "linear.radii": "\(Self.trainingRadii)", "linear.optimizer": ClaimProtocol.setting(Self.linearOptimizer),
            "polynomial.configs": ClaimProtocol.setting(Self.polynomialRadii.map { Self.polynomialConfig(clean, radius: $0) }),
            "ntk.ridges": "\(Self.kernelRidges)", "ntk.linearizedOptimizer": ClaimProtocol.setting(Self.linearizedOptimizer(steps: Self.linearizedSteps[scale]!)),
        ]) { a, _ in a }
    }

    /// The exact robust accuracy at ε of the linear classifier sign(⟨θ, x⟩ + c): x is robust iff
    /// y(⟨θ, x⟩ + c) ≥ ε‖θ‖.
    static func exactRobustAccuracy(theta: [Double], bias c: Double, _ test: Dataset, epsilon: Double) -> Double {
        let norm = theta.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let robust = (0..<test.count).filter { i in
            let f = (0..<theta.count).reduce(c) { $0 + theta[$1] * test.inputs[i, $1] }
            return Double(test.labels[i]) * f >= epsilon * norm && f != 0
        }
        return Double(robust.count) / Double(test.count)
    }

    /// The linear classifier trained on `run`'s data by exact adversarial training at ρ (FGM is the
    /// exact inner maximiser for a linear model): (θ, c).
    static func linearClassifier(_ run: ExperimentRun, radius: Double, parallelism: Parallelism) throws -> (theta: [Double], bias: Double) {
        var net = TwoLayerNetwork(weights: Matrix(rows: 2, columns: run.train.inputs.columns), biases: [0, 0],
                                  head: .binary(neuronsPerSign: 1, scale: 1), activation: .identity)
        _ = try linearOptimizer.train(&net, on: run.train, loss: LogisticLoss(),
                                adversary: AdversarialTraining(enabled: radius > 0, epsilon: radius, attack: .fgm),
                                key: PRNGKey(seed: run.config.seed).child("linear"), parallelism: parallelism)
        let theta = (0..<net.weights.columns).map { net.weights[0, $0] - net.weights[1, $0] }
        return (theta, net.biases[0] - net.biases[1])
    }

    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("linear.*", .exact, decides: .broken, how: "a linear classifier's exact robust accuracy: y(⟨θ, x⟩ + c) ≥ ε‖θ‖"),
         RobustnessEvidence("bestLinearRobustTestAccuracy", .exact, decides: .broken, how: "the best of the linear classifiers, exact"),
         RobustnessEvidence("quadratic.*", .attack, decides: .broken, how: "dense attack and strong PGD"),
         RobustnessEvidence("bestQuadraticRobustTestAccuracy", .attack, decides: .broken, how: "dense attack and strong PGD"),
         RobustnessEvidence("ntk.*", .attack, decides: .broken, how: "dense attack and strong PGD"),
         RobustnessEvidence("bestNTKRobustTestAccuracy", .attack, decides: .broken, how: "dense attack and strong PGD"),
         RobustnessEvidence("bestQuadraticRobustTestAccuracyCertified", .certified, decides: .nothing,
                            how: "linear-bound certificates (ℓ2 ε = 0.3, whole input space) of the polynomial nets, reported"),
         RobustnessEvidence("bestNTKRobustTestAccuracyCertified", .certified, decides: .nothing,
                            how: "linearised-network interval certificates (ℓ2 ε = 0.3) of the NTK models, reported"),
         RobustnessEvidence("teacherRobustTestAccuracy", .exact, decides: .nothing, how: "the dense teacher direction's exact robust accuracy, reported")]
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        try trials(run, seeds: [.smoke: 3, .standard: 12, .paper: 16], decision: Bound.level.fractionDecision) { seed in
            let (clean, data) = try PurificationSetting.clean(run.scale, seed: seed, parallelism: run.parallelism)
            let epsilon = PurificationSetting.epsilon
            var values: [String: Double] = [:], best = 0.0
            for radius in Self.trainingRadii {
                let (theta, c) = try Self.linearClassifier(clean, radius: radius, parallelism: run.parallelism)
                let robust = Self.exactRobustAccuracy(theta: theta, bias: c, clean.test, epsilon: epsilon)
                values["linear.rho=\(radius).robustTestAccuracy"] = robust
                values["linear.rho=\(radius).testAccuracy"] = Self.exactRobustAccuracy(theta: theta, bias: c, clean.test, epsilon: 0)
                best = max(best, robust)
            }
            values["bestLinearRobustTestAccuracy"] = best
            var bestPolynomial = 0.0, bestPolynomialCertified = 0.0
            for radius in Self.polynomialRadii {
                let q = try Self.polynomial(clean, radius: radius, parallelism: run.parallelism)
                let robust = PurificationSetting.robustAccuracy(q, q.final, data, epsilon: epsilon, strong: true, parallelism: run.parallelism)
                values["quadratic.rho=\(radius).robustTestAccuracy"] = robust
                values["quadratic.rho=\(radius).testAccuracy"] = q.final.accuracy(q.test, run.parallelism)
                bestPolynomial = max(bestPolynomial, robust)
                bestPolynomialCertified = max(bestPolynomialCertified, Self.fraction(
                    LinearBoundCertificate.certified(q.final, q.test, epsilon: epsilon, basis: nil, parallelism: run.parallelism)))
            }
            values["bestQuadraticRobustTestAccuracy"] = bestPolynomial
            values["bestQuadraticRobustTestAccuracyCertified"] = bestPolynomialCertified
            var kernelModels = Array(zip(Self.kernelRidges.map { "ntk.ridge=\($0)" },
                                         try NeuralTangentKernel.regression(clean.initial, on: clean.train, ridges: Self.kernelRidges,
                                                                            parallelism: run.parallelism)))
            kernelModels.append(("ntk.fgm.rho=\(epsilon)", try Self.linearizedAdversarialTraining(
                clean, radius: epsilon, steps: Self.linearizedSteps[run.scale]!, parallelism: run.parallelism)))
            var bestKernel = 0.0, bestKernelCertified = 0.0
            for (name, model) in kernelModels {
                let robust = PurificationSetting.robustAccuracy(clean, model, data, epsilon: epsilon, strong: true, parallelism: run.parallelism)
                values[name + ".robustTestAccuracy"] = robust
                values[name + ".testAccuracy"] = model.accuracy(clean.test, run.parallelism)
                bestKernel = max(bestKernel, robust)
                bestKernelCertified = max(bestKernelCertified, Self.fraction(
                    LinearizedCertificate.certified(model, clean.test, epsilon: epsilon, basis: nil, parallelism: run.parallelism)))
            }
            values["bestNTKRobustTestAccuracy"] = bestKernel
            values["bestNTKRobustTestAccuracyCertified"] = bestKernelCertified
            values["teacherRobustTestAccuracy"] = Self.exactRobustAccuracy(theta: PurificationSetting.denseDirection(data), bias: 0,
                                                                          clean.test, epsilon: epsilon)
            let positive = Double(clean.test.labels.filter { $0 > 0 }.count) / Double(clean.test.count)
            let majority = max(positive, 1 - positive)
            values["majorityFraction"] = majority
            let satisfied = run.variant == .counterfactual ? Bound.robust.admits(max(best, bestPolynomial, bestKernel))
                : [best, bestPolynomial, bestKernel].allSatisfy { Bound.trivial.admits($0, plus: majority) }
            return (satisfied, values, TheoremSetting.describe(clean.config))
        }
    }

    /// The fraction of true entries.
    static func fraction(_ flags: [Bool]) -> Double { flags.isEmpty ? 0 : Double(flags.filter { $0 }.count) / Double(flags.count) }
}
