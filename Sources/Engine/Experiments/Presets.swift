/// Named experiment configurations. Every field is visible in `theorycheck presets` and in the
/// exported `config.json`; every choice that is ours rather than a paper's is marked as such here.
public enum Presets {
    public static var all: [ExperimentConfig] {
        [faPaper, faPaperCluster, faSmall, faSmallCluster, atSmall, atSmallAdversarial, atPhase, purificationSmall, purification, separatedSmall, digits, digitsClasses]
    }

    public static func named(_ name: String) throws -> ExperimentConfig {
        guard let preset = all.first(where: { $0.preset == name }) else {
            throw ConfigError(field: "--preset", value: name, allowed: all.map(\.preset).joined(separator: ", "))
        }
        return preset
    }

    /// The official synthetic Feature Averaging setup: d = 3072, k = 10 with J₊ = clusters 0…4,
    /// n = 1000 (exactly 100 per cluster) and 1000 test samples, features √d·Q from the QR of a
    /// Gaussian d×k matrix, noise N(0, I), 5 neurons per sign with the second layer fixed at ±1,
    /// W ~ N(0, (10⁻⁵)²), b = 0 (trained), logistic loss, full-batch GD, η = 0.001, 100 steps.
    public static let faPaper = ExperimentConfig(
        preset: "fa-paper", seed: 0, task: .binary,
        data: .multiCluster(MultiClusterConfig(dimension: 3072, clusters: 10, positiveClusters: 5, trainSamples: 1000,
                                               testSamples: 1000, noise: 1, features: .qr, sampling: .balanced)),
        network: .init(neuronsPerHead: 5, secondLayerScale: 1, weightInitStd: 1e-5, biasInitStd: 0),
        loss: .logistic, optimizer: GradientDescent(learningRate: 0.001, steps: 100, probeEvery: 10))

    /// fa-paper's k-class twin: one neuron per cluster with the identity head, cross-entropy on the
    /// cluster index, the same data, initialisation, learning rate and steps.
    public static let faPaperCluster: ExperimentConfig = {
        var c = faPaper
        c.preset = "fa-paper-cluster"
        c.task = .multiclass
        c.network.neuronsPerHead = 1
        c.loss = .crossEntropy
        return c
    }()

    /// A small Feature Averaging run in the theorem's scaling (our choice): d = 256, k = 8, n = 400,
    /// Hadamard features (exactly orthogonal), m = 4 per sign with a = ±1/m, W ~ N(0, 1/d),
    /// b ~ N(0, 1/d²), η = 1/√d, 500 steps.
    public static let faSmall = ExperimentConfig(
        preset: "fa-small", seed: 0, task: .binary,
        data: .multiCluster(MultiClusterConfig(dimension: 256, clusters: 8, positiveClusters: 4, trainSamples: 400,
                                               testSamples: 400, noise: 1, features: .hadamard, sampling: .balanced)),
        network: .init(neuronsPerHead: 4, secondLayerScale: 0.25, weightInitStd: 1.0 / 16, biasInitStd: 1.0 / 256),
        loss: .logistic, optimizer: GradientDescent(learningRate: 1.0 / 16, steps: 500, probeEvery: 50))

    /// fa-small's k-class twin (one neuron per cluster, identity head, cross-entropy).
    public static let faSmallCluster: ExperimentConfig = {
        var c = faSmall
        c.preset = "fa-small-cluster"
        c.task = .multiclass
        c.network.neuronsPerHead = 1
        c.network.secondLayerScale = 1
        c.loss = .crossEntropy
        return c
    }()

