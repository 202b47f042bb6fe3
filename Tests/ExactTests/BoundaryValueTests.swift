import PropertyBased
import Testing
@testable import Exact

/// Misuse a library caller can make, fed as boundary values: every public entry point of `Exact`
/// either returns the right value or throws an `ExactError` — it never traps (a trap would end the
/// test process, so a passing run is itself the evidence), and the errors are of the documented case.
@Suite("Exact boundary values")
struct BoundaryValueTests {
    /// Counts at and around the limits of `Int`, of `ExactLimits.maxBits` and of the BigFloat range.
    static let counts: [Int] = [
        Int.min, Int.min + 1, -(1 << 62), -ExactLimits.maxBinaryExponent - 1, -ExactLimits.maxBinaryExponent,
        -ExactLimits.maxBits - 1, -ExactLimits.maxBits, -65, -64, -1, 0, 1, 63, 64, 65,
        ExactLimits.maxBits - 1, ExactLimits.maxBits, ExactLimits.maxBits + 1,
        ExactLimits.maxBinaryExponent - 1, ExactLimits.maxBinaryExponent, ExactLimits.maxBinaryExponent + 1,
        1 << 62, Int.max - 1, Int.max,
    ]
    static let boundaryCount = Gen.int(in: 0...(counts.count - 1)).map { counts[$0] }
    static let bigInts = [BigInt(0), BigInt(1), BigInt(-1), BigInt(3), BigInt(-7), try! BigInt(1).shiftedLeft(100)]
    static let smallBigInt = Gen.int(in: 0...(bigInts.count - 1)).map { bigInts[$0] }

    /// Runs `body`; a thrown error must be an `ExactError` (any other error is recorded as an issue).
    static func returnsOrThrowsExactError<T>(_ what: String, _ body: () throws -> T) -> Result<T, ExactError>? {
        do { return .success(try body()) } catch let error as ExactError { return .failure(error) } catch {
            Issue.record("\(what) threw \(error), which is not an ExactError")
            return nil
        }
    }

    static func isOverflow(_ e: ExactError) -> Bool { if case .overflow = e { true } else { false } }

    // MARK: BigInt

    @Test func shiftsOfEveryCountAreExactOrOverflow() async throws {
        await propertyCheck(count: 200, input: Self.smallBigInt, Self.boundaryCount) { a, n throws in
            let left = Self.returnsOrThrowsExactError("shiftedLeft(\(n))") { try a.shiftedLeft(n) }
            let floor = Self.returnsOrThrowsExactError("shiftedRightFloor(\(n))") { try a.shiftedRightFloor(n) }
            let truncating = Self.returnsOrThrowsExactError("shiftedRightTruncating(\(n))") { try a.shiftedRightTruncating(n) }
            if n > ExactLimits.maxBits {
                #expect(left.map { if case .failure(let e) = $0 { Self.isOverflow(e) } else { false } } == true)
            }
            if (0...64).contains(n) {  // small counts against multiplication and division by 2^n
                let p = try BigInt(2).power(n)
                #expect(try left?.get() == a * p)
                #expect(try floor?.get() == a.floorDivided(by: p))
                #expect(try truncating?.get() == (try a / p))
            }
            if n < 0, n >= -64 {  // a negative right shift is a left shift, and vice versa
                #expect(try floor?.get() == a.shiftedLeft(-n))
                #expect(try left?.get() == a.shiftedRightFloor(-n))
            }
            if n <= -(1 << 20) {  // a right shift past the length leaves the sign: 0 or −1
                #expect(try left?.get() == (a.signum < 0 ? BigInt(-1) : BigInt(0)))
            }
            if n <= -ExactLimits.maxBits - 1 {  // a left shift past maxBits, spelled as a right shift
                #expect(floor.map { if case .failure(let e) = $0 { Self.isOverflow(e) } else { false } } == true)
            }
        }
    }

    @Test func powersAtTheIntegerLimits() throws {
        #expect(throws: ExactError.self) { try BigInt(2).power(Int.min) }
        #expect(throws: ExactError.self) { try BigInt(3).power(Int.max) }
        #expect(try BigInt(1).power(Int.max) == 1)
        #expect(try BigInt(-1).power(Int.max) == -1)
        // |Int.min| = 2⁶³ is even: (−1)^Int.min = 1 (it used to be clamped to Int.max, an odd power).
        #expect(try Rational(-1).power(Int.min) == 1)
        #expect(try Rational(-1).power(Int.max) == -1)
        #expect(throws: ExactError.divisionByZero(operation: "Rational reciprocal 1/0")) { try Rational(0).power(Int.min) }
        #expect(throws: ExactError.self) { try Rational(2).power(Int.min) }
        #expect(throws: ExactError.self) { try Rational(1).timesPowerOfTwo(Int.min) }
        #expect(throws: ExactError.self) { try Rational(1).timesPowerOfTwo(Int.max) }
    }

    // MARK: BigFloat exponent range

