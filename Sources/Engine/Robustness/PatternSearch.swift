import Exact

/// One norm's per-region programs for `PatternSearch` (Proofs/robustness.md, "One search, two
/// norms"). A region is an activation pattern S; its constraints, in δ, are
///
///     σ_r·(z_r + ⟨w_r, δ⟩) ≥ 0   (σ_r = +1 on S, −1 off it),      μ_S(x + δ) = Σ_{r∈S} c_r (z_r + ⟨w_r, δ⟩) ≤ 0,
///
/// m + 1 rows ⟨g_j, δ⟩ ≥ h_j whose normals g_j = Σ_r C_jr w_r are combinations of the rows. The
/// search works in floating point in the point's unit S (`MarginPoint.unitExponent`); every bound
/// it keeps is *sound*: a Double that is ≤ the true value for the exact data, by outward-rounded
/// intervals (`Interval`) or rationals. A *measure* is the quantity bounds are kept in: the
/// squared distance for ℓ2 (`power` 2), the distance for ℓ∞ (`power` 1).
protocol RegionGeometry: Sendable {
    var margin: MarginNetwork { get }
    static var power: Int { get }
    /// The floating-point distance (units) from x to neuron r's hyperplane: the search's order.
    func hyperplaneDistance(_ r: Int, _ p: MarginPoint) -> Double
    /// A sound lower bound on the measure (units) of every point beyond neuron r's hyperplane.
    func hyperplaneMeasure(_ r: Int, _ p: MarginPoint) -> Double
    /// The region's program in floating point: its optimum and multipliers, or its emptiness with
    /// a Farkas vector.
    func solve(_ pattern: [Bool], _ p: MarginPoint) -> RegionOutcome
    /// The sound lower bound (units) that multipliers λ ≥ 0 prove for the constraints `rows` (weak
    /// duality: for every feasible δ, Σλ_j h_j ≤ ⟨Σλ_j g_j, δ⟩ ≤ ‖Σλ_j g_j‖_*·‖δ‖).
    func dualMeasure(_ rows: SoundRows, _ multipliers: [Double]) -> Double
    /// The region's optimum re-solved and proven in rationals (original units), from a float solution.
    func exactOptimum(_ pattern: [Bool], _ solution: RegionOutcome.Solution, _ p: MarginPoint) throws -> ExactOptimum?
    /// The region's optimum found without the float solution: its candidate active sets tried in
    /// rationals, each one spending one unit of `budget` (nil when none is proven, there are more
    /// than `Exhaustive.subsets`, or the budget runs out).
    func exhaustiveOptimum(_ pattern: [Bool], _ p: MarginPoint, budget: inout Int) throws -> ExactOptimum?
    /// A point of the region `pattern` inside the open fooling set (μ_S < 0), in the witness's
    /// encoding, for the open-set witness: nil when none is proven.
    func interiorPoint(_ pattern: [Bool], _ p: MarginPoint) throws -> [Rational]?
    /// ℓ2's relaxation bound of a subtree (nil for norms without one): the float distance, and the
    /// sound measure it proves (nil when a validity check fails).
    func relaxation(_ pattern: [Bool], fixed: ArraySlice<Int>, free: ArraySlice<Int>, _ p: MarginPoint, within: Double) -> (distance: Double, sound: () -> Double?)?
}

/// A region program's floating-point result.
enum RegionOutcome {
    struct Solution {
        var distance: Double
        /// One per constraint (m sign rows, then the decision row).
        var multipliers: [Double]
        /// The simplex basis (ℓ∞), for the exact re-solve.
        var basis: [Int] = []
        var rows: Int = 0
        /// The float minimiser δ (ℓ∞), to read the active sets from.
        var point: [Double] = []
    }
    case solved(Solution)
    case empty(farkas: [Double])
}

/// A region's optimum proven in rationals: its exact measure (original units), and the optimal
/// perturbation as coefficients over the merged rows (ℓ2) or in the input space (ℓ∞).
struct ExactOptimum {
    var measure: Rational
    var coefficients: [Rational]?
    var delta: [Rational]?
}

