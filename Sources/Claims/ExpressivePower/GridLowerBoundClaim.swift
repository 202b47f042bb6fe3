import Engine
import Exact

/// EP.lowerBound — the grid construction S_φ and the counting inequalities behind the exp(Ω(d))
/// lower bound, decided in exact integer and rational arithmetic (Proofs/claims/EP.lowerBound.md).
public struct GridLowerBoundClaim: Claim {
    public init() {}
    public let id = "EP.lowerBound"
    public let paper = Paper.expressivePower
    public let source = "Thm 3.4 (robust generalisation needs exp(Ω(d)) parameters): grid S_φ, double counting, Sauer–Shelah"
    public let statement = "S_φ is 2ε-separated in ℓ∞ and split by x_d = ½ for every φ; 2^N/Σ_{i≤αN} C(N,i) ≥ C_α^N (C_α = √(2(1−2α)), α = 1/10) and Σ_{i≤N/20} C(N,i) < C_α^N, so VC ≥ N/20, N = K^{d−1}"
    public let predicate = "8^N·S(N,⌊N/10⌋)² ≤ 20^N and 5^N·S(N,⌊N/20⌋)² < 8^N for every N = K^{d−1} in the sweep, and exact separation ≥ 2ε and split of S_φ for random φ, in every trial"
    /// The predicate's constants (Proofs/claims/EP.lowerBound.md, "Pinned constants"): the bases
    /// and the fractions α of the two exact counting inequalities, and the counterfactual's bases.
    enum Bound {
        static let alpha = PredicateConstant("doubleCounting.alpha", .equals, 0.1)
        static let left = PredicateConstant("doubleCounting.leftBase", .equals, 8)
        static let right = PredicateConstant("doubleCounting.rightBase", .equals, 20)
        static let vcAlpha = PredicateConstant("sauerShelah.alpha", .equals, 0.05)
        static let vcLeft = PredicateConstant("sauerShelah.leftBase", .equals, 5)
        static let vcRight = PredicateConstant("sauerShelah.rightBase", .equals, 8)
        static let counterfactualLeft = PredicateConstant("doubleCounting.leftBase", .equals, 9, variant: .counterfactual)
        static let counterfactualRight = PredicateConstant("doubleCounting.rightBase", .equals, 16, variant: .counterfactual)
    }
    public var constants: [PredicateConstant] {
        [Bound.alpha, Bound.left, Bound.right, Bound.vcAlpha, Bound.vcLeft, Bound.vcRight, Bound.counterfactualLeft, Bound.counterfactualRight]
    }

    public let counterfactual = "the double-counting bound with C = 3/2 (above 2^{1−H(0.1)} ≈ 1.4454): 9^N·S(N,⌊N/10⌋)² ≤ 16^N must fail for large N"

