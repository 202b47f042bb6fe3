import PropertyBased
import Testing
@testable import Exact

/// Generators for the property tests. Properties here hold for every input, so the library's fresh
/// random seed per run cannot make them flaky; a failure prints the seed that replays it.
enum Gens {
    /// Integers of up to ~200 bits with either sign: a·2^128 + b·2^64 + c.
    static let bigInt = zip(Gen.int64(), Gen.uint64(), Gen.uint64(), Gen.int(in: 0...2)).map { a, b, c, words in
        let two64 = BigInt(1 << 32) * BigInt(1 << 32)
        switch words {
        case 0: return BigInt(Int(a))
        case 1: return BigInt(Int(a)) * two64 + BigInt(UInt(b))
        default: return (BigInt(Int(a)) * two64 + BigInt(UInt(b))) * two64 + BigInt(UInt(c))
        }
    }

    /// Rationals p/q with |p| < 2^63 and 1 ≤ q < 2^62, canonicalised by construction.
    static let rational = zip(Gen.int64(), Gen.int64(in: 1...(Int64.max >> 1))).map { p, q in
        try! Rational(Int(p), Int(q))
    }

    /// Any finite Double, uniform over bit patterns (so every binade, subnormals and ±0 included).
    static let finiteDouble = Gen.uint64().map { Double(bitPattern: $0) }.filter { $0.isFinite }

    /// BigFloats m·2^e with a 64-bit m and e in `exponents`, at 256 bits.
    static func bigFloat(exponents: ClosedRange<Int>) -> Generator<BigFloat, some SendableSequenceType> {
        zip(Gen.int64(), Gen.int(in: exponents)).map { m, e in
            try! BigFloat(significand: BigInt(Int(m)), exponent: e)  // in range: |e| ≪ 2⁶¹
        }
    }

    /// Positive BigFloats m·2^e with m in [2^62, 2^63).
    static func positiveBigFloat(exponents: ClosedRange<Int>) -> Generator<BigFloat, some SendableSequenceType> {
        zip(Gen.int64(in: (1 << 62)...Int64.max), Gen.int(in: exponents)).map { m, e in
            try! BigFloat(significand: BigInt(Int(m)), exponent: e)  // in range: |e| ≪ 2⁶¹
        }
    }
}

/// The exact number types, as rings, for one shared statement of the ring axioms.
protocol ExactRing: AdditiveArithmetic {
    static func * (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
}
extension BigInt: ExactRing {}
extension Rational: ExactRing {}

/// The commutative-ring axioms on one triple, checked exactly.
func expectRingAxioms<T: ExactRing>(_ a: T, _ b: T, _ c: T, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a + b == b + a, sourceLocation: sourceLocation)
    #expect((a + b) + c == a + (b + c), sourceLocation: sourceLocation)
    #expect(a * b == b * a, sourceLocation: sourceLocation)
    #expect((a * b) * c == a * (b * c), sourceLocation: sourceLocation)
    #expect(a * (b + c) == a * b + a * c, sourceLocation: sourceLocation)
    #expect(a + (-a) == .zero && a - a == .zero, sourceLocation: sourceLocation)
}