extension RegionGeometry {
    /// No search without a float solution (ℓ∞'s programs are re-solved on their simplex basis).
    func exhaustiveOptimum(_ pattern: [Bool], _ p: MarginPoint, budget: inout Int) throws -> ExactOptimum? { nil }
}

/// The careful pass's enumerations: subsets of a region's m + 1 rows, tried in rationals.
enum Exhaustive {
    /// The most subsets one enumeration tries; a region needing more is left to its dual bound.
    static let subsets = 4096
    /// The rational systems one point's careful pass may solve in its enumerations, all regions
    /// together; past it, regions keep their float bounds (a slow pass never runs unbounded).
    static let budget = 20_000

    /// The subsets of 0..<n of sizes 0…k in order of size (lexicographic within a size), or nil
    /// when there are more than `subsets` of them.
    static func subsets(of n: Int, upTo k: Int) -> [[Int]]? {
        var count = 0, binomial = 1
        for size in 0...min(k, n) {
            if size > 0 { binomial = binomial * (n - size + 1) / size }
            count += binomial
            if count > subsets { return nil }
        }
        var out: [[Int]] = [[]]
        var current: [Int] = []
        func extend(_ start: Int, _ size: Int) {
            if current.count == size { out.append(current); return }
            guard start < n else { return }
            for j in start..<n where n - j >= size - current.count {
                current.append(j); extend(j + 1, size); current.removeLast()
            }
        }
        for size in stride(from: 1, through: min(k, n), by: 1) { extend(0, size) }
        return out
    }
}

/// A claimed lower bound of the search, as a checkable object (tests plant wrong ones).
enum RegionProof {
    /// Every point beyond neuron r's hyperplane has measure ≥ claimed.
    case hyperplane(neuron: Int, claimed: Double)
    /// Multipliers λ of a region's rows prove its measure ≥ claimed.
    case dual(pattern: [Bool], multipliers: [Double], claimed: Double)
    /// The region's exact optimum (KKT: active rows and their multipliers).
    case kkt(pattern: [Bool], active: [Int], multipliers: [Rational])
}

extension EuclideanRegions {
    /// The measure (units; rationals for `kkt`) the proof establishes, or nil when it is wrong.
    func check(_ proof: RegionProof, _ p: MarginPoint) throws -> Double? {
        switch proof {
        case let .hyperplane(r, claimed): return claimed <= hyperplaneMeasure(r, p) ? claimed : nil
        case let .dual(pattern, lambda, claimed): return claimed <= dualMeasure(SoundRows.region(pattern, p), lambda) ? claimed : nil
        case let .kkt(pattern, active, lambda):
            guard let optimum = try checkKKT(pattern, active: active, multipliers: lambda, p) else { return nil }
            return Double(try optimum.measure.timesPowerOfTwo(-2 * p.unitExponent))
        }
    }
}

/// A constraint system ⟨Σ_r C_jr w_r, δ⟩ ≥ h_j with intervals that enclose its exact data (units).
struct SoundRows {
    var coefficients: [[Interval]]
    var bounds: [Interval]

    /// The pattern's m + 1 rows.
    static func region(_ pattern: [Bool], _ p: MarginPoint) -> SoundRows {
        let m = pattern.count
        var c: [[Interval]] = [], h: [Interval] = []
        var decision = [Interval](repeating: Interval(exactly: 0), count: m), value = Interval(exactly: 0)
        for r in 0..<m {
            var row = [Interval](repeating: Interval(exactly: 0), count: m)
            row[r] = Interval(exactly: pattern[r] ? 1 : -1)
            c.append(row)
            h.append(pattern[r] ? -p.zIntervals[r] : p.zIntervals[r])
            if pattern[r] {
                decision[r] = -p.cIntervals[r]
                value += p.cIntervals[r] * p.zIntervals[r]
            }
        }
        return SoundRows(coefficients: c + [decision], bounds: h + [value])
    }

