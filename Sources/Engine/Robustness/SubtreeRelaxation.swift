/// The linear relaxation of a subtree of `PatternSearch` (Proofs/robustness.md, "The relaxation"),
/// shared by both norms: the points within `radius` (units) of x whose pattern agrees with
/// `pattern` on the `fixed` neurons satisfy the fixed neurons' sign rows and, if they fool the
/// network, the relaxed decision
///
///     Σ_{r fixed active} c_r·z_r(δ) + Σ_{r free} ℓ_r(z_r(δ)) ≤ 0,
///
/// where ℓ_r ≤ c_r·ReLU on z_r(δ) ∈ [l, u] ⊇ [z_r − spread_r, z_r + spread_r], spread_r =
/// radius·‖w_r‖_* (the dual norm: ‖·‖₂ for ℓ2, ‖·‖₁ for ℓ∞). For c_r ≥ 0 the line c_r·α·z (α = 1
/// where u ≥ −l, else 0; valid for every z); for c_r < 0 nothing where u ≤ 0, c_r·z where l ≥ 0,
/// else c_r times the chord u·(z − l)/(u − l) of ReLU, which is above ReLU on [l, u].
///
/// The rows are combinations of the network's rows (coefficients over neurons); each geometry
/// maps them into its own space and solves its program in floating point. `sound` re-checks, in
/// intervals, that every [l, u] holds its range (so the one-sided cases and the chords are valid)
/// and returns the rows on enclosed data, for the geometry's sound dual bound.
struct SubtreeRelaxation {
    enum LineKind { case zero, identity, inactive, active, chord }
    struct Line { var r: Int; var kind: LineKind; var lower: Double; var upper: Double }

    /// The fixed neurons' rows σ_r·⟨w_r, δ⟩ ≥ −σ_r·z_r (units).
    var signRows: [(r: Int, sign: Double, bound: Double)] = []
    /// The relaxed decision as ⟨−Σ slope_r·w_r, δ⟩ ≥ value, its terms in the order they were added.
    var terms: [(r: Int, slope: Double)] = []
    var value = 0.0
    var lines: [Line] = []

    init(_ pattern: [Bool], fixed: ArraySlice<Int>, free: ArraySlice<Int>, _ p: MarginPoint, spread: (Int) -> Double) {
        func add(_ r: Int, slope: Double, intercept: Double = 0) {
            guard slope != 0 else { return }
            terms.append((r, slope))
            value += slope * p.zUnits[r] + intercept
        }
        for r in fixed {
            signRows.append((r, pattern[r] ? 1 : -1, pattern[r] ? -p.zUnits[r] : p.zUnits[r]))
            if pattern[r] { add(r, slope: p.cDouble[r]) }
        }
        for r in free {
            let c = p.cDouble[r], s = spread(r)
            // One ulp-scaled step outward so that [l, u] holds the range despite rounding; checked in `sound`.
            let lower = (p.zUnits[r] - s * (1 + 1e-12)).nextDown, upper = (p.zUnits[r] + s * (1 + 1e-12)).nextUp
            if p.c[r].signum >= 0 {
                if upper <= 0 { lines.append(Line(r: r, kind: .zero, lower: lower, upper: upper)); continue }
                if lower >= 0 || upper >= -lower {
                    add(r, slope: c); lines.append(Line(r: r, kind: .identity, lower: lower, upper: upper))
                } else {
                    lines.append(Line(r: r, kind: .zero, lower: lower, upper: upper))
                }
            } else {
                if upper <= 0 { lines.append(Line(r: r, kind: .inactive, lower: lower, upper: upper)); continue }
                if lower >= 0 { add(r, slope: c); lines.append(Line(r: r, kind: .active, lower: lower, upper: upper)); continue }
                let s = upper / (upper - lower)
                add(r, slope: c * s, intercept: -c * s * lower)
                lines.append(Line(r: r, kind: .chord, lower: lower, upper: upper))
            }
        }
    }

    /// The rows in a space where neuron r's normal is `normal(r)` (length k): the sign rows, then the decision.
    func normals(_ k: Int, _ normal: (Int) -> [Double]) -> (g: [[Double]], h: [Double]) {
        var g = signRows.map { row in normal(row.r).map { row.sign * $0 } }
        var decision = [Double](repeating: 0, count: k)
        for term in terms {
            let w = normal(term.r)
            for i in 0..<k { decision[i] -= term.slope * w[i] }
        }
        g.append(decision)
        return (g, signRows.map(\.bound) + [value])
    }

    /// The rows over neurons on enclosed data, or nil when some line's interval is not proven to
    /// hold its range (`encloses(r, l, u)`: [l, u] ⊇ z_r's range on the ball).
    func sound(_ p: MarginPoint, encloses: (Int, Double, Double) -> Bool) -> SoundRows? {
        let m = p.z.count, zero = Interval(exactly: 0)
        var rows: [[Interval]] = [], bounds: [Interval] = []
        var decision = [Interval](repeating: zero, count: m), value = zero
        for row in signRows {
            var coefficients = [Interval](repeating: zero, count: m)
            coefficients[row.r] = Interval(exactly: row.sign)
            rows.append(coefficients)
            bounds.append(row.sign > 0 ? -p.zIntervals[row.r] : p.zIntervals[row.r])
            if row.sign > 0 { decision[row.r] -= p.cIntervals[row.r]; value += p.cIntervals[row.r] * p.zIntervals[row.r] }
        }
        for line in lines {
            let r = line.r, c = p.cIntervals[r], z = p.zIntervals[r]
            switch line.kind {
            case .zero: break  // c ≥ 0: 0 ≤ c·ReLU everywhere
            case .identity: decision[r] -= c; value += c * z  // c ≥ 0: c·z ≤ c·ReLU(z) everywhere
            case .inactive:  // c < 0, u ≤ 0: ReLU = 0 on the range
                guard encloses(r, line.lower, line.upper) else { return nil }
            case .active:  // c < 0, l ≥ 0: ReLU(z) = z on the range
                guard encloses(r, line.lower, line.upper) else { return nil }
                decision[r] -= c; value += c * z
            case .chord:  // c < 0: c·u(z − l)/(u − l) ≤ c·ReLU(z) on [l, u]
                guard encloses(r, line.lower, line.upper) else { return nil }
                let l = Interval(exactly: line.lower), u = Interval(exactly: line.upper)
                let slope = c * u / (u - l)
                decision[r] -= slope
                value += slope * (z - l)
            }
        }
        rows.append(decision)
        bounds.append(value)
        return SoundRows(coefficients: rows, bounds: bounds)
    }
}
