import Exact
import Foundation
import Testing
@testable import Claims

/// Every predicate constant is pinned: the table "Pinned constants" on each claim's Proofs page
/// (written with the derivation, before the verdict) must equal the claim's `constants`, which its
/// decision reads. Lowering AT.adversarialTraining's robust-test-accuracy bound from 0.9 to 0.5 in
/// the code, or in the page alone, fails here.
@Suite("Predicate constants")
struct PredicateConstantTests {
    /// The repository root, from this file's path (Tests/ClaimsTests/…).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The rows of the "Pinned constants" table of a Proofs page, or nil when the page has none.
    static func pinned(_ page: String) -> [PredicateConstant]? {
        do { return try PinnedConstants.table(in: page) } catch {
            Issue.record("\(error)")
            return nil
        }
    }

    static func page(_ id: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("Proofs/claims/\(id).md"), encoding: .utf8)
    }

    @Test(arguments: ClaimRegistry.all.map(\.id))
    func proofsPageTableEqualsTheCodesConstants(id: String) throws {
        let claim = try #require(ClaimRegistry.claim(id))
        // The public check an outside package runs too (docs/writing-a-claim.md).
        let found = try PinnedConstants.mismatches(claim, proofs: Self.root.appendingPathComponent("Proofs/claims"))
        #expect(found.isEmpty, "\(id): \(found.joined(separator: "; "))")
    }

    /// The counterfactual is stated by constants too, wherever it changes a bound (those that change
    /// a pattern, a partner, a network or an attribution instead — FA.paperReproduction,
    /// FP.purificationPrinciple, AT.phaseTransition, FA.weightDecomposition, FA.featureAveraging,
    /// FA.featureAveragingPaperInit — have none).
    @Test func counterfactualConstantsAreDeclaredWhereTheyChangeABound() {
        let patternCounterfactuals: Set = ["FA.paperReproduction", "FP.purificationPrinciple", "AT.phaseTransition", "FA.weightDecomposition", "FA.featureAveraging",
                                         "FA.featureAveragingPaperInit"]
        for claim in ClaimRegistry.all where !patternCounterfactuals.contains(claim.id) {
            #expect(claim.constants.contains { $0.variant == .counterfactual }, "\(claim.id)")
        }
    }

    /// Each relation at its bound, a hair inside and a hair outside (one ulp), and NaN.
    @Test func relationsAreDecidedAtTheirBoundaries() {
        for claim in ClaimRegistry.all {
            for c in claim.constants where c.bound.isFinite {
                let above = c.bound.nextUp, below = c.bound.nextDown
                switch c.relation {
                case .atLeast: #expect(c.admits(c.bound) && c.admits(above) && !c.admits(below), "\(claim.id) \(c)")
                case .atMost: #expect(c.admits(c.bound) && c.admits(below) && !c.admits(above), "\(claim.id) \(c)")
                case .above: #expect(!c.admits(c.bound) && c.admits(above) && !c.admits(below), "\(claim.id) \(c)")
                case .below: #expect(!c.admits(c.bound) && c.admits(below) && !c.admits(above), "\(claim.id) \(c)")
                case .equals: #expect(c.admits(c.bound) && !c.admits(above) && !c.admits(below), "\(claim.id) \(c)")
                }
                #expect(!c.admits(.nan), "\(claim.id) \(c) admits NaN")
            }
        }
    }

    /// The forms that compare two measured quantities keep the comparison's own arithmetic:
    /// x ≤ y + 0.05 and x ≥ 2·y, exactly at the boundary.
    @Test func relativeFormsAreExactAtTheBoundary() throws {
        let margin = PredicateConstant("best", .atMost, 0.05)
        #expect(margin.admits(0.55, plus: 0.5))  // 0.55 − 0.5 = 0.050000000000000044 would not be ≤ 0.05
        #expect(!margin.admits(0.55.nextUp, plus: 0.5))
        let factor = PredicateConstant("ratio", .atLeast, 2)
        #expect(factor.admits(0.5, times: 0.25) && !factor.admits(0.5.nextDown, times: 0.25))
        #expect(factor.admits(0, times: 0))  // 0 ≥ 2·0, where 0/0 would be NaN
        #expect(PredicateConstant.range(PredicateConstant.band("e", -.infinity...0)) == -Double.infinity...0)
        #expect(try PredicateConstant("δ/ε", .equals, 0.99).exactDecimal() == (try Rational(99, 100)))
    }

    /// The planted bug the issue names, made on a copy of the page: the pin notices it.
    @Test func aLoweredThresholdIsNoticed() throws {
        let id = "AT.adversarialTraining"
        let page = try Self.page(id)
        let lowered = page.replacingOccurrences(of: "| claim | `robustTestAccuracyNRF` | ≥ | 0.9 |", with: "| claim | `robustTestAccuracyNRF` | ≥ | 0.5 |")
        #expect(lowered != page)
        #expect(Self.pinned(lowered) != ClaimRegistry.claim(id)!.constants)
        #expect(Self.pinned(page) == ClaimRegistry.claim(id)!.constants)
    }

    @Test func boundsRoundTripThroughTheirText() {
        for claim in ClaimRegistry.all {
            for c in claim.constants { #expect(PredicateConstant.parse(PredicateConstant.text(c.bound)) == c.bound, "\(c)") }
        }
    }

    /// The public check names the row that differs, and a missing page or table.
    @Test func thePublicCheckNamesTheRow() throws {
        let claim = try #require(ClaimRegistry.claim("AT.adversarialTraining"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("theorycheck-pinned-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try PinnedConstants.mismatches(claim, proofs: dir).first?.hasSuffix("AT.adversarialTraining.md is missing") == true)
        let page = try Self.page(claim.id)
        let lowered = page.replacingOccurrences(of: "| claim | `robustTestAccuracyNRF` | ≥ | 0.9 |", with: "| claim | `robustTestAccuracyNRF` | ≥ | 0.5 |")
        #expect(lowered != page)
        try lowered.write(to: dir.appendingPathComponent(claim.id + ".md"), atomically: false, encoding: .utf8)
        let found = try PinnedConstants.mismatches(claim, proofs: dir)
        #expect(found.count == 1 && found[0].contains("the page pins claim robustTestAccuracyNRF ≥ 0.5, the code reads claim robustTestAccuracyNRF ≥ 0.9"), "\(found)")
        try "no table".write(to: dir.appendingPathComponent(claim.id + ".md"), atomically: false, encoding: .utf8)
        #expect(try PinnedConstants.mismatches(claim, proofs: dir).first?.contains("has no table") == true)
    }
}
