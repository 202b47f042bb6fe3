/// The noise ξ_i ~ N(0, σ²I_d) of a clustered dataset, as the streams it is drawn from: row i is
/// σ·(the first d Gaussians of `key.child(i)`'s stream), so any row can be drawn again, bit for bit,
/// without keeping the n × d matrix (as large as the inputs) in memory.
public struct ClusterNoise: Sendable, Hashable {
    public let key: PRNGKey
    public let sigma: Double
    public let rows: Int
    public let dimension: Int

    /// ξ_i (d entries).
    @inline(__always)
    func row(_ i: Int) -> [Double] {
        var stream = key.child(UInt64(i)).stream
        var g = stream.gaussians(dimension)
        for j in g.indices { g[j] *= sigma }
        return g
    }

    /// Ξ (rows × d), every row drawn again from its stream; parallel over rows (same bits for any
    /// thread count: each row depends on its own stream only).
    public func matrix(_ parallelism: Parallelism = .machine) -> Matrix {
        var xi = Matrix(rows: rows, columns: dimension)
        let d = dimension
        xi.storage.withUnsafeMutableBufferPointer { p in
            let p = UncheckedSendable(p)
            parallelism.forEachRange(rows, grain: 16) { range in
                for i in range { let r = row(i); for j in 0..<d { p.value[i * d + j] = r[j] } }
            }
        }
        return xi
    }
}
