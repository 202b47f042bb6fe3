import Claims
import Engine
import Foundation
import Glibc
import Synchronization

/// `verify` survives a claim that crashes the process (a trap — a failed precondition, an index
/// out of range — or any other fatal signal): the run happens in a worker process, and the
/// process the user started supervises it (`CrashJournal`).
///
/// When the worker exits, its status is the run's. When it dies of a signal, the claims whose
/// work it had begun and not ended are the suspects: each runs alone in a probe worker (its
/// finished units kept), and each that crashes alone is recorded with the signal and the
/// runtime's message. Then the run starts again with every finished unit kept and the crashing
/// claims decided `error` — so the other claims' verdicts, the report and the exit status (3) are
/// those of a run in which those claims threw. Units are pure functions of their ids, so nothing
/// a claim decides depends on how often the worker was started.
enum CrashIsolation {
    /// The journal directory of a worker (set by the supervisor).
    static let journalVariable = "THEORYCHECK_JOURNAL"
    /// The one claim a probe worker runs.
    static let probeVariable = "THEORYCHECK_PROBE"
    /// Set by the supervisor when its standard error is a terminal (the worker's is a pipe).
    static let terminalVariable = "THEORYCHECK_STDERR_IS_TERMINAL"

    /// Whether this process was started as the command line (`TheoryCheckCommand.main`), so that
    /// `verify` may supervise a worker; commands run in a test process never do.
    static let isEntryPoint = Mutex(false)
    /// The worker running now, for passing on SIGTERM.
    static let worker = Mutex<Int32?>(nil)
    /// The supervisor's journal directory, removed on SIGINT/SIGTERM.
    static let liveJournal = Mutex<String?>(nil)

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Whether standard error is a terminal — this process's or, for a worker, its supervisor's.
    static var standardErrorIsTerminal: Bool { isatty(2) != 0 || environment[terminalVariable] == "1" }

    /// On SIGINT/SIGTERM: the worker gets the signal too (on a terminal's ^C it has it already),
    /// and the journal is removed.
    static func interrupted(by signal: Int32) {
        if let worker = worker.withLock({ $0 }) { kill(worker, signal) }
        if let journal = liveJournal.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: journal) }
    }

    // MARK: The worker's side

    /// The journal of a worker process (nil in a process the supervisor did not start).
    static func workerJournal() throws -> CrashJournal? {
        guard let path = environment[journalVariable] else { return nil }
        return try JournalDirectory(path: path).journal()
    }

    // MARK: The supervisor's side

    /// Runs `verify` with `arguments` in workers until one exits; returns its exit status.
    /// `claims` are the selected claims, in order (the suspects are named in it).
    ///
    /// A shard (`resumingWith: "--resume"`) runs its claims one after another, so the one claim
    /// active at a crash is the one that crashed: it is not probed, and the shard is resumed (its
    /// finished units kept, the crashed claim's units written as `error`).
    static func supervise(arguments: [String], claims: [String], resumingWith resumeFlag: String? = nil) throws -> Int32 {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("theorycheck-journal-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let journal = try JournalDirectory(path: directory, creating: true)
        liveJournal.withLock { $0 = directory }
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            liveJournal.withLock { $0 = nil }
        }
        var crashed: [String: String] = [:]
        var extra = [journalVariable: directory]
        if isatty(2) != 0 { extra[terminalVariable] = "1" }
        // Each round either ends the run or adds a crashed claim: at most one round per claim.
        for round in 0...claims.count {
            try journal.writeCrashed(crashed)
            try journal.clearActive()
            let resuming = round > 0 && resumeFlag != nil && !arguments.contains(resumeFlag!)
            let run = try runWorker(arguments + (resuming ? [resumeFlag!] : []), environment: extra, forward: true)
            guard let signal = run.signal else { return run.status }
            if signal == SIGINT || signal == SIGTERM { return 128 + signal }
            let active = try journal.activeClaims()
            let suspects = claims.filter { active.contains($0) && crashed[$0] == nil }
            let message = crashMessage(signal: signal, standardError: run.standardError)
            guard !suspects.isEmpty else {
                FileDescriptor.standardError.write("error: the worker process \(message), outside any claim's work\n")
                return 3
            }
            if resumeFlag != nil {
                FileDescriptor.standardError.write("the shard crashed while running \(suspects.joined(separator: ", ")) — \(message); "
                                                   + "its units are recorded as errors and the shard resumes\n")
                for suspect in suspects { crashed[suspect] = message }
                continue
            }
            FileDescriptor.standardError.write("the worker process crashed while running \(suspects.joined(separator: ", ")) — \(message); "
                                               + "running \(suspects.count == 1 ? "it" : "each") alone, then the rest again\n")
            var found = false
            for suspect in suspects {
                try journal.clearActive()
                var alone = extra
                alone[probeVariable] = suspect
                alone["SWIFT_BACKTRACE"] = "enable=no"  // the first crash printed its backtrace
                let probe = try runWorker(arguments, environment: alone, forward: false)
                if let signal = probe.signal {
                    crashed[suspect] = crashMessage(signal: signal, standardError: probe.standardError)
                    found = true
                }
            }
            // Every suspect survived alone (a crash of the claims together): all of them are `error`.
            if !found { for suspect in suspects { crashed[suspect] = message + " (beside \(suspects.joined(separator: ", ")); not alone)" } }
        }
        FileDescriptor.standardError.write("error: the run kept crashing after every claim that crashed was set aside\n")
        return 3
    }

    /// "crashed (signal 4, Illegal instruction): <the runtime's fatal-error line>".
    static func crashMessage(signal: Int32, standardError: String) -> String {
        let name = strsignal(signal).map { String(cString: $0) } ?? "signal"
        let lines = standardError.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let markers = ["Fatal error", "Precondition failed", "Assertion failed", "fatal error", "Program crashed"]
        let said = markers.lazy.compactMap { marker in lines.last { $0.contains(marker) } }.first
        return "crashed (signal \(signal), \(name))" + (said.map { ": " + $0 } ?? "")
    }

    /// How a worker ended, and what it wrote on standard error (the last 64 KiB).
    struct WorkerEnd {
        var status: Int32
        var signal: Int32?
        var standardError: String
    }

    /// Runs this program with `arguments` and extra environment; passes its standard output
    /// through, and its standard error too when `forward`.
    static func runWorker(_ arguments: [String], environment extra: [String: String], forward: Bool) throws -> WorkerEnd {
        guard let executable = Bundle.main.executableURL else {
            throw ConfigError(field: "verify", value: "this program's path", allowed: "a program that can start itself (use --in-process)")
        }
        fflush(nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment.merging(extra) { _, new in new }
        let pipe = Pipe()
        process.standardError = pipe
        let tail = Mutex(Data())
        let keep = 1 << 16
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            guard !chunk.isEmpty else { return }
            if forward { chunk.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) } }
            tail.withLock { data in
                data.append(chunk)
                if data.count > 2 * keep { data = data.suffix(keep) }
            }
        }
        try process.run()
        worker.withLock { $0 = process.processIdentifier }
        process.waitUntilExit()
        worker.withLock { $0 = nil }
        pipe.fileHandleForReading.readabilityHandler = nil
        let rest = pipe.fileHandleForReading.readDataToEndOfFile()
        if forward, !rest.isEmpty { rest.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) } }
        let text = String(decoding: tail.withLock { $0 } + rest, as: UTF8.self)
        let signaled = process.terminationReason == .uncaughtSignal
        return WorkerEnd(status: signaled ? 128 + process.terminationStatus : process.terminationStatus,
                         signal: signaled ? process.terminationStatus : nil, standardError: text)
    }
}

