import ArgumentParser

@main
struct TheoryCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theorycheck",
        abstract: "Checks the predictions of the feature-learning theory of adversarial robustness.",
        version: TheoryCheckVersion.string,
        subcommands: []
    )
}

enum TheoryCheckVersion {
    static let string = "0.1.0"
}