    /// γ = Σ_j λ_j C_j and Σ_j λ_j h_j, enclosed; nil unless every λ_j is a finite number ≥ 0
    /// (weak duality needs λ ≥ 0).
    func combined(_ lambda: [Double]) -> (gamma: [Interval], value: Interval)? {
        guard lambda.count == coefficients.count, lambda.allSatisfy({ $0 >= 0 && $0.isFinite }) else { return nil }
        let m = coefficients.first?.count ?? 0
        var gamma = [Interval](repeating: Interval(exactly: 0), count: m), value = Interval(exactly: 0)
        for j in coefficients.indices where lambda[j] > 0 {
            let l = Interval(exactly: lambda[j])
            for r in 0..<m where coefficients[j][r] != Interval(exactly: 0) { gamma[r] += l * coefficients[j][r] }
            value += l * bounds[j]
        }
        return (gamma, value)
    }
}

/// The exact rows of a pattern's program (original units): coefficients C_j over the merged rows and bounds h_j.
func exactRegionRows(_ pattern: [Bool], _ p: MarginPoint) -> (c: [[Rational]], h: [Rational]) {
    let m = pattern.count
    var c: [[Rational]] = (0..<m).map { r in (0..<m).map { $0 == r ? Rational(pattern[r] ? 1 : -1) : Rational(0) } }
    var h: [Rational] = (0..<m).map { pattern[$0] ? -p.z[$0] : p.z[$0] }
    var decision = [Rational](repeating: Rational(0), count: m), value = Rational(0)
    for r in 0..<m where pattern[r] {
        decision[r] = -p.c[r]
        value += p.c[r] * p.z[r]
    }
    c.append(decision)
    h.append(value)
    return (c, h)
}

/// The branch and bound over activation patterns shared by the ℓ2 and ℓ∞ exact radii
/// (Proofs/robustness.md, "Exact radii", "Sound brackets"). Depth first over the neurons in order
/// of their hyperplane distance; a subtree is skipped when a flipped neuron's hyperplane or (ℓ2)
/// the relaxation is farther than the best distance found, and every skip, every region solved and
/// every empty region leaves a sound lower bound. The regions within a relative 10⁻⁹ of the best
/// are re-solved in rationals. The result is a bracket:
///
/// - lower: the least of those sound bounds and exact optima — every region of the fooling set's
///   closure is covered by one of them (open fooling sets: a region where μ_S ≥ 0 on all of it is
///   left out only on the exact proof that every c_r of S is ≥ 0);
/// - upper: the least exact optimum whose point x + δ is proven in the fooling set (closed sets) or
///   in its closure with an interior point of the same region (open sets), δ kept as the witness.
///
/// The bracket is closed when lower = upper exactly: then the radius is exact.
///
/// A bracket left open by the floating-point search is searched once more, *in rationals*
/// (`careful`; networks of at most `carefulNeurons` neurons): every region the search reaches is
/// proven — its exact optimum from the float active set or from every small active set
/// (`RegionGeometry.exhaustiveOptimum`), or its exact emptiness by a Farkas certificate on the float
/// vector's support or on every small support — before it may set the best radius, and only the
/// regions where all fail keep their float bound (Proofs/robustness.md, "The careful pass"). Ill-conditioned programs (inputs far larger than the
/// biases put many hyperplanes through nearly one point; the float multipliers then reach 10¹⁵
/// and their dual bound says almost nothing) are where the first pass stays open. The result is
/// the intersection of the two brackets, each sound, so a bracket the first pass closes is returned
/// as it was.
struct PatternSearch<Geometry: RegionGeometry> {
    let geometry: Geometry

    /// The largest network (neurons after merging) searched a second time in rationals.
    static var carefulNeurons: Int { 24 }

    func radius(of x: [Double], label y: Int, upperBound: Double, pruning: ExactRadius.Pruning,
                networkPreactivations: [Rational]? = nil) throws -> ExactRadius.PointRadius {
        let first = try radius(of: x, label: y, upperBound: upperBound, pruning: pruning, networkPreactivations: networkPreactivations, careful: false)
        guard !first.closed, geometry.margin.neurons <= Self.carefulNeurons else { return first }
        let second = try radius(of: x, label: y, upperBound: upperBound, pruning: pruning, networkPreactivations: networkPreactivations, careful: true)
        return Self.intersection(first, second)
    }

