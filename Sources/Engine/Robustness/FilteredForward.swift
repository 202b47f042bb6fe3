/// A two-layer ReLU network's decision at a point, computed in floating point with a rigorous
/// bound on its rounding error, and returned only when the bound decides it — a filtered
/// predicate (the exact decision is then certain; otherwise the caller decides in rationals).
///
/// Bounds (u = 2⁻⁵³, η = 2⁻¹⁰⁷⁴, γₙ = nu/(1 − nu); Higham, *Accuracy and Stability of Numerical
/// Algorithms*, §3.1: a sum of n products evaluated in any order, with or without fused
/// multiply-adds, is within γₙ Σ|aᵢbᵢ| of the exact one, plus nη for underflow):
///
/// - pre-activation: ẑ_r = fl(⟨w_r, x⟩ + b_r) over n = d + 1 terms has |ẑ_r − z_r| ≤ E_r with
///   E_r = 2(γₙ T̂_r + nη), T̂_r = fl(Σ|w_ri x_i| + |b_r|) (the factor 2 covers the rounding of T̂_r,
///   at most a factor 1 + γₙ, and of E_r itself). z_r's sign is certain when |ẑ_r| > E_r; the
///   active set {r : z_r > 0} is certain when every sign is.
/// - output j: F̂_j = fl(Σ_{r active, r → j} a_r ẑ_r) has |F̂_j − F_j| ≤ B_j with
///   B_j = 2(Σ|a_r| E_r + γ_{m+1} Σ|a_r ẑ_r| + (m + 1)η).
/// - decision: binary, +1 when F̂ > B, −1 when F̂ < −B (the network says +1 iff F > 0); k classes,
///   the first argmax of F̂ when it exceeds every other F̂_j by more than 2(B_best + B_j) — then
///   F_best > F_j strictly, and the exact argmax (ties to the lowest index) is that class.
///
/// Anything not finite, and every case the bounds leave open, returns nil.
enum FilteredForward {
    static let u = 0x1p-53
    static let eta = 0x1p-1074

    static func gamma(_ n: Int) -> Double { Double(n) * u / (1 - Double(n) * u) }

    /// The network's decision at `x` (binary: ±1; k classes: the class), or nil when the bound
    /// does not decide it (or the network is not a ReLU network on one patch).
    static func decision(_ network: TwoLayerNetwork, _ x: [Double]) -> Int? {
        let m = network.weights.rows, d = network.weights.columns
        guard x.count == d, network.activation == .relu, network.patches == 1 else { return nil }
        let k = max(1, network.head.outputs)
        let gammaZ = gamma(d + 1), gammaF = gamma(m + 1)
        var f = [Double](repeating: 0, count: k), spread = f, magnitude = f
        let signsDecided: Bool = network.weights.storage.withUnsafeBufferPointer { w in
            x.withUnsafeBufferPointer { xp in
                for r in 0..<m {
                    let row = w.baseAddress! + r * d
                    // Four partial sums with fused multiply-adds (the bound holds for any order).
                    var s0 = network.biases[r], s1 = 0.0, s2 = 0.0, s3 = 0.0
                    var t0 = abs(network.biases[r]), t1 = 0.0, t2 = 0.0, t3 = 0.0
                    var i = 0
                    while i + 4 <= d {
                        s0 = s0.addingProduct(row[i], xp[i]); t0 += abs(row[i] * xp[i])
                        s1 = s1.addingProduct(row[i + 1], xp[i + 1]); t1 += abs(row[i + 1] * xp[i + 1])
                        s2 = s2.addingProduct(row[i + 2], xp[i + 2]); t2 += abs(row[i + 2] * xp[i + 2])
                        s3 = s3.addingProduct(row[i + 3], xp[i + 3]); t3 += abs(row[i + 3] * xp[i + 3])
                        i += 4
                    }
                    while i < d { s0 = s0.addingProduct(row[i], xp[i]); t0 += abs(row[i] * xp[i]); i += 1 }
                    let z = (s0 + s1) + (s2 + s3)
                    let e = 2 * (gammaZ * ((t0 + t1) + (t2 + t3)) + Double(d + 1) * eta)
                    guard z.isFinite, e.isFinite, abs(z) > e else { return false }
                    guard z > 0 else { continue }
                    let j = network.head.neuronOutput[r], a = network.head.coefficient[r]
                    let p = a * z
                    f[j] += p
                    spread[j] += abs(a) * e
                    magnitude[j] += abs(p)
                }
                return true
            }
        }
        guard signsDecided else { return nil }
        let bound = (0..<k).map { 2 * (spread[$0] + gammaF * magnitude[$0] + Double(m + 1) * eta) }
        guard f.allSatisfy(\.isFinite), bound.allSatisfy(\.isFinite) else { return nil }
        if network.head.outputs == 1 {
            if f[0] > bound[0] { return 1 }
            if f[0] < -bound[0] { return -1 }
            return nil
        }
        var best = 0
        for j in 1..<k where f[j] > f[best] { best = j }
        for j in 0..<k where j != best {
            guard f[best] - f[j] > 2 * (bound[best] + bound[j]) else { return nil }
        }
        return best
    }
}
