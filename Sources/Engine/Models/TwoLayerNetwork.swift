/// The two-layer ReLU network of Feature Averaging (THEORY.md §1), with a fixed second layer:
///
///     F_o(x) = Σ_{r : out(r) = o} a_r · ReLU(⟨w_r, x⟩ + b_r)
///
/// - binary (`Head.binary`): one output, m neurons with a_r = +s and m with a_r = −s
///   (s = 1/m in the theorem, 1 in the official code);
/// - k-class (`Head.perClass`): output i sums its own h neurons with a_r = s (h = 1, s = 1 is the
///   identity head of feature decoupling).
/// Trainable: W (one neuron per row) and, optionally, b. ReLU′(0) := 0 (PyTorch's convention): a
/// neuron exactly at its kink passes no gradient — tested exactly.
public struct TwoLayerNetwork: DifferentiableModel, Equatable {
    /// The fixed second layer: which output each neuron feeds, with which coefficient.
    public struct Head: Equatable, Sendable, Codable {
        public let outputs: Int
        public let neuronOutput: [Int]
        public let coefficient: [Double]

        public static func binary(neuronsPerSign m: Int, scale: Double) -> Head {
            Head(outputs: 1, neuronOutput: [Int](repeating: 0, count: 2 * m),
                 coefficient: (0..<(2 * m)).map { $0 < m ? scale : -scale })
        }

        public static func perClass(classes k: Int, neuronsPerClass h: Int, scale: Double) -> Head {
            Head(outputs: k, neuronOutput: (0..<(k * h)).map { $0 / h },
                 coefficient: [Double](repeating: scale, count: k * h))
        }
    }

    public var weights: Matrix
    public var biases: [Double]
    public let head: Head
    public let trainsBiases: Bool

    public init(weights: Matrix, biases: [Double], head: Head, trainsBiases: Bool = true) {
        precondition(weights.rows == biases.count && weights.rows == head.neuronOutput.count, "inconsistent neuron counts")
        self.weights = weights
        self.biases = biases
        self.head = head
        self.trainsBiases = trainsBiases
    }

    /// W ~ N(0, weightStd²), b ~ N(0, biasStd²), from `key`.
    public static func initialized(inputDimension d: Int, head: Head, weightStd: Double, biasStd: Double,
                                   trainsBiases: Bool = true, key: PRNGKey) -> TwoLayerNetwork {
        let neurons = head.neuronOutput.count
        var w = key.child("weights").stream, b = key.child("biases").stream
        let weights = Matrix(rows: neurons, columns: d, storage: (0..<(neurons * d)).map { _ in weightStd * w.gaussian() })
        let biases = (0..<neurons).map { _ in biasStd * b.gaussian() }
        return TwoLayerNetwork(weights: weights, biases: biases, head: head, trainsBiases: trainsBiases)
    }

    public var neurons: Int { weights.rows }
    public var inputDimension: Int { weights.columns }
    public var outputs: Int { head.outputs }

    // MARK: Parameters

    public var parameters: [Double] {
        get { trainsBiases ? weights.storage + biases : weights.storage }
        set {
            let w = weights.rows * weights.columns
            precondition(newValue.count == w + (trainsBiases ? biases.count : 0), "parameter vector has the wrong length")
            weights.storage = Array(newValue[0..<w])
            if trainsBiases { biases = Array(newValue[w...]) }
        }
    }

    public func parameterName(_ index: Int) -> String {
        let w = weights.rows * weights.columns
        return index < w ? "W[\(index / weights.columns), \(index % weights.columns)]" : "b[\(index - w)]"
    }

    // MARK: Forward and backward

    /// z_{i,r} = ⟨w_r, x_i⟩ + b_r.
    public func preactivations(_ inputs: Matrix, _ parallelism: Parallelism) -> Matrix {
        var z = Kernels.productTransposed(inputs, weights, parallelism)
        for i in 0..<z.rows { for r in 0..<z.columns { z[i, r] += biases[r] } }
        return z
    }

    func logits(fromPreactivations z: Matrix) -> Matrix {
        var f = Matrix(rows: z.rows, columns: outputs)
        for i in 0..<z.rows {
            for r in 0..<neurons where z[i, r] > 0 {
                f[i, head.neuronOutput[r]] += head.coefficient[r] * z[i, r]
            }
        }
        return f
    }

    public func logits(_ inputs: Matrix, _ parallelism: Parallelism) -> Matrix {
        logits(fromPreactivations: preactivations(inputs, parallelism))
    }

    /// ∂L/∂z_{i,r} = a_r · ∂L/∂F_{i,out(r)} · ReLU′(z_{i,r}), with ReLU′(0) = 0.
    func preactivationGradient(_ z: Matrix, logitGradient g: Matrix) -> Matrix {
        var dz = Matrix(rows: z.rows, columns: neurons)
        for i in 0..<z.rows {
            for r in 0..<neurons where z[i, r] > 0 {
                dz[i, r] = head.coefficient[r] * g[i, head.neuronOutput[r]]
            }
        }
        return dz
    }

    public func lossAndGradient(_ data: Dataset, _ loss: any Loss, _ parallelism: Parallelism) -> Backward {
        let z = preactivations(data.inputs, parallelism)
        let (value, g) = loss.valueAndGradient(logits: logits(fromPreactivations: z), labels: data.labels, divisor: Double(data.count))
        let dz = preactivationGradient(z, logitGradient: g)
        // ∂L/∂W = dzᵀ·X, formed as (Xᵀ·dz)ᵀ = transpose(Xᵀ·(dzᵀ)ᵀ): inner products of contiguous rows.
        let xt = data.transposedInputs ?? data.inputs.transposed
        var gradient = Kernels.productTransposed(xt, dz.transposed, parallelism, transposingResult: true).storage
        if trainsBiases {
            var db = [Double](repeating: 0, count: neurons)
            for i in 0..<dz.rows { for r in 0..<neurons { db[r] += dz[i, r] } }
            gradient += db
        }
        return Backward(loss: value, gradient: gradient, preactivationGradient: dz)
    }

    public func inputGradient(_ inputs: Matrix, labels: [Int], _ loss: any Loss, _ parallelism: Parallelism) -> Matrix {
        let z = preactivations(inputs, parallelism)
        let (_, g) = loss.valueAndGradient(logits: logits(fromPreactivations: z), labels: labels, divisor: 1)
        return Kernels.product(preactivationGradient(z, logitGradient: g), weights, parallelism)  // dz·W
    }
}
