/// Many standard normal samples at once: the values of `gaussian()` called `count` times, and the
/// stream left exactly where those calls leave it — computed eight candidate pairs at a time.
///
/// At a block boundary each attempt of Marsaglia's polar method consumes one Philox block (u from
/// words 0–1, v from words 2–3), so the attempts of blocks b … b+7 are independent: their blocks,
/// uniforms, logarithms and factors are formed in SIMD lanes, each lane by the same IEEE operations
/// as the scalar code (`Philox.block`, `symmetricUniform`, `DeterministicMath.log`) — the same bits —
/// and the accepted candidates are emitted in order; blocks past the last one used are not consumed.
/// The random starts of the attacks draw d Gaussians per sample and radius: on fa-paper's curves the
/// scalar generator's dependency chains (ten Philox rounds, the log's Horner recurrence) were most of
/// the time.
extension RandomStream {
    public mutating func gaussians(_ count: Int) -> [Double] {
        // 16 entries of slack: a batch writes both values of all eight lanes before its count moves.
        var produced = 0
        return [Double](unsafeUninitializedCapacity: count + 16) { buffer, initialized in
            let p = buffer.baseAddress!
            while produced < count {
                guard spareGaussian == nil, used == 4 else { p[produced] = gaussian(); produced += 1; continue }
                let (u, v) = Self.candidates(key: key.raw, firstBlock: blockIndex)
                let s = u * u + v * v
                let accepted = (s .< 1) .& (s .!= 0)
                // √(−2 ln s / s) lane by lane (IEEE's correctly rounded square root, as in `gaussian()`);
                // rejected lanes get 0 first — they are never read, and SIMD8's own squareRoot() calls
                // libm's sqrt per lane, whose domain-error path the rejected lanes (s ≥ 1) would take.
                var factor = -2 * DeterministicMath.log8(s) / s
                factor.replace(with: 0, where: .!accepted)
                for lane in 0..<8 { factor[lane] = factor[lane].squareRoot() }
                let x = u * factor, y = v * factor
                var taken = 0
                for lane in 0..<8 where accepted[lane] { taken += 1 }
                if produced + 2 * taken < count {
                    // The whole batch (it cannot reach `count`, so every lane is consumed, as in the
                    // scalar calls): each accepted lane's pair, in lane order; the writes of rejected
                    // lanes are overwritten by the next pair, or land in the slack.
                    for lane in 0..<8 {
                        p[produced] = x[lane]; p[produced + 1] = y[lane]
                        produced += accepted[lane] ? 2 : 0
                    }
                    blockIndex &+= 8
                    continue
                }
                // The last batch: stop at `count` exactly, keeping a pair's second value as the spare.
                var consumed = 0
                for lane in 0..<8 {
                    consumed = lane + 1
                    guard accepted[lane] else { continue }
                    p[produced] = x[lane]; produced += 1
                    if produced == count { spareGaussian = y[lane]; break }
                    p[produced] = y[lane]; produced += 1
                    if produced == count { break }
                }
                blockIndex &+= UInt64(consumed)
            }
            initialized = count
        }
    }

    /// (u, v) of the polar method's attempts from blocks b … b+7: `symmetricUniform()` of words
    /// (0, 1) and (2, 3) of each block.
    static func candidates(key: SIMD2<UInt32>, firstBlock b: UInt64) -> (u: SIMD8<Double>, v: SIMD8<Double>) {
        let index = SIMD8<UInt64>(b, b &+ 1, b &+ 2, b &+ 3, b &+ 4, b &+ 5, b &+ 6, b &+ 7)
        var c0 = SIMD8<UInt32>(truncatingIfNeeded: index), c1 = SIMD8<UInt32>(truncatingIfNeeded: index &>> 32)
        var c2 = SIMD8<UInt32>(), c3 = SIMD8<UInt32>()
        var k0 = key[0], k1 = key[1]
        let m0 = SIMD8<UInt64>(repeating: UInt64(Philox.m0)), m1 = SIMD8<UInt64>(repeating: UInt64(Philox.m1))
        for round in 0..<10 {
            if round > 0 { k0 = k0 &+ Philox.w0; k1 = k1 &+ Philox.w1 }
            let p0 = m0 &* SIMD8<UInt64>(truncatingIfNeeded: c0), p1 = m1 &* SIMD8<UInt64>(truncatingIfNeeded: c2)
            let hi0 = SIMD8<UInt32>(truncatingIfNeeded: p0 &>> 32), lo0 = SIMD8<UInt32>(truncatingIfNeeded: p0)
            let hi1 = SIMD8<UInt32>(truncatingIfNeeded: p1 &>> 32), lo1 = SIMD8<UInt32>(truncatingIfNeeded: p1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ SIMD8(repeating: k0), lo1, hi0 ^ c3 ^ SIMD8(repeating: k1), lo0)
        }
        func symmetric(_ lo: SIMD8<UInt32>, _ hi: SIMD8<UInt32>) -> SIMD8<Double> {
            let word = SIMD8<UInt64>(truncatingIfNeeded: hi) &<< 32 | SIMD8<UInt64>(truncatingIfNeeded: lo)
            return SIMD8<Double>(SIMD8<Int64>(truncatingIfNeeded: word) &>> 11) * 0x1p-52
        }
        return (symmetric(c0, c1), symmetric(c2, c3))
    }
}

extension DeterministicMath {
    /// `log` in eight lanes, by the same operations, for normal positive x (the polar method's
    /// s ∈ [2⁻¹⁰⁴, 1) is never subnormal); other lanes give meaningless values, never a trap.
    static func log8(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self)
        var e = SIMD8<Int64>(truncatingIfNeeded: bits &>> 52) &- 1023
        var m = unsafeBitCast((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000, to: SIMD8<Double>.self)
        let high = m .> 1.4142135623730951
        m.replace(with: m * 0.5, where: high)
        e.replace(with: e &+ 1, where: high)
        let z = (m - 1) / (m + 1), z2 = z * z
        var term = SIMD8<Double>(repeating: seriesCoefficients[0])
        for k in 1..<12 { term = SIMD8(repeating: seriesCoefficients[k]) + z2 * term }
        let logM = 2 * z * term, exponent = SIMD8<Double>(e)
        return exponent * ln2Hi + (logM + exponent * ln2Lo)
    }
}
