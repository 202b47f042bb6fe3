import Foundation

/// The append-only history of recorded verdicts (docs/methodology.md, §7): each standard or paper
/// run recorded with `theorycheck verify --record` appends, per claim, the verdict with its counts,
/// the protocol's fingerprint, the commit, the date and the seeds, chained by SHA-256 (`HashChain`).
/// A registration reads it: the verdicts of a claim recorded before are listed in the registry
/// entry, which is then post-verdict — nobody has to remember to say so.
public struct VerdictHistory: Sendable {
    public struct Record: Chained, Equatable {
        public var index: Int
        public var claim: String
        public var scale: Scale
        public var variant: ClaimVariant
        public var verdict: Verdict
        /// Trials satisfying the predicate, of `trials` (nil for a check without trials).
        public var satisfied: Int?
        public var trials: Int?
        /// The seed override of the run (nil: the claim's own seed counts).
        public var seedsOverride: Int?
        /// The protocol the run followed, registered before it (`verify --record` refuses otherwise).
        public var fingerprint: String
        public var commit: String?
        public var date: String
        public var previous: String
        public var hash: String

        /// "standard claim: holds 20/20 (2026-12-07, 1a2b3c4)".
        public var line: String {
            "\(scale.rawValue) \(variant.rawValue): \(verdict.rawValue)" + (trials.map { " \(satisfied ?? 0)/\($0)" } ?? "")
                + " (\(date)\(commit.map { ", " + $0.prefix(7) } ?? ""))"
        }
    }

    public static let defaultPath = "Baselines/verdict-history.jsonl"

    public private(set) var records: [Record]

    public init(records: [Record] = []) { self.records = records }

    /// Reads the history at `url` (absent: empty) and checks its chain.
    public init(contentsOf url: URL) throws {
        self.init(records: try HashChain.read(Record.self, from: url))
        try HashChain.verify(records, file: "verdict history")
    }

    /// The verdicts recorded for `claim`, at any scale, as lines.
    public func seen(_ claim: String) -> [String] { records.filter { $0.claim == claim }.map(\.line) }

    /// Appends the verdict of `result`, run under the protocol `fingerprint`.
    public mutating func record(_ result: ClaimResult, fingerprint: String, seedsOverride: Int?, commit: String?, date: String) {
        let trials = result.trials.isEmpty ? nil : result.trials.count
        let satisfied = result.trials.isEmpty ? nil : result.trials.filter(\.satisfied).count
        records.append(HashChain.appending(Record(index: 0, claim: result.id, scale: result.scale, variant: result.variant, verdict: result.verdict,
                                                  satisfied: satisfied, trials: trials, seedsOverride: seedsOverride, fingerprint: fingerprint,
                                                  commit: commit, date: date, previous: "", hash: ""), to: records))
    }

    public var text: String { HashChain.text(records) }
}
