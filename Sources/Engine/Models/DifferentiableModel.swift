/// What the trainer, the probes and the gradient checks need from a model.
///
/// Parameters are exposed as one flat vector so that GD, finite differences and the `.npy`
/// export treat every model alike; `parameterName` says which entry is which.
public protocol DifferentiableModel: Sendable {
    /// Number of logits per sample.
    var outputs: Int { get }
    var parameters: [Double] { get set }
    /// A human-readable name of parameter entry `index` (e.g. "W[3, 17]"), for divergence errors.
    func parameterName(_ index: Int) -> String

    /// The logits of every row of `inputs` (one row per sample).
    func logits(_ inputs: Matrix, _ parallelism: Parallelism) -> Matrix

    /// The mean loss over `data`, its gradient with respect to `parameters`, and model-specific
    /// by-products of the backward pass (e.g. ∂L/∂(pre-activations) for the weight decomposition).
    func lossAndGradient(_ data: Dataset, _ loss: any Loss, _ parallelism: Parallelism) -> Backward

    /// Prepares data that will be used for many gradient steps (e.g. caches a transpose).
    func prepareForTraining(_ data: Dataset) -> Dataset

    /// The logits at `inputs` and ∂ℓ(x_i)/∂x_i for each sample: the gradient of each sample's own
    /// loss (not averaged), as the attacks need it — with the logits of the same forward pass, so
    /// that an attack step costs one forward and one backward pass. Row i of both depends on row i
    /// of `inputs` only, bit for bit (attacks work on blocks of rows).
    func logitsAndInputGradient(_ inputs: Matrix, labels: [Int], _ loss: any Loss, _ parallelism: Parallelism) -> (logits: Matrix, gradient: Matrix)

    /// Rows (fewer than the input's width) whose span holds ∂ℓ/∂x at every input and for every
    /// loss, where the model knows such a span; nil otherwise. A one-patch two-layer net's input
    /// gradient Σ_r ∂ℓ/∂z_r·w_r lies in the span of its first-layer weights. The attacks draw their
    /// random ℓ2 start split along this span (`SplitGaussianStart`); a wrapper must forward it to be
    /// attacked with the same random draws as the model it wraps.
    var inputGradientSpan: Matrix? { get }

    /// The model as an attack uses it for many input gradients at fixed parameters: it may keep
    /// what every gradient would otherwise form again (a two-layer net keeps Wᵀ). The same logits
    /// and gradients, bit for bit; by default the model itself.
    func preparedForInputGradients() -> Self
}

extension DifferentiableModel {
    public var inputGradientSpan: Matrix? { nil }
    public func preparedForInputGradients() -> Self { self }
}

/// The result of one backward pass.
public struct Backward: Sendable {
    public var loss: Double
    public var gradient: [Double]
    /// ∂L/∂z for the first-layer pre-activations z_{i,r} = ⟨w_r, x_i⟩ + b_r (n × neurons), where
    /// the model has such a layer: every GD step adds −η·Σ_i ∂L/∂z_{i,r}·x_i to w_r.
    public var preactivationGradient: Matrix?

    public init(loss: Double, gradient: [Double], preactivationGradient: Matrix? = nil) {
        self.loss = loss
        self.gradient = gradient
        self.preactivationGradient = preactivationGradient
    }
}

extension DifferentiableModel {
    /// ∂ℓ(x_i)/∂x_i for each sample (see `logitsAndInputGradient`).
    public func inputGradient(_ inputs: Matrix, labels: [Int], _ loss: any Loss, _ parallelism: Parallelism) -> Matrix {
        logitsAndInputGradient(inputs, labels: labels, loss, parallelism).gradient
    }

    /// Predicted labels: the sign of the logit for one output (±1), else the argmax (ties → lowest).
    public func predictions(_ inputs: Matrix, _ parallelism: Parallelism = .machine) -> [Int] {
        predictedLabels(logits(inputs, parallelism))
    }

    /// The fraction of samples classified correctly (a logit of exactly 0 counts as wrong for ±1).
    public func accuracy(_ data: Dataset, _ parallelism: Parallelism = .machine) -> Double {
        guard data.count > 0 else { return .nan }
        let p = predictions(data.inputs, parallelism)
        return Double(zip(p, data.labels).filter { $0 == $1 }.count) / Double(data.count)
    }
}

/// The decision of each row of logits: the sign (±1) for one output, else the argmax (ties → lowest).
public func predictedLabels(_ f: Matrix) -> [Int] {
    (0..<f.rows).map { i in
        if f.columns == 1 { return f[i, 0] > 0 ? 1 : -1 }
        var best = 0
        for j in 1..<f.columns where f[i, j] > f[i, best] { best = j }
        return best
    }
}
