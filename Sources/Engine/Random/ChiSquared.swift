/// χ²_k samples: the squared length of a standard Gaussian vector of ℝ^k, drawn without drawing the
/// vector. The attacks' split Gaussian start (`SplitGaussianStart`) needs ‖P⊥g‖² for g ~ N(0, I_d)
/// and P⊥ the projection onto the complement of an m-dimensional span — χ²_{d−m}, with d − m in the
/// thousands on Feature Averaging's data — as one number, not d − m Gaussians.
extension RandomStream {
    /// Below this many degrees of freedom χ²_k is drawn by its definition, Σ_{j<k} g_j².
    static let chiSquaredByDefinitionBelow = 16

    /// One χ²_k sample, exact in law: for k < 16 the sum of k squared Gaussians; otherwise 2·Γ(k/2)
    /// by Marsaglia & Tsang's method ("A simple method for generating gamma variables", ACM TOMS
    /// 26(3), 2000) for shape α = k/2 ≥ 8: with a = α − ⅓, c = 1/√(9a), draw x ~ N(0, 1), set
    /// v = (1 + c·x)³ (retry if 1 + c·x ≤ 0) and u ~ U(0, 1]; accept a·v when
    /// u < 1 − 0.0331·x⁴ (the squeeze) or ln u < x²/2 + a·(1 − v + ln v). Every random number
    /// comes from this stream and the logarithm is `DeterministicMath.log`, so the samples are the
    /// same bits on every IEEE-754 machine. Acceptance is above 99% for α ≥ 8 (> 99.9% at fa-paper's
    /// α = 1531), so a sample costs about one Gaussian and one uniform.
    public mutating func chiSquared(degreesOfFreedom k: Int) -> Double {
        precondition(k >= 0, "χ² needs a non-negative number of degrees of freedom (got \(k))")
        if k < Self.chiSquaredByDefinitionBelow {
            var sum = 0.0
            for _ in 0..<k { let g = gaussian(); sum += g * g }
            return sum
        }
        let a = Double(k) / 2 - 1.0 / 3, c = 1 / (9 * a).squareRoot()
        while true {
            let x = gaussian(), t = 1 + c * x
            guard t > 0 else { continue }
            let v = t * t * t, u = 1 - uniform()  // u ∈ (0, 1]
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 || DeterministicMath.log(u) < x2 / 2 + a * (1 - v + DeterministicMath.log(v)) {
                return 2 * a * v
            }
        }
    }
}
