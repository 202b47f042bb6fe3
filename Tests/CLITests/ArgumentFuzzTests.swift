import ArgumentParser
import Foundation
import Engine
import Claims
import Reports
import Testing
@testable import TheoryCheckCLI

/// The command line on random and known-bad inputs: parsing never crashes, every rejection is a
/// usage error (exit 2 in `main`) with a message, and bad values are refused before any work.
@Suite("Command-line fuzzing")
struct ArgumentFuzzTests {
    static let words = ["verify", "claims", "train", "presets", "robustness", "regress", "--help", "--version", "--paper", "--claim",
                        "--scale", "--seeds", "--counterfactual", "--out", "--format", "--threads", "--preset", "--config", "--set",
                        "--seed", "--run", "--attack", "--radii", "--steps", "--step-size", "--restarts", "--level", "--samples",
                        "--baseline", "--case", "--update", "--json", "fa-small", "smoke", "paper", "FA.featureAveraging", "0", "-1",
                        "1e400", "nan", "0:46:2", "2:1:1", "x=1", "=", "", "--", "-", "--bogus", "html,pdf", "/nonexistent/dir"]

    /// 5000 random argument lists: `parseAsRoot` either parses or throws an error whose exit code
    /// is success (help, version) or a validation failure (mapped to 2), never a crash.
    @Test func randomArgumentListsNeverCrash() {
        var stream = PRNGKey(seed: 11).child("argv").stream
        var parsed = 0, rejected = 0
        for _ in 0..<5000 {
            let argv = (0..<Int(stream.next() % 6)).map { _ in Self.words[Int(stream.next() % UInt64(Self.words.count))] }
            do {
                _ = try TheoryCheckCommand.parseAsRoot(argv)
                parsed += 1
            } catch {
                let code = TheoryCheckCommand.exitCode(for: error)
                #expect(code == .success || code == .validationFailure, "\(argv): exit \(code.rawValue)")
                #expect(!TheoryCheckCommand.fullMessage(for: error).isEmpty || code == .success, "\(argv)")
                rejected += 1
            }
        }
        #expect(parsed > 100 && rejected > 1000, "parsed \(parsed), rejected \(rejected)")
    }

    /// Parsed but invalid values are refused by `run()` with a ConfigError naming the option,
    /// before anything runs or is written.
    @Test(arguments: [
        (["verify", "--scale", "huge"], "--scale"), (["verify", "--seeds", "0"], "--seeds"), (["verify", "--claim", "X.nope"], "--claim"),
        (["verify", "--paper", "nope"], "--paper"), (["verify", "--format", "pdf", "--out", "/tmp/theorycheck-fuzz"], "--format"),
        (["verify", "--threads", "0"], "--threads"), (["verify", "--plan", "0"], "--plan"), (["verify", "--plan", "4,x"], "--plan"), (["train", "--preset", "nope"], "--preset"),
        (["train", "--preset", "fa-small", "--set", "data.dimension=-3"], "data.dimension"), (["train", "--preset", "fa-small", "--threads", "0"], "--threads"),
        (["robustness", "--run", "/nonexistent/run"], "--run"), (["robustness", "--run", "/tmp", "--radii", "2:1:1"], "--radii"),
        (["regress", "--case", "nope"], "--case"), (["claims", "--paper", "nope"], "--paper"), (["presets", "nope"], "--preset"),
        (["verify", "--claim", "FA.realImages", "--data", "nope:x"], "--data"), (["verify", "--claim", "EP.lowerBound", "--data", "digits"], "--data"),
        (["train", "--preset", "fa-small", "--data", "digits"], "--data"), (["train", "--preset", "digits", "--set", "data.grouping=0-4/4-9"], "data.grouping"),
        (["train", "--preset", "digits", "--set", "data.testSamples=1797"], "data.testSamples"),
        (["verify", "--claim", "EP.lowerBound", "--scale", "smoke", "--record"], "--record"),
        (["verify", "--claim", "EP.lowerBound", "--record", "--registry", "/nonexistent-theorycheck/registry.jsonl"], "--record"),
        (["claims", "--protocol", "EP.lowerBound", "--scale", "huge"], "--scale"), (["claims", "--register", "EP.lowerBound"], "--reason"),
    ] as [([String], String)])
    func invalidValuesNameTheirOption(argv: [String], field: String) throws {
        var command = try TheoryCheckCommand.parseAsRoot(argv)
        #expect { try command.run() } throws: { ($0 as? ConfigError)?.field == field }
    }
}

/// A data file that is missing, malformed or truncated is a `DataFileError` (exit 2 in `main`) naming
/// the file, before anything is written.
@Suite("Bad data files")
struct BadDataFileTests {
    @Test func missingOrTruncatedFilesNameTheFile() throws {
        let dir = "/tmp/theorycheck-bad-data-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data([0x1F, 0x8B, 8, 0, 0, 0]).write(to: URL(fileURLWithPath: dir + "/X_train.npy"))  // a gzip header, then nothing
        try Data(NPY.encode(NPY.Array(labels: [0, 1]))).write(to: URL(fileURLWithPath: dir + "/y_train.npy"))
        for argv in [["verify", "--claim", "EP.dataSeparation", "--data", "mnist:/nonexistent-theorycheck", "--out", dir + "/out"],
                     ["verify", "--claim", "FA.realImages", "--data", "npy:" + dir, "--out", dir + "/out"],
                     ["train", "--preset", "digits", "--data", "npy:" + dir, "--out", dir + "/out"]] {
            var command = try TheoryCheckCommand.parseAsRoot(argv)
            #expect { try command.run() } throws: { ($0 as? DataFileError)?.file.contains(argv[4].split(separator: ":").last!) == true }
            #expect(!FileManager.default.fileExists(atPath: dir + "/out"), "\(argv): output written")
        }
    }
}

