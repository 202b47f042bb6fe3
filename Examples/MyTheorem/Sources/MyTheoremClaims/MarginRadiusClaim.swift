import Claims
import Engine
import Exact

/// An affine classifier sign(w·x + b), written as an author's own model type. It adopts
/// `TwoLayerModel` by stating itself exactly as a two-layer ReLU net, through the identity
/// w·x + b = ReLU(w·x + b) − ReLU(−w·x − b) (negation is exact in floating point), and so gets
/// exact radii, certificates and attacks.
public struct AffineClassifier: TwoLayerModel {
    public var weights: [Double]
    public var bias: Double

    public init(weights: [Double], bias: Double) {
        self.weights = weights
        self.bias = bias
    }

    public func twoLayerNetwork() throws -> TwoLayerNetwork {
        TwoLayerNetwork(weights: Matrix(rows: 2, columns: weights.count, storage: weights + weights.map { -$0 }),
                        biases: [bias, -bias], head: .init(outputs: 1, neuronOutput: [0, 0], coefficient: [1, -1]))
    }

    /// w·x + b in exact arithmetic.
    func score(_ x: [Double]) throws -> Rational {
        try zip(weights, x).reduce(try Rational(exactly: bias)) { $0 + (try Rational(exactly: $1.0)) * (try Rational(exactly: $1.1)) }
    }
}

/// LIN.marginRadius — the ℓ2 robustness radius of sign(w·x + b) at (x, y) is its normalised margin
/// |w·x + b|/‖w‖ where it classifies x correctly, 0 elsewhere (Proofs/claims/LIN.marginRadius.md).
/// Decided in exact arithmetic: every exact radius bracket closed and ρ² equal to the closed form as
/// a rational, with the certified, exact and attack robust-accuracy curves in the report.
public struct MarginRadiusClaim: Claim {
    public init() {}
    public let id = "LIN.marginRadius"
    public let paper = Paper(rawValue: "linear-margin", citation: "the distance from a point to a hyperplane (a classical identity)")
    public let source = "ℓ2 distance from x to the hyperplane {w·x + b = 0}"
    public let statement = "ρ(x, y) = |w·x + b|/‖w‖ when sign(w·x + b) classifies x correctly, 0 otherwise"
    public let predicate = "on every seed: every exact ℓ2 radius bracket of the affine model closed, ρ² = (w·x + b)²/‖w‖² as rationals at every correctly classified point (0 at the others), and certified ≤ exact ≤ attack robust accuracy at every radius of the grid"
    public let counterfactual = "the unnormalised margin |w·x + b| as the radius (‖w‖ dropped) must fail"

    /// The predicate's constants (Proofs/claims/LIN.marginRadius.md, "Pinned constants").
    enum Bound {
        static let disagreements = PredicateConstant("disagreements", .equals, 0)
        static let openBrackets = PredicateConstant("openBrackets", .equals, 0)
        static let orderViolations = PredicateConstant("orderViolations", .equals, 0)
    }
    public var constants: [PredicateConstant] { [Bound.disagreements, Bound.openBrackets, Bound.orderViolations] }

