import Testing
@testable import Exact

@Test func smoke() throws {
    print(BigFloat.e())
    print(BigFloat.ln2())
    print(try BigFloat(2).squareRoot())
    print(try BigFloat(10).log())
    print(try BigFloat(parsing: "1e-30").log1p())
    print(try BigFloat(parsing: "1e-30").expm1())
    print(try BigFloat(-3).softplus(), try BigFloat(3).sigmoid())
    print(Double(try Rational(1, 3)), 1.0/3.0)
    let big: BigInt = 123456789012345678901234567890
    print(big, -big, big * big)
    print(try Rational(parsing: "-1.25e-3"), try Rational(parsing: "6/-4"))
}
