/// A dual number a + b·ε with ε² = 0: evaluating f on (x, ẋ) gives (f(x), f′(x)·ẋ), so one
/// evaluation of a reference implementation yields an exact directional derivative — exact in the
/// rational numbers for piecewise-polynomial models (ReLU, smoothed ReLU, squared loss).
///
/// Order and the ReLU branch use the value only, so at a kink the derivative is that of the branch
/// taken: ReLU′(0) = 0, the engine's convention.
public struct Dual<T: ReferenceScalar>: ReferenceScalar {
    public var value: T
    public var derivative: T

    public init(_ value: T, _ derivative: T) {
        self.value = value
        self.derivative = derivative
    }

    public init(exactly value: Double) throws { self.init(try T(exactly: value), T.zero) }
    public static var zero: Dual { Dual(T.zero, T.zero) }

    public static func + (a: Dual, b: Dual) -> Dual { Dual(a.value + b.value, a.derivative + b.derivative) }
    public static func - (a: Dual, b: Dual) -> Dual { Dual(a.value - b.value, a.derivative - b.derivative) }
    public static func * (a: Dual, b: Dual) throws -> Dual {
        Dual(try a.value * b.value, try a.derivative * b.value + a.value * b.derivative)
    }
    public func divided(by b: Dual) throws -> Dual {
        let q = try value.divided(by: b.value)
        return Dual(q, try (derivative - q * b.derivative).divided(by: b.value))
    }
    public static prefix func - (a: Dual) -> Dual { Dual(-a.value, -a.derivative) }

    public static func < (a: Dual, b: Dual) -> Bool { a.value < b.value }
    public static func == (a: Dual, b: Dual) -> Bool { a.value == b.value }
}

extension Dual: TranscendentalScalar where T: TranscendentalScalar {
    public func exp() throws -> Dual {
        let e = try value.exp()
        return Dual(e, try derivative * e)
    }
    public func log() throws -> Dual { Dual(try value.log(), try derivative.divided(by: value)) }
    /// softplus′ = sigmoid.
    public func softplus() throws -> Dual { Dual(try value.softplus(), try derivative * value.sigmoid()) }
    /// sigmoid′ = sigmoid·(1 − sigmoid).
    public func sigmoid() throws -> Dual {
        let s = try value.sigmoid()
        return Dual(s, try derivative * s * (T.one - s))
    }
}
