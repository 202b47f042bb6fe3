import PropertyBased
import Testing
@testable import Engine
@testable import Exact

/// Exact ℓ2 radii of binary two-layer ReLU networks (Proofs/robustness.md, "Exact radii"): closed
/// forms reproduced in rationals, and on random networks the radius is attained (a perturbation of
/// that norm reaches the decision boundary) and no attack gets below it — a check that catches a
/// planted overestimate.
@Suite("Exact radii")
struct ExactRadiusTests {
    /// Least-distance programs with known minimisers, and an empty polyhedron.
    @Test func leastDistanceProgramsHaveTheirKnownSolutions() throws {
        let corner = try #require(LeastDistance.solve(normals: [[1, 0], [0, 1]], bounds: [1, 1]))
        #expect(abs(corner.point[0] - 1) < 1e-14 && abs(corner.point[1] - 1) < 1e-14)
        let slab = try #require(LeastDistance.solve(normals: [[3, 4]], bounds: [10]))  // the foot of the normal: (1.2, 1.6)
        #expect(abs(slab.point[0] - 1.2) < 1e-14 && abs(slab.point[1] - 1.6) < 1e-14 && abs(slab.multipliers[0] - 0.4) < 1e-14)
        let inside = try #require(LeastDistance.solve(normals: [[1, 0]], bounds: [-2]))
        #expect(inside.norm == 0)
        #expect(LeastDistance.solve(normals: [[1, 0], [-1, 0]], bounds: [1, 0]) == nil)  // t₁ ≥ 1 and t₁ ≤ 0
    }

    /// One neuron, f = ReLU(⟨w, x⟩ + b): ρ² = z²/‖w‖² exactly (z = ⟨w, x⟩ + b), for y = +1.
    @Test func oneNeuronRadiusIsTheHyperplaneDistanceExactly() throws {
        let w = [0.3, -1.7, 2.25], b = 0.1, x = [1.1, -0.4, 0.9]
        let net = TwoLayerNetwork(weights: Matrix(rows: 1, columns: 3, storage: w), biases: [b],
                                  head: .init(outputs: 1, neuronOutput: [0], coefficient: [1]))
        let radius = try ExactRadius(net).radius(of: x, label: 1)
        let z = try exactDot(w, x) + Rational(exactly: b)
        #expect(radius.squaredRadius == (try (z * z) / exactDot(w, w)))
        #expect(try ExactRadius(net).radius(of: x, label: -1).radius == 0)  // misclassified
    }

    /// f = ReLU(x₁) − ReLU(x₂) at x = (1, −0.2, 5), y = +1: the nearest point of {f ≤ 0} is on the
    /// diagonal x₁ = x₂ ≥ 0, at distance (x₁ − x₂)/√2 < x₁ — the region next door, not the own one.
    @Test func twoNeuronRadiusLeavesTheOwnRegion() throws {
        let net = TwoLayerNetwork(weights: Matrix(rows: 2, columns: 3, storage: [1, 0, 0, 0, 1, 0]), biases: [0, 0],
                                  head: .binary(neuronsPerSign: 1, scale: 1))
        let x = [1.0, -0.2, 5]
        let radius = try ExactRadius(net).radius(of: x, label: 1)
        let gap = try Rational(exactly: 1.0) - Rational(exactly: -0.2)
        #expect(radius.squaredRadius == (try (gap * gap) / Rational(2)))
        #expect(radius.pattern == [true, true])
    }

    /// A random binary ReLU net with linearly independent neurons (m = 2h ≤ d) and labelled points.
    static func problem(_ seed: UInt64) -> (ExactRadius, Dataset) {
        var s = PRNGKey(seed: seed).stream
        let h = 1 + Int(s.next() % 4), d = 2 * h + 2 + Int(s.next() % 4), n = 6
        let net = TwoLayerNetwork.initialized(inputDimension: d, head: .binary(neuronsPerSign: h, scale: 1 / Double(h)), weightStd: 1,
                                              biasStd: 0.5, activation: .relu, key: PRNGKey(seed: seed).child("net"))
        let x = Matrix(rows: n, columns: d, storage: (0..<(n * d)).map { _ in s.gaussian() })
        let predicted = net.predictions(x, .serial)
        return (try! ExactRadius(net), Dataset(inputs: x, labels: predicted))  // correctly classified by construction
    }

    /// A random k-class ReLU net (h neurons per class, kh ≤ d) and points labelled by its argmax.
    static func multiclassProblem(_ seed: UInt64) -> (TwoLayerNetwork, Dataset) {
        var s = PRNGKey(seed: seed).stream
        let k = 2 + Int(s.next() % 3), h = 1 + Int(s.next() % 2), d = k * h + 1 + Int(s.next() % 4), n = 6
        let net = TwoLayerNetwork.initialized(inputDimension: d, head: .perClass(classes: k, neuronsPerClass: h, scale: 1), weightStd: 1,
                                              biasStd: 0.5, activation: .relu, key: PRNGKey(seed: seed).child("net"))
        let x = Matrix(rows: n, columns: d, storage: (0..<(n * d)).map { _ in s.gaussian() })
        return (net, Dataset(inputs: x, labels: net.predictions(x, .serial)))
    }

