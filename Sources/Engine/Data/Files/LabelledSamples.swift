import Exact

/// Labelled samples read from a data file, one sample per row: bytes with their exact scale (pixels
/// p/`scale`, rationals for the exact layer) or doubles (features exported from elsewhere).
public struct LabelledSamples: Sendable, Equatable {
    public enum Values: Sendable, Equatable {
        /// Row-major bytes; the sample's coordinates are byte / scale exactly.
        case bytes([UInt8], scale: Int)
        case doubles([Double])
    }

    public let dimension: Int
    public var values: Values
    public var labels: [Int]
    /// Each sample's row in the file it was read from (nil: row i is sample i), kept through
    /// `subset`, so that a pair found after a split or subsample names the images in the file.
    public var fileRows: [Int]?

    public init(dimension: Int, values: Values, labels: [Int], fileRows: [Int]? = nil) {
        (self.dimension, self.values, self.labels, self.fileRows) = (dimension, values, labels, fileRows)
    }

    /// The file row of sample i.
    public func fileRow(_ i: Int) -> Int { fileRows?[i] ?? i }

    public var count: Int { labels.count }

    /// The samples as a matrix of doubles: byte / scale correctly rounded (IEEE division).
    public var inputs: Matrix {
        switch values {
        case let .bytes(bytes, scale):
            let s = Double(scale)
            return Matrix(rows: count, columns: dimension, storage: bytes.map { Double($0) / s })
        case let .doubles(v):
            return Matrix(rows: count, columns: dimension, storage: v)
        }
    }

    /// Coordinate j of sample i exactly: the rational byte / scale (e.g. 17/255), or the double's own
    /// dyadic value for features given as doubles.
    public func exact(_ i: Int, _ j: Int) throws -> Rational {
        switch values {
        case let .bytes(bytes, scale): try Rational(Int(bytes[i * dimension + j]), scale)
        case let .doubles(v): try Rational(exactly: v[i * dimension + j])
        }
    }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabelledSamples {
        let d = dimension, rows = indices.map(fileRow)
        switch values {
        case let .bytes(bytes, scale):
            return LabelledSamples(dimension: d, values: .bytes(indices.flatMap { bytes[($0 * d)..<($0 * d + d)] }, scale: scale),
                                   labels: indices.map { labels[$0] }, fileRows: rows)
        case let .doubles(v):
            return LabelledSamples(dimension: d, values: .doubles(indices.flatMap { v[($0 * d)..<($0 * d + d)] }), labels: indices.map { labels[$0] },
                                   fileRows: rows)
        }
    }

    /// The same samples with new labels (kept where `relabel` gives one, dropped where nil).
    public func relabelled(_ relabel: (Int) -> Int?) -> LabelledSamples {
        let kept = labels.indices.filter { relabel(labels[$0]) != nil }
        var copy = subset(kept)
        copy.labels = kept.map { relabel(labels[$0])! }
        return copy
    }

    /// The mean of each class's samples (k × d), for the cosine heat maps (Figure 2 of Feature
    /// Averaging); a class with no sample has a zero row.
    public func classMeans(classes k: Int) -> Matrix {
        let x = inputs
        var means = Matrix(rows: k, columns: dimension)
        var counts = [Int](repeating: 0, count: k)
        for i in 0..<count where labels[i] >= 0 && labels[i] < k {
            counts[labels[i]] += 1
            for j in 0..<dimension { means[labels[i], j] += x[i, j] }
        }
        for c in 0..<k where counts[c] > 0 {
            for j in 0..<dimension { means[c, j] /= Double(counts[c]) }
        }
        return means
    }
}
