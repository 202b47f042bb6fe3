/// Full-batch GD of a one-patch `TwoLayerNetwork` run in the span of the data.
///
/// Every GD step adds −η·dzᵀ·X to W (the weight-decomposition lemma), so
///
///     W(t) = W(0) + C(t)ᵀ·X,   C(t+1) = C(t) − η·dz(t)   (C: n × neurons),
///     Z(t) = X·W(t)ᵀ + b(t) = X·W(0)ᵀ + K·C(t) + b(t),   K = X·Xᵀ.
///
/// After forming K once (n²d/2 multiply-adds, compute-bound) a step costs n²·neurons instead of
/// 2·n·d·neurons and never touches X — the iterates are those of the primal algorithm up to
/// rounding (replay-checked in the tests). W(t) itself is formed only where it is needed (probes,
/// the end). `auto` picks this route when it needs fewer multiply-adds in all:
///
///     n²d/2 + steps·n²·neurons  <  steps·2·n·d·neurons,
///
/// which needs n < 2d (a step in the span is cheaper only for fewer samples than twice the input
/// dimension: fa-paper's n = 1000 at d = 3072) and enough steps to pay for K. On short inputs with
/// many samples (the digits: n = 1200, d = 64) the route would cost ~9× the primal one per step.
public enum TrainingAlgorithm: String, Codable, Sendable, CaseIterable {
    /// The kernel route when it is cheaper and applicable (one patch, full batch), else primal.
    case auto
    /// X·Wᵀ and dzᵀ·X at every step.
    case primal
    /// The span/kernel route above (falls back to primal where it does not apply).
    case kernel

    func usesKernel(steps: Int, samples n: Int, dimension d: Int, neurons: Int, patches: Int, fullBatch: Bool) -> Bool {
        guard patches == 1, fullBatch, self != .primal else { return false }
        if self == .kernel { return true }
        let (n, d, m, t) = (Double(n), Double(d), Double(neurons), Double(steps))
        return n * n * d / 2 + t * n * n * m < t * 2 * n * d * m
    }
}

extension GradientDescent {
    func trainInSpan(
        _ network: inout TwoLayerNetwork, on train: Dataset, loss: any Loss,
        parallelism: Parallelism, observe: StepObserver?, recorder: HistoryRecorder<TwoLayerNetwork>
    ) throws -> [HistoryRecord] {
        let n = train.count, neurons = network.neurons
        let x = train.inputs
        let kernel = train.gramMatrix ?? Kernels.gram(x, parallelism)
        let initial = network
        let z0 = Kernels.productTransposed(x, initial.weights, parallelism)  // X·W(0)ᵀ
        var ct = Matrix(rows: neurons, columns: n)  // Cᵀ: W(t) = W(0) + Cᵀ·X
        var history: [HistoryRecord] = []

        func weights() -> Matrix {
            // Cᵀ·X read from X itself (one pass, no transpose of X kept: the run's memory is X, K and n×m).
            var w = Kernels.transposedProduct(ct.transposed, x, parallelism)
            for t in w.storage.indices { w.storage[t] += initial.weights.storage[t] }
            return w
        }
        func evaluate() -> (z: Matrix, logits: Matrix) {
            var z = Kernels.productTransposed(kernel, ct, parallelism)  // K·C (K symmetric)
            z.storage.withUnsafeMutableBufferPointer { zp in
                z0.storage.withUnsafeBufferPointer { z0p in
                    for i in 0..<n { for r in 0..<neurons { zp[i * neurons + r] += z0p[i * neurons + r] + network.biases[r] } }
                }
            }
            return (z, network.logits(fromPreactivations: z))
        }
        func record(_ step: Int, loss value: Double, logits: Matrix) {
            network.weights = weights()
            let correct = zip(predictedLabels(logits), train.labels).filter { $0 == $1 }.count
            history.append(recorder.record(step, loss: value, model: network, trainAccuracy: Double(correct) / Double(n)))
        }

        for step in 0..<steps {
            let (z, logits) = evaluate()
            let (value, g) = loss.valueAndGradient(logits: logits, labels: train.labels, divisor: Double(n))
            guard value.isFinite else { throw DivergenceError(step: step, quantity: "loss", value: value) }
            let dz = network.preactivationGradient(z, logitGradient: g)
            if let bad = dz.storage.firstIndex(where: { !$0.isFinite }) {
                throw DivergenceError(step: step, quantity: "∂L/∂z[\(bad / neurons), \(bad % neurons)]", value: dz.storage[bad])
            }
            if step % probeEvery == 0 { record(step, loss: value, logits: logits) }
            observe?(step, nil, Backward(loss: value, gradient: [], preactivationGradient: dz))
            var db = [Double](repeating: 0, count: neurons)
            ct.storage.withUnsafeMutableBufferPointer { cp in
                dz.storage.withUnsafeBufferPointer { g in
                    for i in 0..<n {
                        for r in 0..<neurons {
                            cp[r * n + i] -= learningRate * g[i * neurons + r]
                            db[r] += g[i * neurons + r]
                        }
                    }
                }
            }
            if network.trainsBiases { for r in 0..<neurons { network.biases[r] -= learningRate * db[r] } }
            if let bad = network.biases.firstIndex(where: { !$0.isFinite }) {
                throw DivergenceError(step: step, quantity: "parameter b[\(bad)] after the update", value: network.biases[bad])
            }
        }
        let (_, logits) = evaluate()
        let final = loss.valueAndGradient(logits: logits, labels: train.labels, divisor: Double(n)).value
        guard final.isFinite else { throw DivergenceError(step: steps, quantity: "loss", value: final) }
        record(steps, loss: final, logits: logits)
        if let bad = network.weights.storage.firstIndex(where: { !$0.isFinite }) {
            throw DivergenceError(step: steps, quantity: "parameter \(network.parameterName(bad))", value: network.weights.storage[bad])
        }
        return history
    }
}
