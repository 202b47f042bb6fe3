import Foundation

/// A two-layer ReLU network trained outside TheoryCheck (PyTorch, JAX, NumPy …), given as .npy files
/// in a directory, F(x) = A·ReLU(W·x + b):
/// - `W.npy`: the first layer, m × d (any float or integer dtype);
/// - `b.npy`: its biases, shape (m,) (optional: zeros);
/// - `a.npy`: the second layer — shape (m,) for one output (a binary classifier: sign of F, labels
///   ±1), or (k, m) for k outputs (PyTorch's `Linear(m, k).weight`; a dense head is represented
///   exactly by one copy of each neuron per output it feeds, so F_j = Σ_r A[j, r]·ReLU(⟨w_r, x⟩ + b_r));
/// - `neuron_output.npy` (optional, with an `a.npy` of shape (m,)): the output each neuron feeds
///   (0 … k − 1), TheoryCheck's own per-class head.
/// Shapes are checked against each other and against the data's width; a mismatch is a
/// `DataFileError` naming the file and the shape expected.
public enum ExternalNetwork {
    public static func load(_ directory: String, inputDimension d: Int? = nil) throws -> TwoLayerNetwork {
        func array(_ name: String, required: Bool = true) throws -> (NPY.Array, String)? {
            let path = directory + "/" + name
            guard required || FileManager.default.fileExists(atPath: path) else { return nil }
            let (bytes, _) = try DataFile.read(path)
            do { return (try NPY.decode(bytes), path) } catch let error as NPY.FormatError { throw error.naming(path) }
        }
        func values(_ a: NPY.Array) -> [Double] { a.doubles ?? a.integers!.map(Double.init) }
        func shapeError(_ path: String, _ expected: String, _ a: NPY.Array) -> DataFileError {
            DataFileError(file: path, offset: 0, expected: expected, found: "shape (" + a.shape.map(String.init).joined(separator: ", ") + ")")
        }
        let (w, wPath) = try array("W.npy")!
        guard w.shape.count == 2, w.shape[0] >= 1, w.shape[1] >= 1 else { throw shapeError(wPath, "a 2-d array m × d (neurons × inputs)", w) }
        let (m, width) = (w.shape[0], w.shape[1])
        if let d, d != width { throw shapeError(wPath, "m × \(d) (the data's samples have \(d) coordinates)", w) }
        var biases = [Double](repeating: 0, count: m)
        if let (b, bPath) = try array("b.npy", required: false) {
            guard b.shape == [m] else { throw shapeError(bPath, "shape (\(m),), one bias per row of W.npy", b) }
            biases = values(b)
        }
        let (a, aPath) = try array("a.npy")!
        let weights = Matrix(rows: m, columns: width, storage: values(w))
        for (name, v) in [("W.npy", weights.storage), ("b.npy", biases), ("a.npy", values(a))] {
            if let bad = v.firstIndex(where: { !$0.isFinite }) {
                throw DataFileError(file: directory + "/" + name, offset: 0, expected: "finite values", found: "\(v[bad]) at entry \(bad)")
            }
        }
        if a.shape == [m] {
            guard let (outputs, oPath) = try array("neuron_output.npy", required: false) else {
                return TwoLayerNetwork(weights: weights, biases: biases, head: .init(outputs: 1, neuronOutput: [Int](repeating: 0, count: m), coefficient: values(a)))
            }
            guard outputs.shape == [m], let o = outputs.integers, let k = o.max(), o.allSatisfy({ $0 >= 0 }) else {
                throw shapeError(oPath, "\(m) non-negative integers, the output of each neuron", outputs)
            }
            return TwoLayerNetwork(weights: weights, biases: biases, head: .init(outputs: Int(k) + 1, neuronOutput: o.map { Int($0) }, coefficient: values(a)))
        }
        guard a.shape.count == 2, a.shape[1] == m, a.shape[0] >= 2 else {
            throw shapeError(aPath, "shape (\(m),) for one output or (k, \(m)) with k ≥ 2 for k outputs", a)
        }
        // A dense k × m head: one copy of neuron r for every output j with A[j, r] ≠ 0.
        let k = a.shape[0], head = values(a)
        var rows: [Double] = [], b: [Double] = [], output: [Int] = [], coefficient: [Double] = []
        for r in 0..<m {
            for j in 0..<k where head[j * m + r] != 0 {
                rows += weights.row(r); b.append(biases[r]); output.append(j); coefficient.append(head[j * m + r])
            }
        }
        guard !output.isEmpty else { throw DataFileError(file: aPath, offset: 0, expected: "a second layer with a nonzero entry", found: "all zeros") }
        return TwoLayerNetwork(weights: Matrix(rows: output.count, columns: width, storage: rows), biases: b,
                               head: .init(outputs: k, neuronOutput: output, coefficient: coefficient))
    }
}
