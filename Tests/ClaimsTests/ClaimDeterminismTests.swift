import Engine
import Testing
@testable import Claims

@Suite("Claim determinism")
struct ClaimDeterminismTests {
    /// A claim's result is a pure function of its scale and variant: the same on 1 and on 3 threads,
    /// and on a second run, apart from the timing field.
    @Test(arguments: ["EP.lipschitz", "EP.lowerBound", "FA.weightDecomposition", "FA.featureAveraging", "FA.nonRobustness"])
    func resultsDoNotDependOnThreadsOrRuns(id: String) throws {
        let claim = try #require(ClaimRegistry.claim(id))
        func result(_ threads: Int) throws -> ClaimResult {
            var r = try claim.check(ClaimRun(scale: .smoke, parallelism: Parallelism(threads: threads)))
            r.seconds = 0
            return r
        }
        let one = try result(1)
        #expect(one == (try result(3)))
        #expect(one == (try result(1)))
    }
}
