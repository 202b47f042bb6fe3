import Engine
import Exact
import Testing

/// An author's own model type gets exact radii and certificates through `TwoLayerModel`, exactly as
/// the engine's network would, or a refusal that names what has no counterpart.
@Suite("Two-layer models of an author's own")
struct TwoLayerModelTests {
    /// A binary ReLU model as an author might write it: first-layer rows, biases and output signs.
    struct SignedReLU: TwoLayerModel {
        var rows: [[Double]], biases: [Double], signs: [Double]
        func twoLayerNetwork() throws -> TwoLayerNetwork {
            TwoLayerNetwork(weights: Matrix(rows: rows.count, columns: rows[0].count, storage: rows.flatMap { $0 }), biases: biases,
                            head: .init(outputs: 1, neuronOutput: [Int](repeating: 0, count: rows.count), coefficient: signs))
        }
    }

    /// A leaky-ReLU model: no engine activation matches it, so it says so.
    struct LeakyReLU: TwoLayerModel {
        func twoLayerNetwork() throws -> TwoLayerNetwork {
            throw UnsupportedModel(field: "activation", reason: "leaky ReLU (slope 0.01) has no `Activation`; supported: identity, relu, smoothedReLU, softThreshold, square")
        }
    }

    static let model = SignedReLU(rows: [[1, 0.5, -0.25], [-0.5, 1, 0.75], [0.25, -1, 0.5], [1, 1, 1]], biases: [0.1, -0.2, 0, 0.05],
                                  signs: [1, -1, 1, -1])
    static let data = Dataset(inputs: Matrix(rows: 3, columns: 3, storage: [1, 0, 0, 0, 1, 0, 0.5, -0.5, 0.25]), labels: [1, -1, 1])

    @Test func ownModelGetsTheNetworksExactRadiiAndCertificates() throws {
        let network = try Self.model.twoLayerNetwork()
        let own = try ExactRadius.radii(model: Self.model, Self.data)
        let engine = try ExactRadius.radii(network, Self.data)
        #expect(own.map(\.lower) == engine.map(\.lower) && own.map(\.upper) == engine.map(\.upper) && own.allSatisfy(\.closed))
        for epsilon in [0.0, 0.05, 0.5] {
            #expect(try LinearBoundCertificate.certified(model: Self.model, Self.data, epsilon: epsilon)
                    == LinearBoundCertificate.certified(network, Self.data, epsilon: epsilon, basis: nil))
        }
    }

    @Test func unsupportedModelsAreRefusedByName() throws {
        #expect(throws: UnsupportedModel(field: "activation", reason: "leaky ReLU (slope 0.01) has no `Activation`; supported: identity, relu, smoothedReLU, softThreshold, square")) {
            try ExactRadius.radii(model: LeakyReLU(), Self.data)
        }
        // A smoothed-ReLU model: certificates yes, exact radii no — and the refusal says which and why.
        let base = try Self.model.twoLayerNetwork()
        let smooth = TwoLayerNetwork(weights: base.weights, biases: base.biases, head: base.head, activation: .smoothedReLU(q: 3, rho: 0.1))
        #expect(try LinearBoundCertificate.certified(model: smooth, Self.data, epsilon: 0).count == 3)
        do {
            _ = try ExactRadius.radii(model: smooth, Self.data)
            Issue.record("a smoothed-ReLU model got exact radii")
        } catch let error as ExactRadius.NotApplicable {
            #expect(error.description.contains("σ = ReLU") && error.description.contains("smoothedReLU"))
        }
    }
}
