import PropertyBased
import Testing
@testable import Engine
@testable import Exact

/// Exact ℓ∞ radii (Proofs/robustness.md, "Exact ℓ∞ radii"): the simplex solves known programs, the
/// one-neuron radius is Hölder's z/‖w‖₁ exactly, and on random nets every radius is verified in
/// rationals, attained, and not undercut by ℓ∞ PGD — which catches a planted overestimate.
@Suite("Exact ℓ∞ radii")
struct ExactLinfRadiusTests {
    /// min x₁ + 2x₂ s.t. x₁ + x₂ = 1 (x ≥ 0): x = (1, 0); an infeasible and an unbounded program.
    @Test func theSimplexSolvesKnownPrograms() throws {
        guard case let .optimal(s) = LinearProgram.minimize([1, 2], equalities: Matrix(rows: 1, columns: 2, storage: [1, 1]), [1]) else {
            Issue.record("not optimal"); return
        }
        #expect(abs(s.x[0] - 1) < 1e-14 && abs(s.x[1]) < 1e-14 && abs(s.objective - 1) < 1e-14)
        // x₁ + x₂ = −1 has no x ≥ 0.
        guard case .infeasible = LinearProgram.minimize([1, 1], equalities: Matrix(rows: 1, columns: 2, storage: [1, 1]), [-1]) else {
            Issue.record("expected infeasible"); return
        }
        // min −x₁ s.t. x₁ − x₂ = 0: unbounded.
        guard case .unbounded = LinearProgram.minimize([-1, 0], equalities: Matrix(rows: 1, columns: 2, storage: [1, -1]), [0]) else {
            Issue.record("expected unbounded"); return
        }
        // A redundant row (the same equation twice) is dropped, the optimum kept: min x₂ s.t. x₁ + x₂ = 2 (twice).
        guard case let .optimal(r) = LinearProgram.minimize([0, 1], equalities: Matrix(rows: 2, columns: 2, storage: [1, 1, 1, 1]), [2, 2]) else {
            Issue.record("not optimal"); return
        }
        #expect(abs(r.objective) < 1e-14 && r.rows.count == 1)
    }

