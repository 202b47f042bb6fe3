import Engine
import Foundation

/// `--options FILE.json`: a JSON object equivalent to the subcommand's flags, e.g.
/// `{"scale": "paper", "claim": ["FA.paperReproduction"], "counterfactual": false, "out": "/tmp/r"}`
/// for `verify`. Keys are the long option names without dashes; a string or number is one value, an
/// array repeats the option, `true` sets a flag and `false` omits it. The file's options go right
/// after the subcommand, so options on the command line (which come later) take precedence.
enum OptionsFile {
    static func expand(_ arguments: [String]) throws -> [String] {
        guard let index = arguments.firstIndex(of: "--options") else { return arguments }
        guard index + 1 < arguments.count else {
            throw ConfigError(field: "--options", value: "missing", allowed: "a path to a JSON object of options")
        }
        let path = arguments[index + 1]
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(field: "--options", value: path, allowed: "a readable JSON file")
        }
        guard case let .object(members)? = try? JSONValue(parsing: String(decoding: data, as: UTF8.self)) else {
            throw ConfigError(field: "--options", value: path, allowed: "a JSON object of options")
        }
        var injected: [String] = []
        for (key, value) in members {
            let flag = "--" + key
            func text(_ v: JSONValue) throws -> String {
                switch v {
                case let .string(s): return s
                case let .number(n): return n
                default: throw ConfigError(field: "--options", value: "\(key): \(v)", allowed: "a string, a number, an array of them, or a boolean")
                }
            }
            switch value {
            case .bool(true): injected.append(flag)
            case .bool(false), .null: break
            case let .array(items): for item in items { injected += [flag, try text(item)] }
            default: injected += [flag, try text(value)]
            }
        }
        var rest = arguments
        rest.removeSubrange(index...(index + 1))
        // After the subcommand (the first argument that is not an option), or first if there is none.
        let position = rest.firstIndex { !$0.hasPrefix("-") }.map { $0 + 1 } ?? 0
        rest.insert(contentsOf: injected, at: position)
        return rest
    }
}