    @Test func scalingAtEveryCountStaysInRangeOrThrows() async throws {
        let list = [BigFloat(3), BigFloat(-1), try BigFloat(0.375), .zero()]
        let values = Gen.int(in: 0...(list.count - 1)).map { list[$0] }
        await propertyCheck(count: 200, input: values, Self.boundaryCount) { x, n throws in
            guard let result = Self.returnsOrThrowsExactError("timesPowerOfTwo(\(n))", { try x.timesPowerOfTwo(n) }) else { return }
            switch result {
            case .success(let y):
                if x.isZero { #expect(y.isZero) } else {
                    #expect(y.exponent == x.exponent + n)
                    #expect(y.exponent >= -ExactLimits.maxBinaryExponent && y.topExponent <= ExactLimits.maxBinaryExponent)
                }
            case .failure(let e):
                #expect(Self.isOverflow(e))
                #expect(!x.isZero && (n.magnitude > UInt(ExactLimits.maxBinaryExponent) - 4))
            }
        }
    }

    @Test func constructionProductsAndPowersOutsideTheRangeThrow() throws {
        let e = ExactLimits.maxBinaryExponent
        // 3·2^Int.max and 3·2^(2⁶¹) cannot be made; the largest 3·2^e in range can, and its log is fine.
        #expect(throws: ExactError.self) { try BigFloat(significand: 3, exponent: Int.max) }
        #expect(throws: ExactError.self) { try BigFloat(significand: 3, exponent: Int.min) }
        #expect(throws: ExactError.self) { try BigFloat(significand: 3, exponent: e) }
        let huge = try BigFloat(significand: 3, exponent: e - 2)
        #expect(huge.topExponent == e)
        #expect(throws: ExactError.self) { try huge.exp() }
        #expect(throws: ExactError.self) { try huge.expm1() }
        #expect(throws: ExactError.self) { try (-huge).softplus() }
        let log = try huge.log()  // log 3 + (2⁶¹ − 2)·ln 2
        let reference = try BigFloat(3).log() + BigFloat(e - 2) * BigFloat.ln2()
        #expect((log - reference).magnitude <= (try log.ulp.timesPowerOfTwo(2)))  // 1 ulp + the reference's roundings
        #expect(throws: ExactError.self) { try (-huge).sigmoid() }  // e^x for x ≤ −2⁵⁸ is not representable
        #expect(try huge.sigmoid() == BigFloat(1))
        // (2^(2⁶⁰))² = 2^(2⁶¹) has its leading bit at 2⁶¹ + 1: one past the range.
        let big = try BigFloat(significand: 1, exponent: 1 << 60)
        #expect(throws: ExactError.self) { try big * big }
        #expect(throws: ExactError.self) { try BigFloat(significand: 1, exponent: 1 << 62) }
        #expect(throws: ExactError.self) { try BigFloat(2).power(Int.min) }
        #expect(throws: ExactError.self) { try BigFloat(2).power(Int.max) }
        #expect(throws: ExactError.self) { try BigFloat(3).power(Int.max) }
        #expect(try BigFloat(1).power(Int.min) == BigFloat(1))
        #expect(try BigFloat(-1).power(Int.min) == BigFloat(1))
        #expect(try BigFloat(-1).power(Int.max) == BigFloat(-1))
        // Quotients: 2^(−2⁶⁰) / 2^(2⁶⁰) = 2^(−2⁶¹) is in range; one more halving is not.
        let tiny = try BigFloat(significand: 1, exponent: -(1 << 60))
        let q = try tiny / big
        #expect(q.exponent == -e)
        #expect(throws: ExactError.self) { try q / BigFloat(2) }
        #expect(throws: ExactError.self) { try tiny * tiny * BigFloat(significand: 1, exponent: -1) }
        // Reading a huge value back: Double saturates, the rational and the text are refused or abbreviated.
        #expect(Double(huge) == .infinity)
        #expect(throws: ExactError.self) { try huge.rational }
        #expect(huge.description.contains("·2^"))
    }

