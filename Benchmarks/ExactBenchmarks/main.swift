// Benchmarks of the exact layer, run side by side with a C reference in the same process.
//
//     swift run -c release exact-benchmarks [repetitions]
//
// Every timing is the median over interleaved repetitions (Swift and C alternate, so machine noise
// hits both alike); ratios are Swift time / C time. Results go to stdout as a Markdown table.
import CGMP
import Exact
import GMPReference

let repetitions = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 31

/// SplitMix64: a fixed, platform-independent stream of test data.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [−1, 1) with 53 random bits: a dyadic rational with denominator 2⁵³.
    mutating func uniform() -> Double { Double(Int64(bitPattern: next()) >> 10) * 0x1p-53 }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// The median of the samples.
func median(_ samples: [Double]) -> Double { samples.sorted()[samples.count / 2] }

nonisolated(unsafe) var rows: [(String, String, String, String)] = []
func report(_ name: String, _ swift: Double, _ c: Double?, unit: String = "µs") {
    let scale = unit == "µs" ? 1e6 : 1e3
    let ratio = c.map { String(format2: swift / $0) + "×" } ?? "—"
    rows.append((name, String(format2: swift * scale) + " " + unit, c.map { String(format2: $0 * scale) + " " + unit } ?? "—", ratio))
}

extension String {
    /// x with two decimals (or none from 100 up), without Foundation.
    init(format2 x: Double) {
        if x >= 100 { self = String(Int(x.rounded())); return }
        let hundredths = Int((x * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}

let clock = ContinuousClock()
var rng = SplitMix64(state: 2025)

// MARK: 1. Exact dot product, n = 1024, of dyadic rationals converted from random Doubles.

let n = 1024
let x = (0..<n).map { _ in rng.uniform() }, y = (0..<n).map { _ in rng.uniform() }
let qx = try x.map { try Rational(exactly: $0) }, qy = try y.map { try Rational(exactly: $0) }
let cx = gmp_reference_alloc(n)!, cy = gmp_reference_alloc(n)!, cResult = gmp_reference_alloc(1)!
for i in 0..<n { gmp_reference_set_d(cx, i, x[i]); gmp_reference_set_d(cy, i, y[i]) }

var swiftDot: [Double] = [], cDot: [Double] = [], kulischDot: [Double] = []
var swiftValue = Rational(), kulischValue = Rational()
var accumulator = RationalAccumulator()
for _ in 0..<repetitions {
    swiftDot.append(seconds(clock.measure {
        accumulator.reset()
        for i in 0..<n { accumulator.addProduct(qx[i], qy[i]) }
    }))
    swiftValue = accumulator.value
    cDot.append(seconds(clock.measure { gmp_reference_dot(cResult, cx, cy, n) }))
    kulischDot.append(seconds(clock.measure { kulischValue = try! exactDot(x, y) }))
}
let agree = swiftValue.withMPQ { __gmpq_equal($0, cResult) != 0 } && kulischValue == swiftValue
precondition(agree, "the three exact dot products disagree")
report("exact dot, n = 1024: RationalAccumulator (mpq) vs C mpq loop", median(swiftDot), median(cDot))
report("exact dot, n = 1024: ExactDoubleAccumulator (Kulisch) vs C mpq loop", median(kulischDot), median(cDot))
gmp_reference_free(cx, n); gmp_reference_free(cy, n); gmp_reference_free(cResult, 1)

// MARK: 2. 256-bit exp and log.

let arguments = try (0..<64).map { _ in try BigFloat(rng.uniform() * 40) }
var expTimes: [Double] = [], logTimes: [Double] = []
for _ in 0..<repetitions {
    expTimes.append(seconds(clock.measure { for a in arguments { _ = try! a.exp() } }) / Double(arguments.count))
    logTimes.append(seconds(clock.measure { for a in arguments { _ = try! a.magnitude.log() } }) / Double(arguments.count))
}
report("BigFloat exp, 256 bits, x uniform in [−40, 40) (per call)", median(expTimes), nil)
report("BigFloat log, 256 bits, x uniform in (0, 40) (per call)", median(logTimes), nil)

// MARK: 3. Bareiss solve of a 32×32 rational system.

let m = 32
let entries = try (0..<(m * m)).map { _ in try Rational(Int(rng.next() % 201) - 100, Int(rng.next() % 100) + 1) }
let a = try RationalMatrix(rows: m, columns: m, entries: entries)
let b = try (0..<m).map { _ in try Rational(Int(rng.next() % 201) - 100, Int(rng.next() % 100) + 1) }
var solveTimes: [Double] = []
var solution: [Rational] = []
for _ in 0..<max(3, repetitions / 4) {
    solveTimes.append(seconds(clock.measure { solution = try! Bareiss.solve(a, b) }))
}
let satisfied = try a * solution == b
precondition(satisfied, "Bareiss solution does not satisfy the system")
report("Bareiss solve, 32×32 system of random p/q, p in −100…100, q in 1…100", median(solveTimes), nil, unit: "ms")

print("| benchmark | TheoryCheck | C reference | ratio |")
print("|---|---|---|---|")
for (name, swift, c, ratio) in rows { print("| \(name) | \(swift) | \(c) | \(ratio) |") }
print("\n(median of \(repetitions) interleaved repetitions; ratio = TheoryCheck / C)")
