import Foundation

/// Builds an `ExperimentConfig` from a preset, an optional JSON file and `key=value` overrides,
/// strictly: an unknown key, a value of the wrong type or out of range is a `ConfigError` that
/// names the field (its dotted path) and what is allowed — before anything runs or is written.
/// Merging happens on `JSONValue` trees, which keep numbers exactly as written.
public enum ConfigResolution {
    public static func resolve(preset name: String, configFile: String? = nil, overrides: [String] = [], seed: UInt64? = nil) throws -> ExperimentConfig {
        let preset = try Presets.named(name)
        let schema = try tree(of: preset)
        var merged = schema
        if let path = configFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(field: "--config", value: path, allowed: "a readable JSON file")
            }
            guard let object = try? JSONValue(parsing: String(decoding: data, as: UTF8.self)), case .object = object else {
                throw ConfigError(field: "--config", value: path, allowed: "a JSON object of config fields")
            }
            merged = try merge(object, into: merged, schema: schema, path: "")
        }
        for assignment in overrides {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw ConfigError(field: "--set", value: assignment, allowed: "key=value, e.g. data.dimension=1024")
            }
            let keyPath = String(assignment[..<eq]), text = String(assignment[assignment.index(after: eq)...])
            var leaf = nonFiniteSpelling(text).map { JSONValue.string($0) } ?? (try? JSONValue(parsing: text)) ?? .string(text)
            for key in keyPath.split(separator: ".", omittingEmptySubsequences: false).reversed() {
                leaf = .object([(String(key), leaf)])
            }
            merged = try merge(leaf, into: merged, schema: schema, path: "")
        }
        if let seed { merged = try merge(.object([("seed", .number(String(seed)))]), into: merged, schema: schema, path: "") }
        let config: ExperimentConfig
        do {
            try checkIntegers(merged, integerFields(of: preset), path: "")
            config = try decode(merged)
        } catch let error as ConfigError where error.allowed == expected(Int.self) {
            throw withIntegerRange(error, merged)
        }
        try config.validate()  // names a non-finite number's field with the range the field allows
        try requireFiniteNumbers(config)
        return config
    }

    /// An integer field's error ("an integer") with the field's range added: the range is what
    /// `validate` says of that field holding −2⁶² (below every integer field's lower bound), so the
    /// message and the rule cannot disagree. Unchanged when validation names another field.
    static func withIntegerRange(_ error: ConfigError, _ tree: JSONValue) -> ConfigError {
        if error.field == "seed" { return ConfigError(field: error.field, value: error.value, allowed: seedRange) }
        let probe = tree.replacing(path: error.field.split(separator: ".").map(String.init), with: .number(String(-(1 << 62))))
        do {
            try (try decode(probe)).validate()
        } catch let rule as ConfigError where rule.field == error.field {
            let range = rule.allowed.hasPrefix(expected(Int.self)) ? rule.allowed : expected(Int.self) + " " + rule.allowed
            return ConfigError(field: error.field, value: error.value, allowed: range)
        } catch {}
        return error
    }

    static let seedRange = "an integer 0 … 2⁶³ − 1"

    /// "nan", "inf", "-infinity", … (any case): the canonical string the decoder reads as that
    /// Double, so that a non-finite override reaches `validate`, which names the field's range
    /// ("a finite η > 0"), instead of failing as "a value of type Double".
    static func nonFiniteSpelling(_ text: String) -> String? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "nan", "+nan", "-nan": return "nan"
        case "inf", "+inf", "infinity", "+infinity": return "inf"
        case "-inf", "-infinity": return "-inf"
        default: return nil
        }
    }

    /// The backstop behind `validate`: no Double of a resolved config is NaN or ±∞, whether or not
    /// the field's own rule mentions finiteness.
    static func requireFiniteNumbers(_ value: Any, path: String = "") throws {
        var mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .enum, let payload = mirror.children.first?.value { mirror = Mirror(reflecting: payload) }
        for (index, child) in mirror.children.enumerated() {
            let label = child.label.map { $0.hasPrefix(".") ? String($0.dropFirst()) : $0 } ?? "\(index)"
            let field = path.isEmpty ? label : path + "." + label
            if let d = child.value as? Double {
                guard d.isFinite else { throw ConfigError(field: field, value: "\(d)", allowed: "a finite number") }
            } else if !(child.value is String || child.value is Int || child.value is UInt64 || child.value is Bool) {
                try requireFiniteNumbers(child.value, path: field)
            }
        }
    }

    /// The config as a JSON tree (every field present).
    static func tree(of config: ExperimentConfig) throws -> JSONValue {
        try JSONValue(parsing: String(decoding: try JSONEncoder().encode(config), as: UTF8.self))
    }

    /// Deep-merges `object` into `target`; every key must exist in `schema` (the preset's tree).
    static func merge(_ object: JSONValue, into target: JSONValue, schema: JSONValue, path: String) throws -> JSONValue {
        guard case let .object(members) = object, case var .object(result) = target, case let .object(known) = schema else {
            return object
        }
        for (key, value) in members {
            let field = path.isEmpty ? key : path + "." + key
            guard let expected = known.first(where: { $0.key == key })?.value else {
                throw ConfigError(field: field, value: "\(value)", allowed: "a known key here: " + known.map(\.key).sorted().joined(separator: ", "))
            }
            let index = result.firstIndex { $0.key == key }!
            if case let .object(sub) = expected {
                guard case .object = value else {
                    throw ConfigError(field: field, value: "\(value)", allowed: "an object with keys " + sub.map(\.key).sorted().joined(separator: ", "))
                }
                result[index].value = try merge(value, into: result[index].value, schema: expected, path: field)
            } else {
                result[index].value = value
            }
        }
        return .object(result)
    }

    /// The dotted paths of the integer-typed fields (found by reflection on the preset).
    static func integerFields(of value: Any, path: String = "") -> Set<String> {
        var result: Set<String> = []
        var mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .enum, let payload = mirror.children.first?.value {  // DataConfig, Activation
            mirror = Mirror(reflecting: payload)
            if mirror.displayStyle == .tuple, let last = mirror.children.first?.value, mirror.children.count == 1 {
                mirror = Mirror(reflecting: last)
            }
        }
        for child in mirror.children {
            guard let label = child.label else { continue }
            let field = path.isEmpty ? label : path + "." + label
            switch child.value {
            case is Int, is UInt64, is Int?: result.insert(field)
            case is Double, is String, is Bool: break
            default: result.formUnion(integerFields(of: child.value, path: field))
            }
        }
        return result
    }

    /// Integer fields must hold integral numbers (Foundation's decoder reports a fraction there
    /// without naming the field).
    static func checkIntegers(_ tree: JSONValue, _ fields: Set<String>, path: String) throws {
        guard case let .object(members) = tree else { return }
        for (key, value) in members {
            let field = path.isEmpty ? key : path + "." + key
            if case .object = value { try checkIntegers(value, fields, path: field); continue }
            guard case let .number(text) = value else { continue }
            // Every number must be finite as a Double (Foundation's decoder rejects 1e400 without
            // naming the field).
            guard let d = Double(text), d.isFinite else { throw ConfigError(field: field, value: text, allowed: "a finite number") }
            guard fields.contains(field) else { continue }
            guard d == d.rounded(), abs(d) < 0x1p63, !text.contains("."), !text.contains("e"), !text.contains("E") else {
                throw ConfigError(field: field, value: text, allowed: "an integer")
            }
            if field == "seed", d < 0 { throw ConfigError(field: field, value: text, allowed: seedRange) }
        }
    }

    static func decode(_ tree: JSONValue) throws -> ExperimentConfig {
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try decoder.decode(ExperimentConfig.self, from: Data(tree.description.utf8))
        } catch let DecodingError.typeMismatch(type, context) {
            throw ConfigError(field: dotted(context.codingPath), value: describe(tree, context.codingPath), allowed: expected(type))
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw ConfigError(field: "config", value: "the merged configuration", allowed: "a JSON object of config fields (\(context.debugDescription))")
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigError(field: dotted(context.codingPath), value: describe(tree, context.codingPath), allowed: allowedValues(context) ?? context.debugDescription)
        } catch let DecodingError.valueNotFound(type, context) {
            throw ConfigError(field: dotted(context.codingPath), value: "null", allowed: "a value of type \(type)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigError(field: dotted(context.codingPath + [key]), value: "missing", allowed: "a value")
        }
    }

    /// What a field of this Swift type accepts, in the words of a config file.
    static func expected(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type: return "a finite number"
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return "a value of type \(type)"
        }
    }

    static func dotted(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }

    static func describe(_ tree: JSONValue, _ path: [any CodingKey]) -> String {
        var node: JSONValue? = tree
        for key in path { node = node?[key.stringValue] }
        guard let node else { return "?" }
        if case let .string(s) = node { return s }
        return node.description
    }

    /// For enum fields, the list of accepted values.
    static func allowedValues(_ context: DecodingError.Context) -> String? {
        let path = context.codingPath.map(\.stringValue)
        if path.suffix(2) == ["activation", "kind"] { return Activation.kindNames.joined(separator: ", ") }
        if path.suffix(2) == ["data", "kind"] { return DataConfig.Kind.allCases.map(\.rawValue).joined(separator: ", ") }
        switch path.last {
        case "features": return "qr, hadamard, basis (multi-cluster); basis, qr (patch-structured)"
        case "dictionary": return SparseCodingConfig.Dictionary.allCases.map(\.rawValue).joined(separator: ", ")
        case "norm": return SeparatedSetsConfig.Norm.allCases.map(\.rawValue).joined(separator: ", ")
        case "sampling": return MultiClusterConfig.Sampling.allCases.map(\.rawValue).joined(separator: ", ")
        case "algorithm": return TrainingAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
        case "task": return ExperimentConfig.Task.allCases.map(\.rawValue).joined(separator: ", ")
        case "loss": return ExperimentConfig.LossKind.allCases.map(\.rawValue).joined(separator: ", ")
        case "start": return AttackConfig.Start.allCases.map(\.rawValue).joined(separator: ", ")
        case "objective": return AttackConfig.Objective.allCases.map(\.rawValue).joined(separator: ", ")
        case "subspace": return AttackConfig.Subspace.allCases.map(\.rawValue).joined(separator: ", ")
        default: return nil
        }
    }
}
