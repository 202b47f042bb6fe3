import Foundation
import Testing
@testable import Reports

@Suite("Regression baselines")
struct RegressionTests {
    static let baseline = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Baselines/engine.json")

    static func stored() throws -> [String: RegressionRecord] {
        try Regression.decode(String(contentsOf: baseline, encoding: .utf8))
    }

    /// Every preset case of `theorycheck regress` reproduces Baselines/engine.json within the
    /// documented tolerances (the same comparison as the CLI); the claim cases are compared on the
    /// smoke runs of Tests/ClaimsTests/ClaimVerdictTests.swift, so each claim runs once.
    @Test(arguments: RegressionCases.names.filter { $0.hasPrefix("preset:") })
    func caseMatchesItsBaseline(name: String) throws {
        let expected = try #require(try Self.stored()[name], "no baseline for \(name): run `theorycheck regress --update`")
        let drifts = Regression.compare(name, baseline: expected, current: try RegressionCases.run(name))
        #expect(drifts.isEmpty, "\(drifts.map(\.description).joined(separator: "\n"))")
    }

    /// Every regression case has a baseline (and the claim cases are the registry's claims).
    @Test func everyCaseHasABaseline() throws {
        let stored = try Self.stored()
        #expect(Set(stored.keys) == Set(RegressionCases.names))
    }

    /// The baseline file round-trips exactly, and the comparison catches a change of one part in 10⁸
    /// but not one of 10⁻¹².
    @Test func baselineRoundTripsAndTheToleranceIsSharp() throws {
        let stored = try Self.stored()
        #expect(try Regression.decode(Regression.encode(stored)) == stored)
        let record: RegressionRecord = ["x": .float(0.25), "n": .integer(3), "v": .text("holds")]
        #expect(Regression.compare("r", baseline: record, current: ["x": .float(0.25 * (1 + 1e-12)), "n": .integer(3), "v": .text("holds")]).isEmpty)
        #expect(Regression.compare("r", baseline: record, current: ["x": .float(0.25 * (1 + 1e-8)), "n": .integer(3), "v": .text("holds")]).count == 1)
        #expect(Regression.compare("r", baseline: record, current: ["x": .float(0.25), "n": .integer(4), "v": .text("fails")]).count == 2)
        #expect(Regression.compare("r", baseline: record, current: ["x": .float(0.25), "n": .integer(3)]).count == 1)
    }
}
