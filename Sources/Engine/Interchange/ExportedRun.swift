import Foundation

/// A run exported by `theorycheck train --out DIR`, loaded back: its config, trained network and
/// data. Errors name the file and what is wrong with it.
public struct ExportedRun: Sendable {
    public let directory: String
    public let config: ExperimentConfig
    public let network: TwoLayerNetwork
    /// The training set: nil when the run was loaded without it (`readsTraining: false`).
    public let train: Dataset?
    public let test: Dataset
    /// The data model's feature matrices that were exported, by file stem ("features",
    /// "robust_features", "nonrobust_features", "dictionary"), one feature per row.
    public let features: [String: Matrix]

    /// Reads the run in `directory`; with `readsTraining` false, X_train.npy and y_train.npy are
    /// not read (`train` is nil): the robustness tools evaluate the test set only.
    public init(directory: String, readsTraining: Bool = true) throws {
        self.directory = directory
        func read(_ name: String) throws -> [UInt8] {
            guard let bytes = Self.contents(directory + "/" + name) else {
                throw ConfigError(field: "--run", value: directory, allowed: "a directory written by `theorycheck train --out` (\(name) is missing)")
            }
            return bytes
        }
        func array(_ name: String) throws -> NPY.Array {
            do {
                guard let array = try NPY.read(path: directory + "/" + name) else {
                    throw ConfigError(field: "--run", value: directory, allowed: "a directory written by `theorycheck train --out` (\(name) is missing)")
                }
                return array
            } catch let error as NPY.FormatError {
                throw ConfigError(field: "--run", value: directory + "/" + name, allowed: "a float64/int64 .npy file (\(error.reason))")
            }
        }
        func matrix(_ name: String) throws -> Matrix {
            let a = try array(name)
            guard a.shape.count == 2, let v = a.doubles else {
                throw ConfigError(field: "--run", value: directory + "/" + name, allowed: "a 2-d float64 array")
            }
            return Matrix(rows: a.shape[0], columns: a.shape[1], storage: v)
        }
        func vector(_ name: String) throws -> [Double] {
            guard let v = try array(name).doubles else { throw ConfigError(field: "--run", value: directory + "/" + name, allowed: "float64") }
            return v
        }
        func labels(_ name: String) throws -> [Int] {
            guard let v = try array(name).integers else { throw ConfigError(field: "--run", value: directory + "/" + name, allowed: "int64") }
            return v.map { Int($0) }
        }
        do {
            config = try JSONDecoder().decode(ExperimentConfig.self, from: Data(try read("config.json")))
        } catch let error as ConfigError { throw error } catch {
            throw ConfigError(field: "--run", value: directory + "/config.json", allowed: "a config written by this version (\(error))")
        }
        let weights = try matrix("W.npy"), biases = try vector("b.npy")
        let a = try vector("a.npy"), outputs = try labels("neuron_output.npy")
        guard weights.rows == biases.count, a.count == weights.rows, outputs.count == weights.rows else {
            throw ConfigError(field: "--run", value: directory, allowed: "consistent W.npy, b.npy, a.npy, neuron_output.npy shapes")
        }
        network = TwoLayerNetwork(weights: weights, biases: biases,
                                  head: .init(outputs: config.task == .binary ? 1 : config.data.classes, neuronOutput: outputs, coefficient: a),
                                  activation: config.network.activation, patches: config.data.patches, trainsBiases: config.network.trainBiases)
        train = readsTraining ? Dataset(inputs: try matrix("X_train.npy"), labels: try labels("y_train.npy")) : nil
        test = Dataset(inputs: try matrix("X_test.npy"), labels: try labels("y_test.npy"))
        var features: [String: Matrix] = [:]
        for stem in ["features", "robust_features", "nonrobust_features", "dictionary"]
        where FileManager.default.fileExists(atPath: directory + "/" + stem + ".npy") {
            features[stem] = try matrix(stem + ".npy")
        }
        self.features = features
    }
}

extension ExportedRun {
    /// A file's bytes, read straight into the array (one copy from the kernel), or nil if it
    /// cannot be opened or read.
    static func contents(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        guard fseeko(file, 0, SEEK_END) == 0 else { return nil }
        let size = Int(ftello(file))
        guard size >= 0, fseeko(file, 0, SEEK_SET) == 0 else { return nil }
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = size == 0 ? 0 : fread(buffer.baseAddress!, 1, size, file)
            complete = initialized == size
        }
        return complete ? bytes : nil
    }

    init(directory: String, config: ExperimentConfig, network: TwoLayerNetwork, train: Dataset?, test: Dataset) {
        (self.directory, self.config, self.network, self.train, self.test, self.features) = (directory, config, network, train, test, [:])
    }

    /// A network trained outside TheoryCheck (`ExternalNetwork`, .npy files in `network`) with data
    /// from `data` (`DataSource`: e.g. npy:DIR of X_test.npy / y_test.npy, or mnist:DIR), as a run
    /// the robustness tools evaluate. Its test set is the source's test set (else its training
    /// set); a one-output net reads labels 0/1 as −1/+1 (its positive logit is class 1).
    public static func external(network directory: String, data: String) throws -> ExportedRun {
        let source = try DataSource(parsing: data, field: "--data")
        let (train, test) = try source.load()
        let network = try ExternalNetwork.load(directory, inputDimension: train.dimension)
        let binary = network.outputs == 1
        func labelled(_ part: LabelledSamples, _ file: String) throws -> Dataset {
            if binary, let bad = part.labels.first(where: { $0 > 1 }) {
                throw DataFileError(file: file, offset: 0, expected: "labels 0 / 1 for a one-output network (W.npy … a.npy of shape (m,))", found: "label \(bad)")
            }
            if !binary, let bad = part.labels.first(where: { $0 >= network.outputs }) {
                throw DataFileError(file: file, offset: 0, expected: "labels 0 … \(network.outputs - 1) (the network has \(network.outputs) outputs)", found: "label \(bad)")
            }
            return Dataset(inputs: part.inputs, labels: binary ? part.labels.map { 2 * $0 - 1 } : part.labels)
        }
        let evaluated = try labelled(test ?? train, data)
        var realData = RealDataConfig(source: data, grouping: "none", dimension: train.dimension, classes: max(2, network.outputs), testSamples: 0)
        if test == nil { realData.testSamples = train.count }
        let config = ExperimentConfig(preset: "external:" + directory, seed: 0, task: binary ? .binary : .multiclass, data: .real(realData),
                                      network: .init(neuronsPerHead: 1, secondLayerScale: 1, weightInitStd: 0, biasInitStd: 0),
                                      loss: binary ? .logistic : .crossEntropy, optimizer: GradientDescent(learningRate: 1, steps: 0, probeEvery: 1))
        return ExportedRun(directory: directory, config: config, network: network, train: try labelled(train, data), test: evaluated)
    }
}
