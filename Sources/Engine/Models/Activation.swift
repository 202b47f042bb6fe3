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
    /// The soft threshold σ(z) = sign(z)·max(|z| − b, 0) = ReLU(z − b) − ReLU(−z − b), b ≥ 0: the
    /// symmetric thresholded neuron of Allen-Zhu & Li's Feature Purification network (Proofs/feature-purification.md;
    /// our fixed b). Convention at the kinks ±b: σ′ = 0 (as ReLU's at 0); σ′ = 1 for |z| > b.
    case softThreshold(b: Double)
    /// σ(z) = z²: with biases, Σ_r a_r(⟨w_r, x⟩ + b_r)² with ≥ d + 1 neurons per output sign is
    /// exactly the class of degree-2 polynomials in x (eigendecompose the (d+1)×(d+1) symmetric
    /// matrix of the polynomial in (x, 1) and split its eigenvalues by sign) — Feature
    /// Purification's low-complexity comparison.
    case square

    /// x^e for an integer e ≥ 0 by binary powering. Every rounding of a squaring is inherited by
    /// all later squares, so the computed value is x^e·Π(1 + δ_k)^{c_k} with Σc_k = e − 1: relative
    /// error ≤ γ_{e−1} = (e − 1)u/(1 − (e − 1)u) (u = 2⁻⁵³; exact for e ≤ 1; 2u for the smoothed
    /// ReLU's q = 3), the same bound as e − 1 successive multiplications — far inside the 1e-10 of
    /// the gradient checks, and several times cheaper than libm's `pow`, which dominated
    /// adversarial training on patch data. (Barring overflow and underflow.)
    @inlinable static func power(_ x: Double, _ e: Int) -> Double {
        var result = 1.0, base = x, e = e
        while e > 0 {
            if e & 1 == 1 { result *= base }
            e >>= 1
            if e > 0 { base *= base }
        }
        return result
    }

    @inlinable public func value(_ z: Double) -> Double {
        switch self {
        case .identity: return z
        case .relu: return Activation.reluValue(z)
        case let .smoothedReLU(q, rho): return Activation.smoothedReLUValue(z, q: q, rho: rho)
        case let .softThreshold(b): return Activation.softThresholdValue(z, b: b)
        case .square: return z * z
        }
    }

    @inlinable public func derivative(_ z: Double) -> Double {
        switch self {
        case .identity: return 1
        case .relu: return Activation.reluDerivative(z)
        case let .smoothedReLU(q, rho): return Activation.smoothedReLUDerivative(z, q: q, rho: rho)
        case let .softThreshold(b): return Activation.softThresholdDerivative(z, b: b)
        case .square: return 2 * z
        }
    }

    // The pieces, one function per kind, shared by the scalar and the array forms (so both give
    // the same bits).
    @inlinable static func reluValue(_ z: Double) -> Double { z > 0 ? z : 0 }
    @inlinable static func reluDerivative(_ z: Double) -> Double { z > 0 ? 1 : 0 }
    @inlinable static func smoothedReLUValue(_ z: Double, q: Int, rho: Double) -> Double {
        if z <= 0 { return 0 }
        if z >= rho { return z - (1 - 1 / Double(q)) * rho }
        return Activation.power(z, q) / (Double(q) * Activation.power(rho, q - 1))
    }
    @inlinable static func smoothedReLUDerivative(_ z: Double, q: Int, rho: Double) -> Double {
        if z <= 0 { return 0 }
        if z >= rho { return 1 }
        return Activation.power(z / rho, q - 1)
    }
    @inlinable static func softThresholdValue(_ z: Double, b: Double) -> Double { z > b ? z - b : z < -b ? z + b : 0 }
    @inlinable static func softThresholdDerivative(_ z: Double, b: Double) -> Double { z > b || z < -b ? 1 : 0 }

    /// The smoothed ReLU (q ≤ 4) four lanes at a time, branch-free: every lane computes all three
    /// pieces and keeps the one its z selects. Each piece is formed by the same operations as in
    /// `smoothedReLUValue` / `smoothedReLUDerivative` — `power` unrolled for e ≤ 4 in binary
    /// powering's order (x, x·x, x·(x·x), (x·x)·(x·x)) and the constants computed as there — so the bits are
    /// those of the scalar form.
    @inlinable static func smoothedReLU(_ z: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                                        q: Int, rho: Double, derivative: Bool) {
        @inline(__always) func power(_ x: SIMD4<Double>, _ e: Int) -> SIMD4<Double> {
            switch e {
            case 0: return SIMD4(repeating: 1)
            case 1: return x
            case 2: return x * x
            case 3: return x * (x * x)  // result = x, base = x·x, result·base
            default: let square = x * x; return square * square  // e = 4: base = x·x, then base·base
            }
        }
        let zero = SIMD4<Double>(repeating: 0), one = SIMD4<Double>(repeating: 1), r = SIMD4<Double>(repeating: rho)
        let shift = SIMD4<Double>(repeating: (1 - 1 / Double(q)) * rho)
        let denominator = SIMD4<Double>(repeating: Double(q) * Activation.power(rho, q - 1))
        let n4 = z.count & ~3
        // One loop per (q, σ or σ′), so that the power's unrolling and the piece are fixed inside it.
        @inline(__always) func lanes(_ e: Int, _ derivative: Bool) {
            var t = 0
            while t < n4 {
                let v = Kernels.load4(z.baseAddress!, t)
                var y: SIMD4<Double>
                if derivative {
                    y = power(v / r, e)
                    y.replace(with: one, where: v .>= r)
                } else {
                    y = power(v, e) / denominator
                    y.replace(with: v - shift, where: v .>= r)
                }
                y.replace(with: zero, where: v .<= zero)
                Kernels.store4(y, out.baseAddress!, t)
                t += 4
            }
        }
        switch (q, derivative) {
        case (1, false): lanes(1, false)
        case (2, false): lanes(2, false)
        case (3, false): lanes(3, false)
        case (4, false): lanes(4, false)
        case (1, true): lanes(0, true)
        case (2, true): lanes(1, true)
        case (3, true): lanes(2, true)
        case (4, true): lanes(3, true)
        default: preconditionFailure("the vector smoothed ReLU is for q ≤ 4")
        }
        var t = n4
        while t < z.count {
            out[t] = derivative ? smoothedReLUDerivative(z[t], q: q, rho: rho) : smoothedReLUValue(z[t], q: q, rho: rho)
            t += 1
        }
    }

    /// The soft threshold four lanes at a time: the same comparisons and the same one subtraction
    /// or addition per entry as `softThresholdValue` / `softThresholdDerivative` (a NaN lane fails
    /// every comparison and gives 0 there too), so the bits are those of the scalar form.
    @inlinable static func softThreshold(_ z: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                                         b: Double, derivative: Bool) {
        let zero = SIMD4<Double>(repeating: 0), one = SIMD4<Double>(repeating: 1)
        let upper = SIMD4<Double>(repeating: b), lower = SIMD4<Double>(repeating: -b)
        let n4 = z.count & ~3
        @inline(__always) func lanes(_ derivative: Bool) {
            var t = 0
            while t < n4 {
                let v = Kernels.load4(z.baseAddress!, t)
                let above = v .> upper, below = v .< lower
                var y = zero
                if derivative {
                    y.replace(with: one, where: above .| below)
                } else {
                    y.replace(with: v + upper, where: below)
                    y.replace(with: v - upper, where: above)
                }
                Kernels.store4(y, out.baseAddress!, t)
                t += 4
            }
        }
        if derivative { lanes(true) } else { lanes(false) }
        for t in n4..<z.count {
            out[t] = derivative ? softThresholdDerivative(z[t], b: b) : softThresholdValue(z[t], b: b)
        }
    }

    /// out[t] = σ(z[t]) (`derivative`: σ′(z[t])) for every t: the kind is decided once, outside
    /// the loop; the same bits as `value` / `derivative` entry by entry.
    @inlinable public func apply(_ z: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>, derivative: Bool) {
        precondition(out.count >= z.count)
        switch (self, derivative) {
        case (.identity, false): for t in z.indices { out[t] = z[t] }
        case (.identity, true): for t in z.indices { out[t] = 1 }
        case (.relu, false): for t in z.indices { out[t] = Activation.reluValue(z[t]) }
        case (.relu, true): for t in z.indices { out[t] = Activation.reluDerivative(z[t]) }
        case let (.smoothedReLU(q, rho), _) where (1...4).contains(q):
            Activation.smoothedReLU(z, into: out, q: q, rho: rho, derivative: derivative)
        case let (.smoothedReLU(q, rho), false): for t in z.indices { out[t] = Activation.smoothedReLUValue(z[t], q: q, rho: rho) }
        case let (.smoothedReLU(q, rho), true): for t in z.indices { out[t] = Activation.smoothedReLUDerivative(z[t], q: q, rho: rho) }
        case let (.softThreshold(b), _): Activation.softThreshold(z, into: out, b: b, derivative: derivative)
        case (.square, false): for t in z.indices { out[t] = z[t] * z[t] }
        case (.square, true): for t in z.indices { out[t] = 2 * z[t] }
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
            if !(z < r) { return try z - T(exactly: Double(q - 1)).divided(by: T(exactly: Double(q))) * r }
            return try z.power(q).divided(by: (try T(exactly: Double(q))) * r.power(q - 1))
        case let .softThreshold(b):
            let t = try T(exactly: b)
            return (z - t).relu() - (.zero - z - t).relu()
        case .square: return try z * z
        }
    }

    /// The distance of z from the nearest point where σ is not smooth (∞ for identity).
    public func kinkDistance(_ z: Double) -> Double {
        switch self {
        case .identity: return .infinity
        case .relu: return abs(z)
        case let .smoothedReLU(_, rho): return min(abs(z), abs(z - rho))
        case let .softThreshold(b): return min(abs(z - b), abs(z + b))
        case .square: return .infinity
        }
    }

    // JSON: {"kind": "relu" | "identity" | "smoothed-relu" | "soft-threshold" | "square", "q": …, "rho": …,
    // "threshold": …}; every key is always present (ignored unless the kind uses it), so every
    // activation has the same keys; "threshold" may be absent in configs written before it existed.
    enum CodingKeys: String, CodingKey { case kind, q, rho, threshold }

    /// Every accepted "kind" (the decoder's cases; listed in config errors).
    static let kindNames = ["identity", "relu", "smoothed-relu", "soft-threshold", "square"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "identity": self = .identity
        case "relu": self = .relu
        case "smoothed-relu": self = .smoothedReLU(q: try c.decode(Int.self, forKey: .q), rho: try c.decode(Double.self, forKey: .rho))
        case "soft-threshold": self = .softThreshold(b: try c.decode(Double.self, forKey: .threshold))
        case "square": self = .square
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown activation \(other)")
        }
        // The keys this kind ignores must still hold what they would hold: a NaN or an integer
        // typo there is a mistake in the config, not a value to skip silently.
        if let q = try c.decodeIfPresent(Double.self, forKey: .q), !(q == q.rounded() && (2...16).contains(q)) {
            throw DecodingError.dataCorruptedError(forKey: .q, in: c, debugDescription: "an integer 2 … 16 (read when kind = smoothed-relu)")
        }
        for (key, reader) in [(CodingKeys.rho, "smoothed-relu"), (.threshold, "soft-threshold")] {
            if let v = try c.decodeIfPresent(Double.self, forKey: key), !v.isFinite {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "a finite number (read when kind = \(reader))")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let (kind, q, rho, threshold): (String, Int, Double, Double) = switch self {
        case .identity: ("identity", 3, 1, 0)
        case .relu: ("relu", 3, 1, 0)
        case let .smoothedReLU(q, rho): ("smoothed-relu", q, rho, 0)
        case let .softThreshold(b): ("soft-threshold", 3, 1, b)
        case .square: ("square", 3, 1, 0)
        }
        try c.encode(kind, forKey: .kind)
        try c.encode(q, forKey: .q)
        try c.encode(rho, forKey: .rho)
        try c.encode(threshold, forKey: .threshold)
    }

    func validate(_ field: String) throws {
        if case let .smoothedReLU(q, rho) = self {
            try ConfigError.require(q >= 2 && q <= 16, field + ".q", q, "an integer 2 … 16")
            try ConfigError.require(rho.isFinite && rho > 0, field + ".rho", rho, "a finite ρ > 0")
        }
        if case let .softThreshold(b) = self {
            try ConfigError.require(b.isFinite && b >= 0, field + ".threshold", b, "a finite b ≥ 0")
        }
    }
}
