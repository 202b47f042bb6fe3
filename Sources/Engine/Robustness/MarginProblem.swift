import Exact

/// The decision of a binary two-layer ReLU network at one label, in the form every exact radius
/// works with (Proofs/robustness.md, "Exact radii: the margin and its fooling set"):
///
///     μ(x) = Σ_r c_r·ReLU(⟨w_r, x⟩ + b_r),   c_r = y·a_r,
///
/// fooled where μ ≤ 0 (y = +1: the decision is +1 iff f > 0, so f ≤ 0 fools; the set is closed) or
/// where μ < 0 (y = −1: f > 0 fools; the set is open).
///
/// **Normal form, exact.** Neurons with the same (w_r, b_r) are merged, their coefficients added
/// as rationals (ReLU(z) is the same function for both, so μ is unchanged): a dense k-class head
/// gives each class pair one neuron per hidden unit, not two. Each row is then scaled by a power
/// of two 2^{e_r} so that its largest entry lies in [1, 2), with c_r·2^{−e_r} compensating: ReLU
/// is positively homogeneous, so μ and every activation pattern are unchanged, and a power of two
/// changes no digit unless it leaves the Double range (then the row is kept unscaled). Nothing in
/// this form depends on the weights being well scaled, and nothing is rounded.
public struct MarginNetwork: Sendable {
    /// The merged, scaled rows w_r and biases b_r (exact transforms of the network's).
    public let weights: Matrix
    public let biases: [Double]
    /// a_r of the merged rows, exactly (for label y, c_r = y·a_r).
    public let coefficients: [Rational]
    /// The network's rows that make merged row r, and the power of two it was scaled by.
    public let sources: [[Int]]
    public let exponents: [Int]
    /// ⟨w_r, w_s⟩ exactly, and enclosing intervals of it.
    public let gram: [[Rational]]
    public let gramIntervals: [[Interval]]

    /// The binary network's normal form; `NotApplicable` for other heads or activations, or
    /// weights that are not finite.
    public init(_ network: TwoLayerNetwork) throws {
        guard network.head.outputs == 1, network.activation == .relu, network.patches == 1 else {
            throw ExactRadius.NotApplicable(description: "exact radii need a binary two-layer ReLU network on one patch")
        }
        try self.init(rows: (0..<network.weights.rows).map { network.weights.row($0) }, biases: network.biases,
                      coefficients: try network.head.coefficient.map { try Rational(exactly: $0) })
    }

    /// The normal form of μ = Σ_r coefficients[r]·ReLU(⟨rows[r], x⟩ + biases[r]).
    public init(rows: [[Double]], biases: [Double], coefficients: [Rational]) throws {
        guard let bad = (rows.indices.first { r in !rows[r].allSatisfy(\.isFinite) || !biases[r].isFinite }) else {
            var order: [[Double]: Int] = [:]
            var merged: [(row: [Double], bias: Double, a: Rational, sources: [Int])] = []
            for r in rows.indices {
                let key = rows[r].map { $0 + 0 } + [biases[r] + 0]  // −0 and +0 are one value
                if let i = order[key] {
                    merged[i].a += coefficients[r]
                    merged[i].sources.append(r)
                } else {
                    order[key] = merged.count
                    merged.append((rows[r], biases[r], coefficients[r], [r]))
                }
            }
            var w: [Double] = [], b: [Double] = [], a: [Rational] = [], e: [Int] = []
            for item in merged {
                let largest = item.row.reduce(0.0) { max($0, abs($1)) }
                var shift = largest > 0 ? -Int(largest.exponent) : 0
                let scaled = item.row.map { Double(sign: .plus, exponent: shift, significand: $0) }
                let bias = Double(sign: .plus, exponent: shift, significand: item.bias)
                let exact = zip(scaled, item.row).allSatisfy { Double(sign: .plus, exponent: -shift, significand: $0.0) == $0.1 }
                    && Double(sign: .plus, exponent: -shift, significand: bias) == item.bias && bias.isFinite
                if !exact { shift = 0 }
                w += exact ? scaled : item.row
                b.append(exact ? bias : item.bias)
                a.append(try item.a.timesPowerOfTwo(-shift))
                e.append(shift)
            }
            let m = merged.count, d = rows.first?.count ?? 0
            weights = Matrix(rows: m, columns: d, storage: w)
            self.biases = b
            self.coefficients = a
            sources = merged.map(\.sources)
            exponents = e
            var gram = [[Rational]](repeating: [], count: m)
            for r in 0..<m { for s in 0..<m { gram[r].append(s < r ? gram[s][r] : try exactDot(weights.row(r), weights.row(s))) } }
            self.gram = gram
            gramIntervals = gram.map { $0.map(Interval.init) }
            return
        }
        throw ExactRadius.NotApplicable(description: "exact radii need finite weights (neuron \(bad) has a non-finite weight or bias)")
    }

