/// f*(x) = (d(x, B) − d(x, A)) / (d(x, A) + d(x, B)) for finite sets A (label +1) and B (label −1)
/// (Li, Jin, Zhong, Hopcroft, Wang, NeurIPS 2022; Proofs/expressive-power.md). If d(A, B) ≥ 2ε then f* is
/// ε⁻¹-Lipschitz (with s = d_A + d_B ≥ 2ε, |∇f*| ≤ 2/s ≤ 1/ε) and sign f*(x') = label for every x'
/// within distance < ε of a point of A ∪ B (at exactly ε, f* may be 0: a tie).
public struct DistanceRatioClassifier: Sendable {
    public let positive: [[Double]]
    public let negative: [[Double]]
    public let norm: SeparatedSetsConfig.Norm

    public init(_ data: Dataset, norm: SeparatedSetsConfig.Norm) {
        let rows = data.inputs.rowList
        positive = zip(rows, data.labels).filter { $1 == 1 }.map(\.0)
        negative = zip(rows, data.labels).filter { $1 != 1 }.map(\.0)
        self.norm = norm
    }

    public func distance(_ x: [Double], to set: [[Double]]) -> Double {
        set.map { SeparatedSets.distance($0[...], x[...], norm) }.min() ?? .infinity
    }

    public func value(_ x: [Double]) -> Double {
        let a = distance(x, to: positive), b = distance(x, to: negative)
        return a + b == 0 ? 0 : (b - a) / (a + b)
    }
}
