import PropertyBased
import Testing
@testable import Exact

@Suite("Exact Double accumulator")
struct ExactDoubleAccumulatorTests {
    @Test func agreesWithRationalArithmeticOverEveryBinade() async throws {
        await propertyCheck(count: 300, input: Gens.finiteDouble.array(of: 0...24), Gens.finiteDouble.array(of: 0...24)) { x, y throws in
            let n = min(x.count, y.count)
            let a = Array(x.prefix(n)), b = Array(y.prefix(n))
            let reference = try exactDot(try a.map { try Rational(exactly: $0) }, try b.map { try Rational(exactly: $0) })
            #expect(try exactDot(a, b) == reference)
            #expect(try correctlyRoundedDot(a, b) == Double(reference))
        }
    }

    @Test func cancellationAndExtremes() throws {
        #expect(try correctlyRoundedDot([1e300, 1, -1e300], [1, 1, 1]) == 1)  // naive summation gives 0
        let big = Double.greatestFiniteMagnitude, tiny = Double.leastNonzeroMagnitude
        #expect(try exactDot([big, tiny], [big, tiny]) ==
                (try Rational(exactly: big)) * (try Rational(exactly: big)) + (try Rational(exactly: tiny)) * (try Rational(exactly: tiny)))
        #expect(try correctlyRoundedDot([big, -big], [big, big]) == 0)
        #expect(try correctlyRoundedDot([big], [big]) == .infinity)  // the exact value overflows Double
        #expect(try correctlyRoundedDot([tiny], [tiny]) == 0)  // …and this one underflows
        #expect(try correctlyRoundedDot([-3, 0.5], [1, 1]) == -2.5)
        var acc = ExactDoubleAccumulator()
        for _ in 0..<1000 { acc.add(0.1) }
        #expect(try acc.rational() == (try Rational(exactly: 0.1)) * 1000)
        // 1000·fl(0.1) = 100.00000000000000555…, within half an ulp (7.1e-15) of 100.
        #expect(try acc.roundedDouble() == 100.0)
        acc.reset()
        #expect(try acc.rational() == .zero)
    }

    @Test func nonFiniteInputsThrowWhenRead() {
        var acc = ExactDoubleAccumulator()
        acc.addProduct(1, .nan)
        acc.add(2)
        #expect(throws: ExactError.self) { try acc.rational() }
        #expect(throws: ExactError.self) { try exactDot([1, .infinity], [1, 1]) }
        #expect(throws: ExactError.self) { try exactDot([1.0, 2.0], [1.0]) }
    }
}
