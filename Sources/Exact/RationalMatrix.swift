/// A dense matrix of exact rationals, row-major.
///
/// All products are exact and use `RationalAccumulator`, so inner products do not allocate per
/// term. Shape errors throw `ExactError.dimensionMismatch`.
public struct RationalMatrix: Hashable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    /// Entries in row-major order: entry (i, j) is `entries[i * columns + j]`.
    public private(set) var entries: [Rational]

    public init(rows: Int, columns: Int, entries: [Rational]) throws {
        try RationalMatrix.checkShape(rows, columns)
        guard entries.count == rows * columns else {
            throw ExactError.dimensionMismatch(operation: "RationalMatrix", lhs: "\(rows)×\(columns)", rhs: "\(entries.count) entries")
        }
        self.rows = rows
        self.columns = columns
        self.entries = entries
    }

    /// The zero matrix; throws `ExactError.invalidArgument` for a negative dimension or an entry
    /// count past `Int`.
    public init(zeros rows: Int, _ columns: Int) throws {
        try RationalMatrix.checkShape(rows, columns)
        self.init(uncheckedZeros: rows, columns)
    }

    /// The zero matrix of a shape the caller has already validated.
    init(uncheckedZeros rows: Int, _ columns: Int) {
        self.rows = rows
        self.columns = columns
        entries = [Rational](repeating: .zero, count: rows * columns)
    }

    static func checkShape(_ rows: Int, _ columns: Int) throws {
        guard rows >= 0 else { throw ExactError.invalidArgument(name: "rows", value: "\(rows)", allowed: "≥ 0") }
        guard columns >= 0 else { throw ExactError.invalidArgument(name: "columns", value: "\(columns)", allowed: "≥ 0") }
        let (entries, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, entries <= ExactLimits.maxMatrixEntries else {
            throw ExactError.invalidArgument(name: "rows × columns", value: "\(rows) × \(columns)",
                                             allowed: "at most \(ExactLimits.maxMatrixEntries) entries (ExactLimits.maxMatrixEntries)")
        }
    }

    /// A matrix from its rows; throws when they are ragged.
    public init(rows list: [[Rational]]) throws {
        let columns = list.first?.count ?? 0
        guard list.allSatisfy({ $0.count == columns }) else {
            throw ExactError.dimensionMismatch(operation: "RationalMatrix(rows:)", lhs: "rows of length \(columns)", rhs: "a ragged row")
        }
        try self.init(rows: list.count, columns: columns, entries: list.flatMap { $0 })
    }

    /// The exact rationals of a matrix of finite Doubles (each Double is a dyadic rational).
    public init(exactly list: [[Double]]) throws {
        try self.init(rows: list.map { try $0.map { try Rational(exactly: $0) } })
    }

    /// The n×n identity; throws `ExactError.invalidArgument` for n < 0.
    public static func identity(_ n: Int) throws -> RationalMatrix {
        var m = try RationalMatrix(zeros: n, n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public subscript(i: Int, j: Int) -> Rational {
        get { entries[i * columns + j] }
        set { entries[i * columns + j] = newValue }
    }

    public func row(_ i: Int) -> [Rational] { Array(entries[(i * columns)..<((i + 1) * columns)]) }
    public func column(_ j: Int) -> [Rational] { (0..<rows).map { self[$0, j] } }

    public var transposed: RationalMatrix {
        var t = RationalMatrix(uncheckedZeros: columns, rows)
        for i in 0..<rows { for j in 0..<columns { t[j, i] = self[i, j] } }
        return t
    }

    public var shape: String { "\(rows)×\(columns)" }

    public var description: String {
        (0..<rows).map { i in "[" + row(i).map(\.description).joined(separator: ", ") + "]" }.joined(separator: "\n")
    }
}

// MARK: Products

extension RationalMatrix {
    /// A·x.
    public static func * (a: RationalMatrix, x: [Rational]) throws -> [Rational] {
        guard a.columns == x.count else {
            throw ExactError.dimensionMismatch(operation: "matrix–vector product", lhs: a.shape, rhs: "[\(x.count)]")
        }
        var acc = RationalAccumulator()
        return (0..<a.rows).map { i in
            acc.reset()
            for j in 0..<a.columns { acc.addProduct(a[i, j], x[j]) }
            return acc.value
        }
    }

    /// A·B.
    public static func * (a: RationalMatrix, b: RationalMatrix) throws -> RationalMatrix {
        guard a.columns == b.rows else {
            throw ExactError.dimensionMismatch(operation: "matrix product", lhs: a.shape, rhs: b.shape)
        }
        var c = RationalMatrix(uncheckedZeros: a.rows, b.columns)
        var acc = RationalAccumulator()
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                acc.reset()
                for l in 0..<a.columns { acc.addProduct(a[i, l], b[l, j]) }
                c[i, j] = acc.value
            }
        }
        return c
    }

    /// The Gram matrix of the rows, G = A·Aᵀ (entry (i, j) = ⟨row i, row j⟩); symmetric, so each
    /// inner product is formed once.
    public var rowGram: RationalMatrix {
        var g = RationalMatrix(uncheckedZeros: rows, rows)
        var acc = RationalAccumulator()
        for i in 0..<rows {
            for j in i..<rows {
                acc.reset()
                for l in 0..<columns { acc.addProduct(self[i, l], self[j, l]) }
                let v = acc.value
                g[i, j] = v
                g[j, i] = v
            }
        }
        return g
    }
}

// MARK: Vector operations

/// y + a·x, exactly.
public func axpy(_ a: Rational, _ x: [Rational], _ y: [Rational]) throws -> [Rational] {
    guard x.count == y.count else {
        throw ExactError.dimensionMismatch(operation: "axpy", lhs: "[\(x.count)]", rhs: "[\(y.count)]")
    }
    return zip(x, y).map { $1 + a * $0 }
}

/// ‖x‖², exactly (square roots are avoided throughout: compare squares).
public func squaredNorm(_ x: [Rational]) -> Rational {
    var acc = RationalAccumulator()
    for v in x { acc.addProduct(v, v) }
    return acc.value
}
