import PropertyBased
import Testing
@testable import Engine

/// Linear bounds (Proofs/robustness.md, "Linear bounds"): each activation's relaxation lies below
/// and above σ on its interval, the certificates are never above the exact radius nor contradicted
/// by attacks (ReLU, smoothed-ReLU patch nets, soft-threshold and square nets), they certify points
/// the interval bound cannot — and planted unsound lines and radii are caught.
@Suite("Linear-bound certificates")
struct LinearBoundCertificateTests {
    static let activations: [Activation] = [.identity, .relu, .smoothedReLU(q: 2, rho: 0.7), .smoothedReLU(q: 3, rho: 0.5),
                                            .smoothedReLU(q: 4, rho: 1.3), .softThreshold(b: 0.3), .square]

    /// The largest amount by which `line` is on the wrong side of σ on [l, u] (sampled at 401 points,
    /// the ends and the kinks), in units of the values' scale; ≤ 0 when it is on the right side.
    static func violation(_ sigma: Activation, _ l: Double, _ u: Double, _ line: Activation.Line, below: Bool) -> Double {
        let points = (0...400).map { l + (u - l) * Double($0) / 400 } + [-0.3, 0, 0.3, 0.5, 0.7, 1.3].filter { l <= $0 && $0 <= u }
        return points.map { z in
            let gap = below ? line(z) - sigma.value(z) : sigma.value(z) - line(z)
            return gap / (1 + abs(sigma.value(z)) + abs(line.slope * z))
        }.max()!
    }