    /// How many points a strong ℓ2 PGD (margin — targeted at each other class for k outputs — 50
    /// steps, 5 restarts) fools within `radii[i]`.
    static func fooledWithin(_ radii: [Double], _ network: TwoLayerNetwork, _ data: Dataset, seed: UInt64) -> Int {
        let attack = AttackConfig(norm: .l2, steps: 50, stepSizeFactor: 0.1, start: .ball, restarts: 5,
                                  objective: network.outputs == 1 ? .margin : .targetedMargin)
        let loss: any Loss = network.outputs == 1 ? LogisticLoss() : CrossEntropyLoss()
        return data.labels.indices.filter { i in
            let one = Dataset(inputs: Matrix(rows: 1, columns: data.inputs.columns, storage: data.inputs.row(i)), labels: [data.labels[i]])
            return !RobustAccuracy.robustSamples(network, one, epsilon: radii[i], attack: attack, trainingLoss: loss,
                                                 key: PRNGKey(seed: seed).child(UInt64(i)), parallelism: .serial)[0]
        }.count
    }

    /// k-class nets: every radius verified and attained (at x + δ the best other logit ties F_y to
    /// rounding), no targeted attack below it, and the 5%-overestimate counterfactual caught.
    @Test func multiclassRadiiAreAttainedAndNoAttackGetsBelowThem() async throws {
        await propertyCheck(count: 10, input: Gen.uint64()) { seed throws in
            let (net, data) = Self.multiclassProblem(seed)
            let points = try ExactRadius.radii(net, data, parallelism: .serial)
            for (i, r) in points.enumerated() {
                #expect(r.verified, "seed \(seed), point \(i): not verified")
                let moved = Matrix(rows: 1, columns: data.inputs.columns, storage: zip(data.inputs.row(i), r.perturbation).map(+))
                let f = net.logits(moved, .serial).row(0), y = data.labels[i]
                let rival = f.indices.filter { $0 != y }.map { f[$0] }.max()!
                #expect(abs(rival - f[y]) <= 1e-9 * max(1, r.radius), "seed \(seed), point \(i): F_j − F_y = \(rival - f[y])")
            }
            #expect(Self.fooledWithin(points.map { $0.radius * (1 - 1e-6) }, net, data, seed: seed) == 0)
        }
        var caught = 0
        for seed: UInt64 in 1...4 {
            let (net, data) = Self.multiclassProblem(seed)
            caught += Self.fooledWithin(try ExactRadius.radii(net, data, parallelism: .serial).map { $0.radius * 1.05 }, net, data, seed: seed)
        }
        #expect(caught > 0)
    }