/// The journal's files: `units/` (each finished unit's record, written atomically), `active/` (an
/// empty file per piece of work begun and not ended) and `crashed.json` (the claims that crashed,
/// with their messages).
struct JournalDirectory: Sendable {
    let path: String

    init(path: String, creating: Bool = false) throws {
        self.path = path
        if creating {
            for sub in ["units", "active"] {
                try FileManager.default.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
            }
        }
    }

    static func name(_ text: String) -> String { text.replacingOccurrences(of: "/", with: "~") }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// The worker's `CrashJournal` over these files.
    func journal() throws -> CrashJournal {
        let fm = FileManager.default
        var done: [UnitID: UnitRecord] = [:]
        for file in (try? fm.contentsOfDirectory(atPath: path + "/units")) ?? [] where file.hasSuffix(".json") {
            let record = try Self.decoder.decode(UnitRecord.self, from: try Data(contentsOf: URL(fileURLWithPath: path + "/units/" + file)))
            done[record.unit] = record
        }
        let crashedFile = path + "/crashed.json"
        let crashed = fm.fileExists(atPath: crashedFile)
            ? try Self.decoder.decode([String: String].self, from: try Data(contentsOf: URL(fileURLWithPath: crashedFile))) : [:]
        let path = self.path
        return CrashJournal(
            done: done, crashed: crashed,
            begin: { claim, work in _ = fm.createFile(atPath: path + "/active/" + Self.name(claim + "|" + work), contents: nil) },
            end: { claim, work in try? fm.removeItem(atPath: path + "/active/" + Self.name(claim + "|" + work)) },
            finished: { record in
                if let bytes = try? Self.encoder.encode(record) {
                    try? AtomicFile.write(bytes, to: URL(fileURLWithPath: path + "/units/" + Self.name(record.unit.description) + ".json"))
                }
            })
    }

    /// The claims with work begun and not ended.
    func activeClaims() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: path + "/active").compactMap { $0.split(separator: "|").first.map(String.init) })
    }

    func clearActive() throws {
        for file in try FileManager.default.contentsOfDirectory(atPath: path + "/active") {
            try FileManager.default.removeItem(atPath: path + "/active/" + file)
        }
    }

    func writeCrashed(_ crashed: [String: String]) throws {
        try AtomicFile.write(try Self.encoder.encode(crashed), to: URL(fileURLWithPath: path + "/crashed.json"))
    }
}
