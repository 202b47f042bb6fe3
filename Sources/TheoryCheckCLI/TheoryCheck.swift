import ArgumentParser
import Claims
import Dispatch
import Engine
import Reports
import Synchronization

import Glibc

public struct TheoryCheckCommand: ParsableCommand {
    public init() {}

    /// The name help and usage print: "theorycheck", or a package's own executable
    /// (`main(claims:)` takes it from the command line).
    static let commandName = Mutex("theorycheck")

    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: commandName.withLock { $0 },
        abstract: "Checks the predictions of the feature-learning theory of adversarial robustness.",
        discussion: """
            Numerically, statistically and in exact arithmetic. `theorycheck verify` decides every \
            check that exists so far and exits 0 when all hold, 1 when any fails, 2 on usage errors, 3 when \
            a claim's check threw (its verdict is `error`; the others are decided and the report is written). \
            Every subcommand also reads its options from a JSON file: `theorycheck SUBCOMMAND --options \
            FILE.json` with {"long-option-name": value | [values] | true}; options given on the command \
            line take precedence.
            """,
        version: TheoryCheckVersion.string,
        subcommands: [Verify.self, Merge.self, ClaimsCommand.self, Train.self, PresetsCommand.self, Robustness.self, Regress.self]
    ) }

    /// The command line of a package that checks its own claims: `verify`, `claims`, `regress` (and
    /// `train`, `presets`, `robustness`) work on `claims` — the suite's own `ClaimRegistry.all` may be
    /// appended — with the same reports, baselines and exit codes. `presets`: whether `regress`
    /// also covers the engine's presets (off for a package with only its own claims).
    ///
    ///     TheoryCheckCommand.main(claims: [MyClaim()])                          // only mine
    ///     TheoryCheckCommand.main(claims: ClaimRegistry.all + [MyClaim()], presets: true)
    public static func main(claims: [any Claim], presets: Bool = false) {
        ClaimRegistry.use(claims)
        if let executable = CommandLine.arguments.first.map({ String($0.split(separator: "/").last ?? "") }), !executable.isEmpty {
            commandName.withLock { $0 = executable }
        }
        RegressionCases.includesPresets = presets
        main()
    }

    /// Like ArgumentParser's `main`, but usage and validation errors exit with status 2 (the
    /// project's convention for bad input) instead of 64; help and `--version` still exit 0.
    public static func main() {
        removeStagingOnInterrupt()
        CrashIsolation.isEntryPoint.withLock { $0 = true }
        do {
            var command = try parseAsRoot(try OptionsFile.expand(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as ConfigError {
            // Invalid configuration or arguments, detected before anything is written.
            FileDescriptor.standardError.write("error: \(error)\n")
            Self.exit(withError: ExitCode(2))
        } catch let error as DataFileError {
            // A malformed, truncated or missing data file: named with the offset, nothing written.
            FileDescriptor.standardError.write("error: \(error)\n")
            Self.exit(withError: ExitCode(2))
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileDescriptor.standardError.write(fullMessage(for: error) + "\n")
                Self.exit(withError: ExitCode(2))
            }
            Self.exit(withError: error)
        }
    }
}

/// On SIGINT or SIGTERM, remove every uncommitted output staging directory and exit 130 / 143, so an
/// interrupted `train`, `robustness`, `verify` or `regress --update` leaves nothing half-written.
/// The signals are handled by a dispatch source on its own queue (no work inside a signal handler).
nonisolated(unsafe) var signalSources: [any DispatchSourceSignal] = []

func removeStagingOnInterrupt() {
    for (signal, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
        Glibc.signal(signal, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signal, queue: DispatchQueue(label: "theorycheck.signals"))
        source.setEventHandler {
            CrashIsolation.interrupted(by: signal)
            StagedOutput.removeAbandonedStaging()
            FileDescriptor.standardError.write("\ninterrupted: no partial output left behind\n")
            Glibc.exit(status)
        }
        source.resume()
        signalSources.append(source)
    }
}

enum TheoryCheckVersion {
    static let string = "0.1.0"
}

/// Writing to a file descriptor without Foundation (the CLI's only direct use of the C library).
struct FileDescriptor {
    let raw: Int32
    static let standardError = FileDescriptor(raw: 2)

    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(raw, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