    /// A small patch-data run: Proofs/adversarial-training.md prototype settings (ours): k = 4, d = 64, P = 32 with
    /// 1 robust patch and 31 non-robust ones, α = 1, β = 0.3, σ_n = 0.02, m = 4 neurons per class,
    /// smoothed ReLU q = 3, ρ = 0.1, no biases, cross-entropy, η = 0.5, n = 200, 300 steps.
    /// Robust accuracy is recorded at ε = 0.5 per patch (β < ε < α) under a 5-step ℓ2 PGD on the
    /// margin (step ε/2, no random start) — the prototype's "5-step PGD", with the margin objective
    /// so that a saturated softmax cannot mask it.
    public static let atSmall = ExperimentConfig(
        preset: "at-small", seed: 0, task: .multiclass,
        data: .patchStructured(PatchStructuredConfig(
            dimension: 64, classes: 4, patches: 32, robustPatches: 1, nonRobustPatches: 31,
            alpha: .constant(1), beta: .constant(0.3), patchNoise: 0.02, trainSamples: 200, testSamples: 200)),
        network: .init(neuronsPerHead: 4, secondLayerScale: 1, activation: .smoothedReLU(q: 3, rho: 0.1),
                       weightInitStd: 0.01, biasInitStd: 0, trainBiases: false),
        loss: .crossEntropy, optimizer: GradientDescent(learningRate: 0.5, steps: 300, probeEvery: 25),
        robustness: RobustnessProbe(epsilon: 0.5, attack: AttackConfig(norm: .l2, steps: 5, stepSizeFactor: 0.5, start: .none,
                                                                       objective: .margin), samples: 200))

    /// at-small trained adversarially (Proofs/adversarial-training.md): every step one FGM ascent step of ℓ2 size
    /// ε = 0.5 on each patch of the cross-entropy, then a GD step on the adversarial batch only.
    public static let atSmallAdversarial: ExperimentConfig = {
        var c = atSmall
        c.preset = "at-small-adversarial"
        c.adversarialTraining = AdversarialTraining(enabled: true, epsilon: 0.5, attack: .fgm, cleanWeight: 0)
        return c
    }()

    /// Adversarial training with both phases visible (ours; Proofs/adversarial-training.md):
    /// at-small's data with β = 0.5 (AT.standardTraining's regime: Σ_{J_NR} β³ = 3.9 ≥ 2·α³), the
    /// non-robust-feature threat model — each patch moves by ≤ ε = 0.75 = 1.5β within
    /// span{v_1 … v_k} — and 5-step PGD-AT there (steps 0.4ε, no random start, the cross-entropy)
    /// on ½·clean + ½·adversarial loss, η = 0.1, 2000 steps, probed every 25 steps with 10-step
    /// targeted-margin PGD in the same threat model on 200 test points.
    public static let atPhase: ExperimentConfig = {
        var c = atSmall
        c.preset = "at-phase"
        if case var .patchStructured(p) = c.data { p.beta = .constant(0.5); c.data = .patchStructured(p) }
        c.optimizer = GradientDescent(learningRate: 0.1, steps: 2000, probeEvery: 25)
        c.adversarialTraining = AdversarialTraining(
            enabled: true, epsilon: 0.75,
            attack: AttackConfig(norm: .l2, steps: 5, stepSizeFactor: 0.4, start: .none, subspace: .nonRobust), cleanWeight: 0.5)
        c.robustness = RobustnessProbe(epsilon: 0.75, attack: AttackConfig(norm: .l2, steps: 10, stepSizeFactor: 0.25, start: .none,
                                                                           objective: .targetedMargin, subspace: .nonRobust), samples: 200)
        return c
    }()

    /// A small sparse-coding run (ours): d = 128, D = 64 atoms (QR dictionary), s = 5, σ = 0.05,
    /// a two-layer ReLU net with 16 neurons per sign (a = ±1/16), logistic loss, η = 0.5, n = 500.
    public static let purificationSmall = ExperimentConfig(
        preset: "purification-small", seed: 0, task: .binary,
        data: .sparseCoding(SparseCodingConfig(dimension: 128, atoms: 64, sparsity: 5, noise: 0.05, dictionary: .qr,
                                               trainSamples: 500, testSamples: 500)),
        network: .init(neuronsPerHead: 16, secondLayerScale: 1.0 / 16, weightInitStd: 1.0 / 128, biasInitStd: 0),
        loss: .logistic, optimizer: GradientDescent(learningRate: 0.5, steps: 300, probeEvery: 50))

