import PropertyBased
import Testing
@testable import Exact

/// |computed − exact| ≤ ulps · ulp(computed), decided exactly with rationals.
func withinULPs(_ computed: BigFloat, _ exact: Rational, _ ulps: Int) -> Bool {
    let error = (computed.exact - exact).magnitude
    return error <= computed.ulp.exact * Rational(ulps)
}

typealias Elementary = @Sendable (BigFloat) throws -> BigFloat

let elementaryFunctions: [String: Elementary] = [
    "exp": { try $0.exp() }, "log": { try $0.log() }, "log1p": { try $0.log1p() },
    "expm1": { try $0.expm1() }, "softplus": { try $0.softplus() }, "sigmoid": { try $0.sigmoid() },
    "sqrt": { try $0.squareRoot() },
]

@Suite("BigFloat")
struct BigFloatTests {
    @Test func constantsMatchIndependentReferenceDigits() throws {
        // References: 100 digits from mpmath (Benchmarks/reference/elementary_reference.py).
        for bits in [64, 256, 300] {
            let p = try BigFloat.Precision(bits: bits)
            #expect(withinULPs(BigFloat.e(precision: p), try Rational(parsing: referenceE), 1))
            #expect(withinULPs(BigFloat.ln2(precision: p), try Rational(parsing: referenceLn2), 1))
            #expect(withinULPs(try BigFloat(2, precision: p).squareRoot(), try Rational(parsing: referenceSqrt2), 1))
        }
        // At the default 256 bits, at least 60 significant digits agree.
        #expect(try BigFloat.e().scientificString(significantDigits: 60) ==
                "2.71828182845904523536028747135266249775724709369995957496697e+0")
        #expect(try BigFloat.ln2().scientificString(significantDigits: 60) ==
                "6.93147180559945309417232121458176568075500134360255254120680e-1")
        #expect(try BigFloat(2).squareRoot().scientificString(significantDigits: 60) ==
                "1.41421356237309504880168872420969807856967187537694807317668e+0")
    }

    @Test(arguments: elementaryReference.indices)
    func knownValuesWithinOneULP(index: Int) throws {
        let (name, argument, value) = elementaryReference[index]
        let x = try BigFloat(parsing: argument)
        let y = try elementaryFunctions[name]!(x)
        #expect(withinULPs(y, try Rational(parsing: value), 1), "\(name)(\(argument)) = \(y), reference \(value)")
    }

    /// The 1-ulp bound checked against the same function at 128 more bits, over wide ranges.
    @Test(arguments: ["exp", "expm1", "softplus", "sigmoid"])
    func oneULPAgainstHigherPrecisionOnTheRealLine(name: String) async throws {
        let f = elementaryFunctions[name]!
        let arguments = zip(Gen.int64(), Gen.int(in: -120...(-50))).map { m, e in
            try! BigFloat(significand: BigInt(Int(m)), exponent: e)  // |x| up to 2^13: up to ~8000
        }
        await propertyCheck(count: 40, input: arguments) { x throws in
            let y = try f(x)
            let reference = try f(x.rounded(to: x.precision.adding(128)).withPrecision(try .init(bits: 384)))
            #expect(withinULPs(y, reference.exact, 1), "\(name)(\(x))")
        }
    }

    @Test(arguments: ["log", "log1p", "sqrt"])
    func oneULPAgainstHigherPrecisionOnPositiveArguments(name: String) async throws {
        let f = elementaryFunctions[name]!
        await propertyCheck(count: 40, input: Gens.positiveBigFloat(exponents: -1200...1000)) { x throws in
            let y = try f(x)
            let reference = try f(x.withPrecision(try .init(bits: 384)))
            #expect(withinULPs(y, reference.exact, 1), "\(name)(\(x))")
        }
    }

    @Test func expOfLogIsTheIdentity() async throws {
        await propertyCheck(count: 40, input: Gens.positiveBigFloat(exponents: -1200...1000)) { x throws in
            let y = try x.log().exp()
            // log x is within 1 ulp; exp multiplies its absolute error by x: ≤ |log x|·2^(1−p)·x.
            let logBound = max(1, abs(Double(try x.log())))
            let bound = Int(logBound.rounded(.up)) * 2 + 2
            #expect(withinULPs(y, x.exact, bound), "exp(log \(x)) = \(y)")
        }
    }

    @Test func expOfSumIsProductOfExps() async throws {
        let small = zip(Gen.int64(), Gen.int(in: -90 ... -56)).map { try! BigFloat(significand: BigInt(Int($0)), exponent: $1) }
        await propertyCheck(count: 40, input: small, small) { a, b throws in
            let sum = BigFloat.sum(a, b, precision: try .init(bits: 512))  // exact for these arguments
            let lhs = try sum.exp().rounded(to: .default)
            let rhs = try a.exp() * b.exp()
            #expect(withinULPs(lhs, rhs.exact, 4), "exp(\(a) + \(b))")
        }
    }

    @Test func logOfProductIsSumOfLogs() async throws {
        await propertyCheck(count: 40, input: Gens.positiveBigFloat(exponents: -700...600), Gens.positiveBigFloat(exponents: -700...600)) { a, b throws in
            let product = try BigFloat.product(a, b, precision: try .init(bits: 512))  // exact
            let lhs = try product.log()  // at 512 bits, the product's precision
            let la = try a.log(), lb = try b.log()
            // Each log is within 1 ulp at its own precision; the sum is formed exactly.
            let tolerance = la.ulp.exact + lb.ulp.exact + lhs.ulp.exact
            #expect(((lhs.exact - (la.exact + lb.exact)).magnitude) <= tolerance)
        }
    }

    @Test func hugeAndTinyArguments() throws {
        let tiny = try BigFloat(parsing: "1e-3000")
        #expect(withinULPs(try tiny.log1p(), tiny.exact - (try tiny.exact * tiny.exact / 2), 1))
        #expect(withinULPs(try tiny.expm1(), tiny.exact, 1))
        #expect(try tiny.exp() == BigFloat(1))
        // log of 2^±100000 is ±100000·ln 2.
        let ln2 = BigFloat.ln2(precision: try .init(bits: 400)).exact
        #expect(withinULPs(try BigFloat(significand: 1, exponent: 100_000).log(), ln2 * 100_000, 1))
        #expect(withinULPs(try BigFloat(significand: 1, exponent: -100_000).log(), ln2 * -100_000, 1))
        // e^±10000 keeps full relative precision (a naive series would need ~27000 terms).
        let big = try BigFloat(10_000).exp(), small = try BigFloat(-10_000).exp()
        #expect(withinULPs(try big * small, 1, 3))
        // softplus and sigmoid far in the tails.
        #expect(try BigFloat(1_000_000).softplus() == BigFloat(1_000_000))
        #expect(withinULPs(try BigFloat(-1000).softplus(), (try BigFloat(-1000, precision: try .init(bits: 400)).exp()).exact, 1))
        #expect(try BigFloat(significand: 1, exponent: 70).sigmoid() == BigFloat(1))
        #expect(withinULPs(try BigFloat(-800).sigmoid(), (try BigFloat(-800, precision: try .init(bits: 400)).exp()).exact, 2))
        // log1p near −1 and expm1 for large negative x.
        let nearMinusOne = try BigFloat(significand: 1, exponent: -70) - BigFloat(1)  // exactly −(1 − 2⁻⁷⁰)
        #expect(withinULPs(try nearMinusOne.log1p(), ln2 * -70, 1))
        #expect(withinULPs(try BigFloat(-200).expm1(), (try BigFloat(-200, precision: try .init(bits: 400)).exp()).exact - 1, 1))
    }

    @Test func correctlyRoundedArithmeticAgainstRationals() async throws {
        // + − × ÷ √ are correctly rounded: the error is at most ½ ulp.
        let p = try BigFloat.Precision(bits: 64)
        let values = zip(Gen.int64(), Gen.int(in: -300...300)).map { try! BigFloat(significand: BigInt(Int($0)), exponent: $1, precision: p) }
        await propertyCheck(count: 200, input: values, values) { a, b throws in
            let (x, y) = (a.exact, b.exact)
            func half(_ r: BigFloat, _ exact: Rational) -> Bool {
                (r.exact - exact).magnitude * 2 <= r.ulp.exact
            }
            #expect(half(a + b, x + y))
            #expect(half(a - b, x - y))
            #expect(half(try a * b, x * y))
            if !b.isZero { #expect(half(try a / b, try x / y)) }
            if a.signum > 0 {
                let r = try a.squareRoot()
                // r is the p-bit number nearest √x: (r − ½ulp)² ≤ x ≤ (r + ½ulp)².
                let h = r.ulp.exact * (try Rational(1, 2))
                #expect((r.exact - h) * (r.exact - h) <= x && x <= (r.exact + h) * (r.exact + h))
            }
        }
    }

    @Test func tiesRoundToEvenAtTheWorkingPrecision() throws {
        let p3 = try BigFloat.Precision(bits: 3), p4 = try BigFloat.Precision(bits: 4)
        #expect(BigFloat(9, precision: p4) == BigFloat(9))  // 1001 fits in 4 bits
        #expect(BigFloat(9, precision: p3) == BigFloat(8))  // 1001 → tie between 100·2 and 101·2: even 100·2
        #expect(BigFloat(11, precision: p3) == BigFloat(12))  // 1011 → tie between 101·2 and 110·2: even 110·2
        #expect(BigFloat(-11, precision: p3) == BigFloat(-12))
        #expect(BigFloat(19, precision: p3) == BigFloat(20))  // 10011 → above the tie 18 → 101·4
        // 1/3 = 0.0101010…₂: four bits 1010·2⁻⁵ and a remainder above half → 1011·2⁻⁵ = 11/32.
        #expect(try BigFloat(1, precision: p4) / BigFloat(3, precision: p4) == BigFloat(significand: 11, exponent: -5))
    }

    @Test func integerPowers() throws {
        let x = try BigFloat(parsing: "1.0000001")
        #expect(withinULPs(try x.power(1000), try x.exact.power(1000), 1))
        #expect(withinULPs(try x.power(-37), try x.exact.power(-37), 1))
        #expect(try BigFloat(3).power(4) == BigFloat(81))
        #expect(throws: ExactError.self) { try BigFloat.zero().power(-1) }
    }

    @Test func errorsAreThrownNotCrashes() throws {
        #expect(throws: ExactError.self) { try BigFloat(0).log() }
        #expect(throws: ExactError.self) { try BigFloat(-1).log() }
        #expect(throws: ExactError.self) { try BigFloat(-1).log1p() }
        #expect(throws: ExactError.self) { try BigFloat(-2).squareRoot() }
        #expect(throws: ExactError.self) { try BigFloat(1) / BigFloat(0) }
        #expect(throws: ExactError.self) { try BigFloat(significand: 1, exponent: 60).exp() }
        #expect(throws: ExactError.self) { try BigFloat.Precision(bits: 1) }
        #expect(throws: ExactError.self) { try BigFloat.Precision(bits: 1 << 30) }
        #expect(throws: ExactError.self) { try BigFloat(Double.nan) }
    }

    @Test func resultsDoNotDependOnWhatWasComputedBefore() throws {
        // The ln 2 memo must not make results depend on call history (determinism).
        let x = try BigFloat(parsing: "17.25", precision: try .init(bits: 200))
        let before = try x.exp(), logBefore = try x.log()
        _ = BigFloat.ln2(precision: try .init(bits: 5000))  // fills the memo at a larger scale
        #expect(try x.exp() == before)
        #expect(try x.log() == logBefore)
        #expect(FixedPointSeries.ln2(scale: 300) == FixedPointSeries.ln2(scale: 300))
    }

    @Test func conversionToDoubleIsCorrectlyRounded() async throws {
        await propertyCheck(count: 300, input: Gens.rational) { q throws in
            #expect(Double(BigFloat(q)) == Double(q))  // 256 bits, then to 53: no double rounding here
        }
        #expect(Double(try BigFloat(significand: 1, exponent: 5000)) == .infinity)
        #expect(Double(try BigFloat(significand: -1, exponent: -5000)) == -0.0)
    }
}

extension BigFloat {
    /// The exact value (test arguments and results never have exponents near 2³²).
    var exact: Rational { try! rational }

    /// The same value with a larger precision tag (exact: no rounding happens when widening).
    func withPrecision(_ p: Precision) -> BigFloat { rounded(to: p) }
}
