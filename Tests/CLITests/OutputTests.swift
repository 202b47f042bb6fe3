import Claims
import Foundation
import Reports
import Testing
@testable import TheoryCheckCLI

/// What the command line prints for an outside author (docs/writing-a-claim.md): counts as counts,
/// a counterfactual run that says its `fails` is the wanted outcome, the package's own name in its
/// help, the active claims' papers under --paper, and a report whose derivation reference resolves.
@Suite("Command-line output")
struct OutputTests {
    @Test func countsPrintAsCountsAndOtherValuesInFull() {
        #expect(Verify.valuesLine(["trials": 363, "ratio": 0.1, "radius": .infinity, "big": 1e300]) == "big = 1e+300, radius = inf, ratio = 0.1, trials = 363")
        #expect(Verify.valuesLine(["x": -2, "y": 1.0000000000000002]) == "x = -2, y = 1.0000000000000002")
    }

    @Test func aCounterfactualRunSaysFailingIsWanted() {
        let failing = ClaimResult(id: "A", variant: .counterfactual, scale: .smoke, verdict: .fails, predicate: "", summary: "")
        var holding = failing
        holding.id = "B"
        holding.verdict = .holds
        #expect(Verify.outcomeLine([failing], wanted: .fails) == "All 1 counterfactual(s) fail, as they must.")
        #expect(Verify.outcomeLine([failing, holding], wanted: .fails) == "1 counterfactual(s) did not fail (they must): B.")
    }

    @Test func helpNamesTheExecutableAndTheActivePapers() {
        let previous = TheoryCheckCommand.commandName.withLock { $0 }
        defer { TheoryCheckCommand.commandName.withLock { $0 = previous } }
        TheoryCheckCommand.commandName.withLock { $0 = "my-theorem" }
        #expect(TheoryCheckCommand.configuration.commandName == "my-theorem")
        #expect(TheoryCheckCommand.helpMessage().contains("USAGE: my-theorem"))
        let help = Verify.helpMessage()
        for paper in ClaimRegistry.papers { #expect(help.contains(paper.rawValue)) }
    }

    @Test func aPackagesReportNamesItsProgram() {
        var environment = Report.Environment(theorycheckVersion: "0.1.0", gitCommit: nil, swiftCompiler: "", operatingSystem: "", processors: 1,
                                             threads: 1, scale: "smoke", variant: "claim", seedsOverride: nil, startedAt: "", seconds: 0)
        #expect(environment.programLabel == "TheoryCheck 0.1.0")
        environment.program = "my-theorem"
        #expect(environment.programLabel == "my-theorem (TheoryCheck 0.1.0)")
        #expect(ReportFormats.markdown(Report(environment: environment, claims: [])).contains("my-theorem (TheoryCheck 0.1.0)"))
    }

    @Test func theDerivationIsNamedNotLinkedRelativeToTheReport() throws {
        let claim = try #require(ClaimRegistry.claim("EP.lowerBound"))
        let result = ClaimResult(id: claim.id, variant: .claim, scale: .smoke, verdict: .holds, predicate: "", summary: "")
        let environment = Report.Environment(theorycheckVersion: "test", gitCommit: nil, swiftCompiler: "", operatingSystem: "", processors: 1,
                                             threads: 1, scale: "smoke", variant: "claim", seedsOverride: nil, startedAt: "", seconds: 0)
        let markdown = ReportFormats.markdown(Report(environment: environment, claims: [(claim, result)]))
        #expect(markdown.contains("- Derivation: `Proofs/claims/EP.lowerBound.md` in the package that defines the claim"))
        #expect(!markdown.contains("](Proofs/claims/"))
    }
}
