import Foundation
import Testing
@testable import Engine

/// `JSONText` writes the bytes `JSONSerialization` writes (pretty-printed, sorted keys) for the
/// trees the command line builds — on random trees of every kind of value it takes, with keys that
/// exercise the numeric, case-insensitive, locale-aware ordering and strings that need escapes —
/// and declines (nil) what it does not take, so its caller falls back.
@Suite("JSON text")
struct JSONTextTests {
    static let keys = ["a", "A", "a1", "a10", "a9", "A1", "b", "B", "x_y", "x0", "xY", "é", "e", "f", "steps", "stepSizeFactor",
                       "pointRadii", "point2", "Point10", "ü", "key with space", "k/slash", "sqrtDOverK", "sqrtDOverTwo", "", "10", "9"]
    static let strings = ["", "plain", "a/b\"c\\d", "\n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f}", "é ü 漢字 😇", "/tmp/fa-paper", "nan", "-inf"]

    static func double(_ s: inout RandomStream) -> Double {
        switch s.next() % 8 {
        case 0: return Double(Int64(bitPattern: s.next()) >> 40)  // an integer
        case 1: return [0.0, -0.0, 1, 0.1, 0.999, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1e15, 1e16, 0x1p53, 0x1p53 + 2][Int(s.next() % 12)]
        case 2: return s.gaussian()
        case 3: return s.gaussian() * 1e-8
        case 4: return s.gaussian() * 1e20
        default:
            var x: Double
            repeat { x = Double(bitPattern: s.next()) } while !x.isFinite
            return x
        }
    }

    static func tree(_ s: inout RandomStream, depth: Int) -> Any {
        let kind = depth >= 3 ? s.next() % 9 : s.next() % 12
        switch kind {
        case 0, 1, 2: return double(&s)
        case 3: return Int(Int64(bitPattern: s.next()) >> Int(s.next() % 64))
        case 4: return s.next() % 2 == 0
        case 5: return strings[Int(s.next() % UInt64(strings.count))]
        case 6: return NSNull()
        case 7: return s.next() % 2 == 0 ? Double?.none as Any : Double?.some(double(&s)) as Any
        case 8: return [Int64(bitPattern: s.next()), Float(s.gaussian()), UInt64(s.next()) as Any][Int(s.next() % 3)]
        case 9, 10:
            return (0..<Int(s.next() % 5)).map { _ in tree(&s, depth: depth + 1) }
        default:
            var record: [String: Any] = [:]
            for _ in 0..<Int(s.next() % 7) { record[keys[Int(s.next() % UInt64(keys.count))]] = tree(&s, depth: depth + 1) }
            return record
        }
    }

    @Test func theTextIsJSONSerializationsText() throws {
        var s = PRNGKey(seed: 2026).child("json-text").stream
        var compared = 0
        for _ in 0..<400 {
            var record: [String: Any] = [:]
            for _ in 0..<Int(s.next() % 9) { record[Self.keys[Int(s.next() % UInt64(Self.keys.count))]] = Self.tree(&s, depth: 1) }
            let ours = try #require(JSONText.pretty(record))
            let foundation = Array(try JSONSerialization.data(withJSONObject: record, options: [.prettyPrinted, .sortedKeys]))
            #expect(ours == foundation, "\(String(decoding: ours, as: UTF8.self))\n— against —\n\(String(decoding: foundation, as: UTF8.self))")
            if ours == foundation { compared += 1 }
        }
        #expect(compared == 400)
    }

    @Test func whatItDoesNotTakeIsDeclined() {
        for bad: Any in [["x": Double.nan], ["x": [1, Double.infinity]], ["x": Date()], ["x": NSNumber(value: 1)], ["x": Float.nan]] as [Any] {
            #expect(JSONText.pretty(bad) == nil)
        }
    }
}
