import PropertyBased
import Testing
@testable import Exact

/// Exact Double → Rational and correctly rounded Rational/BigInt/BigFloat → Double.
///
/// The strongest oracle available is the hardware: IEEE 754 `+`, `×` and `÷` on Doubles are
/// correctly rounded, so Double(Rational(a) ∘ Rational(b)) must equal a ∘ b bit for bit, over every
/// binade, including subnormal results and overflow to ±∞.
@Suite("Double conversions")
struct DoubleConversionTests {
    @Test func exactRoundTripOfEveryBitPattern() async throws {
        await propertyCheck(count: 2000, input: Gens.finiteDouble) { x throws in
            let q = try Rational(exactly: x)
            #expect(q.isDyadic)
            #expect(Double(q).bitPattern == x.bitPattern || (x == 0 && Double(q) == 0))
            #expect(Double(try BigFloat(x)).bitPattern == x.bitPattern || x == 0)
        }
    }

    @Test func hardwareArithmeticIsTheOracleForCorrectRounding() async throws {
        await propertyCheck(count: 1000, input: Gens.finiteDouble, Gens.finiteDouble) { a, b throws in
            let x = try Rational(exactly: a), y = try Rational(exactly: b)
            #expect(Double(x + y) == a + b || (a + b == 0))
            #expect(Double(x * y) == a * b || (a * b == 0))
            if b != 0 { #expect(Double(try x / y) == a / b || a / b == 0) }
        }
    }

    @Test func hardwareOracleNearTheSubnormalRange() async throws {
        // Products and quotients of small numbers land among the subnormals.
        let small = zip(Gen.int64(in: 1...(1 << 53)), Gen.int(in: -560 ... -500), Gen.bool).map { m, e, negative in
            Double(sign: negative ? .minus : .plus, exponent: e, significand: Double(m) / Double(1 << 52))
        }
        await propertyCheck(count: 1000, input: small, small) { a, b throws in
            let x = try Rational(exactly: a), y = try Rational(exactly: b)
            #expect(Double(x * y).bitPattern == (a * b).bitPattern || a * b == 0)
            #expect(Double(try x / y * Rational(exactly: 0x1p-1000)).bitPattern == (a / b * 0x1p-1000).bitPattern
                    || (a / b).ulp > 0x1p-1000)  // only when a/b itself was exact enough to compare
        }
    }

    @Test func tiesRoundToEven() throws {
        let two53 = try BigInt(2).power(53)
        #expect(Double(two53 + 1) == 0x1p53)  // tie between 2^53 and 2^53+2: even is 2^53
        #expect(Double(two53 + 3) == 0x1p53 + 4)  // tie between 2^53+2 and 2^53+4: even is +4
        #expect(Double(two53 + 1 + 0) == 9007199254740992.0)
        // A tie decided by a far-away sticky bit: 2^53 + 1 + 2^-1000 is above the tie.
        let above = Rational(two53 + 1) + (try Rational(1).timesPowerOfTwo(-1000))
        #expect(Double(above) == 0x1p53 + 2)
        #expect(Double(-above) == -(0x1p53 + 2))
        // 1/3 and 2/3 (no ties, but a classic).
        #expect(Double(try Rational(1, 3)) == 1.0 / 3.0)
        #expect(Double(try Rational(2, 3)) == 2.0 / 3.0)
    }

    @Test func subnormalsAndUnderflow() throws {
        let min = Double.leastNonzeroMagnitude  // 2^-1074
        let half = try Rational(1).timesPowerOfTwo(-1075)
        #expect(Double(half) == 0)  // exactly half the least subnormal: tie to even (0)
        #expect(Double(half * 3) == 2 * min)  // 1.5 ulp: tie to even (2)
        #expect(Double(half + (try Rational(1).timesPowerOfTwo(-2000))) == min)  // just above half
        #expect(Double(try Rational(1).timesPowerOfTwo(-1074)) == min)
        #expect(Double(try Rational(1).timesPowerOfTwo(-1100)) == 0)
        #expect(Double(-(try Rational(1).timesPowerOfTwo(-1100))).sign == .minus)
        #expect(Double(try Rational(exactly: Double.leastNormalMagnitude) - Rational(exactly: min)) ==
                Double.leastNormalMagnitude.nextDown)
        // The largest subnormal + half an ulp is a tie; the largest subnormal's significand is odd.
        let largestSub = Double.leastNormalMagnitude.nextDown
        #expect(Double(try Rational(exactly: largestSub) + half) == Double.leastNormalMagnitude)
    }

    @Test func overflowRoundsToInfinityOnlyPastTheHalfway() throws {
        let max = try Rational(exactly: Double.greatestFiniteMagnitude)
        let halfUlp = try Rational(1).timesPowerOfTwo(970)  // ulp(max) = 2^971
        #expect(Double(max + halfUlp - (try Rational(1).timesPowerOfTwo(-50))) == .greatestFiniteMagnitude)
        #expect(Double(max + halfUlp) == .infinity)  // a tie; max's significand is odd, so round up
        #expect(Double(-(max + halfUlp)) == -.infinity)
        #expect(Double(try BigInt(2).power(1024)) == .infinity)
        #expect(Double(try BigInt(2).power(1024) - BigInt(1)) == .infinity)
        #expect(Double(try BigInt(2).power(1024) - (try BigInt(2).power(970)) - 1) == .greatestFiniteMagnitude)
    }

    @Test func bigIntConversionIsCorrectlyRounded() async throws {
        await propertyCheck(input: Gens.bigInt) { a throws in
            // Compare with the exactly rounded rational path, and check the rounding error is ≤ ½ ulp.
            let d = Double(a)
            #expect(d == Double(Rational(a)))
            let error = (try Rational(exactly: d) - Rational(a)).magnitude
            #expect(error <= (try Rational(exactly: d.ulp)) * (try Rational(1, 2)))
        }
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteValuesThrowNamingTheValue(value: Double) {
        #expect(throws: ExactError.self) { try Rational(exactly: value) }
        #expect(throws: ExactError.self) { try BigFloat(value) }
        #expect(throws: ExactError.self) { try BigInt(exactly: value) }
        do {
            _ = try Rational(exactly: value)
        } catch {
            #expect("\(error)".contains("\(value)"))
        }
    }

    @Test func integralDoublesConvertToBigInt() throws {
        #expect(try BigInt(exactly: 0x1p80) == (try BigInt(2).power(80)))
        #expect(try BigInt(exactly: -3.0) == -3)
        #expect(throws: ExactError.self) { try BigInt(exactly: 0.5) }
    }
}
