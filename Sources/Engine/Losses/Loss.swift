import RealModule

/// A loss on a batch of logits (one row per sample): its mean over the batch and the gradient of
/// that mean with respect to the logits.
public protocol Loss: Sendable {
    var name: String { get }
    /// (Σ_i ℓ_i)/divisor and its gradient with respect to the logits (same shape as `logits`).
    /// divisor = n gives the mean loss of training; divisor = 1 the per-sample gradients of attacks.
    func valueAndGradient(logits: Matrix, labels: [Int], divisor: Double) -> (value: Double, gradient: Matrix)
    /// The per-sample loss values (for adversarial objectives and reports).
    func values(logits: Matrix, labels: [Int]) -> [Double]
}

extension Loss {
    /// The mean loss and its gradient (divisor = the number of samples).
    public func valueAndGradient(logits: Matrix, labels: [Int]) -> (value: Double, gradient: Matrix) {
        valueAndGradient(logits: logits, labels: labels, divisor: Double(logits.rows))
    }
}

/// Numerically stable scalar pieces shared by the losses.
public enum StableMath {
    /// softplus(z) = log(1 + eᶻ) = max(z, 0) + log1p(e^−|z|): no overflow for large |z|, full
    /// relative accuracy for very negative z.
    @inlinable public static func softplus(_ z: Double) -> Double {
        max(z, 0) + Double.log(onePlus: Double.exp(-abs(z)))
    }

    /// σ(z) = 1/(1 + e^−z), evaluated without overflow on either side.
    @inlinable public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + Double.exp(-z)) }
        let e = Double.exp(z)
        return e / (1 + e)
    }

    /// log Σ_j e^{z_j}, shifted by the maximum (no overflow; the largest term contributes e⁰ = 1).
    @inlinable public static func logSumExp(_ z: UnsafeBufferPointer<Double>) -> Double {
        let m = z.max() ?? 0
        var s = 0.0
        for v in z { s += Double.exp(v - m) }
        return m + Double.log(s)
    }
}

/// Binary logistic loss ℓ(f, y) = log(1 + e^{−y f}) = softplus(−y f) with y ∈ {±1}, one logit per
/// sample (the Feature Averaging setting, Proofs/feature-averaging.md). ∂ℓ/∂f = −y·σ(−y f).
public struct LogisticLoss: Loss {
    public init() {}
    public var name: String { "logistic" }

    public func values(logits: Matrix, labels: [Int]) -> [Double] {
        precondition(logits.columns == 1, "logistic loss needs one logit per sample")
        return (0..<logits.rows).map { StableMath.softplus(-Double(labels[$0]) * logits[$0, 0]) }
    }

    public func valueAndGradient(logits: Matrix, labels: [Int], divisor: Double) -> (value: Double, gradient: Matrix) {
        precondition(logits.columns == 1, "logistic loss needs one logit per sample")
        let n = logits.rows
        var total = 0.0
        var g = Matrix(rows: n, columns: 1)
        for i in 0..<n {
            let y = Double(labels[i]), margin = y * logits[i, 0]
            total += StableMath.softplus(-margin)
            g[i, 0] = -y * StableMath.sigmoid(-margin) / divisor
        }
        return (total / divisor, g)
    }
}

/// Softmax cross-entropy ℓ(F, y) = logΣ_j e^{F_j} − F_y over k logits, label y ∈ 0..<k.
/// ∂ℓ/∂F_j = softmax(F)_j − [j = y].
public struct CrossEntropyLoss: Loss {
    public init() {}
    public var name: String { "cross-entropy" }

    public func values(logits: Matrix, labels: [Int]) -> [Double] {
        logits.storage.withUnsafeBufferPointer { p in
            (0..<logits.rows).map { i in
                let row = UnsafeBufferPointer(rebasing: p[(i * logits.columns)..<((i + 1) * logits.columns)])
                return StableMath.logSumExp(row) - row[labels[i]]
            }
        }
    }

    public func valueAndGradient(logits: Matrix, labels: [Int], divisor: Double) -> (value: Double, gradient: Matrix) {
        let n = logits.rows, k = logits.columns
        var g = Matrix(rows: n, columns: k)
        var total = 0.0
        logits.storage.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let row = UnsafeBufferPointer(rebasing: p[(i * k)..<((i + 1) * k)])
                let lse = StableMath.logSumExp(row)
                total += lse - row[labels[i]]
                for j in 0..<k {
                    g[i, j] = (Double.exp(row[j] - lse) - (j == labels[i] ? 1 : 0)) / divisor
                }
            }
        }
        return (total / divisor, g)
    }
}

/// Squared loss ½‖F − t‖² with t = y (±1) for one logit, or the one-hot vector of y for k logits.
public struct SquaredLoss: Loss {
    public init() {}
    public var name: String { "squared" }

    func target(_ label: Int, _ j: Int, _ k: Int) -> Double { k == 1 ? Double(label) : (j == label ? 1 : 0) }

    public func values(logits: Matrix, labels: [Int]) -> [Double] {
        (0..<logits.rows).map { i in
            (0..<logits.columns).reduce(0.0) { s, j in
                let r = logits[i, j] - target(labels[i], j, logits.columns)
                return s + 0.5 * r * r
            }
        }
    }

    public func valueAndGradient(logits: Matrix, labels: [Int], divisor: Double) -> (value: Double, gradient: Matrix) {
        let n = logits.rows, k = logits.columns
        var g = Matrix(rows: n, columns: k)
        var total = 0.0
        for i in 0..<n {
            for j in 0..<k {
                let r = logits[i, j] - target(labels[i], j, k)
                total += 0.5 * r * r
                g[i, j] = r / divisor
            }
        }
        return (total / divisor, g)
    }
}
