import ArgumentParser
import Engine

import Glibc

@main
struct TheoryCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theorycheck",
        abstract: "Checks the predictions of the feature-learning theory of adversarial robustness.",
        discussion: """
            Numerically, statistically and in exact arithmetic. `theorycheck verify` decides every \
            check that exists so far and exits 0 when all hold, 1 when any fails, 2 on usage errors.
            """,
        version: TheoryCheckVersion.string,
        subcommands: [Verify.self, ClaimsCommand.self, Train.self, PresetsCommand.self, Robustness.self, Regress.self]
    )

    /// Like ArgumentParser's `main`, but usage and validation errors exit with status 2 (the
    /// project's convention for bad input) instead of 64; help and `--version` still exit 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ConfigError {
            // Invalid configuration or arguments, detected before anything is written.
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
