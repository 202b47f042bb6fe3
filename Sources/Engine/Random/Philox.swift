/// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
/// SC 2011): a counter-based generator. The block function maps a 128-bit counter and a 64-bit key
/// to 128 random bits with 10 rounds of multiply/xor; it passes BigCrush, and because it is a pure
/// function of (key, counter) it gives identical streams on every platform and any number of
/// independent streams (one per key). Checked against the Random123 known-answer vectors.
public enum Philox {
    static let m0: UInt32 = 0xD251_1F53, m1: UInt32 = 0xCD9E_8D57
    static let w0: UInt32 = 0x9E37_79B9, w1: UInt32 = 0xBB67_AE85

    /// The 10-round block function.
    public static func block(counter c: SIMD4<UInt32>, key k: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var c = c, k = k
        for round in 0..<10 {
            if round > 0 { k = k &+ SIMD2(w0, w1) }
            let p0 = UInt64(m0) * UInt64(c[0]), p1 = UInt64(m1) * UInt64(c[2])
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            c = SIMD4(hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0)
        }
        return c
    }
}

/// An explicit PRNG key, in the style of JAX: randomness is a pure function of keys, keys are split
/// (never mutated) to get independent streams, and nothing random depends on hidden state.
public struct PRNGKey: Sendable, Hashable, CustomStringConvertible {
    public let raw: SIMD2<UInt32>

    public init(seed: UInt64) {
        raw = SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }

    init(raw: SIMD2<UInt32>) { self.raw = raw }

    /// The i-th child key. Children are Philox blocks in a counter domain (word 2 = 1) disjoint from
    /// the one streams use (word 2 = 0), so a child's stream never overlaps its parent's.
    public func child(_ i: UInt64) -> PRNGKey {
        let out = Philox.block(counter: SIMD4(UInt32(truncatingIfNeeded: i), UInt32(truncatingIfNeeded: i >> 32), 1, 0), key: raw)
        return PRNGKey(raw: SIMD2(out[0], out[1]))
    }

    /// `count` independent child keys.
    public func split(_ count: Int) -> [PRNGKey] { (0..<count).map { child(UInt64($0)) } }

    /// A child key named by a string (e.g. "train-noise"): stable across runs and platforms.
    public func child(_ name: String) -> PRNGKey {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return child(h)
    }

    /// The random stream of this key.
    public var stream: RandomStream { RandomStream(key: self) }

    public var description: String { "PRNGKey(\(raw[0]), \(raw[1]))" }
}

/// The stream of 64-bit words Philox(key, (b, b>>32, 0, 0)) for blocks b = 0, 1, 2, …
public struct RandomStream: RandomNumberGenerator, Sendable {
    public let key: PRNGKey
    var blockIndex: UInt64 = 0
    private var buffer = SIMD4<UInt32>()
    var used = 4  // 32-bit words of `buffer` consumed
    var spareGaussian: Double?

    public init(key: PRNGKey) { self.key = key }

    mutating func nextWord() -> UInt32 {
        if used == 4 {
            buffer = Philox.block(counter: SIMD4(UInt32(truncatingIfNeeded: blockIndex), UInt32(truncatingIfNeeded: blockIndex >> 32), 0, 0), key: key.raw)
            blockIndex &+= 1
            used = 0
        }
        defer { used += 1 }
        return buffer[used]
    }

    public mutating func next() -> UInt64 {
        let lo = UInt64(nextWord()), hi = UInt64(nextWord())
        return hi << 32 | lo
    }

    /// Uniform on [0, 1) with 53 random bits (every multiple of 2⁻⁵³).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform on (−1, 1), excluding −1 (53 random bits).
    public mutating func symmetricUniform() -> Double { Double(Int64(bitPattern: next()) >> 11) * 0x1p-52 }

    /// A standard normal sample by Marsaglia's polar method, which needs only √ (correctly rounded
    /// in IEEE 754) and a logarithm; the logarithm is `DeterministicMath.log`, built from + − × ÷
    /// alone, so the samples are bit-identical on every IEEE-754 machine (a platform libm need not be).
    public mutating func gaussian() -> Double {
        if let spare = spareGaussian { spareGaussian = nil; return spare }
        while true {
            let u = symmetricUniform(), v = symmetricUniform()
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = (-2 * DeterministicMath.log(s) / s).squareRoot()
            spareGaussian = v * factor
            return u * factor
        }
    }
}
