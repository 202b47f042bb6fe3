// Engine benchmarks, side by side with numpy in the same run.
//
//     swift run -c release engine-benchmarks [repetitions]
//
// For each product shape the Swift kernel and numpy's matmul (Benchmarks/reference/matmul_numpy.py,
// run as a subprocess between Swift rounds) are timed on the same shapes; the best time of each is
// reported with the ratio numpy/TheoryCheck (> 1: TheoryCheck is faster) and the achieved
// bandwidth (bytes of the operands read once / time).
import Engine
import Foundation

let repetitions = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
func best(_ reps: Int, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    return (0..<reps).map { _ in seconds(clock.measure(body)) }.min()!
}
struct UncheckedBox<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }
func streamingSum(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
    var a = SIMD4<Double>(), b = a, c = a, d = a
    var j = 0
    while j + 16 <= n {
        a += UnsafeRawPointer(p + j).loadUnaligned(as: SIMD4<Double>.self)
        b += UnsafeRawPointer(p + j + 4).loadUnaligned(as: SIMD4<Double>.self)
        c += UnsafeRawPointer(p + j + 8).loadUnaligned(as: SIMD4<Double>.self)
        d += UnsafeRawPointer(p + j + 12).loadUnaligned(as: SIMD4<Double>.self)
        j += 16
    }
    return ((a + b) + (c + d)).sum()
}
@inline(never) func blackHole(_ x: Double) { if x == .pi { print("") } }
func gaussian(_ r: Int, _ c: Int, _ seed: UInt64) -> Matrix {
    var s = PRNGKey(seed: seed).stream
    return Matrix(rows: r, columns: c, storage: (0..<(r * c)).map { _ in s.gaussian() })
}

func numpyTimes(_ reps: Int) -> [String: Double] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "Benchmarks/reference/matmul_numpy.py", String(reps)]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return [:] }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (try? JSONSerialization.jsonObject(with: data) as? [String: Double]) ?? [:]
}

let x = gaussian(1000, 3072, 1), w = gaussian(10, 3072, 2), g = gaussian(1000, 10, 3)
let a = gaussian(2048, 2048, 4), b = gaussian(2048, 2048, 5)
let parallelism = Parallelism.machine
// Training keeps Xᵀ (computed once), so the weight gradient Gᵀ·X is (Xᵀ·G)ᵀ: row-dot products.
let xt = x.transposed, gt = g.transposed

var swiftTimes: [String: Double] = [:], numpy: [String: Double] = [:]
func keepBest(_ into: inout [String: Double], _ new: [String: Double]) {
    for (k, v) in new { into[k] = min(into[k] ?? .infinity, v) }
}
for round in 0..<2 {
    keepBest(&swiftTimes, [
        "X·Wᵀ (1000×3072 · 3072×10)": best(repetitions) { _ = Kernels.productTransposed(x, w, parallelism) },
        "Gᵀ·X (10×1000 · 1000×3072)": best(repetitions) { _ = Kernels.productTransposed(xt, gt, parallelism).transposed },
        "A·B (2048×2048 · 2048×2048)": best(max(2, repetitions / 10)) { _ = Kernels.product(a, b, parallelism) },
    ])
    keepBest(&numpy, numpyTimes(repetitions))
    _ = round
}

