import Foundation

/// The append-only registry of protocols (docs/methodology.md, §7): one JSON line per registration —
/// claim, scale, the protocol's fingerprint and whole document, date, reason, the verdicts already
/// seen for that claim, whether the registration came after one — chained by SHA-256 (`HashChain`).
///
/// A claim's current protocol must have an entry (the test `ProtocolRegistryTests` fails otherwise,
/// naming the claim, the scale and the fields that changed since the last entry); `theorycheck
/// claims --register ID --scale S --reason TEXT` appends one.
public struct ProtocolRegistry: Sendable {
    public struct Entry: Chained, Equatable {
        public var index: Int
        public var claim: String
        public var scale: Scale
        public var fingerprint: String
        public var date: String
        public var reason: String
        /// Verdicts of this claim recorded before the registration (any scale): from the verdict
        /// history (`VerdictHistory`), earlier entries, and any declared by hand for runs before the history.
        public var verdictsSeen: [String]
        /// Registered after a verdict of the claim had been seen: the protocol may have been chosen
        /// knowing it, and reports say so.
        public var postVerdict: Bool
        public var document: ClaimProtocol
        /// The previous entry's hash (64 zeros for the first).
        public var previous: String
        /// SHA-256 of `previous` and this entry's canonical text without `hash`.
        public var hash: String
    }

    public static let defaultPath = "Baselines/protocol-registry.jsonl"

    public private(set) var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    /// Reads the registry at `url` (an absent file is an empty registry) and checks its chain.
    public init(contentsOf url: URL) throws {
        self.init(entries: try HashChain.read(Entry.self, from: url))
        try verifyChain()
    }

    /// Every entry's index, link and hash, and its fingerprint against its document.
    public func verifyChain() throws {
        try HashChain.verify(entries, file: "protocol registry")
        for (i, entry) in entries.enumerated() where entry.fingerprint != entry.document.fingerprint {
            throw HashChain.Broken(file: "protocol registry", line: i + 1, reason: "its fingerprint does not match its protocol")
        }
    }

    /// The latest entry for (claim, scale).
    public func latest(_ claim: String, _ scale: Scale) -> Entry? {
        entries.last { $0.claim == claim && $0.scale == scale }
    }

    /// Whether `document` is registered as the current protocol of its claim and scale.
    public func isRegistered(_ document: ClaimProtocol) -> Bool {
        latest(document.claim, document.scale)?.fingerprint == document.fingerprint
    }

    /// Appends a registration of `document`; `verdictsSeen` are the claim's verdicts already
    /// recorded (any scale) — when there are any, the entry is post-verdict.
    @discardableResult
    public mutating func register(_ document: ClaimProtocol, date: String, reason: String, verdictsSeen: [String]) -> Entry {
        let entry = HashChain.appending(Entry(index: 0, claim: document.claim, scale: document.scale, fingerprint: document.fingerprint,
                                              date: date, reason: reason, verdictsSeen: verdictsSeen, postVerdict: !verdictsSeen.isEmpty,
                                              document: document, previous: "", hash: ""), to: entries)
        entries.append(entry)
        return entry
    }

    /// The registry as text, one canonical entry per line.
    public var text: String { HashChain.text(entries) }
}