    /// lower ≤ σ ≤ upper on random intervals for every activation, exactly linear where σ is; the
    /// counterfactual (the two lines swapped) is on the wrong side on some interval of each
    /// nonlinear σ, so the check has power.
    @Test func relaxationsHoldOnTheirIntervals() async throws {
        var swappedCaught = Set<String>()
        await propertyCheck(count: 200, input: Gen.double(in: -3...3), Gen.double(in: 0...4)) { start, width in
            let (l, u) = (start, start + width)
            for sigma in Self.activations {
                let relaxation = sigma.relaxation(on: l, u)
                #expect(Self.violation(sigma, l, u, relaxation.lower, below: true) <= 1e-13, "\(sigma) on [\(l), \(u)]: lower line above σ")
                #expect(Self.violation(sigma, l, u, relaxation.upper, below: false) <= 1e-13, "\(sigma) on [\(l), \(u)]: upper line below σ")
                if case .identity = sigma { #expect(relaxation.lower == relaxation.upper) }
            }
        }
        for sigma in Self.activations where sigma != .identity {
            for (l, u) in [(-1.0, 1.0), (-2.0, 0.6), (0.1, 2.0)] {
                let relaxation = sigma.relaxation(on: l, u)
                if Self.violation(sigma, l, u, relaxation.upper, below: true) > 1e-6 || Self.violation(sigma, l, u, relaxation.lower, below: false) > 1e-6 {
                    swappedCaught.insert("\(sigma)")
                }
            }
        }
        #expect(swappedCaught.count == Self.activations.count - 1, "swapped lines caught for \(swappedCaught.sorted())")
    }

    /// The supporting lines the certificate may move to (α-CROWN's freedom): for each convex σ and
    /// slope s in σ′'s range, the line of slope s is below σ on [−4, 4] and touches it at t; the soft
    /// threshold has none. The counterfactual — the same line raised by 1% of σ(t) + 0.01 — is above σ
    /// at t, so the check could fail.
    @Test func supportingLinesLieBelowAndTouch() async throws {
        await propertyCheck(count: 100, input: Gen.double(in: -0.5...2.5)) { s in
            for sigma in Self.activations {
                guard let (line, t) = sigma.supportingLine(slope: s) else { #expect(sigma == .softThreshold(b: 0.3)); continue }
                #expect(Self.violation(sigma, -4, 4, line, below: true) <= 1e-13, "\(sigma), slope \(s): above σ")
                #expect(abs(line(t) - sigma.value(t)) <= 1e-12 * (1 + abs(sigma.value(t))), "\(sigma), slope \(s): does not touch at \(t)")
                let raised = Activation.Line(slope: line.slope, intercept: line.intercept + 0.01 * abs(sigma.value(t)) + 0.01)
                #expect(Self.violation(sigma, -4, 4, raised, below: true) > 0)
            }
        }
    }

    /// Binary and k-class ReLU nets: every certified radius is below the exact one — and radii
    /// planted at 1.5× the certified ones are above it on some point (the comparison has power).
    @Test func certifiedRadiiStayBelowTheExactRadius() async throws {
        var plantedAbove = 0
        await propertyCheck(count: 10, input: Gen.uint64()) { seed throws in
            let (exact, data) = ExactRadiusTests.problem(seed)
            let (multiclass, multiData) = ExactRadiusTests.multiclassProblem(seed)
            for (network, points) in [(exact.network, data), (multiclass, multiData)] {
                let certified = LinearBoundCertificate.certifiedRadii(network, points, basis: nil, parallelism: .serial)
                let truth = try ExactRadius.radii(network, points, parallelism: .serial)
                for i in 0..<points.count {
                    #expect(certified[i] <= truth[i].radius, "seed \(seed), point \(i): certified \(certified[i]) above the exact \(truth[i].radius)")
                    if 1.5 * certified[i] > truth[i].radius { plantedAbove += 1 }
                }
            }
        }
        #expect(plantedAbove > 0)
    }

    /// Patch CNNs (smoothed ReLU) in a random subspace per patch, and binary soft-threshold and
    /// square nets in the whole space (ℓ2 and ℓ∞): no certified point is fooled by PGD with restarts.
    @Test func certifiedPointsSurviveAttacks() async throws {
        var certifiedCount: [ModelKind: Int] = [:]
        await propertyCheck(count: 10, input: Gen.uint64(), Gen.double(in: 0.05...1.0)) { seed, epsilon throws in
            for kind in [ModelKind.patchCNN, .thresholdNet, .quadraticNet] {
                let problem = SmallProblem.make(seed: seed, kind: kind)
                let d = problem.network.inputDimension
                let data = Dataset(inputs: problem.data.inputs, labels: problem.network.predictions(problem.data.inputs, .serial))
                let binary = problem.network.outputs == 1
                for norm in kind == .patchCNN ? [AttackConfig.Norm.l2] : [.l2, .linf] {
                    let radius = norm == .linf ? epsilon / 5 : epsilon
                    let basis = kind == .patchCNN ? HouseholderQR.randomFrame(count: max(1, d / 2), dimension: d, key: PRNGKey(seed: seed).child("basis")) : nil
                    let certified = LinearBoundCertificate.certified(problem.network, data, epsilon: radius, basis: basis, norm: norm, parallelism: .serial)
                    var attack = AttackConfig(norm: norm, steps: 30, stepSizeFactor: 0.1, start: .ball, restarts: 3,
                                              objective: binary ? .margin : .targetedMargin, patchDimension: basis == nil ? 0 : d,
                                              subspace: basis == nil ? .full : .nonRobust)
                    attack.subspaceBasis = basis
                    let robust = RobustAccuracy.robustSamples(problem.network, data, epsilon: radius, attack: attack,
                                                              trainingLoss: binary ? LogisticLoss() as any Loss : CrossEntropyLoss(),
                                                              key: PRNGKey(seed: seed), parallelism: .serial)
                    for i in 0..<data.count where certified[i] {
                        #expect(robust[i], "\(problem), \(norm), point \(i): certified at \(radius) but fooled")
                        certifiedCount[kind, default: 0] += 1
                    }
                }
            }
        }
        #expect(certifiedCount.count == 3 && certifiedCount.values.allSatisfy { $0 > 0 }, "certified points per kind: \(certifiedCount)")
    }

    /// Not vacuous, and stronger than intervals: over random ReLU and soft-threshold nets the linear
    /// bound certifies points at radii where the interval bound certifies none of them, never fewer
    /// (it includes the interval exclusions), and it certifies square nets, which intervals cannot.
    @Test func linearBoundsCertifyWhereIntervalsCannot() throws {
        var (linear, interval, square) = (0, 0, 0)
        for seed: UInt64 in 1...12 {
            for kind in [ModelKind.binaryReLU, .perClassReLU, .thresholdNet] {
                let problem = SmallProblem.make(seed: seed, kind: kind)
                let data = Dataset(inputs: problem.data.inputs, labels: problem.network.predictions(problem.data.inputs, .serial))
                for epsilon in [0.02, 0.1, 0.3] {
                    let byLines = LinearBoundCertificate.certified(problem.network, data, epsilon: epsilon, basis: nil, parallelism: .serial)
                    let byIntervals = try #require(IntervalCertificate.certified(problem.network, data, epsilon: epsilon, basis: nil, parallelism: .serial))
                    for i in 0..<data.count {
                        #expect(byLines[i] || !byIntervals[i], "\(problem), point \(i): interval-certified but not by lines")
                        if byLines[i] { linear += 1 }
                        if byIntervals[i] { interval += 1 }
                    }
                }
            }
            let quadratic = SmallProblem.make(seed: seed, kind: .quadraticNet)
            let labelled = Dataset(inputs: quadratic.data.inputs, labels: quadratic.network.predictions(quadratic.data.inputs, .serial))
            square += LinearBoundCertificate.certified(quadratic.network, labelled, epsilon: 0.02, basis: nil, parallelism: .serial).filter { $0 }.count
        }
        #expect(linear > interval && square > 0, "certified: \(linear) by lines, \(interval) by intervals, \(square) square-net points")
    }
}
