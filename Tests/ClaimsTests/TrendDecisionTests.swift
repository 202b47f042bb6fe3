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
