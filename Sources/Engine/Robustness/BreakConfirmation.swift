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
        guard network.activation == .relu, network.patches == 1, let check = try? WitnessCheck(network) else { return nil }
        self.check = check
        norm = attack.norm
        block = attack.patchDimension > 0 ? attack.patchDimension : network.inputDimension
    }

    /// Whether `example` is a proven adversarial example for (x, y) within radius ε.
    public func confirms(_ x: [Double], label y: Int, example: [Double], epsilon: Double) -> Bool {
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
