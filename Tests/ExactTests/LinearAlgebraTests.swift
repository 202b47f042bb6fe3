import PropertyBased
import Testing
@testable import Exact

typealias LinearSystem = (matrix: RationalMatrix, rhs: [Rational])

/// Random systems A·x = b with entries in −9…9, A of `rows`×`columns` (n×n for a size range).
func linearSystems(rows: ClosedRange<Int>, columns: Int? = nil) -> Generator<LinearSystem, Shrink.None<LinearSystem>> {
    Generator<LinearSystem, Shrink.None<LinearSystem>>(run: { rng in
        let m = Int.random(in: rows, using: &rng), n = columns ?? m
        let entry = { (rng: inout any SeededRandomNumberGenerator) in Rational(Int.random(in: -9...9, using: &rng)) }
        let a = (0..<(m * n)).map { _ in entry(&rng) }
        let b = (0..<m).map { _ in entry(&rng) }
        return (try! RationalMatrix(rows: m, columns: n, entries: a), b)
    })
}

@Suite("Exact linear algebra")
struct LinearAlgebraTests {
    @Test func solveSatisfiesTheSystemExactly() async throws {
        await propertyCheck(count: 200, input: linearSystems(rows: 1...7)) { system throws in
            let (a, b) = system
            if try Bareiss.determinant(a).isZero {
                #expect(throws: ExactError.self) { try Bareiss.solve(a, b) }
                #expect(Bareiss.rank(a) < a.rows)
            } else {
                let x = try Bareiss.solve(a, b)
                #expect(try a * x == b)
                #expect(Bareiss.rank(a) == a.rows)
            }
        }
    }

    /// One elimination for several right-hand sides gives each system's own exact solution, with
    /// rows scaled by fractions (the augmented rows' common denominators differ from each system's).
    @Test func severalRightHandSidesSolveEachSystem() async throws {
        await propertyCheck(count: 100, input: linearSystems(rows: 1...6), linearSystems(rows: 1...6)) { s, t throws in
            let a = s.matrix, n = a.rows
            let halves = try s.rhs.map { try $0 / Rational(2) }, mixed = try (0..<n).map { try Rational($0 + 1, 3 * n + 1) - (t.rhs.first ?? 0) }
            let rhs = [s.rhs, halves, mixed, [Rational](repeating: 0, count: n)]
            if try Bareiss.determinant(a).isZero {
                #expect(throws: ExactError.singular(rows: n, columns: n, rank: Bareiss.rank(a))) { try Bareiss.solve(a, rightHandSides: rhs) }
            } else {
                let x = try Bareiss.solve(a, rightHandSides: rhs)
                #expect(x.count == rhs.count)
                for (xc, bc) in zip(x, rhs) {
                    #expect(try a * xc == bc)
                    #expect(try Bareiss.solve(a, bc) == xc)
                }
            }
        }
        #expect(try Bareiss.solve(RationalMatrix(zeros: 0, 0), rightHandSides: [[], []]) == [[], []])
        #expect(throws: ExactError.self) { try Bareiss.solve(.identity(2), rightHandSides: [[1, 2], [1]]) }
    }

    @Test func determinantIsMultiplicativeAndMatchesKnownValues() async throws {
        await propertyCheck(count: 100, input: linearSystems(rows: 3...3), linearSystems(rows: 3...3)) { s, t throws in
            let (a, _) = s, (b, _) = t
            #expect(try Bareiss.determinant(try a * b) == (try Bareiss.determinant(a)) * (try Bareiss.determinant(b)))
        }
        #expect(try Bareiss.determinant(try RationalMatrix(rows: [[0, 1], [1, 0]])) == -1)  // needs a row swap
        #expect(try Bareiss.determinant(.identity(5)) == 1)
        let hilbert = try RationalMatrix(rows: (1...4).map { i in try (1...4).map { j in try Rational(1, i + j - 1) } })
        #expect(try Bareiss.determinant(hilbert) == Rational(1, 6_048_000))
    }

    @Test func hilbertSystemIsSolvedWithoutRounding() throws {
        // The 8×8 Hilbert matrix has condition number ~1.5e10: Double elimination loses ~10 digits,
        // the exact solver none. A·x = A·1 must give x = 1 exactly.
        let n = 8
        let h = try RationalMatrix(rows: (1...n).map { i in try (1...n).map { j in try Rational(1, i + j - 1) } })
        let ones = [Rational](repeating: 1, count: n)
        #expect(try Bareiss.solve(h, try h * ones) == ones)
    }

