import Exact

/// The ℓ∞ separation of labelled data: the minimum ‖a − b‖∞ over pairs with different labels, the
/// pairs that attain it, and the largest ε for which the data are 2ε-separated — the hypothesis of
/// the Expressive Power theorems (Proofs/expressive-power.md), measured on real data as in Yang et al. (2020).
///
/// Byte data (pixels p/scale) are compared exactly in integers: the distance is an integer count of
/// 1/scale, the separation the rational distance/scale. The search scans every pair with an early
/// exit: coordinates are visited in decreasing order of their variance over the reference set, 32
/// bytes at a time (|a − b| lane-wise, vectorised), and a pair is dropped as soon as one chunk
/// differs by more than the running minimum — pairs at the minimum are never dropped, so the pairs
/// returned are all the pairs that attain it. Rows are dealt to threads in an interleaved order;
/// the result (the minimum and the sorted pairs) does not depend on the thread count.
public enum LinfSeparation {
    public struct Result: Equatable, Sendable {
        /// The minimum distance in units of 1/scale (nil when no pair has different labels).
        public let distance: Int?
        public let scale: Int
        /// Every (query row, reference row) at the minimum, sorted; within one set, query < reference.
        public let pairs: [Pair]
        /// Pairs with different labels that were compared.
        public let comparedPairs: Int

        /// The separation as an exact rational (distance / scale).
        public var separation: Rational? { distance.map { try! Rational($0, scale) } }
        /// The largest ε for which the sets are 2ε-separated: separation / 2.
        public var largestEpsilon: Rational? { separation.map { $0 * (try! Rational(1, 2)) } }
    }

    public struct Pair: Equatable, Hashable, Comparable, Sendable {
        public let query: Int
        public let reference: Int
        public static func < (a: Pair, b: Pair) -> Bool { (a.query, a.reference) < (b.query, b.reference) }
    }

    /// The minimum ℓ∞ distance between differently labelled rows of `query` and `reference` (both
    /// byte data of one scale and width); `query == nil` compares the reference set with itself
    /// (train–train: pairs i < j).
    public static func minimum(_ reference: LabelledSamples, against query: LabelledSamples? = nil,
                               parallelism: Parallelism = .machine) -> Result {
        guard case let .bytes(refBytes, scale) = reference.values else { preconditionFailure("LinfSeparation needs byte data") }
        let queryBytes: [UInt8]
        if let query {
            guard case let .bytes(q, s) = query.values, s == scale, query.dimension == reference.dimension else {
                preconditionFailure("query and reference must be byte data of one scale and width")
            }
            queryBytes = q
        } else { queryBytes = refBytes }
        let d = reference.dimension, order = varianceOrder(refBytes, d)
        let packedReference = pack(refBytes, d, order), packedQuery = query == nil ? packedReference : pack(queryBytes, d, order)
        let (refLabels, queryLabels) = (reference.labels, query?.labels ?? reference.labels)
        let within = query == nil
        let blocks = min(queryLabels.count, 256)
        let partial = (try? parallelism.concurrently(blocks) { block, _ in
            scan(packedQuery, queryLabels, packedReference, refLabels, within: within, rows: stride(from: block, to: queryLabels.count, by: blocks))
        }) ?? []
        let best = partial.compactMap(\.best).min()
        let pairs = partial.filter { $0.best == best && best != nil }.flatMap(\.pairs).sorted()
        return Result(distance: best.map(Int.init), scale: scale, pairs: pairs, comparedPairs: partial.reduce(0) { $0 + $1.compared })
    }

    /// Rows in 32-byte chunks, coordinates in decreasing variance (ties: lower index first),
    /// zero-padded (a zero pad adds |0 − 0| = 0 to no distance).
    struct Packed: Sendable {
        let width: Int
        let storage: [UInt8]
    }

    static func varianceOrder(_ bytes: [UInt8], _ d: Int) -> [Int] {
        let n = bytes.count / d
        var sum = [Int](repeating: 0, count: d), sumSquares = [Int](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { let v = Int(bytes[i * d + j]); sum[j] += v; sumSquares[j] += v * v } }
        // n² · variance = n·Σv² − (Σv)², an exact integer comparison.
        let spread = (0..<d).map { n * sumSquares[$0] - sum[$0] * sum[$0] }
        return (0..<d).sorted { spread[$0] != spread[$1] ? spread[$0] > spread[$1] : $0 < $1 }
    }

    static func pack(_ bytes: [UInt8], _ d: Int, _ order: [Int]) -> Packed {
        let n = bytes.count / d, width = (d + 31) / 32 * 32
        var storage = [UInt8](repeating: 0, count: n * width)
        for i in 0..<n {
            for (t, j) in order.enumerated() { storage[i * width + t] = bytes[i * d + j] }
        }
        return Packed(width: width, storage: storage)
    }

    /// max_t |a_t − b_t| over one 32-byte chunk. Written as a plain loop of bytes so that the
    /// compiler turns it into vector max/subtract instructions (32 lanes with AVX2; Swift's generic
    /// SIMD32<UInt8> operators measured about 300 times slower here).
    @inline(__always)
    static func chunkDistance(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>) -> UInt8 {
        var widest: UInt8 = 0
        for t in 0..<32 {
            let x = a[t], y = b[t]
            widest = max(widest, x > y ? x &- y : y &- x)
        }
        return widest
    }

    /// One block of query rows against every reference row (or every later row, `within`).
    static func scan(_ query: Packed, _ queryLabels: [Int], _ reference: Packed, _ refLabels: [Int], within: Bool,
                     rows: StrideTo<Int>) -> (best: UInt8?, pairs: [Pair], compared: Int) {
        var best: UInt8 = .max, found = false, pairs: [Pair] = [], compared = 0
        let width = query.width
        query.storage.withUnsafeBufferPointer { q in
            reference.storage.withUnsafeBufferPointer { r in
                for i in rows {
                    let a = q.baseAddress! + i * width, label = queryLabels[i]
                    for j in (within ? i + 1 : 0)..<refLabels.count where refLabels[j] != label {
                        compared += 1
                        let b = r.baseAddress! + j * width
                        var distance: UInt8 = 0, offset = 0
                        while offset < width {
                            distance = max(distance, chunkDistance(a + offset, b + offset))
                            if distance > best { break }
                            offset += 32
                        }
                        if distance > best { continue }
                        if !found || distance < best { (best, found, pairs) = (distance, true, []) }
                        pairs.append(Pair(query: i, reference: j))
                    }
                }
            }
        }
        return (found ? best : nil, pairs, compared)
    }

    /// The same minimum by the definition, in rationals (every pair, every coordinate): the
    /// independent check of `minimum` on small sets.
    public static func minimumByDefinition(_ reference: LabelledSamples, against query: LabelledSamples? = nil) -> Rational? {
        guard case let .bytes(a, scale) = reference.values else { return nil }
        let (qValues, qLabels) = query.map { q -> ([UInt8], [Int]) in
            guard case let .bytes(b, _) = q.values else { return ([], []) }
            return (b, q.labels)
        } ?? (a, reference.labels)
        let d = reference.dimension
        var best: Rational?
        for i in 0..<qLabels.count {
            for j in (query == nil ? i + 1 : 0)..<reference.labels.count where qLabels[i] != reference.labels[j] {
                var widest = Rational(0)
                for t in 0..<d {
                    let gap = try! Rational(abs(Int(qValues[i * d + t]) - Int(a[j * d + t])), scale)
                    if gap > widest { widest = gap }
                }
                if best == nil || widest < best! { best = widest }
            }
        }
        return best
    }
}
