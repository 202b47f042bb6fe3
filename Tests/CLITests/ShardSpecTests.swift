import Engine
import Testing
@testable import TheoryCheckCLI

/// Which shard a process is: `--shard i/n`, else a Slurm array task, else a Bazel test shard; bad
/// spellings are usage errors naming where they came from.
@Suite("Shard specifications")
struct ShardSpecTests {
    @Test func flagWinsOverTheEnvironment() throws {
        let slurm = ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "4"]
        #expect(try ShardSpec.resolve("2/7", environment: slurm) == ShardSpec(index: 2, count: 7))
        #expect(try ShardSpec.resolve(nil, environment: slurm) == ShardSpec(index: 1, count: 3))
        #expect(try ShardSpec.resolve(nil, environment: ["TEST_SHARD_INDEX": "0", "TEST_TOTAL_SHARDS": "4"]) == ShardSpec(index: 0, count: 4))
        #expect(try ShardSpec.resolve(nil, environment: [:]) == nil)
    }

    @Test(arguments: ["3/3", "-1/3", "0/0", "a/2", "1", "1/2/3", "0/10001"])
    func badSpellingsAreRefused(text: String) {
        #expect(throws: ConfigError.self) { try ShardSpec.resolve(text, environment: [:]) }
    }

    @Test func slurmTaskOutsideItsArrayIsRefused() {
        #expect(throws: ConfigError.self) {
            try ShardSpec.resolve(nil, environment: ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_COUNT": "3"])
        }
    }
}
