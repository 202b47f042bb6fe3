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

extension ConfigFuzzTests {
    /// Every number field of every preset, set to NaN or ±∞ on the command line, is refused with
    /// the field named and an allowed range that says "finite" — never "a value of type Double".
    @Test func nonFiniteNumbersNameTheFieldAndItsFiniteRange() throws {
        var checked = 0
        for config in Presets.all {
            let name = config.preset, preset = config.preset
            let fields = Self.numberFields(try ConfigResolution.tree(of: config), path: "")
            #expect(!fields.isEmpty)
            for field in fields {
                for spelling in ["nan", "NaN", "inf", "-Infinity"] {
                    do {
                        _ = try ConfigResolution.resolve(preset: preset, overrides: ["\(field)=\(spelling)"])
                        Issue.record("\(name): \(field)=\(spelling) was accepted")
                    } catch let error as ConfigError {
                        #expect(error.field == field, "\(name): \(field)=\(spelling) → \(error)")
                        // A range: "a finite η > 0", "0 … 1", "an integer 1 … 100000" — something with finite or a bound.
                        #expect(error.allowed.contains("finite") || error.allowed.contains(where: \.isNumber), "\(name): \(field)=\(spelling) → \(error)")
                        #expect(!error.allowed.contains("of type"), "\(name): \(field)=\(spelling) → \(error)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked > 100)
    }

    /// The dotted paths of the number leaves of a config tree.
    static func numberFields(_ tree: JSONValue, path: String) -> [String] {
        guard case let .object(members) = tree else { return [] }
        return members.flatMap { key, value -> [String] in
            let field = path.isEmpty ? key : path + "." + key
            switch value {
            case .object: return numberFields(value, path: field)
            case .number: return [field]
            default: return []
            }
        }
    }
}
