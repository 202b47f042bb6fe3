import Claims
import Engine
import Foundation

/// NTK.arcCosine — the first-layer NTK of a two-layer ReLU net at initialisation is the degree-0
/// arc-cosine kernel ⟨x, x'⟩(π − θ)/(2π) up to O(1/√m) (Proofs/claims/NTK.arcCosine.md): per seed
/// within Hoeffding's bound, and the mean deviation ∝ m^(−1/2) over a width sweep.
public struct ArcCosineKernelClaim: Claim {
    public init() {}
    public let id = "NTK.arcCosine"
    public let paper = Paper(rawValue: "neural-tangent-kernel", citation: "Jacot, Gabriel, Hongler — Neural Tangent Kernel (NeurIPS 2018)")
    public let source = "infinite-width limit of the NTK at initialisation (degree-0 arc-cosine kernel)"
    public let statement = "Θ_m(x, x') = ⟨x, x'⟩(π − θ)/(2π) + O(1/√m) for a two-layer ReLU net with Gaussian first layer"
    public let predicate = "every pair within Hoeffding's bound at δ = 1e-3 (Wilson lower bound ≥ 0.8 over seeds) and mean |Θ_m − Θ_∞|/|⟨x,x'⟩| ∝ m^e with e's 95% interval in [−0.6, −0.4]"
    public let counterfactual = "the rate claimed as O(1/m), exponent in [−1.1, −0.9], must fail"

    /// The predicate's constants (Proofs/claims/NTK.arcCosine.md, "Pinned constants").
    enum Bound {
        static let delta = PredicateConstant("delta", .equals, 0.001)
        static let level = PredicateConstant("fractionWithinHoeffding", .atLeast, 0.8)
        static let rate = PredicateConstant.band("deviationVersusM.exponent", -0.6...(-0.4))
        static let counterfactualRate = PredicateConstant.band("deviationVersusM.exponent", -1.1...(-0.9), variant: .counterfactual)
    }
    public var constants: [PredicateConstant] { [Bound.delta, Bound.level] + Bound.rate + Bound.counterfactualRate }

    static let dimension = 16, pairs = 10
    static let widths = (6...13).map { 1 << $0 }  // 64 … 8192
    static let hoeffdingWidth = 4096

    /// Everything the check reads besides its constants, ledger and seeds: it enters the protocol's
    /// fingerprint (`theorycheck claims --protocol NTK.arcCosine`), so a change is named field by field.
    public func protocolSettings(_ scale: Scale) -> [String: String] {
        ["dimension": "\(Self.dimension)", "pairs": "\(Self.pairs)", "hoeffdingWidth": "\(Self.hoeffdingWidth)",
         "widths": ClaimProtocol.setting(Self.widths)]
    }

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let gaussian = Hypothesis("Gaussian first layer", statement: "w_r ~ N(0, I_d)", PredicateConstant("weightStd", .equals, 1),
                                  origin: .paper, reason: "the limit is over Gaussian initialisations")
        let (x, y) = Self.inputPairs(seed: 1)
        let smallest = (0..<Self.pairs).map { min(Self.norm(x.row($0)), Self.norm(y.row($0))) }.min()!
        let nonzero = Hypothesis("nonzero inputs", statement: "x, x' ≠ 0 (θ defined)", PredicateConstant("min ‖x‖", .above, 0),
                                 origin: .definition, reason: "the angle needs nonzero inputs")
        return Ledger([gaussian.check(1, setting: "m = 64 … 8192"), nonzero.check(smallest, setting: "seed 1")])
    }

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// The seed's input pairs: rows of x and x', N(0, I/d).
    static func inputPairs(seed: UInt64) -> (Matrix, Matrix) {
        var stream = PRNGKey(seed: seed).child("NTK.arcCosine").child("inputs").stream
        let scale = 1 / Double(dimension).squareRoot()
        let draw = { Matrix(rows: pairs, columns: dimension, storage: (0..<(pairs * dimension)).map { _ in scale * stream.gaussian() }) }
        return (draw(), draw())
    }

    /// Θ_m and Θ_∞ for every pair at width m, the network drawn from the seed.
    static func kernels(seed: UInt64, width m: Int) -> [(finite: Double, limit: Double, inner: Double)] {
        let net = TwoLayerNetwork.initialized(inputDimension: dimension, head: .binary(neuronsPerSign: m / 2, scale: 1 / Double(m).squareRoot()),
                                              weightStd: 1, biasStd: 0, trainsBiases: false,
                                              key: PRNGKey(seed: seed).child("NTK.arcCosine").child(UInt64(m)))
        let (x, y) = inputPairs(seed: seed)
        let (zx, zy) = (net.preactivations(x, .serial), net.preactivations(y, .serial))
        return (0..<pairs).map { i in
            let inner = zip(x.row(i), y.row(i)).reduce(0) { $0 + $1.0 * $1.1 }
            let both = (0..<m).filter { zx[i, $0] > 0 && zy[i, $0] > 0 }.count
            let angle = acos(max(-1, min(1, inner / (norm(x.row(i)) * norm(y.row(i))))))
            let coefficient = net.head.coefficient[0] * net.head.coefficient[0]  // a_r² = 1/m
            return (inner * coefficient * Double(both), inner * (Double.pi - angle) / (2 * Double.pi), inner)
        }
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let seeds = run.seedList([.smoke: 20, .standard: 40, .paper: 100])
        let hoeffdingWidth = Self.hoeffdingWidth
        let t = (log(2 / Bound.delta.bound) / (2 * Double(hoeffdingWidth))).squareRoot()
        var result = try trials(run, instances: seeds, decision: Bound.level.fractionDecision) { seed in
            let k = Self.kernels(seed: seed, width: hoeffdingWidth)
            let worst = k.map { abs($0.finite - $0.limit) / abs($0.inner) }.max()!
            return (worst <= t, ["worstRelativeDeviation": worst, "hoeffdingBound": t, "width": Double(hoeffdingWidth)],
                    "d = \(Self.dimension), m = \(hoeffdingWidth), \(Self.pairs) pairs")
        }
        let deviations = Self.widths.map { m in
            let all = seeds.flatMap { seed in Self.kernels(seed: seed, width: m).map { abs($0.finite - $0.limit) / abs($0.inner) } }
            return all.reduce(0, +) / Double(all.count)
        }
        for (m, deviation) in zip(Self.widths, deviations) { result.measurements["meanRelativeDeviation@m=\(m)"] = deviation }
        let band = PredicateConstant.range(run.variant == .claim ? Bound.rate : Bound.counterfactualRate)
        let fitted = result.addScalingCheck("deviationVersusM", x: ("m", Self.widths.map(Double.init)), y: ("mean |Θ_m − Θ_∞|/|⟨x,x'⟩|", deviations), band: band)
        if run.variant == .counterfactual { result.verdict = fitted }  // the counterfactual changes the rate only
        return result
    }
}
