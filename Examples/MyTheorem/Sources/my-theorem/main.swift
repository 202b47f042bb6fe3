import Claims
import MyTheoremClaims
import TheoryCheckCLI

// The whole command line — verify, claims, regress, train, presets, robustness — on this package's
// claims. Append `ClaimRegistry.all` to check them beside the suite's own.
TheoryCheckCommand.main(claims: [ArcCosineKernelClaim(), MarginRadiusClaim()])
