/// The random direction of an ℓ2 start, drawn in two parts along a span that holds every step of
/// the attack (`DifferentiableModel.inputGradientSpan`: a one-patch two-layer net's weights).
///
/// With Q (m × d) orthonormal rows spanning it and P⊥ = I − QᵀQ, a standard Gaussian g ∈ ℝ^d is
///
///     g = Qᵀξ + ρ·u,    ξ = Q·g ~ N(0, I_m),  ρ = ‖P⊥g‖ ~ χ_{d−m},  u = P⊥g/ρ uniform on the
///                       unit sphere of span(Q)^⊥ — three independent parts,
///
/// so drawing ξ (m Gaussians), ρ² (one `chiSquared(degreesOfFreedom: d − m)`) and u separately is
/// the same law as the d Gaussians of `Attacks.l2Start` — the start δ₀ = radius·g/‖g‖ is still
/// uniform on the sphere (or in the ball) — while everything the attack decides from needs only
/// ξ and ρ: W·g = (W·Qᵀ)·ξ (W·u = 0), ‖g‖² = ‖ξ‖² + ρ². u (d Gaussians) is drawn only where a
/// perturbed input is formed. On fa-paper's curves this replaces ≈ 1.1·10⁸ Gaussians by ≈ 5·10⁵.
/// The primal attack (`Attacks.attackBlock`) draws the same parts and forms g from them, so both
/// routes start from the same point up to rounding.
///
/// Randomness of sample i with key K_i = key.child(i): ξ, then ρ², then the radius's uniform (ball
/// start) from K_i's stream; u from K_i.child("orthogonal").
struct SplitGaussianStart: Sendable {
    /// Q: orthonormal rows (HouseholderQR) spanning the given rows.
    let basis: Matrix

    /// nil unless there are fewer rows than columns (else the span is, or may be, all of ℝ^d).
    init?(spanning rows: Matrix) {
        guard rows.rows < rows.columns else { return nil }
        basis = HouseholderQR.orthonormalRows(spanning: rows)
    }

    /// The parts of one start: ξ, ρ = ‖P⊥g‖ and the start's radius, and the key of u.
    struct Draw {
        var coefficients: [Double]
        var orthogonalLength: Double
        var radius: Double
        var key: PRNGKey
        /// ‖g‖² = ‖ξ‖² + ρ².
        var squaredLength: Double { coefficients.reduce(0) { $0 + $1 * $1 } + orthogonalLength * orthogonalLength }
    }

    /// The parts of sample `key`'s start: the radius is ε on the sphere and ε·U^{1/d} in the ball,
    /// as in `Attacks.l2Start`.
    func draw(key: PRNGKey, _ start: AttackConfig.Start, epsilon: Double) -> Draw {
        let m = basis.rows, d = basis.columns
        var s = key.stream
        let xi = s.gaussians(m)
        let rho = s.chiSquared(degreesOfFreedom: d - m).squareRoot()
        let radius = start == .sphere ? epsilon : epsilon * Double.pow(s.uniform(), 1 / Double(d))
        return Draw(coefficients: xi, orthogonalLength: rho, radius: radius, key: key)
    }

    /// u = P⊥h/‖P⊥h‖ for h ~ N(0, I_d) from the draw's own stream: uniform on the unit sphere of
    /// span(Q)^⊥. The projection is applied twice ("twice is enough", Parlett), so u is orthogonal to
    /// the span to a few ulp·√m.
    func orthogonalDirection(_ draw: Draw) -> [Double] {
        var s = draw.key.child("orthogonal").stream
        var h = s.gaussians(basis.columns)
        for _ in 0..<2 { h = zip(h, Attacks.project(h, onto: basis)).map { $0 - $1 } }  // h − QᵀQh
        let norm = h.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? h.map { $0 / norm } : h
    }

    /// g = Qᵀξ + ρ·u.
    func vector(_ draw: Draw) -> [Double] {
        var g = orthogonalDirection(draw).map { draw.orthogonalLength * $0 }
        g.withUnsafeMutableBufferPointer { gp in
            basis.storage.withUnsafeBufferPointer { qp in
                for r in 0..<basis.rows { Kernels.axpy(draw.coefficients[r], qp.baseAddress! + r * basis.columns, gp.baseAddress!, basis.columns) }
            }
        }
        return g
    }
}
