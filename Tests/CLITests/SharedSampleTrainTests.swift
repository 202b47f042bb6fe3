import Engine
import Foundation
import Testing
@testable import TheoryCheckCLI

/// `train --preset A,B --out DIR`: the experiments that share a sample draw it once, and each run's
/// files are byte for byte those of `train --preset A --out …` alone; the shared data are one file
/// (hard links). A repeated or missing preset is a ConfigError naming --preset, nothing written.
@Suite("Training several presets together")
struct SharedSampleTrainTests {
    static func files(_ directory: String) throws -> [String: Data] {
        Dictionary(uniqueKeysWithValues: try FileManager.default.contentsOfDirectory(atPath: directory).map {
            ($0, try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)))
        })
    }

    @Test func togetherEqualsAloneByteForByte() throws {
        let base = "/tmp/theorycheck-shared-train-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        var together = try TheoryCheckCommand.parseAsRoot(["train", "--preset", "fa-small,fa-small-cluster", "--preset", "at-small",
                                                           "--out", base + "/together", "--threads", "2"])
        try together.run()
        for preset in ["fa-small", "fa-small-cluster", "at-small"] {
            var alone = try TheoryCheckCommand.parseAsRoot(["train", "--preset", preset, "--out", base + "/alone/" + preset, "--threads", "1"])
            try alone.run()
            let a = try Self.files(base + "/alone/" + preset), b = try Self.files(base + "/together/" + preset)
            #expect(a.keys.sorted() == b.keys.sorted(), "\(preset): the same files")
            for (name, bytes) in a { #expect(b[name] == bytes, "\(preset)/\(name) differs from the run alone") }
        }
        // The binary and the per-cluster run share one sample: one inode for their inputs.
        let inode = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? UInt64 }
        #expect(try inode(base + "/together/fa-small/X_train.npy") == inode(base + "/together/fa-small-cluster/X_train.npy"))
        #expect(try inode(base + "/together/fa-small/y_train.npy") != inode(base + "/together/fa-small-cluster/y_train.npy"))
    }

    @Test func aRepeatedOrMissingPresetIsRefused() throws {
        let out = "/tmp/theorycheck-shared-train-refused-\(UInt32.random(in: 0...UInt32.max))"
        for argv in [["train", "--preset", "fa-small,fa-small", "--out", out], ["train", "--preset", "", "--out", out]] {
            var command = try TheoryCheckCommand.parseAsRoot(argv)
            #expect { try command.run() } throws: { ($0 as? ConfigError)?.field == "--preset" }
            #expect(!FileManager.default.fileExists(atPath: out), "\(argv): output written")
        }
    }
}
