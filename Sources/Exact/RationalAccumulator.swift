import CGMP

/// An exact running sum Σ aᵢ·bᵢ for hot loops: `addProduct` reuses two GMP values that live as long
/// as the accumulator, so once their limbs have grown to the working size a dot product performs no
/// heap allocation per term (GMP reallocates only when a value outgrows its limbs).
///
/// The arithmetic is exactly GMP's `mpq_mul` + `mpq_add`, the loop a C programmer would write.
public struct RationalAccumulator: ~Copyable {
    @usableFromInline let sum: UnsafeMutablePointer<__mpq_struct>
    @usableFromInline let product: UnsafeMutablePointer<__mpq_struct>

    public init() {
        sum = .allocate(capacity: 2)
        product = sum + 1
        __gmpq_init(sum)
        __gmpq_init(product)
    }

    deinit {
        __gmpq_clear(sum)
        __gmpq_clear(product)
        sum.deallocate()
    }

    /// sum += a·b.
    @inlinable public mutating func addProduct(_ a: Rational, _ b: Rational) {
        a.withMPQ { x in b.withMPQ { y in addProduct(x, y) } }
    }

    @usableFromInline func addProduct(_ x: UnsafePointer<__mpq_struct>, _ y: UnsafePointer<__mpq_struct>) {
        __gmpq_mul(product, x, y)
        __gmpq_add(sum, sum, product)
    }

    /// sum += a.
    public mutating func add(_ a: Rational) {
        a.withMPQ { __gmpq_add(sum, sum, $0) }
    }

    /// sum −= a·b.
    public mutating func subtractProduct(_ a: Rational, _ b: Rational) {
        a.withMPQ { x in b.withMPQ { y in
            __gmpq_mul(product, x, y)
            __gmpq_sub(sum, sum, product)
        } }
    }

    /// Sets the sum back to zero, keeping the allocated limbs.
    public mutating func reset() { __gmpq_set_ui(sum, 0, 1) }

    /// The current sum as a value.
    public var value: Rational {
        mutating get { Rational.make { __gmpq_set($0, sum) } }
    }
}

/// The exact inner product Σ aᵢ bᵢ; throws when the lengths differ.
public func exactDot(_ a: [Rational], _ b: [Rational]) throws -> Rational {
    guard a.count == b.count else {
        throw ExactError.dimensionMismatch(operation: "dot", lhs: "[\(a.count)]", rhs: "[\(b.count)]")
    }
    var acc = RationalAccumulator()
    for i in a.indices { acc.addProduct(a[i], b[i]) }
    return acc.value
}