    @Test func singularSystemsAreReportedWithTheirRank() throws {
        let a = try RationalMatrix(rows: [[1, 2, 3], [2, 4, 6], [1, 0, 1]])
        #expect(Bareiss.rank(a) == 2)
        #expect(throws: ExactError.singular(rows: 3, columns: 3, rank: 2)) { try Bareiss.solve(a, [1, 2, 3]) }
        #expect(throws: ExactError.self) { try Bareiss.solve(a, [1, 2]) }
        #expect(Bareiss.rank(try RationalMatrix(zeros: 3, 4)) == 0)
    }

    @Test func leastSquaresResidualIsOrthogonalToTheColumns() async throws {
        // Tall systems: the normal equations make Aᵀ(b − A·x) = 0 exactly.
        await propertyCheck(count: 100, input: linearSystems(rows: 6...6, columns: 3)) { system throws in
            let (a, b) = system
            guard Bareiss.rank(a) == 3 else {
                #expect(throws: ExactError.self) { try Bareiss.leastSquares(a, b) }
                return
            }
            let x = try Bareiss.leastSquares(a, b)
            let residual = zip(b, try a * x).map { $0 - $1 }
            #expect(try a.transposed * residual == [Rational](repeating: .zero, count: 3))
        }
    }

    @Test func vectorOperations() throws {
        let x: [Rational] = [1, 2, 3], y: [Rational] = [4, 5, 6]
        #expect(try exactDot(x, y) == 32)
        #expect(try axpy(try Rational(1, 2), x, y) == [try Rational(9, 2), 6, try Rational(15, 2)])
        #expect(squaredNorm(x) == 14)
        #expect(throws: ExactError.self) { try axpy(1, x, [1]) }
        let a = try RationalMatrix(rows: [[1, 2], [3, 4], [5, 6]])
        #expect(a.rowGram == (try a * a.transposed))
        #expect(throws: ExactError.self) { try a * a }
        #expect(throws: ExactError.self) { try RationalMatrix(rows: [[1, 2], [3]]) }
    }
}

@Suite("Orthogonal features")
struct OrthogonalFeaturesTests {
    @Test(arguments: [1, 2, 4, 8, 64, 256])
    func hadamardRowsAreExactlyOrthogonalWithNormSqrtD(d: Int) throws {
        let rows = try OrthogonalFeatures.hadamard(count: d, dimension: d)
        let gram = try OrthogonalFeatures.exactGram(rows)
        #expect(try gram == RationalMatrix.identity(d).scaled(by: Rational(d)))
        #expect(try OrthogonalFeatures.isExactlyOrthogonal(rows))
        #expect(rows.allSatisfy { $0.allSatisfy { $0 == 1 || $0 == -1 } })
    }

    @Test func scaledBasisIsOrthogonalAndReportsItsExactNorm() throws {
        let rows = try OrthogonalFeatures.scaledBasis(count: 3, dimension: 16)
        #expect(try OrthogonalFeatures.exactGram(rows) == (try RationalMatrix.identity(3)).scaled(by: 16))  // √16 = 4 exactly
        let irrational = try OrthogonalFeatures.exactGram(try OrthogonalFeatures.scaledBasis(count: 2, dimension: 10))
        #expect(irrational[0, 1] == .zero)
        #expect(irrational[0, 0] != 10)  // fl(√10)² ≠ 10: the exact Gram says so
        #expect((irrational[0, 0] - 10).magnitude < (try Rational(1).timesPowerOfTwo(-45)))
    }

    @Test func nonOrthogonalVectorsAreDetected() throws {
        #expect(try !OrthogonalFeatures.isExactlyOrthogonal([[1, 0.1], [0.1, 1]]))
        // fl(0.1)·fl(0.2) − fl(0.2)·fl(0.1) is the same dyadic product twice: exactly zero.
        #expect(try OrthogonalFeatures.isExactlyOrthogonal([[0.1, 0.2], [0.2, -0.1]]))
    }

    @Test func invalidRequestsNameTheParameter() throws {
        #expect(throws: ExactError.invalidArgument(name: "d", value: "12", allowed: "a power of two (1, 2, 4, …) for Hadamard features")) {
            try OrthogonalFeatures.hadamard(count: 2, dimension: 12)
        }
        #expect(throws: ExactError.invalidArgument(name: "k", value: "9", allowed: "1 ≤ k ≤ d = 8 (k orthogonal features need k ≤ d)")) {
            try OrthogonalFeatures.hadamard(count: 9, dimension: 8)
        }
        #expect(throws: ExactError.self) { try OrthogonalFeatures.scaledBasis(count: 0, dimension: 8) }
        #expect(throws: ExactError.self) { try OrthogonalFeatures.scaledBasis(count: 1, dimension: 0) }
    }
}

extension RationalMatrix {
    func scaled(by c: Rational) -> RationalMatrix {
        try! RationalMatrix(rows: rows, columns: columns, entries: entries.map { $0 * c })
    }
}
