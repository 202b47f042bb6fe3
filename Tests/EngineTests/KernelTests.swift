import PropertyBased
import Testing
@testable import Engine
@testable import Exact

/// A matrix of Gaussian entries from a seed.
func gaussianMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
    var s = PRNGKey(seed: seed).stream
    return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in s.gaussian() })
}

/// Higham's bound for a floating-point dot product of length n in any summation order:
/// |fl(x·y) − x·y| ≤ γ_n Σ|x_i y_i|, γ_n = n·u/(1 − n·u), u = 2⁻⁵³.
func withinDotBound(_ computed: Double, _ x: [Double], _ y: [Double]) throws -> Bool {
    let n = Double(x.count), u = 0x1p-53
    let gamma = n * u / (1 - n * u)
    let absSum = zip(x, y).reduce(0.0) { $0 + abs($1.0 * $1.1) } * (1 + 4 * u)  // itself rounded
    let error = (try Rational(exactly: computed) - (try exactDot(x, y))).magnitude
    return error <= (try Rational(exactly: gamma * absSum * (1 + 4 * u)))
}

@Suite("Kernels")
struct KernelTests {
    static let shapes = [(1, 1, 1), (3, 17, 2), (8, 33, 10), (37, 129, 5), (64, 300, 16)]

    @Test(arguments: shapes)
    func productTransposedIsWithinTheDotProductBound(shape: (Int, Int, Int)) throws {
        let (n, d, m) = shape
        let a = gaussianMatrix(n, d, seed: 1), b = gaussianMatrix(m, d, seed: 2)
        let c = Kernels.productTransposed(a, b)
        for i in 0..<n { for r in 0..<m { #expect(try withinDotBound(c[i, r], a.row(i), b.row(r))) } }
    }

    @Test(arguments: shapes)
    func transposedProductAndProductAreWithinTheBound(shape: (Int, Int, Int)) throws {
        let (n, d, m) = shape
        let a = gaussianMatrix(n, m, seed: 3), b = gaussianMatrix(n, d, seed: 4)
        let at = a.transposed.rowList, bt = b.transposed.rowList
        let c = Kernels.transposedProduct(a, b)  // m×d
        let e = Kernels.product(a.transposed, b)  // the same product through the general kernel
        for r in 0..<m {
            for j in 0..<d {
                #expect(try withinDotBound(c[r, j], at[r], bt[j]))
                #expect(try withinDotBound(e[r, j], at[r], bt[j]))
            }
        }
    }

    /// The transpose moves every entry to its place: shapes below, at and above the 4×4 blocks and
    /// the 32×32 tiles, with ragged edges on both sides, on 1 and 3 threads.
    @Test(arguments: [(1, 1), (3, 5), (4, 4), (7, 130), (33, 64), (64, 33), (130, 1000), (1000, 2)])
    func transposeMovesEveryEntry(shape: (Int, Int)) {
        let (n, m) = shape
        let a = gaussianMatrix(n, m, seed: 31)
        for threads in [1, 3] {
            let t = Kernels.transpose(a, Parallelism(threads: threads))
            #expect(t.rows == m && t.columns == n)
            #expect((0..<m).allSatisfy { j in (0..<n).allSatisfy { i in t[j, i].bitPattern == a[i, j].bitPattern } })
        }
    }

    /// Aᵀ·B is exactly its documented sum, fma over i = 0, 1, … in order — for row counts with and
    /// without a remainder of the four-row stream, and column counts with a vector tail.
    @Test(arguments: [(7, 3, 13), (8, 10, 517), (203, 16, 64), (1, 1, 1)])
    func transposedProductIsTheSequentialSum(shape: (Int, Int, Int)) {
        let (n, m, d) = shape
        let a = gaussianMatrix(n, m, seed: 21), b = gaussianMatrix(n, d, seed: 22)
        let c = Kernels.transposedProduct(a, b, Parallelism(threads: 3))
        for r in 0..<m {
            for j in 0..<d {
                var s = 0.0
                for i in 0..<n { s = s.addingProduct(a[i, r], b[i, j]) }
                #expect(c[r, j].bitPattern == s.bitPattern, "entry (\(r), \(j))")
            }
        }
    }

    /// Four inner products at once are the bits of four `dot`s, with and without a scalar tail.
    @Test(arguments: [1, 3, 4, 16, 19, 64])
    func fourDotsAreFourDots(n: Int) {
        let a = gaussianMatrix(1, n, seed: 31), b = gaussianMatrix(4, n, seed: 32)
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                let four = Kernels.dot4(ap.baseAddress!, bp.baseAddress!, stride: n, n)
                for j in 0..<4 {
                    #expect(four[j].bitPattern == Kernels.dot(ap.baseAddress!, bp.baseAddress! + j * n, n).bitPattern, "product \(j)")
                }
            }
        }
    }

