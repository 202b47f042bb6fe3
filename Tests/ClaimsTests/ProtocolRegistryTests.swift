import Foundation
import Testing
@testable import Claims
import Engine

/// Pre-registration by mechanism (docs/methodology.md, "Pre-registration"): every claim's current
/// protocol at every scale has an entry in Baselines/protocol-registry.jsonl, the registry's hash
/// chain is intact, and a changed protocol — a constant, a seed count — is not registered and is
/// reported field by field.
@Suite("Protocol registry")
struct ProtocolRegistryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let registryURL = root.appendingPathComponent("Baselines/protocol-registry.jsonl")
    /// Read (and its chain verified) once for the suite.
    static let registry = Result { try ProtocolRegistry(contentsOf: registryURL) }

    /// FIPS 180-4's examples.
    @Test func sha256MatchesTheStandardsVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// Every claim's protocol at smoke, standard and paper is the latest registered one for it.
    @Test(arguments: ClaimRegistry.all.map(\.id))
    func everyProtocolIsRegistered(id: String) throws {
        let registry = try Self.registry.get()
        let claim = try #require(ClaimRegistry.claim(id))
        for scale in Scale.allCases {
            let document = try ClaimProtocol.of(claim, scale: scale)
            guard let entry = registry.latest(id, scale) else {
                Issue.record("\(id) at \(scale.rawValue): no registry entry — register it: theorycheck claims --register \(id) --scale \(scale.rawValue) --reason TEXT")
                continue
            }
            let changed = document.differences(from: entry.document)
            #expect(entry.fingerprint == document.fingerprint,
                    "\(id) at \(scale.rawValue): the protocol changed since registry entry \(entry.index) (\(entry.date)) in \(changed.joined(separator: ", ")) — register it (theorycheck claims --register \(id) --scale \(scale.rawValue) --reason TEXT) before running it")
        }
    }

    /// The repository's registry verifies; an edited, removed or reordered entry breaks the chain.
    @Test func theChainDetectsARewrite() throws {
        let registry = try Self.registry.get()
        #expect(registry.entries.count >= 3 * ClaimRegistry.all.count)
        var edited = registry.entries
        edited[1].reason += " (edited)"
        #expect(throws: HashChain.Broken.self) { try ProtocolRegistry(entries: edited).verifyChain() }
        var removed = registry.entries
        removed.remove(at: 1)
        #expect(throws: HashChain.Broken.self) { try ProtocolRegistry(entries: removed).verifyChain() }
        var swapped = registry.entries
        swapped.swapAt(0, 1)
        #expect(throws: HashChain.Broken.self) { try ProtocolRegistry(entries: swapped).verifyChain() }
        var forged = registry.entries
        forged[0].document.constants = []
        #expect(throws: HashChain.Broken.self) { try ProtocolRegistry(entries: forged).verifyChain() }
    }

    /// The counterfactuals of the check: a threshold moved and a seed dropped are not registered,
    /// and each is named by its field.
    @Test func aChangedProtocolIsNamedFieldByField() throws {
        let claim = try #require(ClaimRegistry.claim("FA.featureAveraging"))
        let document = try ClaimProtocol.of(claim, scale: .smoke)
        var registry = ProtocolRegistry()
        registry.register(document, date: "2026-12-07", reason: "test", verdictsSeen: [])
        #expect(registry.isRegistered(document) && registry.entries[0].postVerdict == false)

        var moved = document
        let index = try #require(moved.constants.indices.first)
        let old = moved.constants[index]
        moved.constants[index] = PredicateConstant(old.quantity, old.relation, old.bound + 0.01, variant: old.variant)
        #expect(!registry.isRegistered(moved))
        #expect(moved.differences(from: document) == ["constants[\(index)].bound"])

        var fewer = document
        fewer.variants[0].units.removeLast()
        #expect(!registry.isRegistered(fewer))
        #expect(fewer.differences(from: document).first?.hasPrefix("variants[0].units") == true)

        let later = registry.register(moved, date: "2026-12-07", reason: "test", verdictsSeen: ["smoke: holds 12/12"])
        #expect(later.postVerdict && registry.isRegistered(moved) && !registry.isRegistered(document))
        try registry.verifyChain()
    }

    /// A setting read inside a check — an attack's step count, a grid point, an optimizer's rate —
    /// is part of the protocol and named down to its field.
    @Test func aChangedSettingIsNamedDownToItsField() throws {
        let claim = try #require(ClaimRegistry.claim("FA.paperReproduction"))
        let document = try ClaimProtocol.of(claim, scale: .standard)
        var attack = PaperReproductionClaim.strongAttack
        attack.steps += 1
        var stronger = document
        stronger.settings["attack.strong"] = ClaimProtocol.setting(attack)
        #expect(stronger.differences(from: document) == ["settings.attack.strong.steps"])
        var grid = document
        var radii = PaperReproductionClaim.configs(.standard).radii
        radii[3] += 0.5
        grid.settings["radii"] = ClaimProtocol.setting(radii)
        #expect(grid.differences(from: document) == ["settings.radii[3]"])
        #expect(stronger.fingerprint != document.fingerprint && grid.fingerprint != document.fingerprint)
    }

    /// Every claim of the suite declares the settings its check reads beyond the ledger and the
    /// units (configs, attacks, grids), at every scale.
    @Test(arguments: ClaimRegistry.all.map(\.id))
    func everyClaimDeclaresItsSettings(id: String) throws {
        let claim = try #require(ClaimRegistry.claim(id))
        for scale in Scale.allCases {
            let settings = claim.protocolSettings(scale)
            #expect(!settings.isEmpty, "\(id) at \(scale.rawValue) declares no protocol settings")
            #expect(!settings.values.contains("unreadable"), "\(id) at \(scale.rawValue): a setting could not be formed")
        }
    }
}
