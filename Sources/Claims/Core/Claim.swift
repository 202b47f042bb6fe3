import Engine

/// The paper (or source) a claim comes from: an identifier (`--paper` selects by it) and its
/// citation. The four papers of the suite are the static members; a claim outside the package names
/// its own, e.g. `Paper(rawValue: "least-squares", citation: "…")`.
public struct Paper: RawRepresentable, Codable, Hashable, Sendable {
    /// The identifier `--paper` selects by, e.g. "feature-averaging".
    public let rawValue: String
    /// Authors, title and venue, as reports print them.
    public let citation: String

    /// A paper (or any source) of your own claims.
    public init(rawValue: String, citation: String) {
        self.rawValue = rawValue
        self.citation = citation
    }

    /// One of the four built-in papers by identifier (nil otherwise; the CLI also finds the papers
    /// of the claims it was given).
    public init?(rawValue: String) {
        guard let known = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = known
    }

    /// Li, Pan, Lyu, Li — Feature Averaging (ICLR 2025).
    public static let featureAveraging = Paper(rawValue: "feature-averaging", citation: "Li, Pan, Lyu, Li — Feature Averaging (ICLR 2025, arXiv 2410.10322)")
    /// Li & Li — Adversarial Training on structured data (ICLR 2025).
    public static let adversarialTraining = Paper(rawValue: "adversarial-training", citation: "Li & Li — Adversarial Training on structured data (ICLR 2025, arXiv 2410.08503)")
    /// Allen-Zhu & Li — Feature Purification (2020).
    public static let featurePurification = Paper(rawValue: "feature-purification", citation: "Allen-Zhu & Li — Feature Purification (arXiv 2005.10190)")
    /// Li, Jin, Zhong, Hopcroft, Wang — Robust generalisation needs large models (NeurIPS 2022).
    public static let expressivePower = Paper(rawValue: "expressive-power", citation: "Li, Jin, Zhong, Hopcroft, Wang — Robust generalisation needs large models (NeurIPS 2022)")

    /// The four papers of the suite.
    public static let allCases: [Paper] = [.featureAveraging, .adversarialTraining, .featurePurification, .expressivePower]

    /// Encoded as its identifier alone.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = Paper(rawValue: raw) ?? Paper(rawValue: raw, citation: "")
    }
    /// Encodes the identifier alone.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// How much work a check does: `smoke` (seconds; `swift test`), `standard` (minutes on 2 cores; the
/// CLI's default), `paper` (the papers' own sizes).
public enum Scale: String, Codable, Sendable, CaseIterable, Comparable {
    case smoke, standard, paper

    public static func < (a: Scale, b: Scale) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// The claim itself, or its counterfactual: a variant that is false and must come out `fails`.
public enum ClaimVariant: String, Codable, Sendable, CaseIterable {
    case claim, counterfactual
}

/// What a check is asked to do.
public struct ClaimRun: Sendable {
    /// How much work: smoke (the tests), standard (the CLI's default), paper.
    public var scale: Scale
    /// The claim, or its counterfactual (which must come out `fails`).
    public var variant: ClaimVariant
    /// Overrides the claim's number of seeds at this scale.
    public var seeds: Int?
    /// Threads for the kernels (no result depends on it).
    public var parallelism: Parallelism
    /// Real data for the claims that read it (`readsData`), as `DataSource` spells it (`--data
    /// KIND:PATH`); nil: each such claim's default (the shipped digits).
    public var data: String?
    /// Called as trials progress (the CLI shows it on a terminal).
    public var progress: (@Sendable (_ trial: Int, _ of: Int, _ seed: UInt64) -> Void)?
    /// Where the work is split across machines (`verify --shard`, `merge`): which units this
    /// process measures, and the outcomes it replays. nil: everything runs here.
    public var work: WorkSchedule?
    /// Also run the claims' exploratory stages (`verify --explore`): sweeps and grids that decide
    /// no verdict and are where a confirmatory setting is chosen from (docs/methodology.md §6: exploration
    /// stays on the Proofs page, labelled). Off, a verification runs only what its verdicts read.
    public var explore: Bool

    /// A run of a check; `seeds` overrides the claim's seed count, `data` is `--data`, `explore`
    /// adds the exploratory stages.
    public init(scale: Scale = .smoke, variant: ClaimVariant = .claim, seeds: Int? = nil, parallelism: Parallelism = .machine,
                data: String? = nil, explore: Bool = false, progress: (@Sendable (Int, Int, UInt64) -> Void)? = nil) {
        self.data = data
        self.explore = explore
        self.scale = scale
        self.variant = variant
        self.seeds = seeds
        self.parallelism = parallelism
        self.progress = progress
    }

