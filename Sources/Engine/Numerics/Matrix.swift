/// A dense row-major matrix of Doubles: entry (i, j) is `storage[i * columns + j]`.
///
/// Rows are the natural unit everywhere in the engine: a data matrix holds one sample per row, a
/// weight matrix one neuron per row, so ⟨w_r, x_i⟩ is a dot product of two contiguous rows.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    public var storage: [Double]

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix shape must be non-negative")
        self.rows = rows
        self.columns = columns
        storage = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix whose every entry `fill` writes, without zero-filling the storage first. An entry
    /// `fill` leaves unwritten has no defined value: only for kernels that write every entry.
    public init(rows: Int, columns: Int, writingEveryEntry fill: (UnsafeMutableBufferPointer<Double>) -> Void) {
        precondition(rows >= 0 && columns >= 0, "matrix shape must be non-negative")
        self.rows = rows
        self.columns = columns
        storage = [Double](unsafeUninitializedCapacity: rows * columns) { buffer, count in
            fill(buffer)
            count = rows * columns
        }
    }

    public init(rows: Int, columns: Int, storage: [Double]) {
        precondition(storage.count == rows * columns, "storage has \(storage.count) entries, shape \(rows)×\(columns) needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from equal-length rows.
    public init(_ rowList: [[Double]]) {
        let columns = rowList.first?.count ?? 0
        precondition(rowList.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: rowList.count, columns: columns, storage: rowList.flatMap { $0 })
    }

    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    /// Row i as a new array.
    public func row(_ i: Int) -> [Double] { Array(storage[(i * columns)..<((i + 1) * columns)]) }

    public var rowList: [[Double]] { (0..<rows).map(row) }

    public var shape: String { "\(rows)×\(columns)" }

    public var transposed: Matrix { Kernels.transpose(self) }

    /// Whether every entry is finite.
    public var isFinite: Bool { storage.allSatisfy(\.isFinite) }

    public var description: String {
        rowList.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: "\n")
    }
}