    public var neurons: Int { weights.rows }

    /// ⟨w, x⟩ + b exactly for every row of `network` (the network's own rows, not the normal form).
    public static func preactivations(_ network: TwoLayerNetwork, _ x: [Double]) throws -> [Rational] {
        guard x.count == network.inputDimension, x.allSatisfy(\.isFinite) else {
            throw ExactRadius.NotApplicable(description: "a point of dimension \(x.count) with finite coordinates is needed (the network's input dimension is \(network.inputDimension))")
        }
        return try (0..<network.weights.rows).map { try exactDot(network.weights.row($0), x) + Rational(exactly: network.biases[$0]) }
    }
    public var inputDimension: Int { weights.columns }

    /// The margin's data at one point: z_r = ⟨w_r, x⟩ + b_r exactly, c_r = y·a_r, and the
    /// power-of-two unit S in which the floating-point search works (z/S has its largest entry in
    /// [1, 2); every constraint of a region is homogeneous in (δ, z), so distances found in those
    /// units are ρ/S exactly, and no pre-activation overflows however large x is).
    /// `networkPreactivations`, when given, are ⟨w_s, x⟩ + b_s exactly for the rows s of the
    /// network this form was made from (shared with the witness check instead of formed twice);
    /// merged row r's is then the first source's times 2^{e_r}, exactly.
    public func at(_ x: [Double], label y: Int, networkPreactivations: [Rational]? = nil) throws -> MarginPoint {
        guard x.count == inputDimension else { throw ExactRadius.NotApplicable(description: "a point of dimension \(x.count) for a network of input dimension \(inputDimension)") }
        guard x.allSatisfy(\.isFinite) else { throw ExactRadius.NotApplicable(description: "a point with a non-finite coordinate") }
        let z = try networkPreactivations.map { full in try (0..<neurons).map { try full[sources[$0][0]].timesPowerOfTwo(exponents[$0]) } }
            ?? (0..<neurons).map { try exactDot(weights.row($0), x) + Rational(exactly: biases[$0]) }
        let c = coefficients.map { y > 0 ? $0 : -$0 }
        return MarginPoint(z: z, c: c, open: y < 0, unitExponent: try Self.binaryExponent(z.map(\.magnitude).max() ?? 0))
    }

    /// ⌊log₂ v⌋ for v > 0 (0 for v = 0), exactly, whatever the size of v.
    static func binaryExponent(_ v: Rational) throws -> Int {
        guard v.signum > 0 else { return 0 }
        var shift = 0, value = Double(v)
        while value.isInfinite { shift += 512; value = Double(try v.timesPowerOfTwo(-shift)) }
        while value < Double.leastNormalMagnitude { shift -= 512; value = Double(try v.timesPowerOfTwo(-shift)) }
        return shift + Int(value.exponent)
    }
}

/// One point's margin data (`MarginNetwork.at`).
public struct MarginPoint: Sendable {
    /// z_r exactly, and c_r = y·a_r exactly.
    public let z: [Rational]
    public let c: [Rational]
    /// Whether the fooling set {μ < 0} is open (y = −1); else it is {μ ≤ 0}.
    public let open: Bool
    /// S = 2^unitExponent: the search's unit of length.
    public let unitExponent: Int
    /// z/S rounded, and intervals enclosing z/S and c.
    public let zUnits: [Double]
    public let zIntervals: [Interval]
    public let cDouble: [Double]
    public let cIntervals: [Interval]

    init(z: [Rational], c: [Rational], open: Bool, unitExponent: Int) {
        self.z = z
        self.c = c
        self.open = open
        self.unitExponent = unitExponent
        let scaled = z.map { (try? $0.timesPowerOfTwo(-unitExponent)) ?? $0 }
        zUnits = scaled.map { Double($0) }
        zIntervals = scaled.map(Interval.init)
        // The coefficients' common power of two: the margin's sign is all that matters.
        let cShift = -((try? MarginNetwork.binaryExponent(c.map(\.magnitude).max() ?? 0)) ?? 0)
        let cScaled = c.map { (try? $0.timesPowerOfTwo(cShift)) ?? $0 }
        cDouble = cScaled.map { Double($0) }
        cIntervals = cScaled.map(Interval.init)
    }

    /// μ(x) < 0 (open) or ≤ 0 (closed), exactly: x itself is fooled.
    public var fooled: Bool {
        var mu = Rational(0)
        for r in z.indices where z[r].signum > 0 { mu += c[r] * z[r] }
        return open ? mu.signum < 0 : mu.signum <= 0
    }
}