    /// Seeds 1 … n, n = the override or `defaults[scale]`.
    public func seedList(_ defaults: [Scale: Int]) -> [UInt64] {
        (1...UInt64(max(1, seeds ?? defaults[scale] ?? 1))).map { $0 }
    }
}

/// A theorem turned into a finite, falsifiable check (docs/methodology.md): hypotheses, a measurement, a
/// finite-d predicate with named constants (derived in `Proofs/claims/<id>.md`), repetition and,
/// where the theorem speaks of orders in d, a scaling fit — and a counterfactual that must fail.
public protocol Claim: Sendable {
    /// Stable identifier, e.g. "FA.featureAveraging"; also the name of its Proofs page.
    var id: String { get }
    var paper: Paper { get }
    /// The theorem or lemma it comes from.
    var source: String { get }
    var statement: String { get }
    /// The finite-d predicate with its constants, as derived in Proofs/claims/<id>.md.
    var predicate: String { get }
    /// The counterfactual: what is changed, and why it must fail.
    var counterfactual: String { get }
    /// The predicate's constants (and the counterfactual's), as the decision reads them; pinned
    /// against the table on Proofs/claims/<id>.md. Empty only for a claim whose predicate is an
    /// exact statement with no constant of ours (an identity, a certificate of a derived bound).
    var constants: [PredicateConstant] { get }

    /// The hypotheses ledger (docs/methodology.md §1): every hypothesis of the theorem, as the paper states
    /// it, checked on every setting this run uses. A violated row makes the verdict `outOfRegime`
    /// (naming it) before anything is measured. A counterfactual that deliberately drops a
    /// hypothesis leaves that row out of its own ledger (and says so on the Proofs page).
    func ledger(_ run: ClaimRun) throws -> Ledger

    /// Whether the claim measures real data and so reads `ClaimRun.data` (false: it samples its own).
    var readsData: Bool { get }
    /// The side of each robustness number the claim reports and what it decides
    /// (`RobustnessEvidence`; Proofs/robustness.md, "Two sides"). Empty for a claim with none.
    var robustnessEvidence: [RobustnessEvidence] { get }

    /// Runs the check (or its counterfactual) and decides it. Throws only on a bug or bad input;
    /// a violated predicate is a `fails` verdict with a counterexample, never an error.
    func check(_ run: ClaimRun) throws -> ClaimResult

    /// The follow-up stages `check` may ask for after its trials (`followingUp`), each point a unit
    /// that a shard runs on its own. Default: none (whatever the check does after its trials then
    /// runs where the shards' outcomes are merged).
    func followUps(_ run: ClaimRun) -> [FollowUpStage]
    /// Measures point `instance` of follow-up stage `stage` — a pure function of its arguments.
    func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue

    /// What decides the verdict at `scale` beyond the hypotheses ledger and the units of work —
    /// attack and certificate options, grids read inside `check` — as name → value; it enters the
    /// claim's protocol and its fingerprint (`ClaimProtocol`). Default: none.
    func protocolSettings(_ scale: Scale) -> [String: String]
}

extension Claim {
    /// None by default: a claim with no robustness numbers.
    public var robustnessEvidence: [RobustnessEvidence] { [] }
    /// False by default: the claim samples or constructs its own data.
    public var readsData: Bool { false }
    /// None by default.
    public func followUps(_ run: ClaimRun) -> [FollowUpStage] { [] }
    /// No stages by default.
    public func followUp(_ run: ClaimRun, stage: String, instance: UInt64) throws -> UnitValue {
        throw ClaimError("\(id) has no follow-up stage \(stage)")
    }

    /// The points `instances` of follow-up stage `stage`, in order: measured here, or — when
    /// merging shards — taken from the shard that measured them. The stage must be one of
    /// `followUps(run)` (else a merge could not find it).
    public func followingUp(_ run: ClaimRun, stage: String, _ instances: [UInt64]) throws -> [UnitValue] {
        try instances.map { instance in
            let unit = UnitID(claim: id, variant: run.variant, stage: stage, instance: instance)
            guard let outcome = try run.work?.replayed(unit) else { return try followUp(run, stage: stage, instance: instance) }
            guard case let .value(value) = outcome else { throw ClaimError("unit \(unit) recorded \(outcome), not a follow-up value") }
            return value
        }
    }
}
