import Exact

/// The number types the reference implementations are written over: `Double`, `Rational` (exact),
/// `BigFloat` (256-bit), and `Dual` numbers over any of them (forward-mode derivatives).
///
/// The reference implementations are deliberately plain (one sample, one neuron at a time) so that
/// they can be read against the papers' formulas; the fast kernels are checked against them.
public protocol ReferenceScalar: Comparable, Sendable {
    /// The exact value of a Double (for `BigFloat`, at the precision `referencePrecision`).
    init(exactly value: Double) throws
    static var zero: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    /// a · b; throws where the type's range can be left (`BigFloat`'s exponent range).
    static func * (a: Self, b: Self) throws -> Self
    /// self / other; throws on division by zero where the type does.
    func divided(by other: Self) throws -> Self
    static prefix func - (a: Self) -> Self
}

/// Scalars with the transcendental functions the losses need.
public protocol TranscendentalScalar: ReferenceScalar {
    func exp() throws -> Self
    func log() throws -> Self
    /// log(1 + eˣ), evaluated stably.
    func softplus() throws -> Self
    /// 1/(1 + e⁻ˣ), evaluated stably.
    func sigmoid() throws -> Self
}

extension ReferenceScalar {
    public static var one: Self { try! Self(exactly: 1) }

    /// ReLU with the convention ReLU′(0) = 0 built in for `Dual` (which takes the zero branch at 0).
    public func relu() -> Self { self > Self.zero ? self : Self.zero }

    /// xⁿ for n ≥ 0 by repeated multiplication (exact for Rational).
    public func power(_ n: Int) throws -> Self {
        var r = Self.one
        for _ in 0..<n { r = try r * self }
        return r
    }
}

/// The working precision of `BigFloat` references: 256 bits (~77 digits).
public let referencePrecision = BigFloat.Precision.default

extension Double: TranscendentalScalar {
    public init(exactly value: Double) throws { self = value }
    public func divided(by other: Double) throws -> Double { self / other }
    public func exp() throws -> Double { Double.exp(self) }
    public func log() throws -> Double { Double.log(self) }
    public func softplus() throws -> Double { StableMath.softplus(self) }
    public func sigmoid() throws -> Double { StableMath.sigmoid(self) }
}

extension Rational: ReferenceScalar {
    public func divided(by other: Rational) throws -> Rational { try self / other }
}

extension BigFloat: TranscendentalScalar {
    public init(exactly value: Double) throws { try self.init(value, precision: referencePrecision) }
    public static var zero: BigFloat { BigFloat.zero(precision: referencePrecision) }
    public func divided(by other: BigFloat) throws -> BigFloat { try self / other }
}
