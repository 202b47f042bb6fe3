import Foundation

/// The append-only registry of protocols (docs/methodology.md, "Pre-registration"): one JSON line
/// per registration — claim, scale, the protocol's fingerprint and whole document, date, reason,
/// the verdicts already seen for that claim, whether the registration came after one — each
/// chained to the previous line by SHA-256, so that an edited or removed line breaks the chain.
///
/// A claim's current protocol must have an entry (the test `ProtocolRegistryTests` fails otherwise,
/// naming the claim, the scale and the fields that changed since the last entry); `theorycheck
/// claims --register ID --scale S --reason TEXT` appends one.
public struct ProtocolRegistry: Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var index: Int
        public var claim: String
        public var scale: Scale
        public var fingerprint: String
        public var date: String
        public var reason: String
        /// Verdicts of this claim recorded before the registration (any scale), as "scale: verdict (source)".
        public var verdictsSeen: [String]
        /// Registered after a verdict of the claim had been seen: the protocol may have been chosen
        /// knowing it, and reports say so.
        public var postVerdict: Bool
        public var document: ClaimProtocol
        /// The previous entry's hash (64 zeros for the first).
        public var previous: String
        /// SHA-256 of `previous` and this entry's canonical text without `hash`.
        public var hash: String

        /// The canonical text of everything but `hash`.
        var chainedText: String {
            var copy = self
            copy.hash = ""
            return ClaimProtocol.canonical(copy)
        }
    }

    public struct BrokenChain: Error, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "protocol registry, line \(line): \(reason) — the registry is append-only; restore it from git" }
    }

    public static let genesis = String(repeating: "0", count: 64)

    public private(set) var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    /// Reads the registry at `url` (an absent file is an empty registry) and checks its chain.
    public init(contentsOf url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { self.init(); return }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        self.init(entries: try lines.enumerated().map { i, line in
            do { return try decoder.decode(Entry.self, from: Data(line.utf8)) } catch { throw BrokenChain(line: i + 1, reason: "unreadable entry (\(error))") }
        })
        try verifyChain()
    }

    /// Every entry's index, link and hash.
    public func verifyChain() throws {
        var previous = Self.genesis
        for (i, entry) in entries.enumerated() {
            guard entry.index == i else { throw BrokenChain(line: i + 1, reason: "index \(entry.index), expected \(i)") }
            guard entry.previous == previous else { throw BrokenChain(line: i + 1, reason: "its link does not match the previous entry's hash") }
            guard entry.hash == SHA256.hex(previous + entry.chainedText) else { throw BrokenChain(line: i + 1, reason: "its hash does not match its content") }
            guard entry.fingerprint == entry.document.fingerprint else { throw BrokenChain(line: i + 1, reason: "its fingerprint does not match its protocol") }
            previous = entry.hash
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
        var entry = Entry(index: entries.count, claim: document.claim, scale: document.scale, fingerprint: document.fingerprint,
                          date: date, reason: reason, verdictsSeen: verdictsSeen, postVerdict: !verdictsSeen.isEmpty,
                          document: document, previous: entries.last?.hash ?? Self.genesis, hash: "")
        entry.hash = SHA256.hex(entry.previous + entry.chainedText)
        entries.append(entry)
        return entry
    }

    /// The registry as text, one canonical entry per line.
    public var text: String {
        entries.map(ClaimProtocol.canonical).joined(separator: "\n") + (entries.isEmpty ? "" : "\n")
    }
}
