import Exact

/// The checks `verify` runs before any paper claim exists: properties of the exact layer that the
/// claims will rely on, each decided on fresh (seeded) data and each able to fail.
enum FoundationChecks {
    /// Whether a check held, what it found, and data the report draws (e.g. a distribution).
    struct Outcome {
        let holds: Bool
        let detail: String
        var series: [String: [Double]] = [:]

        static func holds(_ detail: String, series: [String: [Double]] = [:]) -> Outcome { Outcome(holds: true, detail: detail, series: series) }
        static func fails(_ detail: String) -> Outcome { Outcome(holds: false, detail: detail) }
    }

    struct Check {
        let id: String
        let run: () -> Outcome
    }

    static func all(seed: UInt64) -> [Check] {
        [
            Check(id: "exact.hadamard-orthogonality", run: hadamardOrthogonality),
            Check(id: "exact.correct-rounding", run: { correctRounding(seed: seed) }),
            Check(id: "exact.bareiss-hilbert", run: bareissHilbert),
            Check(id: "bigfloat.constants", run: constants),
        ]
    }

    /// H·Hᵀ = d·I exactly for the Sylvester–Hadamard features, d = 2 … 512.
    static func hadamardOrthogonality() -> Outcome {
        for logD in 1...9 {
            let d = 1 << logD
            do {
                let gram = try OrthogonalFeatures.exactGram(try OrthogonalFeatures.hadamard(count: d, dimension: d))
                for i in 0..<d { for j in 0..<d where gram[i, j] != (i == j ? Rational(d) : .zero) {
                    return .fails("d = \(d): ⟨μ_\(i), μ_\(j)⟩ = \(gram[i, j])")
                } }
            } catch { return .fails("d = \(d): \(error)") }
        }
        return .holds("H·Hᵀ = d·I exactly for d = 2, 4, …, 512")
    }

    /// Double(Rational(a) ∘ Rational(b)) = a ∘ b bit for bit (IEEE arithmetic is correctly rounded).
    static func correctRounding(seed: UInt64) -> Outcome {
        var state = seed
        func next() -> Double {  // SplitMix64 over all finite bit patterns
            while true {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                let x = Double(bitPattern: z ^ (z >> 31))
                if x.isFinite { return x }
            }
        }
        let pairs = 5000
        for _ in 0..<pairs {
            let a = next(), b = next()
            guard let x = try? Rational(exactly: a), let y = try? Rational(exactly: b) else { return .fails("conversion threw") }
            let checks: [(String, Double, Double)] = [
                ("+", Double(x + y), a + b), ("×", Double(x * y), a * b),
                ("÷", b == 0 ? a / b : Double(try! x / y), a / b),
            ]
            for (op, exact, hardware) in checks where exact != hardware && !(exact == 0 && hardware == 0) {
                return .fails("\(a) \(op) \(b): exact path \(exact), IEEE \(hardware) (seed \(seed))")
            }
        }
        return .holds("\(pairs) random pairs: Double(x ∘ y) equals IEEE a ∘ b for + × ÷ (seed \(seed))")
    }

    /// The 10×10 Hilbert system H·x = H·1 solved exactly (condition number ~1.6e13).
    static func bareissHilbert() -> Outcome {
        let n = 10
        do {
            let h = try RationalMatrix(rows: (1...n).map { i in try (1...n).map { j in try Rational(1, i + j - 1) } })
            let ones = [Rational](repeating: 1, count: n)
            let x = try Bareiss.solve(h, try h * ones)
            return x == ones ? .holds("H₁₀·x = H₁₀·1 gives x = 1 exactly") : .fails("x = \(x)")
        } catch { return .fails("\(error)") }
    }

    /// e, ln 2 and √2 at 256 bits agree with 70-digit references (from mpmath) to within 1 ulp.
    static func constants() -> Outcome {
        let references: [(String, BigFloat, String)] = [
            ("e", BigFloat.e(), "2.718281828459045235360287471352662497757247093699959574966967627724076630"),
            ("ln 2", BigFloat.ln2(), "0.6931471805599453094172321214581765680755001343602552541206800094933936220"),
            ("√2", (try? BigFloat(2).squareRoot()) ?? .zero(), "1.414213562373095048801688724209698078569671875376948073176679737990732478"),
        ]
        for (name, value, digits) in references {
            guard let reference = try? Rational(parsing: digits) else { return .fails("bad reference for \(name)") }
            // The 70-digit reference is within 10⁻⁷⁰ of the constant; 1 ulp at 256 bits is ~10⁻⁷⁷.
            guard let exact = try? value.rational, let ulp = try? value.ulp.rational,
                  let slack = try? Rational(parsing: "1e-70") else { return .fails("\(name) is not representable") }
            if (exact - reference).magnitude > ulp + slack {
                return .fails("\(name) = \(value), reference \(digits)")
            }
        }
        return .holds("e, ln 2, √2 at 256 bits match 70-digit references")
    }
}
