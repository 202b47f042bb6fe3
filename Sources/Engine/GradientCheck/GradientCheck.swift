import Exact

/// Checks of the fast Double gradients against high-precision and exact references.
///
/// - Finite differences in 256-bit `BigFloat`: ∂L/∂θ_p ≈ (L(θ + h e_p) − L(θ − h e_p)) / 2h with
///   h = 2⁻¹⁰⁰ ≈ 7.9·10⁻³¹. θ, x are converted exactly and θ_p ± h is exact at 256 bits, so the only
///   errors are the truncation h²·|L‴|/6 ≈ 10⁻⁶¹·|L‴| and the 256-bit rounding of L (≈ 10⁻⁷⁷) / h
///   ≈ 10⁻⁴⁷ — far below the 10⁻¹⁰ tolerance, which therefore measures the Double gradient alone.
///   Valid where no kink lies within h·‖x‖ of the point (`kinkDistance`).
/// - Exact derivatives with `Dual<Rational>` for piecewise-polynomial models and losses.
/// The reported error is max_p |g_p − r_p| / ‖r‖∞ (relative to the gradient's scale, so that tiny
/// components do not divide by ~0).
public enum GradientCheck {
    public static let finiteDifferenceStep = try! BigFloat(0x1p-100, precision: referencePrecision)

    public struct Result: Sendable, CustomStringConvertible {
        public let relativeError: Double
        public let worstIndex: Int
        public let analytic: Double
        public let reference: Double
        public let checked: Int
        public let kinkDistance: Double
        /// |g_p − r_p| / ‖r‖∞ for every entry (the distribution behind `relativeError`).
        public let errors: [Double]

        public var description: String {
            "max relative error \(relativeError) over \(checked) entries (worst #\(worstIndex): analytic \(analytic), reference \(reference); kink distance \(kinkDistance))"
        }
    }

    static func compare(_ analytic: [Double], _ reference: [Double], kinkDistance: Double) -> Result {
        let scale = max(reference.map(abs).max() ?? 0, .leastNormalMagnitude)
        var worst = 0, worstError = -1.0
        let errors = analytic.indices.map { abs(analytic[$0] - reference[$0]) / scale }
        for (p, e) in errors.enumerated() where e > worstError { worstError = e; worst = p }
        return Result(relativeError: max(worstError, 0), worstIndex: worst, analytic: analytic[worst],
                      reference: reference[worst], checked: analytic.count, kinkDistance: kinkDistance, errors: errors)
    }

    /// The mean reference loss over the data at parameters `theta`.
    static func meanLoss<T: TranscendentalScalar, M: ReferenceModel>(
        _ model: M, _ theta: [T], _ inputs: [[T]], _ labels: [Int], _ loss: any ReferenceLoss
    ) throws -> T {
        var total = T.zero
        for i in inputs.indices {
            total = total + (try loss.reference(logits: try model.referenceLogits(parameters: theta, input: inputs[i]), label: labels[i]))
        }
        return try total.divided(by: T(exactly: Double(inputs.count)))
    }