    /// The counting step needs C_α = √(2(1 − 2α)) > 1 for both fractions (else the bound is empty).
    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let c = Hypothesis("double counting is exponential", statement: "C_α = √(2(1 − 2α)) > 1 (α < ¼)",
                           PredicateConstant("C_α", .above, 1), origin: .paper, reason: "Proofs/expressive-power.md: C_α ≈ 1.265 at α = 0.1",
                           introducedAfter: "EP.lowerBound holds at standard (2026-11-23); the ledger was added 2026-12-04")
        return Ledger([c.check((2 * (1 - 2 * Bound.alpha.bound)).squareRoot(), setting: "α = \(Bound.alpha.bound)"),
                       c.check((2 * (1 - 2 * Bound.vcAlpha.bound)).squareRoot(), setting: "α = \(Bound.vcAlpha.bound)")])
    }

    /// The sweep's limits (the counting units are N = 2 … limit; the grid seeds are the units too).
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        let (counting, grid) = Self.limits(scale)
        return ["countingLimit": "\(counting)", "gridLimit": "\(grid)"]
    }

    /// The largest N = K^{d−1} of the counting sweep (every N ≤ it is some K^{1}) and of the grids.
    static func limits(_ scale: Scale) -> (counting: Int, grid: Int) {
        switch scale {
        case .smoke: (1024, 64)
        case .standard: (4096, 512)
        case .paper: (4096, 4096)
        }
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let (countingLimit, gridLimit) = Self.limits(run.scale)
        let gridSeeds = run.variant == .claim ? run.seedList([.smoke: 4, .standard: 10, .paper: 20]) : []
        // Instances: 1…G are grid seeds, then 10⁶ + N for the counting inequality at N.
        let instances = gridSeeds + (2...countingLimit).map { 1_000_000 + UInt64($0) }
        return try trials(run, instances: instances, decision: .everyTrial) { instance in
            if instance >= 1_000_000 { return try counting(n: Int(instance - 1_000_000), variant: run.variant) }
            return try grid(seed: instance, limit: gridLimit)
        }
    }

    /// S(N, m) = Σ_{i ≤ m} C(N, i), exactly.
    static func binomialTail(_ n: Int, _ m: Int) throws -> BigInt {
        var term = BigInt(1), sum = BigInt(1)
        for i in 0..<min(m, n) {
            term = try term * BigInt(n - i) / BigInt(i + 1)
            sum += term
        }
        return sum
    }

    func counting(n: Int, variant: ClaimVariant) throws -> (satisfied: Bool, values: [String: Double], config: String) {
        let s10 = try Self.binomialTail(n, n / Int(1 / Bound.alpha.bound)), s20 = try Self.binomialTail(n, n / Int(1 / Bound.vcAlpha.bound))
        func base(_ c: PredicateConstant) -> BigInt { BigInt(Int(c.bound)) }
        func bits(_ x: BigInt) -> Double { Double(x.bitLength) }
        switch variant {
        case .claim:
            let left = try base(Bound.left).power(n) * s10 * s10, right = try base(Bound.right).power(n)
            let vcLeft = try base(Bound.vcLeft).power(n) * s20 * s20, vcRight = try base(Bound.vcRight).power(n)
            return (left <= right && vcLeft < vcRight,
                    ["N": Double(n), "doubleCountingMarginBits": bits(right) - bits(left), "sauerShelahMarginBits": bits(vcRight) - bits(vcLeft)],
                    "N = \(n), α = 1/10")
        case .counterfactual:
            let left = try base(Bound.counterfactualLeft).power(n) * s10 * s10, right = try base(Bound.counterfactualRight).power(n)
            return (left <= right, ["N": Double(n), "marginBits": bits(right) - bits(left)], "N = \(n), C = 3/2")
        }
    }

    func grid(seed: UInt64, limit: Int) throws -> (satisfied: Bool, values: [String: Double], config: String) {
        var stream = PRNGKey(seed: seed).child(id).child("grid").stream
        // K ∈ 2…8, then the largest d ≥ 2 with K^{d−1} ≤ limit, then a uniform d in 2…that.
        let k = 2 + Int(stream.next() % 7)
        var maxD = 2
        while maxD < 64, (0..<maxD).reduce(1, { a, _ in a * k }) <= limit { maxD += 1 }
        let d = 2 + Int(stream.next() % UInt64(maxD - 1))
        let n = (0..<(d - 1)).reduce(1) { a, _ in a * k }
        let phi = (0..<n).map { _ in stream.next() % 2 == 0 ? 1 : -1 }
        let epsilon = try Rational(1, 2 * k)
        let (points, labels) = try SeparatedSets.grid(dimension: d, epsilon: epsilon, labelling: phi)
        let separation = try SeparatedSets.exactSeparation(points, labels: labels, norm: .linf)
        let half = try Rational(1, 2)
        let split = zip(points, labels).allSatisfy { ($0.0.last! > half) == ($0.1 == 1) && $0.0.last! != half }
        let separated = separation.map { $0 >= epsilon * 2 } ?? true  // one-label φ: nothing to separate
        var values = ["K": Double(k), "d": Double(d), "N": Double(n)]
        if let separation { values["separationOverTwoEpsilon"] = Double(try separation / (epsilon * 2)) }
        return (separated && split, values, "S_φ: K = \(k), d = \(d), ε = 1/\(2 * k), φ from seed \(seed)")
    }
}
