import Exact
import Testing
@testable import Engine

/// The fast ℓ∞ separation scan against the definition: in rationals on subsets, and against a
/// plain integer scan (no early exit, no reordering) on all 1,797 digits, at 1 and 2 threads.
@Suite("ℓ∞ separation")
struct LinfSeparationTests {
    static let digits = try! DataSource(parsing: "digits", field: "--data").load().train

    /// Every pair, every coordinate, in integers: (minimum, all pairs at it).
    static func plainScan(_ a: LabelledSamples, _ b: LabelledSamples?) -> (Int, [LinfSeparation.Pair]) {
        guard case let .bytes(x, _) = a.values else { return (-1, []) }
        let (y, labels): ([UInt8], [Int]) = b.map { s in
            guard case let .bytes(v, _) = s.values else { return ([], []) }
            return (v, s.labels)
        } ?? (x, a.labels)
        let d = a.dimension
        var best = Int.max, pairs: [LinfSeparation.Pair] = []
        for i in 0..<labels.count {
            for j in (b == nil ? i + 1 : 0)..<a.count where labels[i] != a.labels[j] {
                var widest = 0
                for t in 0..<d { widest = max(widest, abs(Int(y[i * d + t]) - Int(x[j * d + t]))) }
                if widest < best { (best, pairs) = (widest, []) }
                if widest == best { pairs.append(.init(query: i, reference: j)) }
            }
        }
        return (best, pairs)
    }

    @Test(arguments: [1, 2]) func allDigitsAgreeWithThePlainScan(threads: Int) {
        let (train, test) = (Self.digits.subset(Array(0..<1200)), Self.digits.subset(Array(1200..<1797)))
        for (a, b) in [(train, nil), (train, Optional(test))] {
            let fast = LinfSeparation.minimum(a, against: b, parallelism: Parallelism(threads: threads))
            let plain = Self.plainScan(a, b)
            #expect(fast.distance == plain.0 && fast.pairs == plain.1, "\(fast.distance ?? -1) vs \(plain.0)")
            #expect(fast.scale == 16 && fast.comparedPairs > 0)
        }
    }

    @Test func subsetsAgreeWithTheDefinitionInRationals() throws {
        for offset in [0, 500, 1000] {
            let a = Self.digits.subset(Array(offset..<(offset + 150))), b = Self.digits.subset(Array((offset + 150)..<(offset + 200)))
            #expect(LinfSeparation.minimum(a).separation == LinfSeparation.minimumByDefinition(a))
            #expect(LinfSeparation.minimum(a, against: b).separation == LinfSeparation.minimumByDefinition(a, against: b))
        }
        // Width not a multiple of 32, and a minimum reached only in the last coordinate.
        let odd = LabelledSamples(dimension: 37, values: .bytes([UInt8](repeating: 9, count: 37) + [UInt8](repeating: 9, count: 36) + [200], scale: 255),
                                  labels: [0, 1])
        let r = LinfSeparation.minimum(odd)
        let (separation, epsilon) = (try Rational(191, 255), try Rational(191, 510))
        #expect(r.distance == 191 && r.pairs == [.init(query: 0, reference: 1)] && r.separation == separation)
        #expect(r.largestEpsilon == epsilon)
        // One label only: no pair to separate.
        #expect(LinfSeparation.minimum(LabelledSamples(dimension: 2, values: .bytes([1, 2, 3, 4], scale: 16), labels: [5, 5])).distance == nil)
    }
}
