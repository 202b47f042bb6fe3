import Foundation

/// Goodness-of-fit tools for the samplers' law tests: the Kolmogorov–Smirnov statistic and the
/// distribution functions it is checked against.
enum LawChecks {
    /// D = sup_x |F_n(x) − F(x)| of the samples against the continuous distribution function F.
    static func kolmogorovSmirnov(_ samples: [Double], _ cdf: (Double) -> Double) -> Double {
        let sorted = samples.sorted(), n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
        }
        return d
    }

    /// The KS statistic's critical value at level 0.001 for n samples (asymptotic: 1.949/√n).
    static func criticalValue(samples n: Int) -> Double { 1.949 / Double(n).squareRoot() }

    /// P(χ²_k ≤ x) for even k: 1 − e^{−x/2}·Σ_{j<k/2} (x/2)^j/j!, each term formed in log space
    /// (x/2 near k/2 in the thousands would underflow e^{−x/2} alone).
    static func chiSquaredCDF(_ x: Double, degreesOfFreedom k: Int) -> Double {
        precondition(k > 0 && k % 2 == 0, "the closed form holds for even degrees of freedom")
        guard x > 0 else { return 0 }
        let h = x / 2
        var logTerm = -h, tail = 0.0
        for j in 0..<(k / 2) {
            if j > 0 { logTerm += Foundation.log(h) - Foundation.log(Double(j)) }
            tail += Foundation.exp(logTerm)
        }
        return max(0, 1 - tail)
    }

    /// Φ(x), the standard normal distribution function.
    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
}