    static let dimension = 8, points = 24, flipped = 0.125
    static let radii = (0...12).map { Double($0) / 8 }  // 0, 0.125, …, 1.5
    static let attack = AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .ball, restarts: 2, objective: .margin)

    public func protocolSettings(_ scale: Scale) -> [String: String] {
        ["dimension": "\(Self.dimension)", "points": "\(Self.points)", "flipped": "\(Self.flipped)",
         "radii": ClaimProtocol.setting(Self.radii), "attack": ClaimProtocol.setting(Self.attack)]
    }

    /// Which side of the truth each robustness number lies on: the exact radii decide; the
    /// certificate and the attack are reported beside them and only checked for order.
    public var robustnessEvidence: [RobustnessEvidence] {
        [RobustnessEvidence("disagreements", .exact, decides: .comparison, how: "exact ℓ2 radii against the closed form, in rationals"),
         RobustnessEvidence("certifiedAccuracy*", .certified, decides: .nothing, how: "linear-bound certificate"),
         RobustnessEvidence("attackAccuracy*", .attack, decides: .nothing, how: "ℓ2 PGD, 20 steps, 2 restarts")]
    }

    public func ledger(_ run: ClaimRun) throws -> Ledger {
        let nonzero = Hypothesis("w ≠ 0", statement: "the hyperplane exists", PredicateConstant("‖w‖", .above, 0),
                                 origin: .definition, reason: "the margin divides by ‖w‖")
        let (model, _) = Self.instance(seed: 1)
        return Ledger([nonzero.check(model.weights.map { $0 * $0 }.reduce(0, +).squareRoot(), setting: "seed 1")])
    }

    /// The seed's classifier (w ~ N(0, I_d), b ~ N(0, 1)) and points (x ~ N(0, I_d)), labelled by
    /// the classifier with a fraction `flipped` of the labels flipped (misclassified points, radius 0).
    static func instance(seed: UInt64) -> (AffineClassifier, Dataset) {
        var stream = PRNGKey(seed: seed).child("LIN.marginRadius").stream
        let model = AffineClassifier(weights: (0..<dimension).map { _ in stream.gaussian() }, bias: stream.gaussian())
        let inputs = (0..<(points * dimension)).map { _ in stream.gaussian() }
        let labels = (0..<points).map { i in
            let score = (0..<dimension).reduce(model.bias) { $0 + model.weights[$1] * inputs[i * dimension + $1] }
            return (score > 0 ? 1 : -1) * (stream.uniform() < flipped ? -1 : 1)
        }
        return (model, Dataset(inputs: Matrix(rows: points, columns: dimension, storage: inputs), labels: labels))
    }

    public func check(_ run: ClaimRun) throws -> ClaimResult {
        let seeds = run.seedList([.smoke: 5, .standard: 20, .paper: 100])
        let counterfactual = run.variant == .counterfactual
        var (result, curves) = try trials(run, instances: seeds, decision: .everyTrial) { seed in
            let (model, data) = Self.instance(seed: seed)
            let network = try model.twoLayerNetwork()
            let exact = try ExactRadius.radii(model: model, data, parallelism: .serial)
            // The closed form, in rationals: (w·x + b)²/‖w‖² where y(w·x + b) > 0 (y = −1 at a
            // score of 0 is correct too: the model says −1 there), else 0.
            let squaredNorm = try model.weights.reduce(Rational(0)) { $0 + (try Rational(exactly: $1)) * (try Rational(exactly: $1)) }
            var disagreements = 0
            for i in 0..<Self.points {
                let score = try model.score(data.inputs.row(i))
                let correct = data.labels[i] == 1 ? score > Rational(0) : score <= Rational(0)
                let predicted = correct ? (counterfactual ? score * score : try score * score / squaredNorm) : Rational(0)
                if exact[i].squaredRadius != predicted { disagreements += 1 }
            }
            let openBrackets = exact.filter { !$0.closed }.count
            // Robust accuracy on the three sides over the grid: certified ≤ exact ≤ attack.
            let exactCurve = RobustAccuracy.curve(radii: Self.radii) { _, epsilon in exact.map { $0.robust(at: epsilon) ?? false } }
            let certifiedCurve = RobustAccuracy.curve(radii: Self.radii) { _, epsilon in
                (try? LinearBoundCertificate.certified(model: model, data, epsilon: epsilon, parallelism: .serial))
                    ?? [Bool](repeating: false, count: Self.points)
            }
            let attackCurve = RobustAccuracy.curve(network, data, radii: Self.radii, attack: Self.attack, trainingLoss: LogisticLoss(),
                                                   key: PRNGKey(seed: seed).child("LIN.marginRadius").child("attack"), parallelism: .serial)
            let orderViolations = (0..<Self.radii.count).filter { r in
                certifiedCurve[r].monotoneRobustAccuracy > exactCurve[r].monotoneRobustAccuracy
                    || exactCurve[r].monotoneRobustAccuracy > attackCurve[r].monotoneRobustAccuracy
            }.count
            let satisfied = Bound.disagreements.admits(Double(disagreements)) && Bound.openBrackets.admits(Double(openBrackets))
                && Bound.orderViolations.admits(Double(orderViolations))
            return (satisfied,
                    ["disagreements": Double(disagreements), "openBrackets": Double(openBrackets), "orderViolations": Double(orderViolations),
                     "certifiedAccuracyAtHalf": certifiedCurve[4].monotoneRobustAccuracy, "attackAccuracyAtHalf": attackCurve[4].monotoneRobustAccuracy],
                    "d = \(Self.dimension), n = \(Self.points), seed \(seed)",
                    ["monotoneRobustAccuracy.exact": exactCurve.map(\.monotoneRobustAccuracy),
                     "monotoneRobustAccuracy.certified": certifiedCurve.map(\.monotoneRobustAccuracy),
                     "monotoneRobustAccuracy.attack": attackCurve.map(\.monotoneRobustAccuracy)])
        }
        // The report draws the first seed's three curves over the grid.
        if let first = seeds.first, let drawn = curves[first] {
            result.series["radii"] = Self.radii
            for (name, values) in drawn { result.series[name] = values }
        }
        return result
    }
}
