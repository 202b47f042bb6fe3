import ArgumentParser
import Exact

/// `theorycheck verify`: decides every check that exists and prints a verdict table.
///
/// No paper claim is registered yet (the Claims layer comes later); until then this runs the
/// foundation checks of the exact layer and the engine that every claim will rely on, each of
/// which can fail.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the verification checks and print a verdict table.",
        discussion: "Exit status: 0 when every check holds, 1 when any fails, 2 on usage errors."
    )

    @Option(help: "Seed for the randomised foundation checks (a run is a pure function of it).")
    var seed: UInt64 = 20_250_101

    func run() throws {
        print("TheoryCheck \(TheoryCheckVersion.string) — verify")
        print("Paper claims registered: 0 (Feature Averaging, Adversarial Training, Feature Purification and")
        print("Expressive Power claims arrive with the Claims layer). Foundation checks of the exact layer")
        print("and the training engine:\n")
        var failed = 0
        let checks = FoundationChecks.all(seed: seed) + EngineChecks.all(seed: seed)
        let width = checks.map(\.id.count).max() ?? 0
        for check in checks {
            let clock = ContinuousClock()
            var outcome: FoundationChecks.Outcome = .fails("not run")
            let elapsed = clock.measure { outcome = check.run() }
            let (verdict, detail): (String, String) = switch outcome {
            case let .holds(detail): ("holds", detail)
            case let .fails(detail): ("FAILS", detail)
            }
            if case .fails = outcome { failed += 1 }
            let padded = check.id + String(repeating: " ", count: width - check.id.count)
            let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15
            print("  \(padded)  \(verdict)  \(detail)  [\(Int(ms.rounded())) ms]")
        }
        print("\n\(checks.count - failed) of \(checks.count) foundation checks hold.")
        if failed > 0 { throw ExitCode(1) }
    }
}
