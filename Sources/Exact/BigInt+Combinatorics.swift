import CGMP

/// Number theory and combinatorics on `BigInt`, used by the exact lower-bound checks
/// (the counting arguments of "Robust generalisation needs exponentially large models").
extension BigInt {
    /// gcd(a, b) ≥ 0, with gcd(0, 0) = 0.
    public static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt {
        a.withMPZ { x in b.withMPZ { y in make { __gmpz_gcd($0, x, y) } } }
    }

    /// lcm(a, b) ≥ 0, with lcm(a, 0) = 0.
    public static func lcm(_ a: BigInt, _ b: BigInt) -> BigInt {
        a.withMPZ { x in b.withMPZ { y in make { __gmpz_lcm($0, x, y) } } }
    }

    /// selfⁿ for n ≥ 0 (0⁰ = 1). Throws for n < 0 (use `Rational.power`) or when the result would
    /// exceed `ExactLimits.maxBits`.
    public func power(_ n: Int) throws -> BigInt {
        guard n >= 0 else {
            throw ExactError.invalidArgument(name: "exponent", value: "\(n)", allowed: "n ≥ 0 for BigInt (use Rational for negative powers)")
        }
        return try power(count: UInt(n))
    }

    /// selfⁿ for an unsigned exponent (so that |Int.min| = 2⁶³ keeps its parity).
    func power(count n: UInt) throws -> BigInt {
        let bits = bitLength
        if bits > 1, n > UInt(ExactLimits.maxBits / (bits - 1)) {
            throw ExactError.overflow(operation: "power \(bits)-bit integer ^ \(n)", detail: "more than \(ExactLimits.maxBits) bits")
        }
        return withMPZ { a in BigInt.make { __gmpz_pow_ui($0, a, n) } }
    }

    /// n! for 0 ≤ n ≤ 10⁸.
    public static func factorial(_ n: Int) throws -> BigInt {
        guard (0...100_000_000).contains(n) else {
            throw ExactError.invalidArgument(name: "n", value: "\(n)", allowed: "0 ≤ n ≤ 100000000 for factorial")
        }
        return make { __gmpz_fac_ui($0, UInt(n)) }
    }

    /// The binomial coefficient C(n, k) = n(n−1)…(n−k+1)/k! for any integer n and k ≥ 0
    /// (for negative n this is (−1)^k C(k−n−1, k), as GMP defines it); 0 for k < 0.
    /// Throws for k > 10⁸.
    public static func binomial(_ n: BigInt, _ k: Int) throws -> BigInt {
        guard k >= 0 else { return BigInt() }
        guard k <= 100_000_000 else {
            throw ExactError.invalidArgument(name: "k", value: "\(k)", allowed: "0 ≤ k ≤ 100000000 for binomial")
        }
        // |C(n, k)| ≤ |n|^k (and ≤ (|n| + k)^k for negative n): keep the result within maxBits.
        let bound = (n.magnitude + BigInt(k)).bitLength
        if bound > 1, k > ExactLimits.maxBits / bound {
            throw ExactError.overflow(operation: "binomial(\(bound)-bit n, \(k))", detail: "more than \(ExactLimits.maxBits) bits")
        }
        return n.withMPZ { a in make { __gmpz_bin_ui($0, a, UInt(k)) } }
    }

    /// C(n, k) for machine integers.
    public static func binomial(_ n: Int, _ k: Int) throws -> BigInt { try binomial(BigInt(n), k) }
}