    /// Feature Purification's setting (ours; Proofs/feature-purification.md): sparse coding with
    /// d = D = 64 (QR dictionary), s = 3, σ = 0.02, n = 1000; the thresholded network
    /// Σ_r a_r σ_b(⟨w_r, x⟩) with the soft threshold b = 0.5, 64 neurons per sign (a = ±1/64),
    /// W ~ N(0, 0.2²), no biases; logistic loss, η = 16, 1000 clean steps, then 3000 steps of FGM
    /// adversarial training at ε = 0.3 (whole-input ℓ2) continued from the clean weights. Robust
    /// accuracy probed at ε = 0.3 with 10-step PGD on the margin.
    public static let purification = ExperimentConfig(
        preset: "purification", seed: 0, task: .binary,
        data: .sparseCoding(SparseCodingConfig(dimension: 64, atoms: 64, sparsity: 3, noise: 0.02, dictionary: .qr,
                                               trainSamples: 1000, testSamples: 500)),
        network: .init(neuronsPerHead: 64, secondLayerScale: 1.0 / 64, activation: .softThreshold(b: 0.5), weightInitStd: 0.2,
                       biasInitStd: 0, trainBiases: false),
        loss: .logistic, optimizer: GradientDescent(learningRate: 16, steps: 4000, probeEvery: 250, algorithm: .primal),
        adversarialTraining: AdversarialTraining(enabled: true, epsilon: 0.3, attack: .fgm, cleanWeight: 0, startStep: 1000),
        robustness: RobustnessProbe(epsilon: 0.3, attack: AttackConfig(norm: .l2, steps: 10, stepSizeFactor: 0.25, start: .none,
                                                                       objective: .margin), samples: 500))

    /// A small 2ε-separated data set in [0,1]⁴ under ℓ∞ (ε = 0.05, 60 points with alternating
    /// labels, ours), fitted by a two-layer ReLU net with 64 neurons per sign (a = ±1), η = 0.05.
    public static let separatedSmall = ExperimentConfig(
        preset: "separated-small", seed: 0, task: .binary,
        data: .separatedSets(SeparatedSetsConfig(dimension: 4, points: 60, epsilon: 0.05, norm: .linf)),
        network: .init(neuronsPerHead: 64, secondLayerScale: 1, weightInitStd: 4, biasInitStd: 2),
        loss: .logistic, optimizer: GradientDescent(learningRate: 0.05, steps: 3000, probeEvery: 500))

    /// Figure 2 of Feature Averaging on the shipped UCI digits (the paper's pretrained-feature head
    /// Linear(·, 100)-ReLU-Linear(100, 2) with the second layer fixed 50/50): classes 0–4 (+1)
    /// against 5–9 (−1), each seed splitting the 1,797 images into 1,200 for training and 597 for
    /// testing, pixels / 16. Ours: 50 neurons per sign, a = ±1, W ~ N(0, 1/64), b = 0 (trained),
    /// logistic loss, full-batch GD, η = 0.2, 1000 steps (chosen on seed 100, which no claim uses,
    /// from clean accuracy alone).
    public static let digits = ExperimentConfig(
        preset: "digits", seed: 0, task: .binary,
        data: .real(RealDataConfig(source: "digits", grouping: "0-4/5-9", dimension: 64, classes: 10, trainSamples: 0, testSamples: 597)),
        network: .init(neuronsPerHead: 50, secondLayerScale: 1, weightInitStd: 0.125, biasInitStd: 0),
        loss: .logistic, optimizer: GradientDescent(learningRate: 0.2, steps: 1000, probeEvery: 100))

    /// digits' 10-class twin (the paper's Linear(·, 30)-ReLU-Linear(30, 10) with 3 fixed neurons per
    /// class): the same data, cross-entropy on the digit, the same initialisation and steps.
    public static let digitsClasses: ExperimentConfig = {
        var c = digits
        c.preset = "digits-classes"
        c.task = .multiclass
        c.network.neuronsPerHead = 3
        c.loss = .crossEntropy
        return c
    }()
}
