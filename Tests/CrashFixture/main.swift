// A package with claims that crash and throw, for `CrashIsolationTests`: `verify` must decide
// the others, write the report, name the crash and exit 3.
import Claims
import TheoryCheckCLI

/// Three trials that hold — except that trial 2 traps (an index out of range) when `crashes`,
/// or throws when `throws`.
struct Fixture: Claim {
    let id: String
    var crashes = false
    var throwsError = false
    let paper = Paper(rawValue: "fixture", citation: "a test fixture")
    let source = "test", statement = "every trial holds", predicate = "true", counterfactual = "false"
    let constants: [PredicateConstant] = []
    func ledger(_ run: ClaimRun) throws -> Ledger { Ledger() }
    func check(_ run: ClaimRun) throws -> ClaimResult {
        try trials(run, instances: [1, 2, 3], decision: .everyTrial) { seed in
            if seed == 2 && crashes {
                let values = [Int](repeating: 0, count: Int(seed))
                _ = values[Int(seed)]  // out of range: the runtime traps
            }
            if seed == 2 && throwsError { throw ClaimError("trial 2 threw") }
            return (run.variant == .claim, ["seed": Double(seed)], "seed \(seed)")
        }
    }
}

TheoryCheckCommand.main(claims: [
    Fixture(id: "X.before"), Fixture(id: "X.crashes", crashes: true), Fixture(id: "X.throws", throwsError: true), Fixture(id: "X.after"),
])
