/// What the first-order Taylor expansion of a network in its parameters needs from σ
/// (`LinearizedNetwork`): σ′ as a reference function, and σ″ for the input gradient.
extension Activation {
    /// σ″(z) where σ′ is differentiable, with σ″ := 0 at the kinks of σ′ (the convention of
    /// `derivative` at the kinks of σ): 0 for the piecewise-linear σ (identity, ReLU, soft
    /// threshold), 2 for z², and (q − 1)z^{q−2}/ρ^{q−1} on (0, ρ) for the smoothed ReLU.
    /// Whether σ″ is nonzero anywhere (false for the piecewise-linear kinds, whose `secondDerivative`
    /// is 0 at every z, the kinks included).
    public var hasCurvature: Bool {
        switch self {
        case .identity, .relu, .softThreshold: return false
        case .smoothedReLU, .square: return true
        }
    }

    @inlinable public func secondDerivative(_ z: Double) -> Double {
        switch self {
        case .identity, .relu, .softThreshold: return 0
        case let .smoothedReLU(q, rho):
            if z <= 0 || z >= rho { return 0 }
            return Double(q - 1) * Activation.power(z / rho, q - 2) / rho
        case .square: return 2
        }
    }

    /// σ′ over any reference scalar type, with the conventions of `derivative` at the kinks
    /// (exact for `Rational`: every piece is a polynomial).
    public func referenceDerivative<T: ReferenceScalar>(_ z: T) throws -> T {
        switch self {
        case .identity: return .one
        case .relu: return z > .zero ? .one : .zero
        case let .smoothedReLU(q, rho):
            let r = try T(exactly: rho)
            if !(z > .zero) { return .zero }
            if !(z < r) { return .one }
            return try z.divided(by: r).power(q - 1)
        case let .softThreshold(b):
            let t = try T(exactly: b)
            return z > t || z < .zero - t ? .one : .zero
        case .square: return try T(exactly: 2) * z
        }
    }
}
