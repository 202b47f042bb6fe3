import Foundation
import Testing
@testable import Claims

@Suite("Claim registry")
struct RegistryTests {
    static let proofs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Proofs/claims")

    /// Every registered claim has a Proofs page named after its id that mentions its counterfactual
    /// and where it is checked, and every page names a registered claim.
    @Test func everyClaimHasAProofsPageAndEveryPageAClaim() throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: Self.proofs.path).filter { $0.hasSuffix(".md") }
        let ids = Set(ClaimRegistry.all.map(\.id))
        #expect(ids.count == ClaimRegistry.all.count, "claim ids are unique")
        for id in ids {
            let page = Self.proofs.appendingPathComponent(id + ".md")
            let text = try #require(try? String(contentsOf: page, encoding: .utf8), "Proofs/claims/\(id).md is missing")
            for section in ["**Statement.**", "**Hypotheses ↔ config.**", "**Derivation.**", "**Counterfactual.**", "**Where checked.**"] {
                #expect(text.contains(section), "\(id).md lacks \(section)")
            }
        }
        for page in pages { #expect(ids.contains(String(page.dropLast(3))), "Proofs/claims/\(page) names no registered claim") }
    }
}