    /// On random nets: every radius is verified in rationals, is attained (‖δ‖ = ρ and y·f(x + δ) = 0
    /// to rounding), and no attack fools a point within ρ·(1 − 1e-6).
    @Test func radiiAreAttainedAndNoAttackGetsBelowThem() async throws {
        await propertyCheck(count: 12, input: Gen.uint64()) { seed throws in
            let (exact, data) = Self.problem(seed)
            var radii: [Double] = []
            for i in 0..<data.count {
                let x = data.inputs.row(i), y = data.labels[i]
                let r = try exact.radius(of: x, label: y)
                radii.append(r.radius * (1 - 1e-6))
                #expect(r.verified, "seed \(seed), point \(i): not verified (radius \(r.radius), \(r.regionsSolved) regions)")
                guard r.perturbation.count == x.count else { Issue.record("seed \(seed), point \(i): no perturbation, radius \(r.radius)"); continue }
                let norm = r.perturbation.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(norm - r.radius) <= 1e-9 * max(1, r.radius))
                let moved = Matrix(rows: 1, columns: x.count, storage: zip(x, r.perturbation).map(+))
                let f = exact.network.logits(moved, .serial)[0, 0]
                #expect(abs(f) <= 1e-9 * max(1, r.radius), "seed \(seed), point \(i): f(x + δ) = \(f)")
            }
            #expect(Self.fooledWithin(radii, exact.network, data, seed: seed) == 0, "seed \(seed): an attack got below an exact radius")
        }
    }

    /// Pruning changes the cost, never the radius: on random binary nets with m up to 12 neurons and
    /// k-class nets, `relaxation`, `flippedHyperplanes` and no pruning give the same radius (relative
    /// 10⁻⁹), and the relaxation solves no more regions than the hyperplane bound. The comparison
    /// has power: the own region's distance alone — a search that prunes every flipped subtree —
    /// differs from it on some of these points.
    @Test func pruningChangesTheCostNotTheRadius() async throws {
        var ownRegionDiffers = 0, solved: [ExactRadius.Pruning: Int] = [:]
        for seed: UInt64 in 1...8 {
            var s = PRNGKey(seed: seed).stream
            let h = 3 + Int(s.next() % 4), d = 2 * h + 3, n = 8
            let net = TwoLayerNetwork.initialized(inputDimension: d, head: .binary(neuronsPerSign: h, scale: 1 / Double(h)), weightStd: 1,
                                                  biasStd: 0.5, activation: .relu, key: PRNGKey(seed: seed).child("net"))
            let x = Matrix(rows: n, columns: d, storage: (0..<(n * d)).map { _ in s.gaussian() })
            let exact = try ExactRadius(net)
            for i in 0..<n {
                let point = x.row(i), y = net.predictions(Matrix(rows: 1, columns: d, storage: point), .serial)[0]
                let radii = try ExactRadius.Pruning.allCases.map { pruning in
                    let r = try exact.radius(of: point, label: y, pruning: pruning)
                    solved[pruning, default: 0] += r.regionsSolved
                    return r
                }
                for r in radii.dropFirst() {
                    #expect(abs(r.radius - radii[0].radius) <= 1e-9 * radii[0].radius, "seed \(seed), point \(i): \(r.radius) against \(radii[0].radius)")
                }
                let p = try exact.margin.at(point, label: y)
                let own = p.z.map { $0.signum > 0 }
                var ownDistance = Double.infinity
                if case let .solved(s) = exact.geometry.solve(own, p) { ownDistance = Double(sign: .plus, exponent: p.unitExponent, significand: s.distance) }
                if abs(ownDistance - radii[0].radius) > 1e-6 * radii[0].radius { ownRegionDiffers += 1 }
            }
        }
        #expect(solved[.relaxation]! <= solved[.flippedHyperplanes]! && solved[.flippedHyperplanes]! < solved[.none]!)
        #expect(ownRegionDiffers > 0)
        for seed: UInt64 in 1...4 {
            let (net, data) = Self.multiclassProblem(seed)
            let unpruned = try ExactRadius.radii(net, data, pruning: .none, parallelism: .serial)
            let pruned = try ExactRadius.radii(net, data, parallelism: .serial)
            for (a, b) in zip(unpruned, pruned) { #expect(abs(a.radius - b.radius) <= 1e-9 * a.radius, "seed \(seed): \(b.radius) against \(a.radius)") }
        }
    }

    /// Warm starts from an attack's break radii (Proofs/robustness.md, "Exact radii"): the same radii,
    /// no more regions solved; a bound planted below the truth (half the exact radius) yields an open
    /// bracket — no witness, a lower end still below the truth — rather than a wrong radius.
    @Test func warmStartsChangeTheCostNotTheRadius() throws {
        for seed: UInt64 in 1...6 {
            let (exact, data) = ExactRadiusTests.problem(seed)
            let cold = try ExactRadius.radii(exact.network, data, parallelism: .serial)
            let attack = AttackConfig(norm: .l2, steps: 30, stepSizeFactor: 0.1, start: .ball, restarts: 3, objective: .margin)
            let grid = stride(from: 0.0, through: 6, by: 0.25).map { $0 }
            let breaks = RobustAccuracy.curveAndBreaks(exact.network, data, radii: grid, attack: attack, trainingLoss: LogisticLoss(),
                                                       key: PRNGKey(seed: seed), parallelism: .serial).1
            let warm = try ExactRadius.radii(exact.network, data, warmStart: breaks, parallelism: .serial)
            for i in 0..<data.count {
                #expect(abs(warm[i].radius - cold[i].radius) <= 1e-9 * cold[i].radius, "seed \(seed), point \(i)")
                #expect(warm[i].regionsSolved <= cold[i].regionsSolved)
            }
            let planted = try ExactRadius.radii(exact.network, data, warmStart: cold.map { $0.radius > 0 ? 0.5 * $0.radius : nil }, parallelism: .serial)
            for i in 0..<data.count where cold[i].radius > 0 {
                #expect(planted[i].upper == nil && !planted[i].verified)
                #expect(try #require(planted[i].lower) <= cold[i].squaredRadius!, "seed \(seed), point \(i): a lower end above the exact radius")
            }
        }
    }

    /// The counterfactual of the property above: radii planted 5% too large are caught — the attack
    /// fools points within them (so the check could fail).
    @Test func aPlantedOverestimateIsCaught() throws {
        var caught = 0
        for seed: UInt64 in 1...4 {
            let (exact, data) = Self.problem(seed)
            let planted = try (0..<data.count).map { try exact.radius(of: data.inputs.row($0), label: data.labels[$0]).radius * 1.05 }
            caught += Self.fooledWithin(planted, exact.network, data, seed: seed)
        }
        #expect(caught > 0)
    }
}
