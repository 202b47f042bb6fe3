import Exact

/// The exact minimal ℓ∞ adversarial radius of a binary two-layer ReLU network (Proofs/robustness.md,
/// "Exact ℓ∞ radii"): the fooling sets, the branch and bound and the sound bracket of `ExactRadius`
/// (`PatternSearch`), with each region's program a linear program in the input space
/// (`MaximumRegions`) — so for small inputs (d ≤ `maximumDimension`). Dependent and duplicated
/// neurons are accepted. `squaredRadius` holds ρ∞² so that the field means the same for both norms;
/// `lower` and `upper` bracket ρ∞ itself (`power` 1).
public struct ExactLinfRadius: BinaryExactRadius {
    public let network: TwoLayerNetwork
    let margin: MarginNetwork
    let geometry: MaximumRegions
    /// nil for a k-class search's pair problems (`ExactRadius.check`).
    let check: WitnessCheck?
    /// The largest input dimension accepted (the verification solves a (2d + m + 1)-square system in rationals).
    public static let maximumDimension = 64

    public init(_ network: TwoLayerNetwork) throws {
        try self.init(network, checked: true)
    }

    init(_ network: TwoLayerNetwork, checked: Bool) throws {
        guard network.head.outputs == 1, network.activation == .relu, network.patches == 1 else {
            throw ExactRadius.NotApplicable(description: "exact ℓ∞ radii need a binary two-layer ReLU network on one patch")
        }
        guard network.inputDimension <= Self.maximumDimension else {
            throw ExactRadius.NotApplicable(description: "exact ℓ∞ radii need d ≤ \(Self.maximumDimension) (this network: d = \(network.inputDimension))")
        }
        self.network = network
        margin = try MarginNetwork(network)
        geometry = try MaximumRegions(margin)
        check = checked ? try WitnessCheck(network) : nil
    }

    /// ρ∞(x, y) for the input `x` with label `y` ∈ {−1, +1}, as `ExactRadius.radius`; `.relaxation`
    /// bounds a subtree by its linear relaxation on the ℓ∞ ball (Hölder spreads ‖w_r‖₁·ρ).
    public func radius(of x: [Double], label y: Int, upperBound: Double = .infinity,
                       pruning: ExactRadius.Pruning = .relaxation) throws -> ExactRadius.PointRadius {
        try radius(of: x, label: y, upperBound: upperBound, pruning: pruning, preactivations: nil, confirm: true)
    }

    /// As `ExactRadius.radius(of:label:upperBound:pruning:preactivations:confirm:)`.
    public func radius(of x: [Double], label y: Int, upperBound: Double, pruning: ExactRadius.Pruning,
                       preactivations given: [Rational]?, confirm: Bool) throws -> ExactRadius.PointRadius {
        let z = try given ?? MarginNetwork.preactivations(network, x)
        var result = try PatternSearch(geometry: geometry).radius(of: x, label: y, upperBound: upperBound, pruning: pruning, networkPreactivations: z)
        if confirm {
            guard let check else { preconditionFailure("an unchecked ExactLinfRadius serves a k-class search only (confirm: false)") }
            try result.confirmUpper(check, x, label: y, preactivations: z)
        }
        result.perturbation = result.witness?.delta?.map { Double($0) } ?? []
        return result
    }
}
