/// Exactly orthogonal feature sets of norm √d for the data models (Proofs/feature-averaging.md: the k cluster
/// features μ₁…μ_k of Feature Averaging must be pairwise orthogonal with ‖μ_i‖ = √d).
public enum OrthogonalFeatures {
    /// Rows 0..<k of the d×d Sylvester–Hadamard matrix, H_ij = (−1)^popcount(i AND j): entries ±1,
    /// so every row has squared norm exactly d, and distinct rows are exactly orthogonal
    /// (H·Hᵀ = d·I). Requires d a power of two and 1 ≤ k ≤ d.
    public static func hadamard(count k: Int, dimension d: Int) throws -> [[Double]] {
        guard d >= 1, d & (d - 1) == 0 else {
            throw ExactError.invalidArgument(name: "d", value: "\(d)", allowed: "a power of two (1, 2, 4, …) for Hadamard features")
        }
        try checkCount(k, dimension: d)
        return (0..<k).map { i in (0..<d).map { j in (i & j).nonzeroBitCount % 2 == 0 ? 1.0 : -1.0 } }
    }

    /// √d·e_i for i < k: exactly orthogonal (disjoint supports). The norm is fl(√d), which equals √d
    /// exactly only when d is a perfect square; `exactGram` reports the exact squared norms.
    public static func scaledBasis(count k: Int, dimension d: Int) throws -> [[Double]] {
        guard d >= 1 else { throw ExactError.invalidArgument(name: "d", value: "\(d)", allowed: "d ≥ 1") }
        try checkCount(k, dimension: d)
        let scale = Double(d).squareRoot()
        return (0..<k).map { i in (0..<d).map { $0 == i ? scale : 0 } }
    }

    static func checkCount(_ k: Int, dimension d: Int) throws {
        guard (1...d).contains(k) else {
            throw ExactError.invalidArgument(name: "k", value: "\(k)",
                                             allowed: "1 ≤ k ≤ d = \(d) (k orthogonal features need k ≤ d)")
        }
        let (entries, overflow) = k.multipliedReportingOverflow(by: d)
        guard !overflow, entries <= ExactLimits.maxMatrixEntries else {
            throw ExactError.invalidArgument(name: "k × d", value: "\(k) × \(d)",
                                             allowed: "at most \(ExactLimits.maxMatrixEntries) entries (ExactLimits.maxMatrixEntries)")
        }
    }

    /// The Gram matrix ⟨v_i, v_j⟩ of Double vectors, computed exactly (no rounding) with
    /// `ExactDoubleAccumulator`; throws for vectors of unequal length or non-finite entries.
    public static func exactGram(_ vectors: [[Double]]) throws -> RationalMatrix {
        let k = vectors.count
        var gram = RationalMatrix(uncheckedZeros: k, k)
        for i in 0..<k {
            for j in i..<k {
                let v = try exactDot(vectors[i], vectors[j])
                gram[i, j] = v
                gram[j, i] = v
            }
        }
        return gram
    }

    /// Whether distinct vectors are exactly orthogonal (every off-diagonal Gram entry is 0).
    public static func isExactlyOrthogonal(_ vectors: [[Double]]) throws -> Bool {
        let g = try exactGram(vectors)
        for i in 0..<g.rows { for j in 0..<g.columns where i != j && !g[i, j].isZero { return false } }
        return true
    }
}
