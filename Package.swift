// swift-tools-version: 6.2
//
// TheoryCheck — checks the predictions of the feature-learning theory of adversarial robustness.
//
// Layers point downward only: CGMP ← Exact ← Engine (← CZlib) ← Claims ← Reports ← theorycheck (CLI).
// Each target may import only the targets before it.
import Foundation
import PackageDescription

/// The engine's kernels use explicit fused multiply-adds (IEEE `fma`, exactly specified, so results
/// are the same bits on every machine). On x86-64 they are compiled for AVX2+FMA (`haswell`, any
/// x86-64 CPU since 2013) so that `fma` is one instruction; set THEORYCHECK_PORTABLE=1 to build for
/// baseline x86-64 instead (same results, slower: `fma` becomes a library call).
///
/// The engine is optimised in debug builds too (`-O`, overflow checks kept): `swift test` trains
/// real networks, and unoptimised Swift is ~50× slower on these loops (adversarial training of
/// at-phase: 786 ms vs 16 ms per step).
let engineSwiftSettings: [SwiftSetting] = {
    var settings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["THEORYCHECK_PORTABLE"] != "1" {
        settings.append(.unsafeFlags(["-target-cpu", "haswell"]))
    }
    #endif
    return settings
}()

let package = Package(
    name: "TheoryCheck",
    products: [
        .library(name: "Exact", targets: ["Exact"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Claims", targets: ["Claims"]),
        .library(name: "Reports", targets: ["Reports"]),
        // The command line as a library: a package checking its own claims calls
        // `TheoryCheckCommand.main(claims:)` (Examples/MyTheorem, docs/writing-a-claim.md).
        .library(name: "TheoryCheckCLI", targets: ["TheoryCheckCLI"]),
        .executable(name: "theorycheck", targets: ["theorycheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        // `swift package generate-documentation`: the API documentation (DocC), built in CI.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // GMP, the one system dependency (libgmp-dev).
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"])]
        ),
        // zlib, for gzip-compressed data files (zlib1g-dev).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Exact and high-precision arithmetic: BigInt, Rational, BigFloat, rational linear algebra.
        .target(
            name: "Exact",
            dependencies: ["CGMP"],
            linkerSettings: [.linkedLibrary("m")]
        ),
        // The training core: deterministic kernels, data models, networks, losses, GD, gradient checks.
        .target(
            name: "Engine",
            dependencies: ["Exact", "CZlib", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: engineSwiftSettings
        ),
        // Theorems as falsifiable finite checks: claims, statistics, the registry.
        .target(
            name: "Claims",
            dependencies: ["Exact", "Engine", .product(name: "RealModule", package: "swift-numerics")]
        ),
        // Reports and regression baselines.
        .target(
            name: "Reports",
            dependencies: ["Engine", "Claims"]
        ),
        // The command-line interface (a library, so that tests parse arguments in process).
        .target(
            name: "TheoryCheckCLI",
            dependencies: [
                "Exact",
                "Engine",
                "Claims",
                "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "theorycheck",
            dependencies: ["TheoryCheckCLI", "Engine"]
        ),
        // Benchmarks (run with `swift run -c release exact-benchmarks`), with their C reference.
        .target(
            name: "GMPReference",
            dependencies: ["CGMP"],
            path: "Benchmarks/reference/GMPReference"
        ),
        .executableTarget(
            name: "exact-benchmarks",
            dependencies: ["Exact", "CGMP", "GMPReference"],
            path: "Benchmarks/ExactBenchmarks"
        ),
        .executableTarget(
            name: "engine-benchmarks",
            dependencies: ["Engine", "Claims"],
            path: "Benchmarks/EngineBenchmarks"
        ),
        // Single-threaded workout of the Exact API for valgrind (Scripts/valgrind-exact.sh).
        .executableTarget(
            name: "exact-leakcheck",
            dependencies: ["Exact"],
            path: "Tests/ExactLeakCheck"
        ),
        // A package whose claims crash and throw, run as a process by CLITests (CrashIsolationTests).
        .executableTarget(
            name: "crash-fixture",
            dependencies: ["TheoryCheckCLI", "Claims"],
            path: "Tests/CrashFixture"
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine",
                "Exact",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "ClaimsTests",
            dependencies: [
                "Claims",
                "Reports",
                "Engine",
                "Exact",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["TheoryCheckCLI", "Engine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Claims", "Engine"]
        ),
        .testTarget(
            name: "ExactTests",
            dependencies: [
                "Exact",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
