import PropertyBased
import Testing
@testable import Engine
@testable import Exact

@Suite("Random numbers")
struct RandomTests {
    /// Known-answer vectors of Philox4x32-10 from Random123 (kat_vectors).
    @Test func philoxKnownAnswers() {
        #expect(Philox.block(counter: SIMD4(0, 0, 0, 0), key: SIMD2(0, 0)) ==
                SIMD4(0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8))
        #expect(Philox.block(counter: SIMD4(repeating: 0xFFFF_FFFF), key: SIMD2(repeating: 0xFFFF_FFFF)) ==
                SIMD4(0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD))
        #expect(Philox.block(counter: SIMD4(0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344), key: SIMD2(0xA409_3822, 0x299F_31D0)) ==
                SIMD4(0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1))
    }

    @Test func streamsArePureFunctionsOfTheirKeys() {
        var a = PRNGKey(seed: 42).stream, b = PRNGKey(seed: 42).stream
        let xs = (0..<100).map { _ in a.next() }, ys = (0..<100).map { _ in b.next() }
        #expect(xs == ys)
        var c = PRNGKey(seed: 43).stream
        #expect((0..<100).map { _ in c.next() } != xs)
        let key = PRNGKey(seed: 7)
        #expect(key.child("train") == key.child("train"))
        #expect(key.child("train") != key.child("test"))
        #expect(Set(key.split(1000)).count == 1000)
        #expect(!key.split(10).contains(key))
    }

    @Test func uniformAndGaussianMoments() {
        // n = 200000 draws: the sample mean of N(0,1) has sd 1/√n ≈ 0.0022, so |mean| < 0.012 is a
        // 5.4-sigma band; the variance estimate has sd √(2/n) ≈ 0.0032, band ±0.017.
        var s = PRNGKey(seed: 1).stream
        let n = 200_000
        let g = (0..<n).map { _ in s.gaussian() }
        let mean = g.reduce(0, +) / Double(n)
        let variance = g.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean) < 0.012)
        #expect(abs(variance - 1) < 0.017)
        let fourth = g.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(n)  // E ξ⁴ = 3, sd √(96/n) ≈ 0.022
        #expect(abs(fourth - 3) < 0.12)
        let u = (0..<n).map { _ in s.uniform() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.reduce(0, +) / Double(n) - 0.5) < 0.0035)  // sd 0.29/√n ≈ 0.00065
    }

    @Test func deterministicLogIsWithinTwoULPs() async throws {
        let positive = Gen.uint64(in: 1...0x7FEF_FFFF_FFFF_FFFF).map { Double(bitPattern: $0) }
        await propertyCheck(count: 500, input: positive) { x throws in
            let exact = try BigFloat(x).log()
            let y = DeterministicMath.log(x)
            let error = (try Rational(exactly: y) - (try exact.rational)).magnitude
            #expect(error <= (try Rational(exactly: y.ulp)) * 2, "log(\(x)) = \(y)")
        }
    }

    /// The bulk generator gives the bits of `gaussian()` called `count` times and leaves the stream
    /// where those calls leave it (the next Gaussian, spare included, and the next raw word agree),
    /// from a block boundary and from the middle of a block or a pair alike.
    @Test func bulkGaussiansAreTheScalarSequence() async throws {
        await propertyCheck(count: 60, input: Gen.uint64(), Gen.int(in: 0...70), Gen.int(in: 0...3)) { seed, count, prefix in
            var scalar = PRNGKey(seed: seed).stream, bulk = scalar
            for _ in 0..<prefix { _ = scalar.gaussian(); _ = bulk.gaussian() }  // odd prefixes leave a spare
            if prefix == 3 { _ = scalar.nextWord(); _ = bulk.nextWord() }  // mid-block
            let expected = (0..<count).map { _ in scalar.gaussian() }
            let got = bulk.gaussians(count)
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "seed \(seed), count \(count), prefix \(prefix)")
            #expect(bulk.gaussian().bitPattern == scalar.gaussian().bitPattern)
            #expect(bulk.gaussian().bitPattern == scalar.gaussian().bitPattern)
            #expect(bulk.next() == scalar.next())
        }
    }

    /// Every count from 0 to 200 on a few keys: the counts a batch of eight attempts reaches
    /// exactly (where the batch must stop at the lane that reaches it, not consume all eight) are
    /// among them for every key.
    @Test func bulkGaussiansStopWhereTheScalarCallsStop() {
        for seed in [1, 2, 3, 2026] as [UInt64] {
            for count in 0...200 {
                var scalar = PRNGKey(seed: seed).stream, bulk = scalar
                let expected = (0..<count).map { _ in scalar.gaussian() }
                #expect(bulk.gaussians(count).map(\.bitPattern) == expected.map(\.bitPattern))
                var (rawBulk, rawScalar) = (bulk, scalar)  // the raw words right after, and after one more Gaussian
                #expect(rawBulk.next() == rawScalar.next(), "seed \(seed), count \(count): the raw stream continues differently")
                #expect(bulk.gaussian().bitPattern == scalar.gaussian().bitPattern && bulk.next() == scalar.next(),
                        "seed \(seed), count \(count): the stream continues differently")
            }
        }
    }

    /// χ²_k by definition (k = 6) and by Marsaglia–Tsang (k = 40 and fa-paper's d − m = 3062):
    /// 4000 samples each pass the Kolmogorov–Smirnov test against the exact distribution function
    /// at level 0.001, and the k = 40 samples are rejected against χ²_44 (the test can fail).
    @Test(arguments: [6, 40, 3062])
    func chiSquaredHasItsLaw(k: Int) {
        var s = PRNGKey(seed: 2026).child(UInt64(k)).stream
        let samples = (0..<4000).map { _ in s.chiSquared(degreesOfFreedom: k) }
        let critical = LawChecks.criticalValue(samples: samples.count)
        let d = LawChecks.kolmogorovSmirnov(samples) { LawChecks.chiSquaredCDF($0, degreesOfFreedom: k) }
        #expect(d < critical, "χ²_\(k): KS distance \(d) ≥ \(critical)")
        if k == 40 {
            let wrong = LawChecks.kolmogorovSmirnov(samples) { LawChecks.chiSquaredCDF($0, degreesOfFreedom: 44) }
            #expect(wrong > critical, "χ²_40 samples not told apart from χ²_44 (KS distance \(wrong))")
        }
    }
}
