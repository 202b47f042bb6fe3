// A single-threaded workout of the whole Exact API, for valgrind's leak checker.
//
// valgrind 3.19 (Debian 12) crashes inside libdispatch when it runs the Swift Testing runner
// (even with --tool=none), so the leak check runs this driver instead: every public operation of
// the exact layer, including every throwing path, copy-on-write copies and deinitialisers, in a
// plain loop. `Scripts/valgrind-exact.sh` runs it under `valgrind --leak-check=full` and fails
// unless 0 bytes are definitely lost. The real test suite is additionally run under
// AddressSanitizer/LeakSanitizer (`swift test --sanitize=address`).
import Exact

func expectThrows(_ body: () throws -> Void) {
    do { try body(); fatalError("expected an error") } catch {}
}

var checksum = 0
for round in 0..<20 {
    // BigInt
    let a: BigInt = 123456789012345678901234567890123456789
    var b = BigInt(round + 3)
    var c = a  // shared storage, then copy on write
    c += b
    b *= a
    c.addProduct(a, b)
    let (q, r) = try c.quotientAndRemainder(dividingBy: b)
    checksum &+= (q * b + r == c ? 1 : 0)
    checksum &+= try BigInt.binomial(60, round).bitLength + BigInt.factorial(round + 10).bitLength
    checksum &+= BigInt.gcd(a, b).bitLength + BigInt.lcm(a, BigInt(round + 1)).bitLength
    checksum &+= try BigInt(parsing: a.description).bitLength + (try a.power(3)).bitLength
    checksum &+= try a.shiftedLeft(100).shiftedRightFloor(99).bitLength + a.shiftedRightTruncating(3).bitLength
    checksum &+= Set([a, b, c, -a]).count + (try a.modulo(BigInt(97))).bitLength
    expectThrows { _ = try a / BigInt(0) }
    expectThrows { _ = try BigInt(parsing: "12x") }
    expectThrows { _ = try BigInt(3).power(1 << 40) }
    expectThrows { _ = try BigInt(exactly: 0.5) }

    // Rational and Double conversions
    let x = try Rational(parsing: "-1.25e-3"), y = try Rational(22, 7)
    var z = x
    z += y
    z *= y
    z -= x
    try z /= y
    checksum &+= (try z.power(-3)).denominator.bitLength + (try x.decimalString(fractionDigits: 10)).count
    checksum &+= Int(Double(z) * 1000) + Int(Double(BigInt(1) * a) > 0 ? 1 : 0)
    checksum &+= (try Rational(exactly: Double(round) * 0.1 + 1e-300)).denominator.bitLength
    checksum &+= (try Rational(parsing: z.description) == z ? 1 : 0) + Set([x, y, z]).count
    checksum &+= (try z.timesPowerOfTwo(-70)).floor.bitLength + (z.isDyadic ? 1 : 0)
    expectThrows { _ = try Rational(1, 0) }
    expectThrows { _ = try Rational(exactly: .nan) }
    expectThrows { _ = try Rational.zero.reciprocal() }
    expectThrows { _ = try Rational(parsing: "1/2/3") }

    // Accumulators
    var acc = RationalAccumulator()
    for i in 0..<64 { acc.addProduct(try Rational(i, 3), y); acc.subtractProduct(x, x); acc.add(x) }
    checksum &+= acc.value.numerator.bitLength
    acc.reset()
    let u = (0..<256).map { Double($0) * 0.37 - 40 }, v = (0..<256).map { 1 / (Double($0) + 0.5) }
    checksum &+= Int(try correctlyRoundedDot(u, v)) + (try exactDot(u, v)).denominator.bitLength
    var kulisch = ExactDoubleAccumulator()
    kulisch.add(1e300); kulisch.addProduct(.greatestFiniteMagnitude, -1)
    checksum &+= Int(try kulisch.roundedDouble().exponent)
    kulisch.addProduct(.infinity, 1)
    expectThrows { _ = try kulisch.rational() }

    // BigFloat
    let p = try BigFloat.Precision(bits: 128 + 64 * (round % 3))
    let f = try BigFloat(parsing: "3.75", precision: p), g = try BigFloat(-0.125, precision: p)
    for h in [f, g, try f * g, try f / g, f - g, try f.squareRoot(), try f.power(-5)] {
        checksum &+= (try h.exp()).significand.bitLength + (try h.expm1()).exponent
        checksum &+= (try h.softplus()).significand.bitLength + (try h.sigmoid()).significand.bitLength
        if h.signum > 0 { checksum &+= (try h.log()).significand.bitLength + (try h.log1p()).exponent }
        checksum &+= h.description.count + Int(Double(h))
    }
    checksum &+= BigFloat.ln2(precision: p).significand.bitLength + BigFloat.e(precision: p).exponent
    expectThrows { _ = try BigFloat(0).log() }
    expectThrows { _ = try BigFloat(-1).squareRoot() }
    expectThrows { _ = try BigFloat(1) / BigFloat(0) }
    expectThrows { _ = try BigFloat(significand: 1, exponent: 70).exp() }
    expectThrows { _ = try BigFloat.Precision(bits: 1) }

    // Linear algebra and features
    let n = 6
    let m = try RationalMatrix(rows: (1...n).map { i in try (1...n).map { j in try Rational(1, i + j - 1 + round) } })
    let ones = [Rational](repeating: 1, count: n)
    checksum &+= try Bareiss.solve(m, try m * ones) == ones ? 1 : 0
    checksum &+= try Bareiss.determinant(m).denominator.bitLength + Bareiss.rank(m)
    checksum &+= try Bareiss.leastSquares(try RationalMatrix(rows: [[1, 0], [0, 1], [1, 1]]), [1, 2, 4]).count
    checksum &+= try (m * m.transposed).rowGram.rows + squaredNorm(ones).numerator.bitLength
    checksum &+= try axpy(y, ones, ones).count
    expectThrows { _ = try Bareiss.solve(try RationalMatrix(rows: [[1, 2], [2, 4]]), [1, 1]) }
    expectThrows { _ = try m * [Rational(1)] }
    let features = try OrthogonalFeatures.hadamard(count: 8, dimension: 16)
    checksum &+= try OrthogonalFeatures.isExactlyOrthogonal(features) ? 1 : 0
    checksum &+= try OrthogonalFeatures.exactGram(try OrthogonalFeatures.scaledBasis(count: 3, dimension: 10)).rows
    expectThrows { _ = try OrthogonalFeatures.hadamard(count: 3, dimension: 12) }
}
print("exact-leakcheck: completed, checksum \(checksum)")