    /// The logits of a batch (four samples side by side in vector lanes where the head allows) are
    /// the bits of each sample's logits alone (the one-sample loop), for binary and per-class heads,
    /// one and several patches, widths with and without the four-neuron blocks.
    @Test(arguments: [(TwoLayerNetwork.Head.binary(neuronsPerSign: 8, scale: 0.125), 1), (.perClass(classes: 4, neuronsPerClass: 4, scale: 1), 3),
                      (.perClass(classes: 3, neuronsPerClass: 2, scale: 0.5), 2), (.binary(neuronsPerSign: 3, scale: 1), 1),
                      (.perClass(classes: 5, neuronsPerClass: 4, scale: 1), 1)])
    func batchLogitsAreEachSamplesLogits(head: TwoLayerNetwork.Head, patches: Int) {
        let d = 7, m = head.neuronOutput.count
        for activation in [Activation.relu, .smoothedReLU(q: 3, rho: 0.1), .softThreshold(b: 0.2)] {
            let net = TwoLayerNetwork(weights: gaussianMatrix(m, d, seed: 33), biases: gaussianMatrix(1, m, seed: 34).storage,
                                      head: head, activation: activation, patches: patches)
            let x = gaussianMatrix(11, patches * d, seed: 35)
            let batch = net.logits(x, .serial)
            for i in 0..<x.rows {
                let alone = net.logits(Matrix(rows: 1, columns: x.columns, storage: x.row(i)), .serial)
                #expect(batch.row(i).map(\.bitPattern) == alone.storage.map(\.bitPattern), "sample \(i), \(activation)")
            }
        }
    }

    /// A net prepared for an attack's many input gradients (it keeps Wᵀ) gives the bits of the net
    /// itself, with one patch and several; changing W drops the kept transpose (a stale Wᵀ would
    /// give the old weights' gradient), the kept copy is no part of the net's value, and a net of 16
    /// neurons or fewer (whose input gradient needs no transpose) keeps none.
    @Test(arguments: [1, 3])
    func aNetPreparedForInputGradientsGivesTheSameBits(patches: Int) {
        let d = 40, head = TwoLayerNetwork.Head.binary(neuronsPerSign: 12, scale: 0.5)
        var net = TwoLayerNetwork(weights: gaussianMatrix(24, d, seed: 51), biases: gaussianMatrix(1, 24, seed: 52).storage,
                                  head: head, activation: .relu, patches: patches)
        let x = gaussianMatrix(9, patches * d, seed: 53), labels = (0..<9).map { $0 % 2 }
        func bits(_ model: TwoLayerNetwork) -> [UInt64] {
            let (f, g) = model.logitsAndInputGradient(x, labels: labels, LogisticLoss(), .serial)
            return (f.storage + g.storage).map(\.bitPattern)
        }
        var prepared = net.preparedForInputGradients()
        #expect(prepared.transposedWeights != nil && prepared == net)
        #expect(bits(prepared) == bits(net))
        net.weights[0, 0] += 1
        prepared.weights[0, 0] += 1
        #expect(prepared.transposedWeights == nil)
        #expect(bits(prepared) == bits(net))
        // 16 neurons or fewer: the input gradient is summed from W's rows, and nothing is kept.
        let narrow = TwoLayerNetwork(weights: gaussianMatrix(16, d, seed: 54), biases: [Double](repeating: 0, count: 16),
                                     head: .binary(neuronsPerSign: 8, scale: 0.5), activation: .relu, patches: patches)
        #expect(narrow.preparedForInputGradients().transposedWeights == nil)
    }