    /// The bounded-variable least-ℓ∞-norm program (`LeastMaximumNorm`) against the standard-form
    /// simplex on random polyhedra (the same optimum to 1e-9; its multipliers prove at least
    /// t*·(1 − 1e-9) by Hölder; an empty polyhedron is recognised) — and a wrong answer, the
    /// optimum of a polyhedron with one row dropped, is told apart.
    @Test func theLeastMaximumNormProgramAgreesWithTheSimplex() async throws {
        var dropped = 0
        await propertyCheck(count: 40, input: Gen.uint64()) { seed throws in
            var rng = PRNGKey(seed: seed).stream
            let d = Int.random(in: 2...12, using: &rng), k = Int.random(in: 1...8, using: &rng)
            let g = (0..<k).map { _ in (0..<d).map { _ in Double.random(in: -1...1, using: &rng) } }
            let h = (0..<k).map { _ in Double.random(in: -1...1, using: &rng) }
            let (c, a, b) = MaximumRegions.program(g, h, d)
            let reference = LinearProgram.minimize(c, equalities: a, b)
            switch (LeastMaximumNorm.solve(normals: g, bounds: h), reference) {
            case let (.solved(t, delta, lambda), .optimal(s)):
                #expect(abs(t - s.objective) <= 1e-9 * max(1, s.objective), "seed \(seed): \(t) against \(s.objective)")
                #expect(abs((delta.map(abs).max() ?? 0) - t) <= 1e-9 * max(1, t))
                for j in 0..<k { #expect(zip(g[j], delta).map(*).reduce(0, +) >= h[j] - 1e-9) }
                let combined = (0..<d).map { i in (0..<k).reduce(0.0) { $0 + lambda[$1] * g[$1][i] } }
                let proven = zip(lambda, h).map(*).reduce(0, +) / combined.map(abs).reduce(0, +)
                #expect(lambda.allSatisfy { $0 >= 0 } && (t == 0 || proven >= t * (1 - 1e-9)), "seed \(seed): multipliers prove \(proven) < \(t)")
                if k > 1, case let .solved(loose, _, _) = LeastMaximumNorm.solve(normals: Array(g.dropLast()), bounds: Array(h.dropLast())),
                   loose < s.objective * (1 - 1e-6) { dropped += 1 }
            case (.empty, .infeasible): break
            case let (mine, theirs): Issue.record("seed \(seed): \(mine) against \(theirs)")
            }
        }
        #expect(dropped > 0)
    }

    /// The ℓ∞ relaxation prunes (fewer regions solved) and gives the same closed bracket as
    /// solving every region.
    @Test func relaxationPruningKeepsTheBracket() throws {
        for seed: UInt64 in 1...3 {
            let (exact, data) = ExactRadiusTests.problem(seed)
            let linf = try ExactLinfRadius(exact.network)
            var solved: [ExactRadius.Pruning: Int] = [:]
            for i in 0..<min(data.count, 4) {
                let x = data.inputs.row(i), y = data.labels[i]
                let all = try linf.radius(of: x, label: y, pruning: .none), pruned = try linf.radius(of: x, label: y, pruning: .relaxation)
                #expect(all.closed && pruned.closed && all.lower == pruned.lower, "seed \(seed), point \(i)")
                solved[.none, default: 0] += all.regionsSolved
                solved[.relaxation, default: 0] += pruned.regionsSolved
            }
            #expect(solved[.relaxation]! < solved[.none]!, "seed \(seed): \(solved)")
        }
    }

    /// One neuron, y = +1: ρ∞ = z/‖w‖₁ exactly (z = ⟨w, x⟩ + b; Hölder, attained by −t·sign(w)).
    @Test func oneNeuronRadiusIsHoldersBoundExactly() throws {
        let w = [0.3, -1.7, 2.25], b = 0.1, x = [1.1, -0.4, 0.9]
        let net = TwoLayerNetwork(weights: Matrix(rows: 1, columns: 3, storage: w), biases: [b],
                                  head: .init(outputs: 1, neuronOutput: [0], coefficient: [1]))
        let r = try ExactLinfRadius(net).radius(of: x, label: 1)
        let z = try exactDot(w, x) + Rational(exactly: b)
        let l1 = try w.reduce(Rational(0)) { try $0 + Rational(exactly: abs($1)) }
        let expected = try z / l1
        #expect(r.verified)
        #expect(r.squaredRadius == expected * expected)
        #expect(abs(r.radius - Double(expected)) <= 1e-15 * r.radius)
    }

    /// How many points ℓ∞ PGD (margin, 50 steps, 5 restarts) fools within `radii[i]`.
    static func fooledWithin(_ radii: [Double], _ network: TwoLayerNetwork, _ data: Dataset, seed: UInt64) -> Int {
        let attack = AttackConfig(norm: .linf, steps: 50, stepSizeFactor: 0.1, start: .ball, restarts: 5, objective: .margin)
        return data.labels.indices.filter { i in
            let one = Dataset(inputs: Matrix(rows: 1, columns: data.inputs.columns, storage: data.inputs.row(i)), labels: [data.labels[i]])
            return !RobustAccuracy.robustSamples(network, one, epsilon: radii[i], attack: attack, trainingLoss: LogisticLoss(),
                                                 key: PRNGKey(seed: seed).child(UInt64(i)), parallelism: .serial)[0]
        }.count
    }

    /// Random binary nets (`ExactRadiusTests.problem`): every radius verified, attained (‖δ‖∞ = ρ,
    /// f(x + δ) = 0 to rounding), ≤ the ℓ2 radius (‖δ‖∞ ≤ ‖δ‖₂), ≥ the ℓ2 radius/√d, and no ℓ∞
    /// PGD fools a point within ρ·(1 − 1e-6); radii planted 5% too large are fooled (the counterfactual).
    @Test func radiiAreVerifiedAttainedAndNotUndercut() async throws {
        var planted = 0
        await propertyCheck(count: 8, input: Gen.uint64()) { seed throws in
            let (exact, data) = ExactRadiusTests.problem(seed)
            let linf = try ExactLinfRadius(exact.network)
            var radii: [Double] = []
            for i in 0..<data.count {
                let x = data.inputs.row(i), y = data.labels[i]
                let r = try linf.radius(of: x, label: y)
                let l2 = try exact.radius(of: x, label: y).radius
                radii.append(r.radius)
                #expect(r.verified, "seed \(seed), point \(i): not verified (radius \(r.radius))")
                #expect(r.radius <= l2 * (1 + 1e-12) && r.radius >= l2 / Double(x.count).squareRoot() * (1 - 1e-12),
                        "seed \(seed), point \(i): ℓ∞ \(r.radius) against ℓ2 \(l2)")
                let norm = r.perturbation.map(abs).max() ?? 0
                #expect(abs(norm - r.radius) <= 1e-9 * max(1, r.radius))
                let f = exact.network.logits(Matrix(rows: 1, columns: x.count, storage: zip(x, r.perturbation).map(+)), .serial)[0, 0]
                #expect(abs(f) <= 1e-9 * max(1, r.radius), "seed \(seed), point \(i): f(x + δ) = \(f)")
            }
            #expect(Self.fooledWithin(radii.map { $0 * (1 - 1e-6) }, exact.network, data, seed: seed) == 0, "seed \(seed): PGD below an exact ℓ∞ radius")
            planted += Self.fooledWithin(radii.map { $0 * 1.05 }, exact.network, data, seed: seed)
        }
        #expect(planted > 0)
    }

