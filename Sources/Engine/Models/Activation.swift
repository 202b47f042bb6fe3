import RealModule

/// The first-layer nonlinearity σ of `TwoLayerNetwork`.
public enum Activation: Codable, Equatable, Sendable {
    /// σ(z) = z: the network is linear (the "linear model").
    case identity
    /// σ(z) = max(z, 0), with the convention σ′(0) = 0 (PyTorch's).
    case relu
    /// The smoothed ReLU of Allen-Zhu & Li (used by Li & Li, ICLR 2025), for an integer q ≥ 2:
    /// σ(z) = 0 (z ≤ 0), z^q/(q ρ^{q−1}) (0 ≤ z ≤ ρ), z − (1 − 1/q)ρ (z ≥ ρ).
    /// It is C¹ (both pieces meet at ρ with value ρ/q and slope 1; at 0 with value and slope 0), so
    /// σ′ is unambiguous everywhere: 0, z^{q−1}/ρ^{q−1}, 1.
    case smoothedReLU(q: Int, rho: Double)

    @inlinable public func value(_ z: Double) -> Double {
        switch self {
        case .identity: return z
        case .relu: return z > 0 ? z : 0
        case let .smoothedReLU(q, rho):
            if z <= 0 { return 0 }
            if z >= rho { return z - (1 - 1 / Double(q)) * rho }
            return Double.pow(z, q) / (Double(q) * Double.pow(rho, q - 1))
        }
    }

    @inlinable public func derivative(_ z: Double) -> Double {
        switch self {
        case .identity: return 1
        case .relu: return z > 0 ? 1 : 0
        case let .smoothedReLU(q, rho):
            if z <= 0 { return 0 }
            if z >= rho { return 1 }
            return Double.pow(z / rho, q - 1)
        }
    }

    /// σ over any reference scalar type (exact for `Rational`: every piece is a polynomial).
    public func reference<T: ReferenceScalar>(_ z: T) throws -> T {
        switch self {
        case .identity: return z
        case .relu: return z.relu()
        case let .smoothedReLU(q, rho):
            let r = try T(exactly: rho)
            if !(z > .zero) { return .zero }
            if !(z < r) { return z - (try T(exactly: Double(q - 1)).divided(by: T(exactly: Double(q)))) * r }
            return try z.power(q).divided(by: (try T(exactly: Double(q))) * r.power(q - 1))
        }
    }

    /// The distance of z from the nearest point where σ is not smooth (∞ for identity).
    public func kinkDistance(_ z: Double) -> Double {
        switch self {
        case .identity: return .infinity
        case .relu: return abs(z)
        case let .smoothedReLU(_, rho): return min(abs(z), abs(z - rho))
        }
    }

    func validate(_ field: String) throws {
        if case let .smoothedReLU(q, rho) = self {
            try ConfigError.require(q >= 2 && q <= 16, field + ".q", q, "an integer 2 … 16")
            try ConfigError.require(rho.isFinite && rho > 0, field + ".rho", rho, "a finite ρ > 0")
        }
    }
}