    @Test func everyKernelIsBitIdenticalForAnyThreadCount() {
        let x = gaussianMatrix(203, 517, seed: 5), w = gaussianMatrix(10, 517, seed: 6), g = gaussianMatrix(203, 10, seed: 7)
        let big = gaussianMatrix(70, 517, seed: 8)
        let reference = (Kernels.productTransposed(x, w, .serial), Kernels.transposedProduct(g, x, .serial),
                         Kernels.product(g, w, .serial), Kernels.gram(big, .serial), Kernels.product(big, big.transposed, .serial))
        for threads in [2, 3, 5, 8, 16] {
            let p = Parallelism(threads: threads)
            #expect(Kernels.productTransposed(x, w, p).storage == reference.0.storage)
            #expect(Kernels.transposedProduct(g, x, p).storage == reference.1.storage)
            #expect(Kernels.product(g, w, p).storage == reference.2.storage)
            #expect(Kernels.gram(big, p).storage == reference.3.storage)
            #expect(Kernels.product(big, big.transposed, p).storage == reference.4.storage)
        }
        // The blocked, tiled and streaming kernels implement one dot order: identical entries.
        #expect(reference.3.storage == Kernels.productTransposed(big, big, .serial).storage)
        #expect(reference.4.storage == reference.3.storage)
    }

    /// The k-blocked product for long rows carries each entry's four lanes from one slice of the
    /// inner dimension to the next, so it gives the streaming tiles' bits exactly: shapes with ragged
    /// blocks (rows not a multiple of 4 or of the block's 64, columns not of 3 or 96), inner
    /// dimensions with and without a tail past 4⌊d/4⌋ and a last slice shorter than the block's
    /// depth, signed zeros, infinities and a NaN in the operands, both result layouts, and thread
    /// counts 1, 2 and 3.
    @Test(arguments: [(64, 96, 1024), (67, 101, 1027), (130, 97, 1280), (200, 290, 1537)])
    func longRowBlocksGiveTheStreamingTilesBits(shape: (Int, Int, Int)) {
        let (n, m, d) = shape
        #expect(Kernels.prefersLongRowBlocks(rows: n, columns: m, depth: d))
        var a = gaussianMatrix(n, d, seed: 41), b = gaussianMatrix(m, d, seed: 42)
        a.storage[3] = -0.0; b.storage[3] = 0.0; a.storage[d + 5] = .infinity; b.storage[2 * d + 7] = -.infinity
        b.storage[5 * d + 1] = .nan; a.storage[(n - 1) * d + d - 1] = 1e300; b.storage[(m - 1) * d + d - 1] = 1e300
        for transposing in [false, true] {
            let streaming = Kernels.streamingProductTransposed(a, b, .serial, transposingResult: transposing)
            let reference = streaming.storage.map(\.bitPattern)
            for threads in [1, 2, 3] {
                let blocked = Kernels.longRowProductTransposed(a, b, Parallelism(threads: threads), transposingResult: transposing)
                #expect(blocked.shape == streaming.shape)
                let differing = zip(blocked.storage.map(\.bitPattern), reference).filter { $0 != $1 }.count
                #expect(differing == 0, "\(shape), transposing \(transposing), \(threads) threads: entries with other bits")
            }
        }
        // The public entry point takes the blocked path at this shape.
        let viaEntry: [UInt64] = Kernels.productTransposed(a, b, .serial).storage.map(\.bitPattern)
        let streamingBits: [UInt64] = Kernels.streamingProductTransposed(a, b, .serial).storage.map(\.bitPattern)
        #expect(zip(viaEntry, streamingBits).filter { $0 != $1 }.isEmpty)
    }

    @Test func householderQRGivesOrthonormalColumnsSpanningA() {
        let a = gaussianMatrix(64, 10, seed: 8)
        let q = HouseholderQR.orthonormalColumns(of: a)  // 10×64, rows = columns of Q
        let qtq = Kernels.productTransposed(q, q)
        for i in 0..<10 { for j in 0..<10 { #expect(abs(qtq[i, j] - (i == j ? 1 : 0)) < 1e-14) } }
        // R = QᵀA is upper triangular with a positive diagonal (the sign convention).
        let r = Kernels.product(q, a)
        for i in 0..<10 {
            #expect(r[i, i] > 0)
            for j in 0..<i { #expect(abs(r[i, j]) < 1e-12) }
        }
    }
}