    /// k-class nets: every ℓ∞ radius verified and attained (at x + δ the best other logit ties F_y to
    /// rounding), and no targeted ℓ∞ PGD fools a point within ρ·(1 − 1e-6).
    @Test func multiclassRadiiAreVerifiedAndAttained() async throws {
        await propertyCheck(count: 6, input: Gen.uint64()) { seed throws in
            let (net, data) = ExactRadiusTests.multiclassProblem(seed)
            let points = try ExactRadius.radii(net, data, norm: .linf, parallelism: .serial)
            for (i, r) in points.enumerated() {
                #expect(r.verified, "seed \(seed), point \(i): not verified")
                #expect(abs((r.perturbation.map(abs).max() ?? 0) - r.radius) <= 1e-9 * max(1, r.radius))
                let f = net.logits(Matrix(rows: 1, columns: data.inputs.columns, storage: zip(data.inputs.row(i), r.perturbation).map(+)), .serial).row(0)
                let y = data.labels[i], rival = f.indices.filter { $0 != y }.map { f[$0] }.max()!
                #expect(abs(rival - f[y]) <= 1e-9 * max(1, r.radius), "seed \(seed), point \(i): F_j − F_y = \(rival - f[y])")
            }
            let attack = AttackConfig(norm: .linf, steps: 50, stepSizeFactor: 0.1, start: .ball, restarts: 5, objective: .targetedMargin)
            for i in 0..<data.count {
                let one = Dataset(inputs: Matrix(rows: 1, columns: data.inputs.columns, storage: data.inputs.row(i)), labels: [data.labels[i]])
                let robust = RobustAccuracy.robustSamples(net, one, epsilon: points[i].radius * (1 - 1e-6), attack: attack, trainingLoss: CrossEntropyLoss(),
                                                          key: PRNGKey(seed: seed).child(UInt64(i)), parallelism: .serial)[0]
                #expect(robust, "seed \(seed), point \(i): PGD below the exact ℓ∞ radius \(points[i].radius)")
            }
        }
    }
}
