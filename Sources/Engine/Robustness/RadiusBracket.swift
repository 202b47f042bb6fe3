/// Per-point radii from both sides of the truth, checked against each other (Proofs/robustness.md,
/// "Two sides"). For a point with exact radius ρ (`ExactRadius`):
///
///     certified radius c  ≤  ρ  ≤  an attack's break radius b
///
/// — a certificate proves the ball of radius c free of adversarial examples, an attack exhibits
/// one of norm ≤ b. Either inequality reversed is a bug in the certificate, the attack or the exact
/// solver, never a property of the network. Without an exact radius the certificate is the
/// reference: c ≤ b.
public enum RadiusBracket {
    /// Which side of the truth an evaluation's numbers lie on.
    public enum Side: String, Codable, Sendable {
        /// The exact radius (robust accuracy exactly).
        case exact
        /// A lower bound on the radius (on robust accuracy).
        case certified
        /// An upper bound on the radius (on robust accuracy).
        case attack
    }

    /// One evaluation's per-point radii: exact, certified, or an attack's break radius (nil where
    /// the attack broke the point at no radius it tried), in its threat model — e.g. "l2", "linf",
    /// "l2/patch/non-robust". Radii of different threat models are not compared: an ℓ∞ break radius
    /// lies below the exact ℓ2 radius legitimately, a subspace certificate above the full-space one.
    public struct Evaluation: Sendable {
        public var name: String
        public var side: Side
        public var radii: [Double?]
        public var threat: String
        /// For an exact evaluation whose brackets are not all closed: each point's upper end (≥ ρ);
        /// `radii` then hold the lower ends (≤ ρ). Attacks are checked against the lower ends,
        /// certificates against the upper ones — each against the end that a correct number
        /// cannot cross.
        public var upperRadii: [Double?]?
        public init(name: String, side: Side, radii: [Double?], threat: String = "l2", upperRadii: [Double?]? = nil) {
            self.name = name
            self.side = side
            self.radii = radii
            self.threat = threat
            self.upperRadii = upperRadii
        }
    }

    /// One evaluation against the reference: each point's gap (attack: b − ρ, certificate: ρ − c;
    /// never negative unless something is wrong), and the points where it is.
    public struct Gap: Sendable {
        public var name: String
        public var reference: String
        public var gaps: [Double?]
        /// Points whose radius lies on the wrong side of the reference's.
        public var violations: [Int]

        public var largest: Double? { gaps.compactMap { $0 }.max() }
        public var median: Double? {
            let g = gaps.compactMap { $0 }.sorted()
            return g.isEmpty ? nil : g.count % 2 == 1 ? g[g.count / 2] : (g[g.count / 2 - 1] + g[g.count / 2]) / 2
        }
    }

    /// An attack's perturbation is projected onto the ball in Double: its norm may exceed ε by a few
    /// ulps, so a break radius counts as below the truth only beyond this relative tolerance.
    public static let attackTolerance = 1e-9

    /// Every evaluation against the reference of its threat model — the exact one if any, else the
    /// first certified one (for attacks only). Evaluations without a reference in their threat model
    /// get no gap.
    public static func gaps(_ evaluations: [Evaluation]) -> [Gap] {
        evaluations.compactMap { e -> Gap? in
            let sameThreat = evaluations.filter { $0.threat == e.threat }
            guard let reference = sameThreat.first(where: { $0.side == .exact }) ?? sameThreat.first(where: { $0.side == .certified }),
                  e.name != reference.name, e.side != reference.side else { return nil }
            precondition(e.radii.count == reference.radii.count, "one radius per point")
            var gaps: [Double?] = [], violations: [Int] = []
            for (i, (own, lowerTruth)) in zip(e.radii, reference.radii).enumerated() {
                let upperTruth = reference.upperRadii?[i] ?? lowerTruth
                guard let lowerTruth, let upperTruth else { gaps.append(nil); continue }  // a reference is never nil; tolerate it
                let truth = e.side == .certified ? upperTruth : lowerTruth
                switch e.side {
                case .attack:
                    guard let b = own else { gaps.append(nil); continue }
                    gaps.append(b - truth)
                    if b < truth * (1 - attackTolerance) { violations.append(i) }
                case .certified:
                    let c = own ?? 0
                    gaps.append(truth - c)
                    if c > truth { violations.append(i) }
                case .exact: gaps.append(nil)
                }
            }
            return Gap(name: e.name, reference: reference.name, gaps: gaps, violations: violations)
        }
    }
}
