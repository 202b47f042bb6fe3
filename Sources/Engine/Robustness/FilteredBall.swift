/// The sign of ‖x′ − x‖₂² − ε² over a block of coordinates, from a floating-point evaluation with a
/// proven error bound: the filter in front of the exact ball check of `BreakConfirmation`.
///
/// Each δ_i = x′_i − x_i is the exact sum s_i + t_i of two Doubles (TwoSum), so
///
///     Q = ‖δ‖² = Σ s_i² + Σ (2 s_i t_i + t_i²),   s_i² = p_i + e_i exactly (p_i = fl(s_i²), e_i by FMA),
///     Σ p_i = σ + Σ q_i exactly (a TwoSum cascade: σ its running sum, q_i the errors),
///
/// and everything but σ is small: |q_i| ≤ u·σ_i, |e_i| ≤ u·p_i and |2 s_i t_i + t_i²| ≤ (2u + u²)·p_i
/// (u = 2⁻⁵³, |t_i| ≤ u·|s_i|). The small terms are summed in plain floating point, L = fl(Σ(q_i +
/// e_i + c_i)), with c_i = fl(fl(2s_i·t_i) + fl(t_i·t_i)), and their absolute sum A beside them.
/// Recursive summation of m terms errs by at most γ_{m−1}·Σ|terms| (Higham, *Accuracy and Stability
/// of Numerical Algorithms*, 2nd ed., eq. (4.4)), each c_i by at most 3u·|2s_i t_i + t_i²| + 3η
/// (η = 2⁻¹⁰⁷⁴ ≥ the underflow error of a product), so with ε² = p_ε + e_ε exactly,
///
///     Q − ε² = (σ − p_ε) + (L − e_ε) + err,   |err| ≤ γ_{3n}·A/(1 − γ_{3n}) + 7u²·(σ + A) + 3n·η,
///
/// and σ − p_ε = d₁ + d₂ exactly (TwoSum). The bound is doubled (it is itself computed in floating
/// point) and widened by the rounding of r = fl(fl(d₂ + L) − e_ε); w = fl(d₁ + r) errs by at most
/// u·|w|, so the sign of w decides where |w| > 2·bound. The relative width is ≈ 3n²u² (≈ 10⁻²⁴ at n = 3072), so
/// an attack's example that PGD projected onto the sphere (‖δ‖ = ε within a few ulps, ≈ 10⁻¹⁶) is
/// decided here; an exact tie is not, and goes to the exact accumulator.
///
/// Where a product could underflow or a sum overflow — a nonzero |s_i| or ε outside [2⁻⁴⁸⁰, 2⁴⁸⁰],
/// or a block longer than 2²⁰ — the filter declines (nil): FMA's error term is exact only above
/// the underflow threshold.
enum FilteredBall {
    /// The sign of ‖δ‖² − ε² over `range`: −1 (inside, ‖δ‖ < ε), +1 (outside), 0 only where δ = 0
    /// and ε = 0 (the clean point itself, decided exactly), or nil where the bound does not decide:
    /// any other tie is left to the caller's exact check.
    static func sign(_ x: UnsafeBufferPointer<Double>, _ example: UnsafeBufferPointer<Double>, _ range: Range<Int>, epsilon: Double) -> Int? {
        let low = 0x1p-480, high = 0x1p480
        let n = range.count
        guard n <= 1 << 20, epsilon == 0 || (epsilon >= low && epsilon <= high) else { return nil }
        var sigma = 0.0, smallSum = 0.0, smallAbsolute = 0.0
        for i in range {
            let (s, t) = BreakConfirmation.twoSum(example[i], -x[i])
            let magnitude = abs(s)
            guard magnitude == 0 || (magnitude >= low && magnitude <= high) else { return nil }
            let p = s * s
            let e = (-p).addingProduct(s, s)  // s² − p, exactly
            let c = (2 * s * t) + t * t
            let (sum, q) = BreakConfirmation.twoSum(sigma, p)
            sigma = sum
            smallSum += q
            smallSum += e
            smallSum += c
            smallAbsolute += abs(q) + abs(e) + abs(2 * s * t) + t * t
        }
        // δ = 0 exactly (every s_i = 0, hence every t_i = 0): ‖δ‖² − ε² = −ε².
        if sigma == 0 && smallAbsolute == 0 { return epsilon > 0 ? -1 : 0 }
        let u = 0x1p-53, eta = 0x1p-1074  // η bounds a product's underflow error (½·2⁻¹⁰⁷⁴), generously
        let m = Double(3 * n + 1)
        let gamma = m * u / (1 - m * u)
        var bound = 2 * (gamma * smallAbsolute / (1 - gamma) + 7 * u * u * (sigma + smallAbsolute) + 3 * Double(n) * eta)
        let pe = epsilon * epsilon
        let ee = (-pe).addingProduct(epsilon, epsilon)
        let (d1, d2) = BreakConfirmation.twoSum(sigma, -pe)
        let r = (d2 + smallSum) - ee
        bound += 3 * u * (abs(d2) + abs(smallSum) + abs(ee))
        bound *= 1 + 8 * u
        // d₁ + r = w + (an error ≤ u·|w|) exactly; Q − ε² is within `bound` of d₁ + r.
        let w = d1 + r
        if w > 2 * bound { return 1 }
        if w < -2 * bound { return -1 }
        return nil
    }
}
