import Exact

/// An attack's break, re-decided in exact arithmetic (Proofs/robustness.md, "Two sides"). A
/// gradient attack decides in floating point that x′ fools the network; next to a tie (a logit
/// difference of a few ulps, a point on the decision boundary) that decision can be wrong, and
/// a "break" below the exact radius would follow. A break counts only when
///
/// - x′ − x lies in the threat model's ball, checked in rationals: ‖δ‖₂² ≤ ε² or max|δ_i| ≤ ε, per
///   patch block of `patchDimension` coordinates when the radius is per patch; and
/// - x′ is misclassified by the network's exact forward pass (`WitnessCheck`: +1 iff f > 0; argmax
///   with ties to the lowest index) — the clean point x itself at ε = 0.
///
/// For two-layer ReLU networks on one patch (the networks with an exact forward pass here); other
/// models keep their attacks' floating-point decisions, and reports say which.
public struct BreakConfirmation: Sendable {
    let check: WitnessCheck
    let norm: AttackConfig.Norm
    let block: Int

    /// nil when the network has no exact forward pass here (another activation, several patches).
    public init?(_ network: TwoLayerNetwork, attack: AttackConfig) {
        guard network.activation == .relu, network.patches == 1, let check = try? WitnessCheck(network, coefficientWitnesses: false) else { return nil }
        self.check = check
        norm = attack.norm
        block = attack.patchDimension > 0 ? attack.patchDimension : network.inputDimension
    }

    /// Whether `example` is a proven adversarial example for (x, y) within radius ε.
    ///
    /// The ball is checked exactly without rationals: each δ_i = x′_i − x_i is the exact sum s + t
    /// of two Doubles (Knuth's TwoSum), so ‖δ_b‖² − ε² = Σ(s² + 2st + t²) − ε² is a sum of products
    /// of Doubles — decided by `FilteredBall` where its proven error bound excludes 0, else
    /// accumulated exactly (`ExactDoubleAccumulator`) and read by its sign; for ℓ∞,
    /// |s + t| ≤ ε is read from s and the sign of t (rounding is monotone). The decision at x′ is
    /// taken by `FilteredForward` where its error bound decides it, else by the exact forward pass.
    public func confirms(_ x: [Double], label y: Int, example: [Double], epsilon: Double) -> Bool {
        guard example.count == x.count, example.allSatisfy(\.isFinite), x.allSatisfy(\.isFinite), epsilon.isFinite, epsilon >= 0 else { return false }
        let width = max(1, block)
        for start in stride(from: 0, to: x.count, by: width) {
            guard let inside = Self.withinBall(x, example, start..<min(x.count, start + width), epsilon: epsilon, norm: norm) else {
                return exactlyConfirms(x, label: y, example: example, epsilon: epsilon)
            }
            if !inside { return false }
        }
        if let decision = FilteredForward.decision(check.network, example) { return decision != y }
        guard let z = try? MarginNetwork.preactivations(check.network, example) else { return false }
        return !check.classified(check.outputs(z), y)
    }

    /// Whether x′ − x restricted to `range` lies in the ball of radius ε, exactly; nil when a
    /// difference overflows (the caller decides in rationals).
    static func withinBall(_ x: [Double], _ example: [Double], _ range: Range<Int>, epsilon: Double, norm: AttackConfig.Norm) -> Bool? {
        switch norm {
        case .l2:
            let filtered = x.withUnsafeBufferPointer { a in example.withUnsafeBufferPointer { b in FilteredBall.sign(a, b, range, epsilon: epsilon) } }
            if let filtered { return filtered <= 0 }
            var sum = ExactDoubleAccumulator()
            for i in range {
                let (s, t) = twoSum(example[i], -x[i])
                guard s.isFinite, t.isFinite else { return nil }
                sum.addProduct(s, s)
                sum.addProduct(s, t)
                sum.addProduct(s, t)
                sum.addProduct(t, t)
            }
            sum.addProduct(-epsilon, epsilon)
            return sum.signum.map { $0 <= 0 }
        case .linf:
            for i in range {
                let (s, t) = twoSum(example[i], -x[i])
                guard s.isFinite, t.isFinite else { return nil }
                // s = fl(s + t): |s| < ε ⇒ |s + t| ≤ ε and |s| > ε ⇒ |s + t| > ε (ε is a Double and
                // rounding is monotone); at |s| = ε the sign of t decides.
                let a = abs(s)
                if a > epsilon || (a == epsilon && t != 0 && (t > 0) == (s > 0)) { return false }
            }
            return true
        }
    }

    /// s + t = a + b exactly with s = fl(a + b) (Knuth's TwoSum; exact whenever s is finite).
    @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    /// The same decision entirely in rationals (the reference the fast path must agree with).
    func exactlyConfirms(_ x: [Double], label y: Int, example: [Double], epsilon: Double) -> Bool {
        guard example.count == x.count, example.allSatisfy(\.isFinite), let e = try? Rational(exactly: epsilon),
              let delta = try? zip(example, x).map({ try Rational(exactly: $0) - Rational(exactly: $1) }) else { return false }
        for start in stride(from: 0, to: delta.count, by: max(1, block)) {
            let part = delta[start..<min(delta.count, start + max(1, block))]
            switch norm {
            case .l2: guard part.reduce(Rational(0), { $0 + $1 * $1 }) <= e * e else { return false }
            case .linf: guard part.allSatisfy({ $0.magnitude <= e }) else { return false }
            }
        }
        guard let z = try? MarginNetwork.preactivations(check.network, example) else { return false }
        return !check.classified(check.outputs(z), y)
    }
}
