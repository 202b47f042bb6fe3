/// Plain reference implementations of the models' forward passes and of the losses, generic over
/// the scalar type, used only to check the fast Double code.

/// A model with a plain reference forward pass over any scalar type.
public protocol ReferenceModel: DifferentiableModel {
    /// The logits of one input, from a flat parameter vector in the layout of `parameters`.
    func referenceLogits<T: ReferenceScalar>(parameters: [T], input: [T]) throws -> [T]
    /// The distance of the point from the nearest kink of the model's nonlinearity (∞ if smooth).
    func kinkDistance(_ inputs: Matrix) -> Double
}

extension TwoLayerNetwork: ReferenceModel {}

extension TwoLayerNetwork {
    /// F_o(X) = Σ_{r: out(r) = o} a_r·Σ_p σ(Σ_j W_rj x_{p,j} + b_r), one neuron and patch at a time;
    /// `parameters` in the layout of `self.parameters` (W row-major, then b if trained).
    public func referenceLogits<T: ReferenceScalar>(parameters p: [T], input x: [T]) throws -> [T] {
        let d = inputDimension
        var f = [T](repeating: .zero, count: outputs)
        for r in 0..<neurons {
            for patch in 0..<patches {
                var z = trainsBiases ? p[neurons * d + r] : try T(exactly: biases[r])
                for j in 0..<d { z = try z + p[r * d + j] * x[patch * d + j] }
                f[head.neuronOutput[r]] = try f[head.neuronOutput[r]] + T(exactly: head.coefficient[r]) * activation.reference(z)
            }
        }
        return f
    }

    /// The smallest distance of a pre-activation from a non-smooth point of σ.
    public func kinkDistance(_ inputs: Matrix) -> Double {
        preactivations(inputs, .serial).storage.map(activation.kinkDistance).min() ?? .infinity
    }
}

extension LogisticLoss {
    public func reference<T: TranscendentalScalar>(logits f: [T], label y: Int) throws -> T {
        try (-(T(exactly: Double(y))) * f[0]).softplus()
    }
}

extension CrossEntropyLoss {
    public func reference<T: TranscendentalScalar>(logits f: [T], label y: Int) throws -> T {
        let m = f.max()!
        var s = T.zero
        for v in f { s = s + (try (v - m).exp()) }
        return m + (try s.log()) - f[y]
    }
}

extension SquaredLoss {
    /// ½‖F − t‖²: polynomial, so it needs only field operations (it runs on `Rational`).
    public func polynomialReference<T: ReferenceScalar>(logits f: [T], label y: Int) throws -> T {
        var s = T.zero
        for j in f.indices {
            let r = f[j] - (try T(exactly: target(y, j, f.count)))
            s = try s + r * r
        }
        return try s.divided(by: T(exactly: 2))
    }
}

/// A loss with a reference implementation over any transcendental scalar type.
public protocol ReferenceLoss: Loss {
    func reference<T: TranscendentalScalar>(logits: [T], label: Int) throws -> T
}
extension LogisticLoss: ReferenceLoss {}
extension CrossEntropyLoss: ReferenceLoss {}
extension SquaredLoss: ReferenceLoss {
    public func reference<T: TranscendentalScalar>(logits f: [T], label y: Int) throws -> T {
        try polynomialReference(logits: f, label: y)
    }
}
