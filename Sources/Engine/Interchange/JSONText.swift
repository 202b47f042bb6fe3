import Foundation

/// Pretty-printed JSON text of a tree of plain values — `[String: Any]`, `[Any]`, `String`,
/// `Double`, `Float`, the integer types, `Bool`, `NSNull` and `Optional.none` — byte for byte the
/// text `JSONSerialization.data(withJSONObject:options: [.prettyPrinted, .sortedKeys])` writes
/// for it (`JSONTextTests` compares the two on random trees), without JSONSerialization's dynamic
/// casts: those cost ≈ 15 ms per `robustness.json`, most of what the command spends after its
/// attacks.
///
/// The conventions followed: two spaces per level and " : " between key and value; an empty
/// container as its brackets around an empty line; keys ordered by Foundation's own comparison
/// (numeric, case-insensitive, forced ordering, in the system locale); a number as its Swift
/// `description` (the shortest text that reads back to the same value) without a trailing ".0";
/// `"`, `\`, `/` and the control characters escaped, `\b \f \n \r \t` by name and the others as
/// `\u00XX`.
public enum JSONText {
    /// The text, or nil when the tree holds anything else (a non-finite number, another type):
    /// the caller then falls back to `JSONSerialization`, which reports it.
    public static func pretty(_ value: Any) -> [UInt8]? {
        var writer = Writer()
        guard writer.value(value, depth: 0) else { return nil }
        return writer.bytes
    }

    struct Writer {
        var bytes: [UInt8] = []
        static let hex = Array("0123456789abcdef".utf8)

        init() { bytes.reserveCapacity(1 << 16) }

        mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }

        mutating func indent(_ depth: Int) { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth)) }

        /// Writes `value`; false when it is not a plain JSON value. Scalars are recognised by their
        /// exact type: a cast such as `as? Bool` would also bridge an `NSNumber` (and is the slow
        /// path this writer avoids); an `NSNumber` itself is declined.
        mutating func value(_ value: Any, depth: Int) -> Bool {
            let type = ObjectIdentifier(Swift.type(of: value))
            switch type {
            case ObjectIdentifier(String.self): string(value as! String)
            case ObjectIdentifier(Bool.self): text(value as! Bool ? "true" : "false")
            case ObjectIdentifier(Double.self): return number(value as! Double)
            case ObjectIdentifier(Float.self): return number(value as! Float)
            case ObjectIdentifier(Int.self): text(String(value as! Int))
            case ObjectIdentifier(Int64.self): text(String(value as! Int64))
            case ObjectIdentifier(UInt64.self): text(String(value as! UInt64))
            case ObjectIdentifier(Int32.self): text(String(value as! Int32))
            case ObjectIdentifier(UInt32.self): text(String(value as! UInt32))
            case ObjectIdentifier(NSNull.self): text("null")
            default:
                if let list = value as? [Any] { return array(list, depth: depth) }
                if let record = value as? [String: Any] { return object(record, depth: depth) }
                // An Optional inside `Any`: null when empty, else its value.
                let mirror = Mirror(reflecting: value)
                guard mirror.displayStyle == .optional else { return false }
                guard let wrapped = mirror.children.first?.value else { text("null"); return true }
                return self.value(wrapped, depth: depth)
            }
            return true
        }

        mutating func number<F: BinaryFloatingPoint & CustomStringConvertible>(_ x: F) -> Bool {
            guard x.isFinite else { return false }
            var s = x.description
            if s.hasSuffix(".0") { s.removeLast(2) }
            text(s)
            return true
        }

        mutating func array(_ list: [Any], depth: Int) -> Bool {
            container("[", "]", count: list.count, depth: depth) { writer, i in writer.value(list[i], depth: depth + 1) }
        }

        mutating func object(_ record: [String: Any], depth: Int) -> Bool {
            let keys = record.keys.sorted { a, b in
                a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex, locale: NSLocale.system) == .orderedAscending
            }
            return container("{", "}", count: keys.count, depth: depth) { writer, i in
                writer.string(keys[i])
                writer.text(" : ")
                return writer.value(record[keys[i]]!, depth: depth + 1)
            }
        }

        /// `open`, then each element on a line of its own one level deeper (`element` writes it;
        /// false stops the writer), commas between, and `close` at this level — an empty container
        /// as its brackets around an empty line.
        mutating func container(_ open: Unicode.Scalar, _ close: Unicode.Scalar, count: Int, depth: Int,
                                _ element: (inout Writer, Int) -> Bool) -> Bool {
            bytes.append(UInt8(ascii: open))
            bytes.append(UInt8(ascii: "\n"))
            for i in 0..<count {
                indent(depth + 1)
                guard element(&self, i) else { return false }
                if i + 1 < count { bytes.append(UInt8(ascii: ",")) }
                bytes.append(UInt8(ascii: "\n"))
            }
            if count == 0 { bytes.append(UInt8(ascii: "\n")) }
            indent(depth)
            bytes.append(UInt8(ascii: close))
            return true
        }

        mutating func string(_ s: String) {
            bytes.append(UInt8(ascii: "\""))
            for byte in s.utf8 {
                switch byte {
                case UInt8(ascii: "\""): text("\\\"")
                case UInt8(ascii: "\\"): text("\\\\")
                case UInt8(ascii: "/"): text("\\/")
                case 0x08: text("\\b")
                case 0x0C: text("\\f")
                case 0x0A: text("\\n")
                case 0x0D: text("\\r")
                case 0x09: text("\\t")
                case 0..<0x20:
                    text("\\u00")
                    bytes.append(Self.hex[Int(byte >> 4)])
                    bytes.append(Self.hex[Int(byte & 0xF)])
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
