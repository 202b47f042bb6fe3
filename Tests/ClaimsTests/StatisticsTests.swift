import Testing
@testable import Claims

@Suite("Statistics")
struct StatisticsTests {
    /// Published values: 8/10 → [0.4902, 0.9433] (Newcombe 1998, Table I style); s = n → n/(n + z²).
    @Test func wilsonIntervalMatchesKnownValues() {
        let a = WilsonInterval(successes: 8, trials: 10)
        #expect(abs(a.lower - 0.490162) < 1e-5 && abs(a.upper - 0.943318) < 1e-5)
        let all = WilsonInterval(successes: 10, trials: 10)
        #expect(abs(all.lower - 10 / (10 + 1.959964 * 1.959964)) < 1e-6 && all.upper == 1)
        let none = WilsonInterval(successes: 0, trials: 10)
        #expect(none.lower == 0 && abs(none.upper - 0.277533) < 1e-5)
    }

    @Test func decisionsFollowTheWilsonInterval() {
        func trials(_ good: Int, _ n: Int) -> [Trial] {
            (0..<n).map { Trial(seed: UInt64($0), satisfied: $0 < good, values: [:], config: "") }
        }
        #expect(Decision.fraction(level: 0.75).decide(trials(12, 12)).verdict == .holds)   // lower 0.758
        #expect(Decision.fraction(level: 0.75).decide(trials(11, 11)).verdict == .inconclusive)  // lower 0.741
        #expect(Decision.fraction(level: 0.75).decide(trials(0, 2)).verdict == .fails)     // upper 0.658
        #expect(Decision.everyTrial.decide(trials(5, 5)).verdict == .holds)
        let failed = Decision.everyTrial.decide(trials(3, 5))
        #expect(failed.verdict == .fails && failed.counterexample?.seed == 3)
    }

    /// An exact power law is recovered with zero standard error; with noise the 95% interval
    /// contains the true exponent and the band decision follows the interval.
    @Test func powerLawFitRecoversExponents() {
        let x = [64.0, 128, 256, 512, 1024]
        let exact = PowerLawFit(x: x, y: x.map { 3 * $0.squareRoot() })
        #expect(abs(exact.exponent - 0.5) < 1e-12 && exact.standardError < 1e-12)
        #expect(exact.decide(band: 0.4...0.6) == .holds && exact.decide(band: 0.7...1.0) == .fails)
        let noisy = PowerLawFit(x: x, y: zip(x, [1.05, 0.97, 1.02, 0.96, 1.03]).map { 3 * $0.0.squareRoot() * $0.1 })
        #expect(noisy.lower < 0.5 && 0.5 < noisy.upper)
        #expect(noisy.decide(band: 0.5...0.6) == .inconclusive)
    }

    /// The t table is decreasing in ν and meets the normal quantile in the limit.
    @Test func studentQuantilesAreMonotone() {
        let values = (1...200).map { StudentT.quantile(confidence: 0.95, degreesOfFreedom: $0) }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(values[0] == 12.7063 && values.last! > 1.96 && values.last! < 1.98)
    }
}
