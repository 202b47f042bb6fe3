import Testing
@testable import Engine

/// The config parser on random and mutated inputs: it never crashes, and every rejection is a
/// `ConfigError` naming a field.
@Suite("Config fuzzing")
struct ConfigFuzzTests {
    static let keys = ["seed", "task", "loss", "data.dimension", "data.clusters", "data.noise", "data.kind", "data.trainSamples",
                       "network.neuronsPerHead", "network.activation.kind", "network.activation.q", "network.weightInitStd",
                       "optimizer.learningRate", "optimizer.steps", "optimizer.batchSize", "optimizer.algorithm",
                       "adversarialTraining.epsilon", "adversarialTraining.attack.steps", "robustness.samples", "bogus", "data", ""]
    static let values = ["0", "-1", "1e400", "NaN", "inf", "1.5", "\"x\"", "null", "true", "[]", "{}", "{\"a\":1}", "3072",
                         "99999999999999999999", "-0", "\"relu\"", "\"cross-entropy\"", "", "\"", "{", "1e-320", "2", "0.5"]

    /// Thousands of random `--set key=value` lists (from plausible and broken keys and values)
    /// against every preset: each either resolves to a config that validates, or throws a
    /// ConfigError with a non-empty field.
    @Test func randomOverridesNeverCrash() {
        var stream = PRNGKey(seed: 2026).child("fuzz").stream
        var rejected = 0, accepted = 0
        for _ in 0..<3000 {
            let preset = Presets.all[Int(stream.next() % UInt64(Presets.all.count))].preset
            let overrides = (0..<(1 + Int(stream.next() % 3))).map { _ in
                Self.keys[Int(stream.next() % UInt64(Self.keys.count))] + "=" + Self.values[Int(stream.next() % UInt64(Self.values.count))]
            }
            do {
                let config = try ConfigResolution.resolve(preset: preset, overrides: overrides)
                try config.validate()
                accepted += 1
            } catch let error as ConfigError {
                #expect(!error.field.isEmpty, "\(preset) \(overrides): \(error)")
                rejected += 1
            } catch {
                Issue.record("\(preset) \(overrides): not a ConfigError: \(error)")
            }
        }
        #expect(rejected > 1000 && accepted > 100, "rejected \(rejected), accepted \(accepted)")
    }

    /// Mutated JSON configs (bytes dropped, duplicated or replaced in a preset's own JSON) never
    /// crash the parser.
    @Test func mutatedConfigFilesNeverCrash() throws {
        var stream = PRNGKey(seed: 7).child("mutations").stream
        let text = Array(try ConfigResolution.tree(of: Presets.atSmall).description.utf8)
        let alphabet = Array("{}[]\":,0123456789.-eE truefalsn\\".utf8)
        for _ in 0..<2000 {
            var bytes = text
            for _ in 0..<(1 + Int(stream.next() % 4)) {
                let i = Int(stream.next() % UInt64(bytes.count))
                switch stream.next() % 3 {
                case 0: bytes.remove(at: i)
                case 1: bytes.insert(bytes[i], at: i)
                default: bytes[i] = alphabet[Int(stream.next() % UInt64(alphabet.count))]
                }
            }
            if let tree = try? JSONValue(parsing: String(decoding: bytes, as: UTF8.self)) {
                do { _ = try ConfigResolution.decode(tree) } catch is ConfigError {} catch {
                    Issue.record("not a ConfigError: \(error)")
                }
            }
        }
    }
}
