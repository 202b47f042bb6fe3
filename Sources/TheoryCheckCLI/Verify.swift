import ArgumentParser
import Claims
import Engine
import Foundation
import Reports

/// `theorycheck verify`: decides the registered claims (and, without a selection, the foundation
/// checks of the exact layer and the engine they rest on) and prints a verdict table.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide the theorems' claims and print a verdict table.",
        discussion: """
            Without --paper/--claim: the foundation checks, then every claim. Exit status: 0 when \
            every check holds, 1 when any fails, is inconclusive or out of regime, 2 on usage \
            errors. With --counterfactual the claims' counterfactuals run instead, and exit 0 \
            means every one of them failed, as it must.
            """
    )

    @Option(help: "Only the claims of this paper: \(ClaimRegistry.papers.map(\.rawValue).joined(separator: ", ")).")
    var paper: String?

    @Option(help: "Only this claim (repeatable).")
    var claim: [String] = []

    @Option(help: "smoke (seconds), standard (minutes on 2 cores) or paper (the papers' sizes).")
    var scale: String = "standard"

    @Option(help: "Override every claim's number of seeds.")
    var seeds: Int?

    @Flag(help: "Run the counterfactuals (each must come out `fails`).")
    var counterfactual = false

    @Flag(help: "Also run the exploratory stages (AT.phaseTransition's t* sweep and phase diagram): they decide no verdict.")
    var explore = false

    @Option(help: "Write the report into this directory, atomically (report.json, report.md, report.html, junit.xml).")
    var out: String?

    @Option(help: "Report formats with --out: html, md, json, junit (comma-separated; default all).")
    var format: String = "html,md,json,junit"

    @Option(help: "Threads (results do not depend on it).")
    var threads: Int?

    @Flag(name: .shortAndLong, help: "Print only the count of verdicts and the claims that did not come out as wanted.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print every trial's measured values.")
    var verbose = false

    @Option(help: "Seed for the randomised foundation checks (a run is a pure function of it).")
    var seed: UInt64 = 20_250_101

    @Option(help: "Real data for the claims that read it (FA.realImages, EP.dataSeparation): \(DataSource.spellings); default: the shipped digits.")
    var data: String?

    @Option(help: ArgumentHelp("Run only shard i of n (0 ≤ i < n) of the selected work and write a partial report into --out; `theorycheck merge` joins them. Default: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or TEST_SHARD_INDEX/TEST_TOTAL_SHARDS, when set.", valueName: "i/n"))
    var shard: String?

    @Option(help: "Write each unit's seconds (and each stage's mean) into this cost table; with --shard, those of the units the shard finished.")
    var recordCosts: String?

    @Flag(help: "With a shard: keep the units an earlier (killed) run of this shard finished in --out, and run only the missing ones.")
    var resume = false

    @Option(help: "The recorded seconds per unit (written by `merge --record-costs`): shards are balanced by them, and the progress line estimates the time left from them.")
    var costs: String = "Baselines/unit-costs.json"

    @Flag(help: "Append each claim's verdict to the verdict history (--history; standard or paper scale, every protocol registered in --registry before the run).")
    var record = false

    @Option(help: "The verdict history that --record appends to.")
    var history = VerdictHistory.defaultPath

    @Option(help: "The protocol registry --record checks against (docs/methodology.md §7).")
    var registry = ProtocolRegistry.defaultPath

    @Option(help: ArgumentHelp("Run nothing: print the estimated time of the selected work as N-task arrays (comma-separated N), from the recorded costs (--costs) and the balanced assignment `--shard i/N` uses.", valueName: "N,…"))
    var plan: String?

    @Flag(help: "Run the claims in this process. By default they run in a worker process that this one supervises, so that a claim that crashes (a trap) is an `error` verdict and the run goes on; in process, a crash ends the run.")
    var inProcess = false

    func run() throws {
        guard let scale = Scale(rawValue: scale) else {
            throw ConfigError(field: "--scale", value: self.scale, allowed: Scale.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let seeds, !(1...10_000).contains(seeds) { throw ConfigError(field: "--seeds", value: "\(seeds)", allowed: "1 … 10000") }
        if let threads, threads < 1 { throw ConfigError(field: "--threads", value: "\(threads)", allowed: "≥ 1") }
        let selected = try Self.select(paper: paper, ids: claim)
        let formats = try Self.formats(format)
        if let data {
            // Read (and so check) the files before anything is written: a bad file exits 2.
            _ = try DataSource(parsing: data, field: "--data").load()
            if !selected.contains(where: \.readsData) {
                throw ConfigError(field: "--data", value: data, allowed: "only with a claim that reads real data: "
                                  + ClaimRegistry.active.filter(\.readsData).map(\.id).joined(separator: ", "))
            }
        }
        if quiet && verbose { throw ConfigError(field: "--quiet", value: "with --verbose", allowed: "one of --quiet and --verbose") }
        if let recordCosts { try UnitCosts.requireRecordable(recordCosts, field: "--record-costs") }
        let runsFoundation = paper == nil && claim.isEmpty && !counterfactual
        if let plan {
            let run = ClaimRun(scale: scale, variant: counterfactual ? .counterfactual : .claim, seeds: seeds, data: data, explore: explore)
            try ShardPlanning.print(selected, run, tasks: try ShardPlanning.tasks(plan), costs: try UnitCosts.load(costs), costsPath: costs)
            return
        }
        if let spec = try ShardSpec.resolve(shard, environment: ProcessInfo.processInfo.environment) {
            let run = ClaimRun(scale: scale, variant: counterfactual ? .counterfactual : .claim, seeds: seeds,
                               parallelism: threads.map { Parallelism(threads: $0) } ?? .machine, data: data, explore: explore)
            // A shard is supervised too: a claim that crashes it gets `error` units, and the shard
            // resumes with the next claim.
            let journal = try CrashIsolation.workerJournal()
            if journal == nil && !inProcess && CrashIsolation.isEntryPoint.withLock({ $0 }) {
                let status = try CrashIsolation.supervise(arguments: Array(CommandLine.arguments.dropFirst()), claims: selected.map(\.id),
                                                          resumingWith: "--resume")
                if status != 0 { throw ExitCode(status) }
                return
            }
            try ShardRun(spec: spec, out: out, resume: resume || journal.map { !$0.crashed.isEmpty } == true, costs: costs,
                         quiet: quiet, verbose: verbose, recordCosts: recordCosts, journal: journal)
                .run(selected, run, foundationSeed: runsFoundation ? seed : nil)
            return
        }
        if resume { throw ConfigError(field: "--resume", value: "without a shard", allowed: "only with --shard i/n (or a Slurm array task)") }
        // A recorded run follows registered protocols only: checked (and the history read) before anything runs.
        var recording: (history: VerdictHistory, fingerprints: [String: String])?
        if record {
            guard scale != .smoke else { throw ConfigError(field: "--record", value: "at scale smoke", allowed: "standard or paper runs (smoke verdicts are the tests')") }
            let book = try ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry))
            var fingerprints: [String: String] = [:]
            for claim in selected {
                let document = try ClaimProtocol.of(claim, scale: scale, data: data)
                guard book.isRegistered(document) else {
                    throw ConfigError(field: "--record", value: claim.id, allowed: "claims whose protocol at \(scale.rawValue) is registered first (theorycheck claims --register \(claim.id) --scale \(scale.rawValue) --reason TEXT)")
                }
                fingerprints[claim.id] = document.fingerprint
            }
            recording = (try VerdictHistory(contentsOf: URL(fileURLWithPath: history)), fingerprints)
        }
        // A claim that crashes the process must not end the run: the run goes to a supervised worker.
        let journal = try CrashIsolation.workerJournal()
        if journal == nil && !inProcess && CrashIsolation.isEntryPoint.withLock({ $0 }) {
            let status = try CrashIsolation.supervise(arguments: Array(CommandLine.arguments.dropFirst()), claims: selected.map(\.id))
            if status != 0 { throw ExitCode(status) }
            return
        }
        let run = ClaimRun(scale: scale, variant: counterfactual ? .counterfactual : .claim, seeds: seeds,
                           parallelism: threads.map { Parallelism(threads: $0) } ?? .machine, data: data, explore: explore)
        if let journal, let probe = CrashIsolation.environment[CrashIsolation.probeVariable] {
            // A probe: one suspect claim alone, its finished units kept; it prints and writes nothing.
            _ = try Sharding.sideBySide(selected.filter { $0.id == probe }, run, workers: run.parallelism.threads,
                                        cost: { _ in 1 }, journal: journal) { _, _ in }
            return
        }
        let output = try out.map { try StagedOutput(path: $0) }
        let started = Date(), clock = ContinuousClock(), start = clock.now
        // The commit a recorded verdict names is HEAD when the run starts: a commit made while it
        // runs is not the code it ran.
        let commit = Self.gitCommit()
        if !quiet { print("TheoryCheck \(TheoryCheckVersion.string) — verify (scale \(scale.rawValue)\(counterfactual ? ", counterfactuals" : ""))") }
        var foundation: [Report.FoundationEntry] = []
        if runsFoundation { foundation = Self.foundationChecks(seed: seed, quiet: quiet) }
        var ok = foundation.allSatisfy(\.holds)
        let wanted: Verdict = counterfactual ? .fails : .holds
        let results = try Self.decide(selected, run, wanted: wanted, quiet: quiet, verbose: verbose, costs: try UnitCosts.load(costs),
                                      recordCosts: recordCosts, journal: journal)
        ok = ok && results.allSatisfy { $0.verdict == wanted }
        if let recording {
            var book = recording.history
            let fingerprints = recording.fingerprints
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            for result in results {
                book.record(result, fingerprint: fingerprints[result.id] ?? "", seedsOverride: seeds, commit: commit, date: formatter.string(from: started))
            }
            do { try HashChain.write(book.records, to: URL(fileURLWithPath: history)) } catch {
                throw ConfigError(field: "--history", value: history, allowed: "a writable file path (\(error.localizedDescription))")
            }
            if !quiet { print("recorded \(results.count) verdict(s) in \(history)") }
            if Self.gitCommit() != commit {
                print("warning: HEAD moved while the run ran (\(commit.map { String($0.prefix(7)) } ?? "none") → \(Self.gitCommit().map { String($0.prefix(7)) } ?? "none")); the verdicts name the commit at its start")
            }
        }
        if let output {
            var environment = Self.environment(run, seedsOverride: seeds, startedAt: started, seconds: (clock.now - start).inSeconds)
            environment.gitCommit = commit
            var report = Report(environment: environment, claims: Array(zip(selected, results)),
                                registry: try? ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry)), data: data)
            report.foundation = foundation
            try Self.write(report, formats: formats, to: output)
        }
        if results.contains(where: { $0.verdict == .error }) { throw ExitCode(3) }
        if !ok { throw ExitCode(1) }
    }

    /// The environment a report records: the program, the machine, the run and its time.
    static func environment(_ run: ClaimRun, seedsOverride: Int?, startedAt: Date, seconds: Double) -> Report.Environment {
        var environment = Report.Environment(
            theorycheckVersion: TheoryCheckVersion.string, gitCommit: gitCommit(), swiftCompiler: Report.swiftCompiler,
            operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString, processors: ProcessInfo.processInfo.activeProcessorCount,
            threads: run.parallelism.threads, scale: run.scale.rawValue, variant: run.variant.rawValue, seedsOverride: seedsOverride,
            startedAt: ISO8601DateFormatter().string(from: startedAt), seconds: seconds, explore: run.explore)
        let name = TheoryCheckCommand.commandName.withLock { $0 }
        if name != "theorycheck" { environment.program = name }
        return environment
    }

    /// The report formats of `--format` (html, md, json, junit; comma-separated), checked.
    static func formats(_ text: String) throws -> [String] {
        let formats = text.split(separator: ",").map(String.init)
        for f in formats where !["html", "md", "json", "junit"].contains(f) {
            throw ConfigError(field: "--format", value: f, allowed: "html, md, json, junit (comma-separated)")
        }
        return formats
    }

    /// Writes `report` in `formats` (html, md, json, junit) and commits them together.
    static func write(_ report: Report, formats: [String], to output: StagedOutput) throws {
        var written: [String] = []
        if formats.contains("json") { try output.write("report.json", text: try ReportFormats.json(report)); written.append("report.json") }
        if formats.contains("md") { try output.write("report.md", text: ReportFormats.markdown(report)); written.append("report.md") }
        if formats.contains("html") { try output.write("report.html", text: HTMLReport.page(report)); written.append("report.html") }
        if formats.contains("junit") { try output.write("junit.xml", text: ReportFormats.junit(report)); written.append("junit.xml") }
        try output.commit()
        print("wrote \(written.joined(separator: ", ")) to \(output.target.path)")
    }

    /// The commit of the git checkout in the working directory, if any (read from .git, no process).
    static func gitCommit() -> String? {
        guard let head = try? String(contentsOfFile: ".git/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst(5))
        if let id = try? String(contentsOfFile: ".git/" + ref, encoding: .utf8) { return id.trimmingCharacters(in: .whitespacesAndNewlines) }
        let packed = (try? String(contentsOfFile: ".git/packed-refs", encoding: .utf8)) ?? ""
        return packed.split(separator: "\n").first { $0.hasSuffix(" " + ref) }.map { String($0.prefix(40)) }
    }

    static func select(paper: String?, ids: [String]) throws -> [any Claim] {
        var chosen = ClaimRegistry.active
        if let paper {
            guard let p = ClaimRegistry.papers.first(where: { $0.rawValue == paper }) else {
                throw ConfigError(field: "--paper", value: paper, allowed: ClaimRegistry.papers.map(\.rawValue).joined(separator: ", "))
            }
            chosen = chosen.filter { $0.paper == p }
        }
        if !ids.isEmpty {
            for id in ids where ClaimRegistry.claim(id) == nil {
                throw ConfigError(field: "--claim", value: id, allowed: ClaimRegistry.active.map(\.id).joined(separator: ", "))
            }
            chosen = chosen.filter { ids.contains($0.id) }
        }
        return chosen
    }

    /// Runs the claims with progress on a terminal and prints the verdict table. When stdout is not
    /// a terminal (a CI log), each claim's verdict line is printed, and flushed, as soon as it is
    /// decided — a long run shows where it is.
    static func decide(_ claims: [any Claim], _ run: ClaimRun, wanted: Verdict, quiet: Bool, verbose: Bool,
                       costs: UnitCosts = UnitCosts(), recordCosts: String? = nil, journal: CrashJournal? = nil) throws -> [ClaimResult] {
        let progress = Progress(total: claims.count)
        let streaming = !quiet && isatty(1) == 0
        // Every trial and sweep point is a unit (docs/sharding.md): they run side by side on the
        // machine's threads, and each claim is decided as soon as its units are done.
        let estimator = costs.estimator(run.scale)
        let (results, units) = try Sharding.sideBySide(
            claims, run, workers: run.parallelism.threads, cost: { estimator.cost($0) }, journal: journal,
            progress: { done, total, left in progress.show(units: done, of: total, secondsLeft: left) }
        ) { index, result in
            progress.clear()
            if streaming {
                print("[\(index + 1)/\(claims.count)] \(claims[index].id): \(result.verdict.rawValue) " + String(format: "(%.1f s)", result.seconds))
                fflush(nil)  // every open output stream, stdout among them
            }
        }
        progress.clear()
        printVerdicts(claims, results, wanted: wanted, quiet: quiet, verbose: verbose)
        if let recordCosts { try UnitCosts.record(units, scale: run.scale, in: recordCosts) }
        return results
    }

    /// Measured values as the verbose table prints them: sorted by name, a count as a count (363,
    /// not 363.0, as report.md has it), anything else in full (the shortest text that reads back
    /// to the same Double).
    static func valuesLine(_ values: [String: Double]) -> String {
        values.sorted { $0.key < $1.key }.map { name, value in
            let text = value.rounded() == value && abs(value) < 0x1p53 ? String(Int64(value)) : "\(value)"
            return "\(name) = \(text)"
        }.joined(separator: ", ")
    }

    /// The closing line: whether every verdict is the wanted one — for counterfactuals, that every
    /// one of them fails, as it must.
    static func outcomeLine(_ results: [ClaimResult], wanted: Verdict) -> String {
        let missed = results.filter { $0.verdict != wanted }
        if wanted == .fails {
            return missed.isEmpty ? "All \(results.count) counterfactual(s) fail, as they must."
                : "\(missed.count) counterfactual(s) did not fail (they must): \(missed.map(\.id).joined(separator: ", "))."
        }
        return missed.isEmpty ? "All \(results.count) claim(s) hold."
            : "\(missed.count) claim(s) do not hold: \(missed.map { "\($0.id) (\($0.verdict.rawValue))" }.joined(separator: ", "))."
    }

    /// The verdict table: the counts, then a line per claim (on --quiet, only those not as wanted).
    static func printVerdicts(_ claims: [any Claim], _ results: [ClaimResult], wanted: Verdict, quiet: Bool, verbose: Bool) {
        let counts = Verdict.allCases.map { v in (v, results.filter { $0.verdict == v }.count) }.filter { $0.1 > 0 }
        print((quiet ? "" : "\n") + "\(claims.count) claim(s): " + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", "))
        let width = claims.map(\.id.count).max() ?? 0
        for (claim, result) in zip(claims, results) where !quiet || result.verdict != wanted {
            let padded = claim.id.padding(toLength: width, withPad: " ", startingAt: 0)
            let verdict = TerminalStyle.verdict(result.verdict, result.verdict.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))
            print("  \(padded)  \(verdict)  \(result.summary)  [\(String(format: "%.1f s", result.seconds))]")
            if let c = result.counterexample, result.verdict == .fails {
                print("      counterexample: seed \(c.seed), \(c.config): " + valuesLine(c.values))
            }
            if verbose {
                for row in result.ledger.checks {
                    print("      hypothesis \(row.satisfied ? "✓" : "✗") \(row.hypothesis.name): \(row.condition)  [\(row.setting); \(row.provenance)]")
                }
                for t in result.trials {
                    print("      instance \(t.seed) \(t.satisfied ? "✓" : "✗"): " + valuesLine(t.values))
                }
            }
        }
        // A counterfactual run's wanted outcome is `fails`: say so, so "1 fails" does not read as a failure.
        if wanted == .fails { print(outcomeLine(results, wanted: wanted)) }
    }

    static func foundationChecks(seed: UInt64, quiet: Bool) -> [Report.FoundationEntry] {
        if !quiet { print("Foundation checks of the exact layer and the training engine:") }
        var failed = 0
        let checks = FoundationChecks.all(seed: seed) + EngineChecks.all(seed: seed)
        let width = checks.map(\.id.count).max() ?? 0
        var entries: [Report.FoundationEntry] = []
        for check in checks {
            let clock = ContinuousClock()
            var outcome = FoundationChecks.Outcome.fails("not run")
            let elapsed = clock.measure { outcome = check.run() }
            if !outcome.holds { failed += 1 }
            let padded = check.id + String(repeating: " ", count: width - check.id.count)
            let ms = elapsed.inSeconds * 1e3
            if !quiet || !outcome.holds { print("  \(padded)  \(TerminalStyle.verdict(outcome.holds ? .holds : .fails, outcome.holds ? "holds" : "FAILS"))  \(outcome.detail)  [\(Int(ms.rounded())) ms]") }
            entries.append(Report.FoundationEntry(id: check.id, holds: outcome.holds, detail: outcome.detail, series: outcome.series, seconds: ms / 1000))
        }
        print("\(checks.count - failed) of \(checks.count) foundation checks hold.")
        return entries
    }
}

/// One status line on standard error, rewritten in place — only when it is a terminal.
final class Progress: @unchecked Sendable {
    let total: Int
    let start = ContinuousClock.now
    let enabled = CrashIsolation.standardErrorIsTerminal

    init(total: Int) { self.total = total }

    /// Units done of all, and the time left as the recorded costs estimate it.
    func show(units done: Int, of total: Int, secondsLeft: Double?) {
        guard enabled else { return }
        let elapsed = (ContinuousClock.now - start).inSeconds
        let eta = secondsLeft.map { String(format: ", ETA %.0f s", $0) } ?? ""
        FileDescriptor.standardError.write("\r\u{1B}[2K\(done)/\(total) units of \(self.total) claim(s), \(String(format: "%.1f s", elapsed))\(eta)")
    }

    func clear() { if enabled { FileDescriptor.standardError.write("\r\u{1B}[2K") } }
}
