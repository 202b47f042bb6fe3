import PropertyBased
import Testing
@testable import Exact

@Suite("BigInt")
struct BigIntTests {
    @Test func ringAxioms() async throws {
        await propertyCheck(input: Gens.bigInt, Gens.bigInt, Gens.bigInt) { a, b, c throws in
            expectRingAxioms(a, b, c)
        }
    }

    @Test func divisionIdentityAndOrder() async throws {
        await propertyCheck(input: Gens.bigInt, Gens.bigInt) { a, b throws in
            guard !b.isZero else { return }
            let (q, r) = try a.quotientAndRemainder(dividingBy: b)
            #expect(q * b + r == a)
            #expect(r.magnitude < b.magnitude)
            #expect(r.isZero || r.signum == a.signum)  // truncating, like Swift's Int
            #expect((a < b) == ((b - a).signum > 0))
        }
    }

    @Test func agreesWithIntOnMachineValues() async throws {
        await propertyCheck(input: Gen.int(in: -(1 << 31)...(1 << 31)), Gen.int(in: -(1 << 31)...(1 << 31))) { x, y throws in
            #expect(BigInt(x) * BigInt(y) == BigInt(x * y))
            #expect((BigInt(x) * BigInt(y)).exactInt == x * y)
            #expect((BigInt(x) < BigInt(y)) == (x < y))
            if y != 0 { #expect(try BigInt(x) / BigInt(y) == BigInt(x / y)) }
            if y != 0 { #expect(try BigInt(x) % BigInt(y) == BigInt(x % y)) }
        }
    }

    @Test func textRoundTrip() async throws {
        await propertyCheck(input: Gens.bigInt) { a throws in
            #expect(try BigInt(parsing: a.description) == a)
        }
        #expect(try BigInt(parsing: " +42 ") == 42)
        #expect(BigInt(-7).description == "-7")
        let literal: BigInt = 340282366920938463463374607431768211456  // 2^128, a StaticBigInt literal
        #expect(literal == (try BigInt(2).power(128)))
        let negative: BigInt = -340282366920938463463374607431768211457
        #expect(negative == -(try BigInt(2).power(128)) - 1)
    }

    @Test(arguments: ["", "-", "1.5", "12a", "0x10", "1 2", "--3", "٣"])
    func parseErrorsAreThrown(text: String) {
        #expect(throws: ExactError.self) { try BigInt(parsing: text) }
        #expect(BigInt(text) == nil)
    }

    @Test func divisionByZeroThrows() throws {
        #expect(throws: ExactError.divisionByZero(operation: "BigInt division 5 / 0")) { try BigInt(5) / BigInt(0) }
        #expect(throws: ExactError.self) { try BigInt(5) % BigInt(0) }
        #expect(throws: ExactError.self) { try BigInt(5).modulo(0) }
    }

    @Test func hashingFollowsEquality() throws {
        let a = BigInt(1) * BigInt(Int.max) * BigInt(Int.max)
        let b = BigInt(Int.max) * BigInt(Int.max)
        #expect(a == b)
        #expect(Set([a, b, -a]).count == 2)
    }

    @Test func combinatoricsKnownAnswers() throws {
        #expect(try BigInt.factorial(0) == 1)
        #expect(try BigInt.factorial(20) == BigInt(2_432_902_008_176_640_000))
        #expect(try BigInt.factorial(30) == 265252859812191058636308480000000)
        #expect(try BigInt.binomial(52, 5) == 2_598_960)
        #expect(try BigInt.binomial(100, 50) == 100891344545564193334812497256)
        #expect(try BigInt.binomial(5, 7) == 0)
        #expect(try BigInt.binomial(5, -1) == 0)
        #expect(try BigInt.binomial(-3, 2) == 6)  // (−3)(−4)/2
        #expect(BigInt.gcd(BigInt(-12), BigInt(18)) == 6)
        #expect(BigInt.gcd(0, 0) == 0)
        #expect(BigInt.lcm(BigInt(4), BigInt(6)) == 12)
        #expect(try BigInt(-3).power(3) == -27)
        #expect(try BigInt(0).power(0) == 1)
    }

    @Test func pascalAndGcdProperties() async throws {
        await propertyCheck(input: Gen.int(in: 1...200), Gen.int(in: 1...200)) { n, k throws in
            #expect(try BigInt.binomial(n, k) == (try BigInt.binomial(n - 1, k - 1)) + (try BigInt.binomial(n - 1, k)))
        }
        await propertyCheck(input: Gens.bigInt, Gens.bigInt) { a, b throws in
            let g = BigInt.gcd(a, b)
            guard !g.isZero else { return }
            #expect(a.isDivisible(by: g) && b.isDivisible(by: g))
            #expect(BigInt.gcd(try a / g, try b / g) == 1)
        }
    }

    @Test func oversizedRequestsThrowInsteadOfAborting() throws {
        #expect(throws: ExactError.self) { try BigInt(3).power(1 << 40) }
        #expect(throws: ExactError.self) { try BigInt(2).power(-1) }
        #expect(throws: ExactError.self) { try BigInt.factorial(-1) }
        #expect(throws: ExactError.self) { try BigInt.binomial(try BigInt(2).power(4000), 2_000_000) }
        #expect(throws: ExactError.self) { try BigFloat(significand: 1, exponent: 1 << 40).rational }
        #expect(throws: ExactError.self) { try BigInt(1).shiftedLeft(1 << 40) }
    }

    @Test func copyOnWriteKeepsValueSemantics() throws {
        let a = BigInt(41)
        var b = a
        b += BigInt(1)
        #expect(a == 41)
        #expect(b == 42)
        var c = b
        c.addProduct(BigInt(2), BigInt(3))
        #expect(b == 42 && c == 48)
    }
}
