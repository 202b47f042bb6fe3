import PropertyBased
import Testing
@testable import Exact

@Suite("Rational")
struct RationalTests {
    @Test func fieldAxioms() async throws {
        await propertyCheck(input: Gens.rational, Gens.rational, Gens.rational) { a, b, c throws in
            expectRingAxioms(a, b, c)
            if !a.isZero { #expect(try a * a.reciprocal() == 1) }
            if !b.isZero { #expect(try (a / b) * b == a) }
        }
    }

    @Test func alwaysCanonical() async throws {
        await propertyCheck(input: Gens.rational, Gens.rational) { a, b throws in
            for v in [a + b, a * b, a - b] {
                #expect(v.denominator.signum > 0)
                #expect(BigInt.gcd(v.numerator, v.denominator) == 1)
            }
        }
        #expect(try Rational(6, -4).description == "-3/2")
        #expect(try Rational(0, -5) == .zero && (try Rational(0, -5)).denominator == 1)
    }

    @Test func orderIsCompatibleWithArithmetic() async throws {
        await propertyCheck(input: Gens.rational, Gens.rational, Gens.rational) { a, b, c throws in
            #expect((a < b) == (a + c < b + c))
            if c.signum > 0 { #expect((a < b) == (a * c < b * c)) }
            #expect((a < b) == (Double(a) < Double(b)) || Double(a) == Double(b))
        }
    }

    @Test func textRoundTrip() async throws {
        await propertyCheck(input: Gens.rational) { a throws in
            #expect(try Rational(parsing: a.description) == a)
        }
        #expect(try Rational(parsing: "-1.25") == Rational(-5, 4))
        #expect(try Rational(parsing: "3e-7") == Rational(3, 10_000_000))
        #expect(try Rational(parsing: ".5E+2") == 50)
        #expect(try Rational(parsing: "22/7") == Rational(22, 7))
        #expect(try Rational(parsing: "-0") == .zero)
        #expect(try Rational(1, 3).decimalString(fractionDigits: 5) == "0.33333")
        #expect(try Rational(-2, 3).decimalString(fractionDigits: 2) == "-0.67")
        #expect(try Rational(5, 2).decimalString(fractionDigits: 0) == "2")  // tie to even
        #expect(try Rational(7, 2).decimalString(fractionDigits: 0) == "4")
        #expect(try Rational(1, 400).decimalString(fractionDigits: 3) == "0.002")  // 0.0025 ties to even
    }

    @Test(arguments: ["", "/", "1/", "/2", "1/2/3", "1.2.3", "e5", "1e", "abc", "1,5", "1/2.5"])
    func parseErrorsAreThrown(text: String) {
        #expect(throws: ExactError.self) { try Rational(parsing: text) }
        #expect(Rational(text) == nil)
    }

    @Test func zeroDenominatorsAndDivisorsThrow() throws {
        #expect(throws: ExactError.divisionByZero(operation: "Rational 1/0")) { try Rational(1, 0) }
        #expect(throws: ExactError.self) { try Rational(parsing: "3/0") }
        #expect(throws: ExactError.self) { try Rational(1) / Rational.zero }
        #expect(throws: ExactError.self) { try Rational.zero.reciprocal() }
        #expect(throws: ExactError.self) { try Rational.zero.power(-2) }
    }

    @Test func integerPowers() throws {
        let twoThirds = try Rational(2, 3)
        #expect(try twoThirds.power(3) == Rational(8, 27))
        #expect(try twoThirds.power(-2) == Rational(9, 4))
        #expect(try twoThirds.power(0) == 1)
        #expect(try Rational(-1, 2).power(-3) == -8)
        #expect(try Rational(3, 4).timesPowerOfTwo(-3) == Rational(3, 32))
    }

    @Test func accumulatorMatchesPlainSum() async throws {
        await propertyCheck(input: Gens.rational.array(of: 0...40), Gens.rational.array(of: 0...40)) { x, y throws in
            let n = min(x.count, y.count)
            let a = Array(x.prefix(n)), b = Array(y.prefix(n))
            let plain = zip(a, b).reduce(Rational.zero) { $0 + $1.0 * $1.1 }
            #expect(try exactDot(a, b) == plain)
        }
        #expect(throws: ExactError.self) { try exactDot([Rational(1), 2], [Rational(1)]) }
    }
}
