import Foundation
import Testing

/// A claim that crashes the process (a trap) is an `error` verdict for that claim: `verify`
/// supervises its run in a worker process, decides the other claims, writes the report and exits
/// 3. Run on `crash-fixture` (Tests/CrashFixture), a package whose claim `X.crashes` indexes out of
/// range in trial 2 and whose `X.throws` throws there.
@Suite("Crash isolation")
struct CrashIsolationTests {
    /// The fixture beside this test binary (`swift test` builds every executable of the package).
    static func fixture() throws -> URL {
        let here = try #require(Bundle.main.executableURL).resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [here, here.deletingLastPathComponent(), here.deletingLastPathComponent().deletingLastPathComponent()]
            .map { $0.appendingPathComponent("crash-fixture") }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "crash-fixture not built beside \(here.path)")
    }

    struct Ended {
        var status: Int32
        var signaled: Bool
        var output: String
        var errors: String
        var pid: Int32
    }

    static func run(_ arguments: [String]) throws -> Ended {
        let process = Process()
        process.executableURL = try fixture()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { _, new in new }
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting: a full pipe would block the child.
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Ended(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                     output: String(decoding: output, as: UTF8.self), errors: String(decoding: errors, as: UTF8.self),
                     pid: process.processIdentifier)
    }

    static let claims = ["--claim", "X.before", "--claim", "X.crashes", "--claim", "X.throws", "--claim", "X.after"]

    static func verdicts(_ directory: String) throws -> [String: (verdict: String, summary: String)] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/report.json"))) as? [String: Any])
        let claims = try #require(json["claims"] as? [[String: Any]])
        var found: [String: (String, String)] = [:]
        for claim in claims {
            let result = try #require(claim["result"] as? [String: Any])
            found[try #require(result["id"] as? String)] = (try #require(result["verdict"] as? String), try #require(result["summary"] as? String))
        }
        return found
    }

    @Test func aCrashingClaimIsAnErrorAndTheRunGoesOn() throws {
        let directory = NSTemporaryDirectory() + "theorycheck-crash-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ended = try Self.run(["verify", "--scale", "smoke"] + Self.claims + ["--out", directory])
        #expect(!ended.signaled && ended.status == 3, "\(ended.status) \(ended.errors)")
        let verdicts = try Self.verdicts(directory)
        #expect(verdicts["X.before"]?.verdict == "holds" && verdicts["X.after"]?.verdict == "holds")
        #expect(verdicts["X.crashes"]?.verdict == "error")
        #expect(verdicts["X.crashes"]?.summary.contains("crashed (signal") == true)
        #expect(verdicts["X.crashes"]?.summary.contains("Index out of range") == true)
        #expect(verdicts["X.throws"]?.verdict == "error" && verdicts["X.throws"]?.summary.contains("trial 2 threw") == true)
        #expect(ended.output.contains("X.crashes") && ended.errors.contains("alone, then the rest again"))
        // No journal is left behind (this supervisor's: other tests run theirs meanwhile).
        let left = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("theorycheck-journal-\(ended.pid)-") }
        #expect(left.isEmpty, "\(left)")
    }

    /// The crash is real: in process, it ends the run and writes no report.
    @Test func inProcessTheCrashEndsTheRun() throws {
        let directory = NSTemporaryDirectory() + "theorycheck-crash-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ended = try Self.run(["verify", "--scale", "smoke", "--in-process"] + Self.claims + ["--out", directory])
        #expect(ended.signaled)
        #expect(!FileManager.default.fileExists(atPath: directory + "/report.json"))
    }

    /// A shard that a claim crashes is resumed past that claim, whose units are recorded as
    /// `error`; the merge decides it `error` and the others as usual.
    @Test func aCrashingClaimInAShardIsAnErrorAfterTheMerge() throws {
        let base = NSTemporaryDirectory() + "theorycheck-shard-crash-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let chosen = ["--claim", "X.before", "--claim", "X.crashes", "--claim", "X.after"]
        let shard = try Self.run(["verify", "--scale", "smoke"] + chosen + ["--shard", "0/1", "--out", base + "/s0"])
        #expect(shard.status == 0 && shard.errors.contains("the shard resumes"), "\(shard.errors)")
        let merged = try Self.run(["merge", base + "/s0", "--out", base + "/merged"])
        #expect(merged.status == 3, "\(merged.errors)")
        let verdicts = try Self.verdicts(base + "/merged")
        #expect(verdicts["X.before"]?.verdict == "holds" && verdicts["X.after"]?.verdict == "holds")
        #expect(verdicts["X.crashes"]?.verdict == "error" && verdicts["X.crashes"]?.summary.contains("Index out of range") == true)
    }

    /// In a shard, a claim that throws records `error` units and the shard finishes; `merge` decides
    /// it `error` (exit 3) and the others as usual. With `--record-costs` each shard adds the units
    /// it finished to the cost table, and no `error` unit.
    @Test func aThrowingClaimInAShardIsAnErrorAfterTheMerge() throws {
        let base = NSTemporaryDirectory() + "theorycheck-shard-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let chosen = ["--claim", "X.before", "--claim", "X.throws", "--claim", "X.after"]
        for i in 0..<2 {
            let shard = try Self.run(["verify", "--scale", "smoke"] + chosen
                                     + ["--shard", "\(i)/2", "--out", base + "/s\(i)", "--record-costs", base + "/costs.json"])
            #expect(shard.status == 0, "\(shard.errors)")
        }
        let table = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + "/costs.json"))) as? [String: Any]
        let recorded = Set(((table?["units"] as? [String: Any])?["smoke"] as? [String: Double])?.keys.map { $0 } ?? [])
        for claim in ["X.before", "X.after"] {
            for trial in 1...3 { #expect(recorded.contains("\(claim)/claim/trials/\(trial)"), "\(recorded.sorted())") }
        }
        #expect(!recorded.contains("X.throws/claim/trials/2"), "\(recorded.sorted())")
        let merged = try Self.run(["merge", base + "/s0", base + "/s1", "--out", base + "/merged"])
        #expect(merged.status == 3, "\(merged.errors)")
        let verdicts = try Self.verdicts(base + "/merged")
        #expect(verdicts["X.before"]?.verdict == "holds" && verdicts["X.after"]?.verdict == "holds")
        #expect(verdicts["X.throws"]?.verdict == "error" && verdicts["X.throws"]?.summary.contains("trial 2 threw") == true)
    }
}