@Suite("Options files")
struct OptionsFileTests {
    /// A JSON options file expands to the same flags as the command line; later command-line
    /// options win; a missing file or a non-object is a ConfigError naming --options.
    @Test func optionsFileExpandsToFlags() throws {
        let path = "/tmp/theorycheck-options-\(UInt32.random(in: 0...UInt32.max)).json"
        try #"{"claim": ["EP.lowerBound", "FA.nonRobustness"], "scale": "paper", "counterfactual": true, "seeds": 3, "out": null}"#
            .write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let argv = try OptionsFile.expand(["verify", "--options", path, "--scale", "smoke"])
        #expect(argv == ["verify", "--claim", "EP.lowerBound", "--claim", "FA.nonRobustness", "--scale", "paper", "--counterfactual",
                         "--seeds", "3", "--scale", "smoke"])
        let command = try #require(try TheoryCheckCommand.parseAsRoot(argv) as? Verify)
        #expect(command.scale == "smoke" && command.claim == ["EP.lowerBound", "FA.nonRobustness"] && command.counterfactual && command.seeds == 3)
        #expect { try OptionsFile.expand(["verify", "--options", "/nonexistent.json"]) } throws: { ($0 as? ConfigError)?.field == "--options" }
        try "[1, 2]".write(toFile: path, atomically: false, encoding: .utf8)
        #expect { try OptionsFile.expand(["verify", "--options", path]) } throws: { ($0 as? ConfigError)?.field == "--options" }
    }
}

/// `verify --record` appends each verdict to the verdict history under its registered protocol, and a
/// later registration of that claim lists it and is post-verdict — by mechanism.
@Suite("Verdict history")
struct VerdictHistoryTests {
    @Test func aRecordedVerdictMakesTheNextRegistrationPostVerdict() throws {
        let dir = "/tmp/theorycheck-history-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let registry = dir + "/registry.jsonl", history = dir + "/history.jsonl"
        var register = try TheoryCheckCommand.parseAsRoot(["claims", "--register", "EP.lowerBound", "--scale", "standard", "--reason", "test",
                                                            "--registry", registry, "--history", history])
        try register.run()
        var book = try ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry))
        #expect(book.entries.count == 1 && !book.entries[0].postVerdict)
        var verify = try TheoryCheckCommand.parseAsRoot(["verify", "--claim", "EP.lowerBound", "--scale", "standard", "--record", "-q",
                                                          "--registry", registry, "--history", history])
        try verify.run()
        let recorded = try VerdictHistory(contentsOf: URL(fileURLWithPath: history))
        #expect(recorded.records.count == 1 && recorded.records[0].verdict == .holds && recorded.records[0].fingerprint == book.entries[0].fingerprint)
        // A registration after it — here the claim's paper protocol — lists the standard verdict and is post-verdict.
        var later = try TheoryCheckCommand.parseAsRoot(["claims", "--register", "EP.lowerBound", "--scale", "paper", "--reason", "test",
                                                         "--registry", registry, "--history", history])
        try later.run()
        book = try ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry))
        #expect(book.entries.count == 2 && book.entries[1].postVerdict && book.entries[1].verdictsSeen == recorded.seen("EP.lowerBound"))
        // And a tampered history is refused.
        var tampered = recorded.records
        tampered[0].verdict = .fails
        #expect(throws: HashChain.Broken.self) { try HashChain.verify(tampered, file: "verdict history") }
    }

    /// `regress --update` moves a pinned verdict only under a registry entry newer than the one it
    /// was pinned under (here the verdict is forged in the baseline, as a drift would move it).
    @Test func aPinnedVerdictMovesOnlyUnderANewRegistration() throws {
        let dir = "/tmp/theorycheck-pins-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let registry = dir + "/registry.jsonl", history = dir + "/history.jsonl"
        func register() throws {
            var command = try TheoryCheckCommand.parseAsRoot(["claims", "--register", "EP.lowerBound", "--scale", "smoke", "--reason", "test",
                                                               "--registry", registry, "--history", history])
            try command.run()
        }
        func update() throws {
            var command = try TheoryCheckCommand.parseAsRoot(["regress", "--case", "claim:EP.lowerBound", "--update", "--baseline", dir,
                                                               "--registry", registry])
            try command.run()
        }
        try register()
        try update()
        let path = dir + "/engine.json"
        let written = try String(contentsOfFile: path, encoding: .utf8)
        let entry = try #require(try ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry)).latest("EP.lowerBound", .smoke))
        #expect(Regression.decodePins(written) == ["claim:EP.lowerBound": entry.hash])
        // The baseline says "fails": updating to "holds" under the same entry is refused, naming both.
        try written.replacingOccurrences(of: "\"verdict\": \"holds\"", with: "\"verdict\": \"fails\"").write(toFile: path, atomically: false, encoding: .utf8)
        #expect { try update() } throws: { error in
            let e = error as? ConfigError
            return e?.field == "--update" && e?.value == "claim:EP.lowerBound: fails → holds"
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"verdict\": \"fails\""))  // nothing written
        // Registered again (the protocol is unchanged; the entry records why), the update goes through.
        try register()
        try update()
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"verdict\": \"holds\""))
    }
}
