/// Difference-of-logits losses for attacks (the margin losses of Carlini–Wagner and AutoAttack's
/// DLR family, without rescaling). The attacker *ascends* these, so they are written as losses:
///
///     untargeted: ℓ = max_{j≠y} F_j − F_y   (one logit: ℓ = −y·f),
///     targeted toward t: ℓ = F_t − F_y.
///
/// Unlike cross-entropy through ReLU outputs, the gradient never vanishes merely because the true
/// class's logit saturates the softmax, so a masked model is not mistaken for a robust one.
public struct MarginLoss: Loss {
    /// For a targeted attack, the target of a sample of class y is (y + targetShift) mod k; nil
    /// for untargeted. (A shift rather than a list keeps every sample's loss a function of its own
    /// row, so attacks can work on any block of rows.)
    public let targetShift: Int?

    public init(targetShift: Int? = nil) { self.targetShift = targetShift }

    public var name: String { targetShift == nil ? "margin" : "targeted-margin" }

    /// The competing class of sample i: the target, or the best wrong class (ties → lowest index).
    func rival(_ f: Matrix, _ i: Int, _ y: Int) -> Int {
        if let targetShift { return (y + targetShift) % f.columns }
        var best = -1
        for j in 0..<f.columns where j != y && (best < 0 || f[i, j] > f[i, best]) { best = j }
        return best
    }

    public func values(logits f: Matrix, labels: [Int]) -> [Double] {
        (0..<f.rows).map { i in
            if f.columns == 1 { return -Double(labels[i]) * f[i, 0] }
            return f[i, rival(f, i, labels[i])] - f[i, labels[i]]
        }
    }

    public func valueAndGradient(logits f: Matrix, labels: [Int], divisor: Double) -> (value: Double, gradient: Matrix) {
        var g = Matrix(rows: f.rows, columns: f.columns)
        var total = 0.0
        for i in 0..<f.rows {
            if f.columns == 1 {
                let y = Double(labels[i])
                total += -y * f[i, 0]
                g[i, 0] = -y / divisor
            } else {
                let y = labels[i], r = rival(f, i, y)
                total += f[i, r] - f[i, y]
                g[i, r] += 1 / divisor
                g[i, y] -= 1 / divisor
            }
        }
        return (total / divisor, g)
    }
}
