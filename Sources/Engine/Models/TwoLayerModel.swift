/// A model the robustness layer's exact radii and certificates accept: a two-layer network
///
///     F_j(x) = Σ_{r : out(r) = j} a_r σ(⟨w_r, x⟩ + b_r)   (a fixed second layer, one patch),
///
/// stated as the engine's `TwoLayerNetwork` (first-layer weights and biases, the head `a`/`out`,
/// the activation σ). An author's own model type adopts it with `twoLayerNetwork()`: the conversion
/// is exact — the same Doubles — so every exact radius and certificate of the converted network is
/// one of the model itself. A model with no such form (another activation, a trained second layer
/// that is not a fixed ±a_r, a deeper network) throws `UnsupportedModel` naming what has no
/// counterpart, rather than being approximated.
///
/// What each entry point then accepts (`UnsupportedModel` or `ExactRadius.NotApplicable` otherwise):
/// exact ℓ2 and ℓ∞ radii (`ExactRadius.radii(model:…)`) need σ = ReLU and one patch; the linear-bound
/// and interval certificates (`LinearBoundCertificate`, `IntervalCertificate`) take every `Activation`.
public protocol TwoLayerModel {
    /// This model as the engine's two-layer network, exactly (the same weights, biases and head).
    func twoLayerNetwork() throws -> TwoLayerNetwork
}

extension TwoLayerNetwork: TwoLayerModel {
    /// Itself.
    public func twoLayerNetwork() -> TwoLayerNetwork { self }
}

/// A model that has no exact two-layer form the robustness layer accepts, and why.
public struct UnsupportedModel: Error, CustomStringConvertible, Equatable, Sendable {
    /// The part of the model that has no counterpart (e.g. "activation", "second layer").
    public let field: String
    /// What was found, and what is supported.
    public let reason: String
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { "unsupported model: \(field): \(reason)" }
}
