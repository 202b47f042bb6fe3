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
}
