import Foundation
import Testing
@testable import Claims
@testable import Engine

/// Every robustness number of every claim declares its side and what it decides
/// (Proofs/robustness.md, "Two sides"); the declarations name numbers the claims really report; and a
/// claim whose "robust" conjunct rests on attack numbers cannot come out `holds`.
@Suite("Robustness evidence")
struct RobustnessEvidenceTests {
    /// The names of every number a claim reports at smoke, from the committed baselines
    /// (`theorycheck regress`): trial values, measurements and fits, without their statistics.
    static func reportedNames() throws -> [String: Set<String>] {
        let url = PredicateConstantTests.root.appendingPathComponent("Baselines/engine.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let runs = try #require(json["runs"] as? [String: [String: Any]])
        var names: [String: Set<String>] = [:]
        for (key, values) in runs where key.hasPrefix("claim:") {
            names[String(key.dropFirst(6))] = Set(values.keys.map { name in
                var n = name
                for suffix in [".max", ".min", ".sum"] where n.hasSuffix(suffix) { n = String(n.dropLast(suffix.count)) }
                for prefix in ["trials.", "measurements."] where n.hasPrefix(prefix) { n = String(n.dropFirst(prefix.count)) }
                return n
            })
        }
        return names
    }

    /// A number that reads as robustness: a robust accuracy, a radius, a certificate, an attack's success.
    static func isRobustnessNumber(_ name: String) -> Bool {
        name.range(of: #"[Rr]obust\w*Accuracy|Radius|ertified|Success"#, options: .regularExpression) != nil
    }

    @Test func declarationsNameReportedNumbersAndCoverEveryRobustnessNumber() throws {
        let reported = try Self.reportedNames()
        for claim in ClaimRegistry.all {
            let names = try #require(reported[claim.id], "\(claim.id) has no smoke baseline")
            for e in claim.robustnessEvidence {
                #expect(names.contains { e.names($0) }, "\(claim.id): declared \(e.quantity) is not among its reported numbers")
            }
            for name in names where Self.isRobustnessNumber(name) {
                #expect(claim.robustnessEvidence.contains { $0.names(name) }, "\(claim.id): \(name) has no declared side")
            }
        }
    }

    @Test func theRulesOfTheSides() {
        let ok: [(RadiusBracket.Side, RobustnessEvidence.Decides)] = [(.exact, .robust), (.exact, .broken), (.exact, .comparison),
                                                                       (.certified, .robust), (.attack, .broken), (.attack, .nothing)]
        let wrong: [(RadiusBracket.Side, RobustnessEvidence.Decides)] = [(.attack, .robust), (.attack, .comparison),
                                                                          (.certified, .broken), (.certified, .comparison)]
        for (side, decides) in ok { #expect(RobustnessEvidence("q", side, decides: decides, how: "").isDecisive) }
        for (side, decides) in wrong { #expect(!RobustnessEvidence("q", side, decides: decides, how: "").isDecisive) }
    }

    /// A claim whose every trial satisfies its predicate, declaring its "robust" number on `side`.
    struct RobustOn: Claim {
        let side: RadiusBracket.Side
        let id = "Test.robustOn"
        let paper = Paper.featureAveraging
        let source = "a test"
        let statement = "the net is robust"
        let predicate = "robust accuracy ≥ 0.9"
        let counterfactual = "none"
        var constants: [PredicateConstant] { [] }
        var robustnessEvidence: [RobustnessEvidence] { [RobustnessEvidence("robustAccuracy", side, decides: .robust, how: "a test")] }
        func ledger(_ run: ClaimRun) throws -> Ledger { Ledger() }
        func check(_ run: ClaimRun) throws -> ClaimResult {
            try trials(run, seeds: [.smoke: 20], decision: .everyTrial) { _ in (true, ["robustAccuracy": 1], "") }
        }
    }

    /// The counterfactual of the cap: the same all-satisfied trials hold on certified numbers and
    /// are only inconclusive on attack numbers.
    @Test func robustOnAttackNumbersIsCappedAtInconclusive() throws {
        #expect(try RobustOn(side: .certified).check(ClaimRun(scale: .smoke)).verdict == .holds)
        let capped = try RobustOn(side: .attack).check(ClaimRun(scale: .smoke))
        #expect(capped.verdict == .inconclusive && capped.summary.contains("robustAccuracy"))
    }
}
