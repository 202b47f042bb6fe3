import Engine
import Exact

/// Foundation checks of the training engine, run by `verify` next to the exact-layer ones.
enum EngineChecks {
    static func all(seed: UInt64) -> [FoundationChecks.Check] {
        [
            .init(id: "engine.philox-known-answers", run: philox),
            .init(id: "engine.gradient-check", run: { gradients(seed: seed) }),
            .init(id: "engine.thread-count-determinism", run: { determinism(seed: seed) }),
            .init(id: "engine.weight-decomposition", run: { decomposition(seed: seed) }),
        ]
    }

    /// Philox4x32-10 against the Random123 known-answer vector.
    static func philox() -> FoundationChecks.Outcome {
        let out = Philox.block(counter: SIMD4(0, 0, 0, 0), key: SIMD2(0, 0))
        return out == SIMD4(0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8)
            ? .holds("Philox4x32-10(0, 0) matches Random123") : .fails("Philox4x32-10(0, 0) = \(out)")
    }

    /// Parameter and input gradients of every model family against 256-bit central differences.
    static func gradients(seed: UInt64) -> FoundationChecks.Outcome {
        var worst = 0.0, errors: [Double] = []
        var s = PRNGKey(seed: seed).child("gradients").stream
        let cases: [(TwoLayerNetwork.Head, Activation, Int, any ReferenceLoss)] = [
            (.binary(neuronsPerSign: 2, scale: 0.5), .relu, 1, LogisticLoss()),
            (.perClass(classes: 3, neuronsPerClass: 2, scale: 1), .relu, 1, CrossEntropyLoss()),
            (.perClass(classes: 3, neuronsPerClass: 2, scale: 1), .smoothedReLU(q: 3, rho: 0.5), 3, CrossEntropyLoss()),
            (.perClass(classes: 3, neuronsPerClass: 1, scale: 1), .identity, 1, SquaredLoss()),
        ]
        for (index, (head, activation, patches, loss)) in cases.enumerated() {
            let d = 5, n = 4
            let net = TwoLayerNetwork.initialized(inputDimension: d, head: head, weightStd: 1, biasStd: 0.5, activation: activation,
                                                  patches: patches, key: PRNGKey(seed: seed).child(UInt64(index)))
            let x = Matrix(rows: n, columns: d * patches, storage: (0..<(n * d * patches)).map { _ in s.gaussian() })
            let labels = (0..<n).map { _ in head.outputs == 1 ? (s.next() % 2 == 0 ? 1 : -1) : Int(s.next() % 3) }
            let data = Dataset(inputs: x, labels: labels)
            do {
                let p = try GradientCheck.parameters(net, data, loss), i = try GradientCheck.inputs(net, data, loss)
                worst = max(worst, p.relativeError, i.relativeError)
                errors += p.errors + i.errors
                if max(p.relativeError, i.relativeError) > 1e-10 { return .fails("\(activation), \(loss.name): \(p) / \(i)") }
            } catch { return .fails("\(error)") }
        }
        return .holds("4 model families: max relative error \(worst) ≤ 1e-10 against 256-bit differences", series: ["relativeErrors": errors])
    }

    /// A short fa-small run is bit-identical on 1 and 3 threads.
    static func determinism(seed: UInt64) -> FoundationChecks.Outcome {
        do {
            var config = try ConfigResolution.resolve(preset: "fa-small", overrides: ["optimizer.steps=20", "data.trainSamples=64"])
            config.seed = seed
            let a = try ExperimentRun.run(config, parallelism: Parallelism(threads: 1))
            let b = try ExperimentRun.run(config, parallelism: Parallelism(threads: 3))
            return a.final.parameters == b.final.parameters && a.history == b.history
                ? .holds("fa-small (20 steps): identical weights and history on 1 and 3 threads")
                : .fails("weights or history differ between 1 and 3 threads (seed \(seed))")
        } catch { return .fails("\(error)") }
    }

    /// The tracked λ, σ reconstruct the trained weights (Proofs/feature-averaging.md, in Double).
    static func decomposition(seed: UInt64) -> FoundationChecks.Outcome {
        do {
            var config = try ConfigResolution.resolve(preset: "fa-small", overrides: ["optimizer.steps=100", "data.trainSamples=80"])
            config.seed = seed
            let run = try ExperimentRun.run(config)
            guard case let .multiCluster(c) = config.data, let decomposition = run.decomposition,
                  let noise = run.train.noise else { return .fails("no decomposition tracked") }
            let features = try MultiClusterData(c, key: PRNGKey(seed: seed).child("data")).features
            let w = decomposition.reconstruct(initial: run.initial.weights, features: features, noise: noise)
            let scale = run.final.weights.storage.map(abs).max()!
            let error = zip(w.storage, run.final.weights.storage).map { abs($0 - $1) }.max()! / scale
            return error <= 1e-10 ? .holds("w(t) = w(0) + λ·M + σ·Ξ to \(error) relative (≤ 1e-10)")
                                  : .fails("reconstruction error \(error) > 1e-10 (seed \(seed))")
        } catch { return .fails("\(error)") }
    }
}
