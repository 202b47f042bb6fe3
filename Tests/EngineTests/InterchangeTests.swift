import Foundation
import Testing
@testable import Engine

@Suite("Interchange")
struct InterchangeTests {
    @Test func npyRoundTripOfEveryExportedFile() throws {
        let config = try ConfigResolution.resolve(preset: "fa-small", overrides: ["optimizer.steps=3", "data.trainSamples=16", "data.testSamples=8", "data.dimension=64"])
        let run = try ExperimentRun.run(config)
        let files = Dictionary(uniqueKeysWithValues: try run.exportFiles().map { ($0.name, $0.bytes) })
        func array(_ name: String) throws -> NPY.Array { try NPY.decode(files[name]!) }
        #expect(try array("X_train.npy") == NPY.Array(run.train.inputs))
        #expect(try array("X_train.npy").shape == [16, 64])
        #expect(try array("W.npy").doubles == run.final.weights.storage)
        #expect(try array("W_init.npy").doubles == run.initial.weights.storage)
        #expect(try array("y_train.npy").integers == run.train.labels.map(Int64.init))
        #expect(try array("lambda.npy").shape == [run.final.neurons, 8])
        #expect(try array("features.npy").shape == [8, 64])
        for (name, bytes) in files where name.hasSuffix(".npy") {
            #expect((10 + Int(bytes[8]) + Int(bytes[9]) << 8) % 64 == 0, "\(name): header not 64-byte aligned")
        }
        let history = try JSONDecoder().decode([HistoryRecord].self, from: Data(files["history.json"]!))
        #expect(history == run.history)  // numbers round-trip exactly
        #expect(history.count == 2)  // steps 0 and 3 (probeEvery = 50)
        // The recorded λ is the tracker's at that step: zero at step 0, the final λ at the end.
        let lambdas = history.map { $0.series["lambda"]! }
        #expect(lambdas[0].allSatisfy { $0 == 0 })
        #expect(lambdas[1] == run.decomposition!.lambda.storage)
        let resolved = try JSONDecoder().decode(ExperimentConfig.self, from: Data(files["config.json"]!))
        #expect(resolved == config)
        // The streamed export (the CLI's) writes exactly these files, byte for byte.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("theorycheck-export-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try StagedOutput(path: directory.path)
        try run.export(to: output)
        try output.commit()
        let written = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(Set(written) == Set(files.keys))
        for (name, bytes) in files { #expect(Array(try Data(contentsOf: directory.appendingPathComponent(name))) == bytes, "\(name)") }
    }

    @Test func npyHandlesEdgeValuesBitExactly() throws {
        let values = [0.0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.0 / 3]
        let decoded = try NPY.decode(NPY.encode(NPY.Array(vector: values)))
        #expect(decoded.doubles!.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(throws: NPY.FormatError.self) { try NPY.decode([1, 2, 3]) }
    }

    @Test func configErrorsNameTheField() throws {
        #expect(throws: ConfigError(field: "--preset", value: "nope", allowed: Presets.all.map(\.preset).joined(separator: ", "))) {
            try ConfigResolution.resolve(preset: "nope")
        }
        let unknown = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "fa-small", overrides: ["data.dimensoin=3"]) }
        #expect(unknown?.field == "data.dimensoin")
        let wrongType = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "fa-small", overrides: ["data.dimension=\"big\""]) }
        #expect(wrongType?.field == "data.dimension")
        let fraction = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "fa-small", overrides: ["optimizer.steps=2.5"]) }
        #expect(fraction?.field == "optimizer.steps")
        let range = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "fa-small", overrides: ["optimizer.learningRate=-1"]) }
        #expect(range?.field == "optimizer.learningRate")
        let enumValue = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "fa-small", overrides: ["data.features=fourier"]) }
        #expect(enumValue?.field == "data.features" && enumValue!.allowed.contains("hadamard"))
        let kTooLarge = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "fa-small", overrides: ["data.clusters=512"]) }
        #expect(kTooLarge?.field == "data.clusters")
        let badLoss = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "fa-small", overrides: ["loss=cross-entropy"]) }
        #expect(badLoss?.field == "loss")
        #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "fa-small", overrides: ["noequals"]) }
        // Every preset resolves to itself, bit for bit (numbers are never re-parsed lossily).
        for preset in Presets.all { #expect(try ConfigResolution.resolve(preset: preset.preset) == preset) }
        let exact = try ConfigResolution.resolve(preset: "fa-paper", overrides: ["optimizer.learningRate=0.0010000000000000002"])
        #expect(exact.optimizer.learningRate == 0.001.nextUp)
        let ok = try ConfigResolution.resolve(preset: "fa-small", overrides: ["optimizer.batchSize=32", "data.noise=0.5"], seed: 9)
        guard case let .multiCluster(data) = ok.data else { Issue.record("fa-small is multi-cluster data"); return }
        #expect(ok.optimizer.batchSize == 32 && data.noise == 0.5 && ok.seed == 9)
        let smoothed = try ConfigResolution.resolve(preset: "at-small", overrides: ["network.activation.rho=0.2"])
        #expect(smoothed.network.activation == .smoothedReLU(q: 3, rho: 0.2))
        let badActivation = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "at-small", overrides: ["network.activation.kind=tanh"]) }
        #expect(badActivation?.field == "network.activation.kind")
        let badTask = #expect(throws: ConfigError.self) { try ConfigResolution.resolve(preset: "purification-small", overrides: ["task=multiclass", "loss=cross-entropy"]) }
        #expect(badTask?.field == "task")
    }

    @Test func stagedOutputIsAllOrNothing() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("theorycheck-staged-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: base) }
        do {
            let output = try StagedOutput(path: base.path)
            try output.write("a.txt", text: "partial")
            // dropped without commit: nothing may appear
        }
        #expect(!FileManager.default.fileExists(atPath: base.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.deletingLastPathComponent().path)
                    .filter { $0.contains(base.lastPathComponent) }.isEmpty)
        let output = try StagedOutput(path: base.path)
        try output.write("a.txt", text: "done")
        try output.commit()
        #expect(FileManager.default.contents(atPath: base.appendingPathComponent("a.txt").path) == Data("done".utf8))
        #expect(throws: ConfigError.self) { try StagedOutput(path: "/proc/theorycheck-cannot-write-here/out") }
        #expect(throws: ConfigError.self) { try StagedOutput(path: base.appendingPathComponent("a.txt").path) }
    }
}
