import Foundation
import Testing
@testable import Claims

/// An asymptotic statement whose finite predicate failed at the largest size is decided by its trend:
/// rising toward the prediction is a finite-size effect (inconclusive, said so), moving away fails,
/// and an interval that straddles the band is undecided.
@Suite("Trend decisions")
struct TrendDecisionTests {
    static func decide(_ y: [Double]) -> (Verdict, ClaimResult) {
        var result = ClaimResult(id: "t", variant: .claim, scale: .smoke, verdict: .fails, predicate: "", summary: "s")
        let verdict = result.trendOfFailure("ratioVersusD", x: ("d", [128, 256, 512, 1024]), y: ("ratio", y), approaching: 0...Double.infinity)
        return (verdict, result)
    }

    @Test func risingTowardThePredictionIsAFiniteSizeEffect() {
        let (verdict, result) = Self.decide([1.0, 1.1, 1.21, 1.331])  // ∝ d^0.1375, exactly
        #expect(verdict == .inconclusive)
        #expect(result.summary.contains("approaching the prediction — a finite-size effect"))
        #expect(result.fits["ratioVersusD"]!.lower > 0)
        #expect(result.series["ratioVersusD.y"] == [1.0, 1.1, 1.21, 1.331])
        #expect(result.verdict == .fails, "the caller sets the verdict")
    }

    @Test func movingAwayFails() {
        let (verdict, result) = Self.decide([1.4, 1.3, 1.2, 1.1])
        #expect(verdict == .fails)
        #expect(result.summary.contains("not approaching the prediction (fails)"))
    }

    @Test func aStraddlingIntervalIsUndecided() {
        let (verdict, result) = Self.decide([1.2, 1.5, 1.1, 1.4])
        #expect(verdict == .inconclusive)
        #expect(result.summary.contains("undecided"))
    }

    @Test func unfittableDataIsInconclusive() {
        let (verdict, _) = Self.decide([1, 0, 1, 1])
        #expect(verdict == .inconclusive)
    }
}

/// The logistic fit behind the fraction trends, against known answers.
@Suite("Logistic fit")
struct LogisticFitTests {
    /// Fractions 1/4, 2/4, 3/4 at x = −1, 0, 1 (grouped data): the MLE solves the score equations
    /// exactly with p(x) = σ(a + bx) matching the symmetric design, a = 0 and b = log 3 (σ(b) = 3/4).
    @Test func groupedSymmetricDataHasItsClosedForm() {
        let x: [Double] = [-1, -1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1]
        let y = [true, false, false, false, true, true, false, false, true, true, true, false]
        let fit = LogisticFit(x: x, y: y)
        #expect(abs(fit.intercept) < 1e-10)
        #expect(abs(fit.slope - log(3)) < 1e-10)
        #expect(fit.separation == .none && fit.lower < fit.slope && fit.slope < fit.upper)
    }

    @Test func separatedAndConstantOutcomesAreReported() {
        #expect(LogisticFit(x: [1, 2, 3, 4], y: [false, false, true, true]).separation == .increasing)
        #expect(LogisticFit(x: [1, 2, 3, 4], y: [true, true, false, false]).decide(band: 0...Double.infinity) == .fails)
        #expect(LogisticFit(x: [1, 2, 3, 4], y: [false, false, true, true]).decide(band: 0...Double.infinity) == .holds)
        #expect(LogisticFit(x: [1, 2, 3], y: [false, false, false]).separation == .constant)
    }

    @Test func everySeedFailingEverywhereFails() {
        var result = ClaimResult(id: "t", variant: .claim, scale: .smoke, verdict: .fails, predicate: "", summary: "s")
        let verdict = result.trendOfFailedFraction("f", x: "log₂ R", levels: [1, 2, 3], outcomes: [[false, false], [false, false], [false, false]],
                                                   approaching: 0...Double.infinity)
        #expect(verdict == .fails)
        #expect(result.series["f.fraction"] == [0, 0, 0])
    }
}
