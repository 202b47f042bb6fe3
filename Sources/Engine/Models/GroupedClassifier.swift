/// A k-class network read as a binary classifier by groups of classes (Feature Averaging, Figure 2:
/// the 10-class net on classes 0–4 against 5–9): the decision is the group of the argmax, i.e. the
/// larger of the two group scores max_{i∈G₊} F_i and max_{i∈G₋} F_i, which are this model's two
/// logits (label 0 for G₊, 1 for G₋).
///
/// Attacks ascend a loss of the scores on `surface`: the maximum itself (a margin attack on the
/// decision), or the log of the summed group probabilities, log Σ_{i∈G} e^{F_i} — the official
/// code's attack on the derived classifier (cross-entropy on these two scores is −log P(group)).
/// The logits returned are always the decision's, so an attack counts as a success only when the
/// argmax leaves the group.
public struct GroupedClassifier: DifferentiableModel {
    public enum Surface: String, Sendable, Codable { case maximum, summedProbabilities }

    public var network: TwoLayerNetwork
    /// The classes of G₊ and G₋.
    public let groups: (positive: [Int], negative: [Int])
    public var surface: Surface

    public init(_ network: TwoLayerNetwork, positive: [Int], negative: [Int], surface: Surface = .maximum) {
        precondition(network.outputs > 1 && Set(positive).isDisjoint(with: negative) && !positive.isEmpty && !negative.isEmpty,
                     "a grouped classifier needs a k-class network and two disjoint non-empty groups")
        (self.network, self.groups, self.surface) = (network, (positive, negative), surface)
    }

    public var outputs: Int { 2 }
    public var parameters: [Double] {
        get { network.parameters }
        set { network.parameters = newValue }
    }
    public func parameterName(_ index: Int) -> String { network.parameterName(index) }
    public var inputGradientSpan: Matrix? { network.inputGradientSpan }
    public func preparedForInputGradients() -> GroupedClassifier {
        var prepared = self
        prepared.network = network.preparedForInputGradients()
        return prepared
    }
    public func prepareForTraining(_ data: Dataset) -> Dataset { network.prepareForTraining(data) }

    /// The group (0 for G₊, 1 for G₋) of each class, or nil for a class in neither.
    func group(of c: Int) -> Int? { groups.positive.contains(c) ? 0 : groups.negative.contains(c) ? 1 : nil }

    /// The two decision scores max_{i∈G} F_i of each row of class logits.
    func decisionScores(_ f: Matrix) -> Matrix {
        var s = Matrix(rows: f.rows, columns: 2)
        for i in 0..<f.rows {
            s[i, 0] = groups.positive.map { f[i, $0] }.max()!
            s[i, 1] = groups.negative.map { f[i, $0] }.max()!
        }
        return s
    }

    public func logits(_ inputs: Matrix, _ parallelism: Parallelism) -> Matrix { decisionScores(network.logits(inputs, parallelism)) }

    public func lossAndGradient(_ data: Dataset, _ loss: any Loss, _ parallelism: Parallelism) -> Backward {
        network.lossAndGradient(data, GroupScoreLoss(inner: loss, classifier: self), parallelism)
    }

    public func logitsAndInputGradient(_ inputs: Matrix, labels: [Int], _ loss: any Loss, _ parallelism: Parallelism) -> (logits: Matrix, gradient: Matrix) {
        let (f, gradient) = network.logitsAndInputGradient(inputs, labels: labels, GroupScoreLoss(inner: loss, classifier: self), parallelism)
        return (decisionScores(f), gradient)
    }

    /// Each sample's certified ℓ2 or ℓ∞ radius for the group decision (linear bounds,
    /// `LinearBoundCertificate`): its clean top class y must be in the sample's group (else 0) and
    /// is certified to beat every class of the other group. `data` holds the inputs and the group
    /// labels (0 / 1).
    /// With a `grid`, the largest grid radius certified with every smaller one (−1: none), as
    /// `LinearBoundCertificate.certifiedRadii`.
    public func certifiedRadii(_ data: Dataset, norm: AttackConfig.Norm = .l2, grid: [Double]? = nil, parallelism: Parallelism = .machine) -> [Double] {
        let top = network.predictions(data.inputs, parallelism)
        let right = data.labels.indices.filter { group(of: top[$0]) == data.labels[$0] }
        var radii = [Double](repeating: grid == nil ? 0 : -1, count: data.count)
        guard !right.isEmpty else { return radii }
        var labelledByTop = data.subset(right)
        labelledByTop.labels = right.map { top[$0] }
        let (positive, negative) = groups
        let certified = LinearBoundCertificate.certifiedRadii(network, labelledByTop, basis: nil, norm: norm,
                                                              rivals: { positive.contains($0) ? negative : positive }, grid: grid, parallelism: parallelism)
        for (row, i) in right.enumerated() { radii[i] = certified[row] }
        return radii
    }
}

/// A loss of the class logits F through the two group scores s(F) of a `GroupedClassifier`:
/// ℓ(s(F), group) with ∂ℓ/∂F_i = ∂ℓ/∂s_G · ∂s_G/∂F_i — for s_G = max, 1 at the group's top class
/// (lowest index on ties) and 0 elsewhere; for s_G = log Σ_{i∈G} e^{F_i}, the softmax of F within G.
struct GroupScoreLoss: Loss {
    let inner: any Loss
    let classifier: GroupedClassifier

    var name: String { inner.name + " on group scores (\(classifier.surface.rawValue))" }

    /// The scores on the attack surface and ∂s_G/∂F (n × 2 × k, row-major per sample).
    func scores(_ f: Matrix) -> (Matrix, [Double]) {
        let k = f.columns
        var s = Matrix(rows: f.rows, columns: 2), jacobian = [Double](repeating: 0, count: f.rows * 2 * k)
        for i in 0..<f.rows {
            for (g, members) in [classifier.groups.positive, classifier.groups.negative].enumerated() {
                let top = members.max { f[i, $0] < f[i, $1] || (f[i, $0] == f[i, $1] && $0 > $1) }!
                switch classifier.surface {
                case .maximum:
                    s[i, g] = f[i, top]
                    jacobian[(i * 2 + g) * k + top] = 1
                case .summedProbabilities:
                    let shifted = members.map { Double.exp(f[i, $0] - f[i, top]) }, total = shifted.reduce(0, +)
                    s[i, g] = f[i, top] + Double.log(total)
                    for (t, c) in members.enumerated() { jacobian[(i * 2 + g) * k + c] = shifted[t] / total }
                }
            }
        }
        return (s, jacobian)
    }

    func values(logits f: Matrix, labels: [Int]) -> [Double] { inner.values(logits: scores(f).0, labels: labels) }

    func valueAndGradient(logits f: Matrix, labels: [Int], divisor: Double) -> (value: Double, gradient: Matrix) {
        let (s, jacobian) = scores(f)
        let (value, ds) = inner.valueAndGradient(logits: s, labels: labels, divisor: divisor)
        var g = Matrix(rows: f.rows, columns: f.columns)
        for i in 0..<f.rows {
            for c in 0..<f.columns { g[i, c] = ds[i, 0] * jacobian[(i * 2) * f.columns + c] + ds[i, 1] * jacobian[(i * 2 + 1) * f.columns + c] }
        }
        return (value, g)
    }
}
