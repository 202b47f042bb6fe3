import Exact
import Testing
@testable import Engine

/// The fast confirmation of an attack's break (an exact ball check without rationals, a filtered
/// forward pass) decides exactly as the all-rational reference, on random networks and on points
/// built to sit on the ball's boundary and next to the decision boundary; and the filter, when it
/// answers, gives the exact decision.
@Suite("Break confirmation")
struct BreakConfirmationTests {
    /// A random two-layer ReLU network (binary or k classes) at scale `scale`.
    static func network(_ stream: inout RandomStream, d: Int, m: Int, classes: Int, scale: Double) -> TwoLayerNetwork {
        let weights = (0..<(m * d)).map { _ in scale * stream.gaussian() }
        let biases = (0..<m).map { _ in scale * stream.gaussian() }
        let outputs = classes == 2 ? 1 : classes
        let head = TwoLayerNetwork.Head(outputs: outputs, neuronOutput: (0..<m).map { $0 % outputs },
                                        coefficient: (0..<m).map { _ in stream.gaussian() })
        return TwoLayerNetwork(weights: Matrix(rows: m, columns: d, storage: weights), biases: biases, head: head)
    }

    @Test func theFastPathDecidesAsTheRationalOne() throws {
        var stream = PRNGKey(seed: 2026).child("break-confirmation").stream
        var agreed = 0, filtered = 0
        for trial in 0..<120 {
            let d = [2, 3, 8, 33][trial % 4], m = [1, 3, 6][trial % 3], classes = [2, 2, 4][trial % 3]
            let scale = [1.0, 1e-150, 1e150, 0x1p-1000][trial % 4 == 3 ? 3 : trial % 3]
            let net = Self.network(&stream, d: d, m: m, classes: classes, scale: scale)
            let x = (0..<d).map { _ in scale * stream.gaussian() }
            for norm in [AttackConfig.Norm.l2, .linf] {
                let config = AttackConfig(norm: norm, steps: 1, stepSizeFactor: 1, start: .none, restarts: 1, objective: .margin,
                                          patchDimension: trial % 5 == 0 && d % 2 == 0 ? d / 2 : 0)
                let confirm = try #require(BreakConfirmation(net, attack: config))
                for k in 0..<6 {
                    // A direction, scaled onto the sphere of radius ε in floating point (so ‖δ‖ is ε
                    // up to rounding: the ball check's hard case), or a point on the decision
                    // boundary of neuron 0 (the filter's hard case).
                    let epsilon = scale * [0.5, 1, 2][k % 3]
                    var direction = (0..<d).map { _ in stream.gaussian() }
                    let length = norm == .l2 ? direction.reduce(0) { $0 + $1 * $1 }.squareRoot() : direction.map(abs).max()!
                    direction = direction.map { $0 / length * epsilon }
                    var example = zip(x, direction).map { $0 + $1 }
                    if k == 5 {
                        // Move along w₀ until ⟨w₀, x′⟩ + b₀ ≈ 0 in floating point.
                        let w = net.weights.row(0)
                        let z = zip(w, example).reduce(net.biases[0]) { $0 + $1.0 * $1.1 }
                        let ww = w.reduce(0) { $0 + $1 * $1 }
                        if ww > 0 && ww.isFinite { example = zip(example, w).map { $0 - z / ww * $1 } }
                    }
                    for label in (classes == 2 ? [-1, 1] : Array(0..<classes)) {
                        for e in [epsilon, epsilon.nextUp, epsilon.nextDown] {
                            let fast = confirm.confirms(x, label: label, example: example, epsilon: e)
                            let exact = confirm.exactlyConfirms(x, label: label, example: example, epsilon: e)
                            #expect(fast == exact, "trial \(trial), \(norm), k \(k), label \(label), ε \(e)")
                            if fast == exact { agreed += 1 }
                        }
                    }
                    if let decision = FilteredForward.decision(net, example) {
                        filtered += 1
                        let z = try MarginNetwork.preactivations(net, example)
                        let logits = confirm.check.outputs(z)
                        let truth: Int
                        if logits.count == 1 { truth = logits[0].signum > 0 ? 1 : -1 } else {
                            var best = 0
                            for j in 1..<logits.count where logits[j] > logits[best] { best = j }
                            truth = best
                        }
                        #expect(decision == truth, "trial \(trial): the filter decided \(decision), the exact decision is \(truth)")
                    }
                }
            }
        }
        #expect(agreed > 10_000 && filtered > 500, "agreed \(agreed), filtered \(filtered): the checks ran")
    }

