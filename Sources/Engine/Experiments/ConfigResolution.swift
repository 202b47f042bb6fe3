import Foundation

/// Builds an `ExperimentConfig` from a preset, an optional JSON file and `key=value` overrides,
/// strictly: an unknown key, a value of the wrong type or out of range is a `ConfigError` that
/// names the field (its dotted path) and what is allowed — before anything runs or is written.
public enum ConfigResolution {
    public static func resolve(preset name: String, configFile: String? = nil, overrides: [String] = [], seed: UInt64? = nil) throws -> ExperimentConfig {
        let preset = try Presets.named(name)
        let schema = try tree(of: preset)
        var merged = schema
        if let path = configFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(field: "--config", value: path, allowed: "a readable JSON file")
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigError(field: "--config", value: path, allowed: "a JSON object of config fields")
            }
            try merge(object, into: &merged, schema: schema, path: "")
        }
        for assignment in overrides {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw ConfigError(field: "--set", value: assignment, allowed: "key=value, e.g. data.dimension=1024")
            }
            let keyPath = String(assignment[..<eq]), text = String(assignment[assignment.index(after: eq)...])
            let value: Any = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
            var object: [String: Any] = [:]
            var cursor = keyPath.split(separator: ".").map(String.init)
            var leaf: Any = value
            while let last = cursor.popLast() {
                object = [last: leaf]
                leaf = object
            }
            try merge(object, into: &merged, schema: schema, path: "")
        }
        if let seed { merged["seed"] = NSNumber(value: seed) }
        try checkIntegers(merged, integerFields(of: preset), path: "")
        let config = try decode(merged)
        try config.validate()
        return config
    }

    /// The config as a JSON object tree (every field present).
    static func tree(of config: ExperimentConfig) throws -> [String: Any] {
        let data = try JSONEncoder().encode(config)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Deep-merges `object` into `target`; every key must exist in `schema` (the preset's tree).
    static func merge(_ object: [String: Any], into target: inout [String: Any], schema: [String: Any], path: String) throws {
        for (key, value) in object {
            let field = path.isEmpty ? key : path + "." + key
            guard let expected = schema[key] else {
                throw ConfigError(field: field, value: "\(value)", allowed: "a known key here: " + schema.keys.sorted().joined(separator: ", "))
            }
            if let sub = expected as? [String: Any] {
                guard let given = value as? [String: Any] else {
                    throw ConfigError(field: field, value: "\(value)", allowed: "an object with keys " + sub.keys.sorted().joined(separator: ", "))
                }
                var current = target[key] as? [String: Any] ?? sub
                try merge(given, into: &current, schema: sub, path: field)
                target[key] = current
            } else {
                target[key] = value
            }
        }
    }

    /// The dotted paths of the integer-typed fields (found by reflection on the preset).
    static func integerFields(of value: Any, path: String = "") -> Set<String> {
        var result: Set<String> = []
        for child in Mirror(reflecting: value).children {
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

    /// Foundation's JSONDecoder reports a fractional or oversized number for an integer field as
    /// "not valid JSON" without a path, so integer fields are checked here first.
    static func checkIntegers(_ tree: [String: Any], _ fields: Set<String>, path: String) throws {
        for (key, value) in tree {
            let field = path.isEmpty ? key : path + "." + key
            if let sub = value as? [String: Any] { try checkIntegers(sub, fields, path: field); continue }
            guard fields.contains(field), let number = value as? NSNumber else { continue }
            let d = number.doubleValue
            guard d == d.rounded(), abs(d) < 0x1p63 else {
                throw ConfigError(field: field, value: "\(value)", allowed: "an integer")
            }
        }
    }

    static func decode(_ tree: [String: Any]) throws -> ExperimentConfig {
        let data = try JSONSerialization.data(withJSONObject: tree)
        do {
            return try JSONDecoder().decode(ExperimentConfig.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) {
            throw ConfigError(field: dotted(context.codingPath), value: describe(tree, context.codingPath), allowed: "a value of type \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigError(field: dotted(context.codingPath), value: describe(tree, context.codingPath), allowed: allowedValues(context) ?? context.debugDescription)
        } catch let DecodingError.valueNotFound(type, context) {
            throw ConfigError(field: dotted(context.codingPath), value: "null", allowed: "a value of type \(type)")
        }
    }

    static func dotted(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }

    static func describe(_ tree: [String: Any], _ path: [any CodingKey]) -> String {
        var node: Any? = tree
        for key in path { node = (node as? [String: Any])?[key.stringValue] }
        return node.map { "\($0)" } ?? "?"
    }

    /// For enum fields, the list of accepted values.
    static func allowedValues(_ context: DecodingError.Context) -> String? {
        let path = context.codingPath.map(\.stringValue)
        if path.suffix(2) == ["activation", "kind"] { return "identity, relu, smoothed-relu" }
        if path.suffix(2) == ["data", "kind"] { return DataConfig.Kind.allCases.map(\.rawValue).joined(separator: ", ") }
        switch path.last {
        case "features": return "qr, hadamard, basis (multi-cluster); basis, qr (patch-structured)"
        case "dictionary": return SparseCodingConfig.Dictionary.allCases.map(\.rawValue).joined(separator: ", ")
        case "norm": return SeparatedSetsConfig.Norm.allCases.map(\.rawValue).joined(separator: ", ")
        case "sampling": return MultiClusterConfig.Sampling.allCases.map(\.rawValue).joined(separator: ", ")
        case "algorithm": return TrainingAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
        case "task": return ExperimentConfig.Task.allCases.map(\.rawValue).joined(separator: ", ")
        case "loss": return ExperimentConfig.LossKind.allCases.map(\.rawValue).joined(separator: ", ")
        default: return nil
        }
    }
}
