/// Certified robustness of a network's first-order expansion in its parameters (the NTK model,
/// `LinearizedNetwork`) by interval bounds (Proofs/robustness.md, "The linearised network"):
///
///     f_o(x) = Σ_{r→o} a_r Σ_p [σ(z⁰_rp) + σ′(z⁰_rp)·h_rp],   z⁰_rp = ⟨w⁰_r, x_p⟩ + b⁰_r,  h_rp = ⟨Δw_r, x_p⟩ + Δb_r.
///
/// Over the threat set of `IntervalCertificate` (ℓ2 per patch, optionally within span of `basis`, or
/// ℓ∞), z⁰_rp and h_rp range over [z ∓ ε·s_r] and [h ∓ ε·s′_r] (s_r, s′_r the dual norms of w⁰_r and
/// Δw_r). Each term is then bounded by decoupling z⁰ and h — σ ∈ `valueRange`, σ′ ∈
/// `derivativeRange`, and the product σ′·h by the four corners of [σ′_min, σ′_max] × [h_min, h_max]
/// — which over-approximates the term's range, so the margin's lower bound (lower ends where c_r ≥ 0,
/// upper where c_r < 0) is sound. A class is excluded when that bound exceeds a slack of 1e-9 times
/// the terms' magnitudes, as in `IntervalCertificate` (rounding: the same argument; each interval is
/// widened by a relative 10⁻¹²). σ′ jumps (ReLU at 0, the soft threshold at ±b) make f discontinuous in
/// x; the ranges above cover both sides of every jump.
public enum LinearizedCertificate {
    /// Which samples are certified robust at radius ε.
    public static func certified(_ model: LinearizedNetwork, _ data: Dataset, epsilon: Double, basis: Matrix?,
                                 norm: AttackConfig.Norm = .l2, parallelism: Parallelism = .machine) -> [Bool] {
        let base = model.base, shift = model.displacement
        let gains = LinearBoundCertificate.Threat(base, basis: basis, norm: norm).gains
        let shiftGains = LinearBoundCertificate.Threat(shift, basis: basis, norm: norm).gains
        let k = base.outputs, head = base.head, patches = base.patches, sigma = base.activation
        var result = [Bool](repeating: false, count: data.count)
        result.withUnsafeMutableBufferPointer { out in
            let slots = UncheckedSendable(out)
            parallelism.forEachRange(data.count, grain: 8) { range in
                for i in range {
                    let (z, zError) = IntervalCertificate.preActivationsWithError(base, data, i)
                    let (h, hError) = IntervalCertificate.preActivationsWithError(shift, data, i)
                    var lower = [Double](repeating: 0, count: k), upper = lower, magnitude = 0.0
                    for r in 0..<base.neurons {
                        let a = head.coefficient[r], o = head.neuronOutput[r]
                        for p in 0..<patches {
                            let (zr, hr) = (z[r * patches + p], h[r * patches + p])
                            let (zs, hs) = ((epsilon * gains[r]).nextUp, (epsilon * shiftGains[r]).nextUp)
                            let (zw, hw) = (zError[r * patches + p] + 0x1p-52 * (abs(zr) + zs), hError[r * patches + p] + 0x1p-52 * (abs(hr) + hs))
                            let values = sigma.valueRange(on: zr - zs - zw, zr + zs + zw)
                            let slopes = sigma.derivativeRange(on: zr - zs - zw, zr + zs + zw)
                            let corners = [slopes.lowerBound * (hr - hs - hw), slopes.lowerBound * (hr + hs + hw),
                                           slopes.upperBound * (hr - hs - hw), slopes.upperBound * (hr + hs + hw)]
                            let (low, high) = (values.lowerBound + corners.min()!, values.upperBound + corners.max()!)
                            lower[o] += a >= 0 ? a * low : a * high
                            upper[o] += a >= 0 ? a * high : a * low
                            magnitude += abs(a) * (max(abs(values.lowerBound), abs(values.upperBound)) + corners.map(abs).max()!)
                        }
                    }
                    let slack = 1e-9 * magnitude + 1e-300, y = data.labels[i]
                    slots.value[i] = k == 1 ? (y > 0 ? lower[0] > slack : upper[0] < -slack)
                                            : (0..<k).allSatisfy { j in j == y || lower[y] - upper[j] > slack }
                }
            }
        }
        return result
    }
}