    /// A network with a non-finite weight, bias or output coefficient has no exact forward pass:
    /// no confirmation (its attacks keep their floating-point decisions, and say so), and no
    /// witness check. A check formed without the Gram matrix (`BreakConfirmation`'s) proves
    /// nothing by coefficients, while the full check proves the same witness.
    @Test func aNonFiniteNetworkHasNoExactForwardPassAndCoefficientsNeedTheGramMatrix() throws {
        var stream = PRNGKey(seed: 2026).child("non-finite").stream
        let net = Self.network(&stream, d: 3, m: 2, classes: 2, scale: 1)
        let attack = AttackConfig(norm: .l2, steps: 1, stepSizeFactor: 1, start: .none, restarts: 1, objective: .margin)
        #expect(BreakConfirmation(net, attack: attack) != nil)
        for bad in [Double.nan, .infinity, -.infinity] {
            var head = net.head.coefficient
            head[1] = bad
            var weights = net.weights
            weights[1, 2] = bad
            var biases = net.biases
            biases[0] = bad
            for broken in [TwoLayerNetwork(weights: net.weights, biases: net.biases, head: .init(outputs: 1, neuronOutput: net.head.neuronOutput, coefficient: head)),
                           TwoLayerNetwork(weights: weights, biases: net.biases, head: net.head),
                           TwoLayerNetwork(weights: net.weights, biases: biases, head: net.head)] {
                #expect(BreakConfirmation(broken, attack: attack) == nil)
                #expect(throws: ExactError.self) { try WitnessCheck(broken, coefficientWitnesses: false) }
            }
        }
        // δ = β·w₀ with β large enough to cross the decision boundary of neuron 0, from x = 0.
        let x = [0.0, 0, 0]
        for beta in [Rational(1000), Rational(-1000)] {
            let witness = ExactRadius.Witness(coefficients: [beta, Rational(0)])
            var proven = 0
            for label in [1, -1] {
                if try WitnessCheck(net).provenMeasure(x, label: label, witness, power: 2) != nil { proven += 1 }
                let without = try WitnessCheck(net, coefficientWitnesses: false).provenMeasure(x, label: label, witness, power: 2)
                #expect(without == nil, "without the Gram matrix a coefficient witness proves nothing")
            }
            #expect(proven == 1, "the full check proves the witness for the one label x + δ is not classified as")
        }
    }

    /// On the sphere exactly (a 3-4-5 triangle at scales 2⁻⁵⁰⁰ … 2⁵⁰⁰, and a difference that
    /// rounds): inside at ε, outside at ε's predecessor, as in rationals.
    @Test func theBallsBoundaryIsExact() throws {
        for scale in [0x1p-500, 1.0, 0x1p500] {
            let x = [0.1 * scale, -0.3 * scale], example = [0.1 * scale + 3 * scale, -0.3 * scale + 4 * scale]
            for e in [5 * scale, (5 * scale).nextDown, (5 * scale).nextUp] {
                let exact = try zip(example, x).map { try Rational(exactly: $0) - Rational(exactly: $1) }.reduce(Rational(0)) { $0 + $1 * $1 }
                    <= (try Rational(exactly: e)) * (try Rational(exactly: e))
                #expect(BreakConfirmation.withinBall(x, example, 0..<2, epsilon: e, norm: .l2) == exact, "scale \(scale), ε \(e)")
            }
        }
        #expect(BreakConfirmation.withinBall([0, 0], [3, 4], 0..<2, epsilon: 5, norm: .l2) == true)
        #expect(BreakConfirmation.withinBall([0, 0], [3, 4], 0..<2, epsilon: 5.0.nextDown, norm: .l2) == false)
        #expect(BreakConfirmation.withinBall([0, 0], [-5, 4], 0..<2, epsilon: 5, norm: .linf) == true)
        #expect(BreakConfirmation.withinBall([0.1, 0], [5.1, 4], 0..<2, epsilon: 5, norm: .linf) == (try Rational(exactly: 5.1) - Rational(exactly: 0.1) <= Rational(5)))
    }

