// swift-tools-version: 6.1
//
// An example of checking your own theorem with TheoryCheck: one claim (the NTK of a two-layer ReLU
// net at initialisation against its infinite-width limit, the arc-cosine kernel), its Proofs page,
// its regression baseline, and the `theorycheck` command line working on it.
//
//     swift run my-theorem verify --scale smoke             # the claim's verdict table (+ --out DIR)
//     swift run my-theorem verify --scale smoke --counterfactual
//     swift run my-theorem regress                          # against Baselines/engine.json
//     swift test                                            # pinned constants, smoke verdict, counterfactual
import PackageDescription

let package = Package(
    name: "MyTheorem",
    dependencies: [
        // The TheoryCheck checkout this example lives in (a released version in your own package).
        .package(name: "TheoryCheck", path: "../.."),
    ],
    targets: [
        .target(name: "MyTheoremClaims", dependencies: [
            .product(name: "Claims", package: "TheoryCheck"),
            .product(name: "Engine", package: "TheoryCheck"),
            .product(name: "Exact", package: "TheoryCheck"),  // BigInt, Rational: for checks decided in exact arithmetic
        ]),
        .executableTarget(name: "my-theorem", dependencies: [
            "MyTheoremClaims",
            .product(name: "Claims", package: "TheoryCheck"),
            .product(name: "TheoryCheckCLI", package: "TheoryCheck"),
        ]),
        // `swift test`: the pinned constants, the smoke verdict, the counterfactual.
        .testTarget(name: "MyTheoremTests", dependencies: [
            "MyTheoremClaims",
            .product(name: "Claims", package: "TheoryCheck"),
        ]),
    ]
)
