/// The constructed (not trained) two-layer networks of Feature Averaging (Proofs/feature-averaging.md).
public enum FeatureAveragingModels {
    /// f_robust(x) = Σ_{j∈J₊} ReLU(⟨μ_j, x⟩ + b) − Σ_{l∈J₋} ReLU(⟨μ_l, x⟩ + b): one neuron per cluster
    /// with its own feature as weight and our bias b = −d/2 (half the own-cluster activation
    /// ⟨μ_j, μ_j⟩ = d), so each neuron fires only near its own cluster. Robust at radius Θ(√d).
    public static func robust(features: Matrix, positiveClusters: Int, bias: Double? = nil) -> TwoLayerNetwork {
        let k = features.rows, d = Double(features.columns)
        let head = TwoLayerNetwork.Head(outputs: 1, neuronOutput: [Int](repeating: 0, count: k),
                                        coefficient: (0..<k).map { $0 < positiveClusters ? 1 : -1 })
        return TwoLayerNetwork(weights: features, biases: [Double](repeating: bias ?? -d / 2, count: k), head: head)
    }

    /// The idealised averaged model f_FA: two neurons, w₊ = Σ_{j∈J₊} μ_j and w₋ = Σ_{j∈J₋} μ_j, with
    /// the given biases (the non-robustness theorem holds for ANY biases), second layer ±1.
    public static func averaged(features: Matrix, positiveClusters: Int, biases: (positive: Double, negative: Double) = (0, 0)) -> TwoLayerNetwork {
        let d = features.columns
        var w = Matrix(rows: 2, columns: d)
        for j in 0..<features.rows {
            let r = j < positiveClusters ? 0 : 1
            for t in 0..<d { w[r, t] += features[j, t] }
        }
        return TwoLayerNetwork(weights: w, biases: [biases.positive, biases.negative], head: .binary(neuronsPerSign: 1, scale: 1))
    }

    /// The model-independent attack direction u = −Σ_{J₊} μ_j + Σ_{J₋} μ_j (Feature Averaging): a
    /// positive point is pushed by δ·u/‖u‖ toward the negative class average, a negative one by −δ·u/‖u‖.
    public static func averagedAttackDirection(features: Matrix, positiveClusters: Int) -> [Double] {
        (0..<features.columns).map { t in
            (0..<features.rows).reduce(0.0) { $0 + ($1 < positiveClusters ? -features[$1, t] : features[$1, t]) }
        }
    }
}