    /// The parameter gradient `analytic` (by default the model's own) against 256-bit central
    /// differences of the reference loss — at every coordinate, or only at `coordinates` (the
    /// sampling mode: each checked coordinate costs two reference losses over all of `data`, i.e.
    /// 2·n·(forward pass) in 256-bit arithmetic; `Result.worstIndex` is then a parameter index,
    /// `errors` follow `coordinates`, and the scale of the relative error is the largest checked
    /// reference component).
    public static func parameters<M: ReferenceModel>(
        _ model: M, _ data: Dataset, _ loss: any ReferenceLoss, analytic: [Double]? = nil, coordinates: [Int]? = nil
    ) throws -> Result {
        let g = analytic ?? model.lossAndGradient(data, loss, .serial).gradient
        let theta = try model.parameters.map { try BigFloat(exactly: $0) }
        let checked = coordinates ?? Array(theta.indices)
        precondition(checked.allSatisfy { theta.indices.contains($0) }, "coordinates outside the parameter vector")
        let inputs = try data.inputs.rowList.map { try $0.map { try BigFloat(exactly: $0) } }
        let h = finiteDifferenceStep, twoH = finiteDifferenceStep + finiteDifferenceStep
        var reference: [Double] = []
        for p in checked {
            var plus = theta, minus = theta
            plus[p] = theta[p] + h
            minus[p] = theta[p] - h
            let difference = try meanLoss(model, plus, inputs, data.labels, loss) - meanLoss(model, minus, inputs, data.labels, loss)
            reference.append(Double(try difference.divided(by: twoH)))
        }
        let result = compare(checked.map { g[$0] }, reference, kinkDistance: model.kinkDistance(data.inputs))
        return Result(relativeError: result.relativeError, worstIndex: checked.isEmpty ? 0 : checked[result.worstIndex],
                      analytic: result.analytic, reference: result.reference, checked: result.checked,
                      kinkDistance: result.kinkDistance, errors: result.errors)
    }

    /// `count` distinct parameter indices of 0..<`parameters`, uniformly at random from `key`, in
    /// increasing order: the coordinates of a sampled check.
    public static func sampledCoordinates(_ count: Int, of parameters: Int, key: PRNGKey) -> [Int] {
        var stream = key.stream
        return GradientDescent.sampleWithoutReplacement(min(count, parameters), of: parameters, &stream)
    }

    /// The input gradient ∂ℓ(x_i)/∂x_i (by default the model's own) against 256-bit central
    /// differences of each sample's reference loss.
    public static func inputs<M: ReferenceModel>(
        _ model: M, _ data: Dataset, _ loss: any ReferenceLoss, analytic: Matrix? = nil
    ) throws -> Result {
        let g = analytic ?? model.inputGradient(data.inputs, labels: data.labels, loss, .serial)
        let theta = try model.parameters.map { try BigFloat(exactly: $0) }
        let h = finiteDifferenceStep, twoH = finiteDifferenceStep + finiteDifferenceStep
        var reference: [Double] = []
        for i in 0..<data.count {
            let x = try data.inputs.row(i).map { try BigFloat(exactly: $0) }
            for j in x.indices {
                var plus = x, minus = x
                plus[j] = x[j] + h
                minus[j] = x[j] - h
                let lp = try loss.reference(logits: try model.referenceLogits(parameters: theta, input: plus), label: data.labels[i])
                let lm = try loss.reference(logits: try model.referenceLogits(parameters: theta, input: minus), label: data.labels[i])
                reference.append(Double(try (lp - lm).divided(by: twoH)))
            }
        }
        return compare(g.storage, reference, kinkDistance: model.kinkDistance(data.inputs))
    }

    /// The parameter gradient against the exact derivative of the squared loss, computed with
    /// `Dual<Rational>` (one exact forward pass per parameter, seeded with e_p).
    public static func exactParameters<M: ReferenceModel>(_ model: M, _ data: Dataset, analytic: [Double]? = nil) throws -> Result {
        let loss = SquaredLoss()
        let g = analytic ?? model.lossAndGradient(data, loss, .serial).gradient
        let theta = try model.parameters.map { try Rational(exactly: $0) }
        let inputs = try data.inputs.rowList.map { try $0.map { Dual(try Rational(exactly: $0), .zero) } }
        var reference: [Double] = []
        for p in theta.indices {
            let seeded = theta.indices.map { Dual(theta[$0], $0 == p ? 1 : .zero) }
            var total = Dual<Rational>.zero
            for i in inputs.indices {
                total = total + (try loss.polynomialReference(logits: try model.referenceLogits(parameters: seeded, input: inputs[i]), label: data.labels[i]))
            }
            reference.append(Double(try total.derivative / Rational(data.count)))
        }
        return compare(g, reference, kinkDistance: model.kinkDistance(data.inputs))
    }
}
