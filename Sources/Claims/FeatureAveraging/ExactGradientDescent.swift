import Engine
import Exact

/// Full-batch GD of the binary two-layer ReLU net (fixed head) with the squared loss, in exact
/// rational arithmetic, tracking the weight decomposition exactly: the squared loss needs only field
/// operations, so every iterate is a rational and the lemma
///
///     w_r(t) = w_r(0) + Σ_j λ_{r,j}(t)·μ_j + Σ_i σ_{r,i}(t)·ξ_i,   ξ_i := x_i − μ_{c(i)} (exactly),
///
/// can be checked with zero error. ReLU′(0) := 0, as in the engine. A reference for the lemma and
/// for the engine's Double GD (same data, same η, same steps).
struct ExactGradientDescent {
    var weights: [[Rational]]
    var biases: [Rational]
    var lambda: [[Rational]]
    var sigma: [[Rational]]

    /// Runs `steps` steps of η on (x, y) from `network`'s parameters; `clusters` gives c(i).
    init(_ network: TwoLayerNetwork, inputs x: [[Rational]], labels: [Int], clusters: [Int], clusterCount k: Int,
         learningRate eta: Rational, steps: Int) throws {
        let neurons = network.neurons, n = x.count, d = network.inputDimension
        weights = try network.weights.rowList.map { try $0.map { try Rational(exactly: $0) } }
        biases = try network.biases.map { try Rational(exactly: $0) }
        let a = try network.head.coefficient.map { try Rational(exactly: $0) }
        lambda = Array(repeating: Array(repeating: .zero, count: k), count: neurons)
        sigma = Array(repeating: Array(repeating: .zero, count: n), count: neurons)
        let count = Rational(n)
        for _ in 0..<steps {
            // Forward: z_{i,r}, f_i; backward: ∂L/∂z_{i,r} = (f_i − y_i)·a_r·1[z_{i,r} > 0]/n.
            var dz = Array(repeating: Array(repeating: Rational.zero, count: neurons), count: n)
            for i in 0..<n {
                var z = [Rational](repeating: .zero, count: neurons), f = Rational.zero
                for r in 0..<neurons {
                    var s = biases[r]
                    for t in 0..<d { s = s + weights[r][t] * x[i][t] }
                    z[r] = s
                    if s.signum > 0 { f = f + a[r] * s }
                }
                let residual = try (f - Rational(labels[i])) / count
                for r in 0..<neurons where z[r].signum > 0 { dz[i][r] = residual * a[r] }
            }
            for r in 0..<neurons {
                var db = Rational.zero
                for i in 0..<n where !dz[i][r].isZero {
                    let c = -(eta * dz[i][r])
                    for t in 0..<d { weights[r][t] = weights[r][t] + c * x[i][t] }
                    db = db + dz[i][r]
                    lambda[r][clusters[i]] = lambda[r][clusters[i]] + c
                    sigma[r][i] = sigma[r][i] + c
                }
                biases[r] = biases[r] - eta * db
            }
        }
    }
}
