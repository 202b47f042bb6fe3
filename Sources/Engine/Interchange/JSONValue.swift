/// A JSON document that keeps every number as the exact text it was written with.
///
/// Foundation's `JSONSerialization` on Linux does not round-trip Doubles (its NSNumber can differ
/// from the written value in the last bit); configs are merged on this representation instead and
/// only the final text is decoded, by `JSONDecoder`, which parses numbers exactly.
public indirect enum JSONValue: Equatable, Sendable, CustomStringConvertible {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    /// The number's literal text, e.g. "0.001" or "1e-05".
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.description == b.description }

    public struct ParseError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "invalid JSON: \(message)" }
    }

    /// Parses a complete JSON text.
    public init(parsing text: String) throws {
        var parser = Parser(Array(text.utf8))
        self = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw ParseError(message: "trailing characters at byte \(parser.index)") }
    }

    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    /// This document with the member at `path` (object keys) replaced by `value`; unchanged when
    /// the path does not lead to an existing member.
    public func replacing(path: [String], with value: JSONValue) -> JSONValue {
        guard let key = path.first, case var .object(members) = self,
              let i = members.firstIndex(where: { $0.key == key }) else { return self }
        members[i].value = path.count == 1 ? value : members[i].value.replacing(path: Array(path.dropFirst()), with: value)
        return .object(members)
    }

    /// Compact JSON text.
    public var description: String {
        switch self {
        case let .object(members):
            return "{" + members.map { "\(JSONValue.string($0.key)):\($0.value)" }.joined(separator: ",") + "}"
        case let .array(items): return "[" + items.map(\.description).joined(separator: ",") + "]"
        case let .string(s):
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default:
                    if scalar.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16) }
                    else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        case let .number(text): return text
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ literal: String) throws {
            let l = Array(literal.utf8)
            guard index + l.count <= bytes.count, Array(bytes[index..<(index + l.count)]) == l else {
                throw ParseError(message: "expected \(literal) at byte \(index)")
            }
            index += l.count
        }

        mutating func value() throws -> JSONValue {
            skipSpace()
            guard index < bytes.count else { throw ParseError(message: "unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: JSONValue)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard case let .string(key) = try value() else { throw ParseError(message: "object key must be a string at byte \(index)") }
                    skipSpace()
                    try expect(":")
                    members.append((key, try value()))
                    skipSpace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                index += 1
                var scalars = String.UnicodeScalarView()
                var raw: [UInt8] = []
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") {
                        scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                        raw = []
                        index += 1
                        guard index < bytes.count else { break }
                        let c = bytes[index]
                        index += 1
                        switch c {
                        case UInt8(ascii: "n"): scalars.append("\n")
                        case UInt8(ascii: "t"): scalars.append("\t")
                        case UInt8(ascii: "r"): scalars.append("\r")
                        case UInt8(ascii: "b"): scalars.append("\u{08}")
                        case UInt8(ascii: "f"): scalars.append("\u{0C}")
                        case UInt8(ascii: "u"):
                            guard index + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16),
                                  let s = Unicode.Scalar(v) else { throw ParseError(message: "bad \\u escape at byte \(index)") }
                            scalars.append(s)
                            index += 4
                        default: scalars.append(Unicode.Scalar(c))
                        }
                    } else {
                        raw.append(bytes[index])
                        index += 1
                    }
                }
                try expect("\"")
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                return .string(String(scalars))
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default:
                let start = index
                while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                guard !text.isEmpty, Double(text) != nil else { throw ParseError(message: "bad value at byte \(start)") }
                return .number(text)
            }
        }
    }
}