let bytes: [String: Double] = [
    "X·Wᵀ (1000×3072 · 3072×10)": 8 * (1000 * 3072 + 10 * 3072),
    "Gᵀ·X (10×1000 · 1000×3072)": 8 * (1000 * 3072 + 10 * 1000),
    "A·B (2048×2048 · 2048×2048)": 8 * 2 * 2048 * 2048,
]
let flops: [String: Double] = [
    "X·Wᵀ (1000×3072 · 3072×10)": 2 * 1000 * 3072 * 10, "Gᵀ·X (10×1000 · 1000×3072)": 2 * 1000 * 3072 * 10,
    "A·B (2048×2048 · 2048×2048)": 2 * 2048 * 2048 * 2048,
]
let kMatrix = Kernels.gram(x, parallelism)
let cT = gaussian(10, 1000, 9)
// The machine's read bandwidth at this size: one pass over X's 24.6 MB with four independent
// SIMD accumulators per thread (each thread sums its own rows) — the floor for any kernel that
// must read X once.
let readOnce = best(repetitions) {
    x.storage.withUnsafeBufferPointer { p in
        let base = UncheckedBox(p.baseAddress!)
        parallelism.forEachRange(x.rows) { rows in
            let start = base.value + rows.lowerBound * x.columns
            blackHole(streamingSum(start, rows.count * x.columns))
        }
    }
}
print("read X once (24.6 MB, \(parallelism.threads) threads):", String(format: "%.3f ms = %.1f GB/s", readOnce * 1e3, 8 * 1000 * 3072 / readOnce / 1e9))
print("transpose X (1000×3072):", String(format: "%.1f ms", best(5) { _ = x.transposed } * 1e3))
print("gram X·Xᵀ (1000×3072):", String(format: "%.1f ms", best(3) { _ = Kernels.gram(x, parallelism) } * 1e3))
print("K·C (1000×1000 · 1000×10):", String(format: "%.3f ms", best(repetitions) { _ = Kernels.productTransposed(kMatrix, cT, parallelism) } * 1e3))
print("Cᵀ·X (10×1000 · 1000×3072):", String(format: "%.3f ms", best(repetitions) { _ = Kernels.productTransposed(xt, cT, parallelism).transposed } * 1e3))
print("| product | TheoryCheck | numpy | numpy / TheoryCheck | TheoryCheck GB/s | TheoryCheck GFLOP/s |")
print("|---|---|---|---|---|---|")
for name in swiftTimes.keys.sorted() {
    let s = swiftTimes[name]!, n = numpy[name]
    let ratio = n.map { String(format: "%.2f×", $0 / s) } ?? "numpy unavailable"
    print("| \(name) | \(String(format: "%.3f ms", s * 1e3)) | \(n.map { String(format: "%.3f ms", $0 * 1e3) } ?? "—") | \(ratio) | \(String(format: "%.1f", bytes[name]! / s / 1e9)) | \(String(format: "%.1f", flops[name]! / s / 1e9)) |")
}
print("\n(best of \(repetitions) repetitions in each of 2 interleaved rounds; \(parallelism.threads) threads)")

// MARK: fa-paper training against the numpy GD on the same exported data

func numpyTraining(_ directory: String, script: String = "fa_gd_numpy.py") -> Double? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "Benchmarks/reference/" + script, "time", directory]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
          let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double] else { return nil }
    return object["seconds"]
}

/// Trains `config` three times (best training time) and times the NumPy re-implementation `script`
/// on the first run's export: one table row "| label | ours | numpy | ratio |".
func sideBySide(_ config: ExperimentConfig, label: String, script: String, directoryName: String) throws -> String {
    let runs = try (0..<3).map { _ in try ExperimentRun.run(config, parallelism: parallelism) }
    let swiftSeconds = runs.map(\.timings.training).min()!
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(directoryName).path
    let output = try StagedOutput(path: directory)
    for (name, bytes) in try runs[0].exportFiles() { try output.write(name, bytes) }
    try output.commit()
    let numpySeconds = numpyTraining(directory, script: script)
    return "| \(label) | \(String(format: "%.1f ms", swiftSeconds * 1e3)) | \(numpySeconds.map { String(format: "%.1f ms", $0 * 1e3) } ?? "—") | \(numpySeconds.map { String(format: "%.2f×", $0 / swiftSeconds) } ?? "—") |"
}

print("\n| fa-paper GD, 100 steps (data excluded) | TheoryCheck | numpy | numpy / TheoryCheck |")
print("|---|---|---|---|")
for (label, probeEvery, algorithm) in [("kernel route, history at steps 0 and 100", 100, TrainingAlgorithm.kernel),
                                       ("kernel route, history every 10 steps", 10, .kernel),
                                       ("primal route, history every 10 steps", 10, .primal)] {
    var config = Presets.faPaper
    config.optimizer.probeEvery = probeEvery
    config.optimizer.algorithm = algorithm
    print(try sideBySide(config, label: label, script: "fa_gd_numpy.py", directoryName: "theorycheck-bench-\(probeEvery)"))
}
print("(TheoryCheck: best of 3 runs, including the Gram matrix and all history probes; numpy: the same GD")
print(" without any probes, best of 3, Benchmarks/reference/fa_gd_numpy.py)")

// MARK: at-phase adversarial training against the numpy re-implementation on the same data

do {
    var config = Presets.atPhase
    config.optimizer.steps = 200
    config.optimizer.probeEvery = 200
    config.robustness = .none  // numpy times the training alone
    print("\n| at-phase adversarial training, 200 steps (5-step NRF-PGD + ½ clean) | TheoryCheck | numpy | numpy / TheoryCheck |")
    print("|---|---|---|---|")
    print(try sideBySide(config, label: "n = 200, P = 32, d = 64, 16 neurons", script: "at_phase_numpy.py", directoryName: "theorycheck-bench-at-phase"))
    print("(TheoryCheck: best of 3 runs; numpy: one run of Benchmarks/reference/at_phase_numpy.py, which replays it to 1e-11)")
}
