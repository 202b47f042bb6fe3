import RealModule

/// A least-squares fit of log y = a + b·log x (a power law y ∝ x^b), with the two-sided confidence
/// interval of the exponent b from Student's t with n − 2 degrees of freedom:
///
///     b̂ = Sxy/Sxx,   s² = Σ r_i²/(n − 2),   SE(b̂) = s/√Sxx,   b̂ ± t_{n−2}·SE(b̂).
///
/// docs/methodology.md §3: a Θ(x^β) statement holds when the interval lies inside the stated band around β,
/// fails when it is disjoint from it, and is inconclusive otherwise.
public struct PowerLawFit: Codable, Equatable, Sendable {
    /// The fitted e of y ≈ c·x^e (least squares in log–log).
    public let exponent: Double
    /// log c.
    public let intercept: Double
    /// The standard error of e.
    public let standardError: Double
    /// The lower end of e's 95% interval (Student t).
    public let lower: Double
    /// The upper end of e's 95% interval.
    public let upper: Double
    /// The number of (x, y) points fitted.
    public let points: Int

    /// Needs at least 3 points with distinct x and every x, y > 0.
    public init(x: [Double], y: [Double], confidence: Double = 0.95) {
        precondition(x.count == y.count && x.count >= 3, "a power-law fit needs ≥ 3 points")
        precondition(x.allSatisfy { $0 > 0 } && y.allSatisfy { $0 > 0 }, "a power-law fit needs positive data")
        let u = x.map { Double.log($0) }, v = y.map { Double.log($0) }
        let n = Double(u.count)
        let mu = u.reduce(0, +) / n, mv = v.reduce(0, +) / n
        let sxx = u.reduce(0) { $0 + ($1 - mu) * ($1 - mu) }
        let sxy = zip(u, v).reduce(0) { $0 + ($1.0 - mu) * ($1.1 - mv) }
        precondition(sxx > 0, "a power-law fit needs distinct x")
        let b = sxy / sxx, a = mv - b * mu
        let residuals = zip(u, v).reduce(0) { $0 + ($1.1 - a - b * $1.0) * ($1.1 - a - b * $1.0) }
        let se = (residuals / (n - 2) / sxx).squareRoot()
        let t = StudentT.quantile(confidence: confidence, degreesOfFreedom: u.count - 2)
        exponent = b
        intercept = a
        standardError = se
        lower = b - t * se
        upper = b + t * se
        points = u.count
    }

    /// holds: [lower, upper] ⊂ band; fails: disjoint from band; inconclusive: overlapping.
    public func decide(band: ClosedRange<Double>) -> Verdict {
        if band.contains(lower) && band.contains(upper) { return .holds }
        if upper < band.lowerBound || lower > band.upperBound { return .fails }
        return .inconclusive
    }
}

/// Two-sided quantiles t_{ν, 1 − (1 − c)/2} of Student's t distribution.
enum StudentT {
    /// t_{ν, 0.975} for ν = 1 … 30 (scipy.stats.t.ppf rounded up at the 4th decimal, so intervals never
    /// shrink), then 40, 60, 120 and ∞; between tabulated ν, linear in 1/ν (exact to the table's
    /// precision in this range).
    static let table975: [Double] = [12.7063, 4.3027, 3.1825, 2.7765, 2.5706, 2.4470, 2.3647, 2.3061, 2.2622, 2.2282,
                                     2.2010, 2.1789, 2.1604, 2.1448, 2.1315, 2.1200, 2.1099, 2.1010, 2.0931, 2.0860,
                                     2.0797, 2.0739, 2.0687, 2.0639, 2.0596, 2.0556, 2.0519, 2.0485, 2.0453, 2.0423]
    static let tail975: [(Double, Double)] = [(30, 2.0423), (40, 2.0211), (60, 2.0003), (120, 1.9800), (.infinity, 1.9600)]

    static func quantile(confidence: Double, degreesOfFreedom nu: Int) -> Double {
        precondition(confidence == 0.95, "only 95% intervals are tabulated")
        precondition(nu >= 1, "need ≥ 1 degree of freedom")
        if nu <= 30 { return table975[nu - 1] }
        let inv = 1 / Double(nu)
        for ((nu0, t0), (nu1, t1)) in zip(tail975, tail975.dropFirst()) where Double(nu) <= nu1 {
            let a = 1 / nu0, b = nu1.isInfinite ? 0 : 1 / nu1
            return t0 + (t1 - t0) * (a - inv) / (a - b)
        }
        return 1.9600
    }
}