    @Test func decimalDigitCountsAreValidated() throws {
        let x = try BigFloat(0.001)
        for n in [Int.min, -1, 0, BigFloat.maxSignificantDigits + 1, Int.max] {
            #expect(throws: ExactError.invalidArgument(name: "significantDigits", value: "\(n)", allowed: "1 … \(BigFloat.maxSignificantDigits)")) {
                try x.scientificString(significantDigits: n)
            }
        }
        #expect(try x.scientificString(significantDigits: 3) == "1.00e-3")
        #expect(throws: ExactError.self) { try Rational(1, 3).decimalString(fractionDigits: Int.max) }
        #expect(throws: ExactError.self) { try Rational(1, 3).decimalString(fractionDigits: Int.min) }
    }

    // MARK: Linear algebra

    @Test func emptySystemsHaveTheEmptySolution() throws {
        let empty = try RationalMatrix(zeros: 0, 0)
        #expect(try Bareiss.solve(empty, []) == [])
        #expect(try Bareiss.determinant(empty) == 1)
        #expect(Bareiss.rank(empty) == 0)
        // Three equations in no unknowns: the minimiser of ‖b − A·x‖ over ℝ⁰ is the empty vector.
        #expect(try Bareiss.leastSquares(try RationalMatrix(zeros: 3, 0), [1, 2, 3]) == [])
        #expect(throws: ExactError.self) { try Bareiss.solve(empty, [1]) }
    }

    @Test func negativeOrOverflowingShapesAreRefused() async throws {
        await propertyCheck(count: 100, input: Self.boundaryCount, Gen.int(in: -3...3)) { n, m throws in
            let zeros = Self.returnsOrThrowsExactError("RationalMatrix(zeros: \(n), \(m))") { try RationalMatrix(zeros: n, m) }
            let (entries, overflow) = n.multipliedReportingOverflow(by: m)
            let valid = n >= 0 && m >= 0 && !overflow && entries <= ExactLimits.maxMatrixEntries
            if case .failure(let e)? = zeros {
                #expect(!valid)
                if case .invalidArgument = e {} else { Issue.record("RationalMatrix(zeros: \(n), \(m)) threw \(e)") }
            }
            if n < 0 {
                #expect(throws: ExactError.invalidArgument(name: "rows", value: "\(n)", allowed: "≥ 0")) { try RationalMatrix(zeros: n, 2) }
                #expect(throws: ExactError.invalidArgument(name: "rows", value: "\(n)", allowed: "≥ 0")) { try RationalMatrix.identity(n) }
                #expect(throws: ExactError.self) { try RationalMatrix(rows: n, columns: 1, entries: []) }
            }
        }
        #expect(throws: ExactError.self) { try RationalMatrix(zeros: Int.max, 2) }
        // Features of a size no machine holds are refused, not allocated.
        #expect(throws: ExactError.self) { try OrthogonalFeatures.hadamard(count: 1 << 20, dimension: 1 << 40) }
        #expect(throws: ExactError.self) { try OrthogonalFeatures.scaledBasis(count: 2, dimension: Int.max) }
        #expect(try RationalMatrix.identity(0).rows == 0)
    }

    // MARK: Exact dot products

    @Test func unequalLengthsThrowAndAddNothing() throws {
        var acc = ExactDoubleAccumulator()
        acc.add(1.5)
        let a: [Double] = [1, 2, 3], b: [Double] = [4, 5]
        #expect(throws: ExactError.dimensionMismatch(operation: "addProducts", lhs: "[3]", rhs: "[2]")) {
            try a.withUnsafeBufferPointer { x in try b.withUnsafeBufferPointer { y in try acc.addProducts(x, y) } }
        }
        #expect(try acc.rational() == Rational(3, 2))
        #expect(throws: ExactError.dimensionMismatch(operation: "dot", lhs: "[3]", rhs: "[2]")) { try exactDot(a, b) }
    }

    /// The decision on signed zeros: the exact layer computes real numbers, and 0 has no sign.
    @Test func signedZerosBecomeTheRealZero() throws {
        #expect(try Rational(exactly: -0.0) == 0)
        #expect(Double(try Rational(exactly: -0.0)).sign == .plus)
        let negativeZeros: [Double] = [-0.0, -0.0, -0.0]
        #expect(try exactDot(negativeZeros, [1, 1, 1]) == 0)
        let rounded = try correctlyRoundedDot(negativeZeros, [1, 1, 1])
        #expect(rounded == 0 && rounded.sign == .plus)
        #expect((-0.0 + -0.0 + -0.0).sign == .minus)  // what IEEE 754 addition gives instead
        #expect(try BigFloat(-0.0).isZero)
    }

    // MARK: Text

    @Test func aNumberIsOneToken() throws {
        for good in ["1/2", " 1/2 ", "\t-3/4\n", "+5", "1.5e-3", ".5"] {
            #expect(Rational(good) != nil, "\(good)")
        }
        for bad in ["1 / 2", "1 2", "1/ 2", "1 /2", "- 1", "1.5 e3", "1 .5", "", " "] {
            #expect(throws: ExactError.self, "\(bad)") { try Rational(parsing: bad) }
            #expect(throws: ExactError.self, "\(bad)") { try BigFloat(parsing: bad) }
        }
        #expect(throws: ExactError.self) { try BigInt(parsing: "1 2") }
    }
}

extension BoundaryValueTests {
    /// Guard bits are added past 2²⁴: the 1-ulp bounds need them at every allowed precision.
    @Test func workingPrecisionsKeepTheirGuardBitsAtTheTop() throws {
        let top = try BigFloat.Precision(bits: BigFloat.Precision.allowed.upperBound)
        #expect(top.adding(64).bits == BigFloat.Precision.allowed.upperBound + 64)
        #expect(BigFloat.Precision.default.adding(16).bits == 272)
    }
}