    /// The sign of ‖x′ − x‖² − ε² by `FilteredBall` (where it answers) against the exact
    /// accumulator, on blocks of up to 3072 coordinates scaled onto the sphere in floating point
    /// (PGD's projection: ‖δ‖ = ε within a few ulps), with ε and its neighbours, at scales where the
    /// filter applies and where it must decline; and it decides almost all of the sphere's points.
    @Test func theFilteredBallAgreesWithTheExactSign() throws {
        var stream = PRNGKey(seed: 2026).child("filtered-ball").stream
        var answered = 0, asked = 0
        for trial in 0..<240 {
            let d = [1, 2, 7, 64, 3072][trial % 5]
            let scale = [1.0, 0x1p-200, 0x1p200, 0x1p-470, 0x1p470, 0x1p-600][trial % 6]
            let x = (0..<d).map { _ in scale * stream.gaussian() * (trial % 7 == 0 ? 1e6 : 1) }
            var direction = (0..<d).map { _ in stream.gaussian() }
            if trial % 11 == 0 { for i in stride(from: 0, to: d, by: 2) { direction[i] = 0 } }
            let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let radius = scale * [0.5, 1, 24][trial % 3]
            let example = zip(x, direction).map { $0 + $1 / max(length, .leastNormalMagnitude) * radius }
            for epsilon in [radius, radius.nextUp, radius.nextDown, radius * (1 + 0x1p-40), 0] {
                var exact = ExactDoubleAccumulator()
                for i in 0..<d {
                    let (s, t) = BreakConfirmation.twoSum(example[i], -x[i])
                    exact.addProduct(s, s); exact.addProduct(s, t); exact.addProduct(s, t); exact.addProduct(t, t)
                }
                exact.addProduct(-epsilon, epsilon)
                let sign = x.withUnsafeBufferPointer { a in example.withUnsafeBufferPointer { b in FilteredBall.sign(a, b, 0..<d, epsilon: epsilon) } }
                asked += 1
                if let sign {
                    answered += 1
                    #expect(sign == exact.signum, "trial \(trial), d \(d), scale \(scale), ε \(epsilon): filter \(sign), exact \(exact.signum ?? 9)")
                }
                if scale == 0x1p-600 && epsilon != 0 { #expect(sign == nil, "below the filter's range it must decline") }
            }
        }
        // Exact ties with nonzero rounding parts (a 3-4-5 triangle off the origin) are left to the
        // exact check, and the clean point itself (δ = 0, ε = 0) is decided.
        let x = [0.1, -0.3], example = [0.1 + 3, -0.3 + 4]
        let tie = x.withUnsafeBufferPointer { a in example.withUnsafeBufferPointer { b in FilteredBall.sign(a, b, 0..<2, epsilon: 5) } }
        var exact = ExactDoubleAccumulator()
        for i in 0..<2 { let (s, t) = BreakConfirmation.twoSum(example[i], -x[i]); exact.addProduct(s, s); exact.addProduct(s, t); exact.addProduct(s, t); exact.addProduct(t, t) }
        exact.addProduct(-5, 5)
        #expect(tie == nil || tie == exact.signum)
        #expect(x.withUnsafeBufferPointer { a in FilteredBall.sign(a, a, 0..<2, epsilon: 0) } == 0)
        // Exact ties whose floating-point evaluation rounds: δ = c·v with c = 1 + 2⁻³⁰ + j·2⁻⁴⁴ (c² is
        // not a Double) and v a vector of integers with ‖v‖ = N an integer, ε = N·c (a Double): then
        // ‖δ‖² = ε² exactly, and an evaluation without its error bound gets a sign wrong.
        var ties = 0
        for j in 0..<40 {
            let c = 1 + 0x1p-30 + Double(j) * 0x1p-44
            let (v, norm): ([Double], Double) = switch j % 5 {
            case 0: ([Double](repeating: 1, count: 3025), 55)
            case 1: ([3, 4], 5)
            case 2: ([2, 3, 6], 7)
            case 3: ((0..<200).map { $0 % 2 == 0 ? 3 : 4 }, 50)  // 100·25 = 50²
            default: ([1, 4, 8], 9)
            }
            try #require(v.reduce(0) { $0 + $1 * $1 } == norm * norm)
            let origin = [Double](repeating: 0, count: v.count), delta = v.map { $0 * c }
            let sign = origin.withUnsafeBufferPointer { a in delta.withUnsafeBufferPointer { b in FilteredBall.sign(a, b, 0..<v.count, epsilon: norm * c) } }
            #expect(sign == nil, "an exact tie (j \(j), ‖v‖ = \(norm)) decided as \(sign ?? 9)")
            ties += 1
        }
        #expect(ties == 40)
        #expect(answered > asked * 2 / 3, "the filter answered \(answered) of \(asked)")
    }
}