    /// The tighter ends of two sound brackets of one point (lower nil: ∞), each end with what proves it.
    static func intersection(_ a: ExactRadius.PointRadius, _ b: ExactRadius.PointRadius) -> ExactRadius.PointRadius {
        var result = (b.upper.map { u in a.upper.map { u < $0 } ?? true } ?? false) ? b : a  // the smaller upper end, with its witness
        switch (a.lower, b.lower) {
        case let (l?, m?): result.lower = max(l, m)
        default: result.lower = nil
        }
        result.regionsSolved = a.regionsSolved + b.regionsSolved
        return result
    }

    func radius(of x: [Double], label y: Int, upperBound: Double, pruning: ExactRadius.Pruning,
                networkPreactivations: [Rational]?, careful: Bool) throws -> ExactRadius.PointRadius {
        let margin = geometry.margin, m = margin.neurons, power = Geometry.power
        let p = try margin.at(x, label: y, networkPreactivations: networkPreactivations)
        let exactActive = p.z.map { $0.signum > 0 }
        if p.fooled {
            let zero = [Rational](repeating: Rational(0), count: m)
            return ExactRadius.PointRadius(lower: Rational(0), upper: Rational(0), power: power, pattern: exactActive, regionsSolved: 0,
                                           attained: true, witness: .init(coefficients: Geometry.power == 2 ? zero : nil,
                                                                          delta: Geometry.power == 2 ? nil : [Rational](repeating: Rational(0), count: margin.inputDimension)))
        }
        let toUnits = { (v: Double) in Double(sign: .plus, exponent: -p.unitExponent, significand: v) }
        let distances = (0..<m).map { geometry.hyperplaneDistance($0, p) }
        let order = (0..<m).sorted { distances[$0] < distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
        var candidates: [(distance: Double, pattern: [Bool], solution: RegionOutcome.Solution)] = []
        var best = upperBound.isFinite ? toUnits(upperBound) : .infinity
        var lowest = Double.infinity  // the least sound bound kept (measure, units)
        var solved = 0
        var empties: [(bound: Double, pattern: [Bool], farkas: [Double])] = []  // regions found empty in floating point
        var pattern = exactActive
        func keep(_ bound: Double) { lowest = min(lowest, bound.isNaN ? 0 : bound) }
        // The careful pass: each proven region's exact optimum, and a Double below its measure (units).
        var provenOptima: [[Bool]: ExactOptimum] = [:]
        var budget = Exhaustive.budget
        var proven: [[Bool]: Double] = [:]
        /// The careful pass's region (`solution` nil: the float program found it empty). A
        /// candidate only with its exact optimum — from the float active set, else by trying every
        /// small active set — its distance then the exact one (units); proven empty (the float
        /// Farkas vector's support, else every small support), it bounds nothing; else its sound
        /// float bound is kept.
        func proveRegion(_ solution: RegionOutcome.Solution?, floatBound: @autoclosure () -> Double) {
            let optimum = solution.flatMap { try? geometry.exactOptimum(pattern, $0, p) } ?? (try? geometry.exhaustiveOptimum(pattern, p, budget: &budget)) ?? nil
            if let optimum, let measure = try? optimum.measure.timesPowerOfTwo(-power * p.unitExponent) {
                let distance = power == 2 ? Double(measure).squareRoot() : Double(measure)
                provenOptima[pattern] = optimum
                proven[pattern] = Double(measure).nextDown
                if distance < best * (1 + 1e-9) {
                    candidates.append((distance, pattern, solution ?? .init(distance: distance, multipliers: [])))
                    best = min(best, distance)
                } else {
                    keep(Double(measure).nextDown)  // below the exact measure
                }
                return
            }
            if let lambda = solution?.multipliers, (try? Self.provenEmpty(pattern, lambda, p, margin)) == true { return }
            if (try? Self.provenEmptyBySupports(pattern, p, margin, budget: &budget)) == true { return }
            keep(floatBound())
        }
        func descend(_ depth: Int, _ cost: Double, _ costNeuron: Int?) {
            if pruning != .none, let r = costNeuron, !(cost < best * (1 + 1e-9)) {
                keep(geometry.hyperplaneMeasure(r, p))
                return
            }
            if depth > 0 && depth < m && pruning == .relaxation && best.isFinite {
                let within = best * (1 + 1e-6)
                if let relaxed = geometry.relaxation(pattern, fixed: order[..<depth], free: order[depth...], p, within: within),
                   relaxed.distance > within * (1 + 1e-9), let sound = relaxed.sound(), sound >= Self.measureBelow(best, power: power) {
                    // (A sound bound below the best would open the bracket: the subtree is searched instead.)
                    keep(min(Self.measureBelow(within, power: power), sound))
                    return
                }
            }
            if depth == m {
                // An open fooling set has no point in a region where μ_S ≥ 0 throughout: proven by
                // c_r ≥ 0 for every r ∈ S (μ_S = Σ_S c_r z_r and z_r ≥ 0 on the region).
                if p.open && (0..<m).allSatisfy({ !pattern[$0] || p.c[$0].signum >= 0 }) { return }
                solved += 1
                switch geometry.solve(pattern, p) {
                case let .empty(farkas) where careful:
                    if (try? Self.provenEmpty(pattern, farkas, p, margin)) != true {
                        proveRegion(nil, floatBound: geometry.dualMeasure(SoundRows.region(pattern, p), farkas))
                    }
                case let .empty(farkas):
                    empties.append((geometry.dualMeasure(SoundRows.region(pattern, p), farkas), pattern, farkas))
                case let .solved(solution) where careful:
                    proveRegion(solution, floatBound: geometry.dualMeasure(SoundRows.region(pattern, p), solution.multipliers))
                case let .solved(solution):
                    if solution.distance < best * (1 + 1e-9) {
                        candidates.append((solution.distance, pattern, solution))
                        best = min(best, solution.distance)
                    } else {
                        keep(geometry.dualMeasure(SoundRows.region(pattern, p), solution.multipliers))
                    }
                }
                return
            }
            let r = order[depth]
            descend(depth + 1, cost, costNeuron)
            pattern[r].toggle()
            if distances[r] > cost { descend(depth + 1, distances[r], r) } else { descend(depth + 1, cost, costNeuron) }
            pattern[r].toggle()
        }
        descend(0, 0, nil)

        // Candidates beaten since they were found keep their dual bounds; the near ones are proven exactly.
        let near = candidates.filter { $0.distance <= best * (1 + 1e-9) }.sorted { $0.distance < $1.distance }
        for candidate in candidates where !(candidate.distance <= best * (1 + 1e-9)) {
            keep(proven[candidate.pattern] ?? geometry.dualMeasure(SoundRows.region(candidate.pattern, p), candidate.solution.multipliers))
        }
        var lowerExact: Rational?
        var upper: (measure: Rational, optimum: ExactOptimum, pattern: [Bool], interior: [Rational]?)?
        var interiors: [[Bool]: [Rational]?] = [:]
        for candidate in near {
            guard let optimum = try provenOptima[candidate.pattern] ?? geometry.exactOptimum(candidate.pattern, candidate.solution, p) else {
                keep(geometry.dualMeasure(SoundRows.region(candidate.pattern, p), candidate.solution.multipliers))
                continue
            }
            if lowerExact.map({ optimum.measure < $0 }) ?? true { lowerExact = optimum.measure }
            guard upper.map({ optimum.measure < $0.measure }) ?? true else { continue }
            if p.open {
                // The closure point needs a point of the same region inside the fooling set.
                if interiors[candidate.pattern] == nil { interiors[candidate.pattern] = .some(try geometry.interiorPoint(candidate.pattern, p)) }
                guard let interior = interiors[candidate.pattern]!, !interior.isEmpty else { continue }
                upper = (optimum.measure, optimum, candidate.pattern, interior)
            } else {
                upper = (optimum.measure, optimum, candidate.pattern, nil)
            }
        }
        // An empty region whose Farkas bound is below the upper end is proven empty exactly if it
        // can be (then it bounds nothing); otherwise its bound is kept.
        let target = upper.map { (try? $0.measure.timesPowerOfTwo(-power * p.unitExponent)).map { Double($0) } ?? .infinity } ?? .infinity
        for empty in empties {
            if empty.bound >= target || empty.bound >= lowest { keep(empty.bound); continue }
            if try !Self.provenEmpty(empty.pattern, empty.farkas, p, geometry.margin) { keep(empty.bound) }
        }
        // The kept bounds in original units: × S^power, exact (S a power of two).
        var lower: Rational? = lowest.isFinite ? try Rational(exactly: lowest).timesPowerOfTwo(power * p.unitExponent) : nil
        if let e = lowerExact, lower.map({ e < $0 }) ?? true { lower = e }
        var witness: ExactRadius.Witness?
        if let upper {
            witness = ExactRadius.Witness(coefficients: upper.optimum.coefficients, delta: upper.optimum.delta)
            if p.open {
                if power == 2 { witness?.interiorCoefficients = upper.interior } else { witness?.interiorDelta = upper.interior }
            }
        }
        return ExactRadius.PointRadius(lower: lower.map { $0.signum < 0 ? Rational(0) : $0 }, upper: upper?.measure, power: power,
                                       pattern: upper?.pattern ?? near.first?.pattern ?? exactActive, regionsSolved: solved,
                                       attained: !p.open, witness: witness)
    }

    /// Whether the region's rows have an exact Farkas certificate on the float vector's support:
    /// λ ≥ 0 with Σλ_j g_j = 0 (W·Wᵀγ = 0 for γ = Σλ_j C_j) and Σλ_j h_j = 1 — then no δ satisfies
    /// them all (0 = ⟨Σλ_j g_j, δ⟩ ≥ Σλ_j h_j = 1 is impossible).
    static func provenEmpty(_ pattern: [Bool], _ farkas: [Double], _ p: MarginPoint, _ margin: MarginNetwork) throws -> Bool {
        try provenEmpty(support: farkas.indices.filter { farkas[$0] > 0 }, exactRegionRows(pattern, p), margin)
    }

    /// `provenEmpty` on a support of the region's exact rows, formed once by the caller.
    static func provenEmpty(support: [Int], _ regionRows: (c: [[Rational]], h: [Rational]), _ margin: MarginNetwork) throws -> Bool {
        let (c, h) = regionRows
        guard !support.isEmpty else { return false }
        let m = c.count - 1
        // Equations over λ_A: (W·Wᵀ·C_A λ)_r = 0 for every r, and h_Aᵀλ = 1.
        var rows: [[Rational]] = (0..<m).map { r in
            support.map { j in
                var s = Rational(0)
                for t in 0..<m where !c[j][t].isZero { s += margin.gram[r][t] * c[j][t] }
                return s
            }
        }
        rows.append(support.map { h[$0] })
        let rhs = [Rational](repeating: Rational(0), count: m) + [Rational(1)]
        guard let lambda = try? Bareiss.leastSquares(try RationalMatrix(rows: rows), rhs),
              lambda.allSatisfy({ $0.signum >= 0 }) else { return false }
        for (i, row) in rows.enumerated() {
            var s = Rational(0)
            for (k, value) in row.enumerated() where !value.isZero { s += value * lambda[k] }
            guard s == rhs[i] else { return false }
        }
        return true
    }

    /// Whether some support of at most min(m, d) + 1 of the region's rows carries an exact Farkas
    /// certificate (`provenEmpty` on each support in turn, one unit of `budget` each; false when
    /// there are too many to try or the budget runs out).
    static func provenEmptyBySupports(_ pattern: [Bool], _ p: MarginPoint, _ margin: MarginNetwork, budget: inout Int) throws -> Bool {
        let rows = exactRegionRows(pattern, p)
        guard let supports = Exhaustive.subsets(of: rows.c.count, upTo: min(margin.neurons, margin.inputDimension) + 1) else { return false }
        for support in supports where !support.isEmpty {
            guard budget > 0 else { return false }
            budget -= 1
            if try provenEmpty(support: support, rows, margin) { return true }
        }
        return false
    }

    /// A Double ≤ distance^power.
    static func measureBelow(_ distance: Double, power: Int) -> Double {
        power == 2 ? (distance * distance).nextDown : distance
    }
}
