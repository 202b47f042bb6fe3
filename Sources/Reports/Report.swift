import Claims
import Foundation

/// Everything one `theorycheck verify` run decided, with the environment it ran in: the content of
/// report.json (schema: docs/report-schema.md) and the source of the other formats.
public struct Report: Codable, Sendable {
    /// Bumped on any incompatible change of the JSON layout.
    public static let schemaVersion = 1

    public struct Environment: Codable, Sendable {
        public var theorycheckVersion: String
        /// The program that ran, when it is not `theorycheck` itself: a package's own command line
        /// (`TheoryCheckCommand.main(claims:)`), e.g. "my-theorem"; absent otherwise.
        public var program: String?
        public var gitCommit: String?
        public var swiftCompiler: String
        public var operatingSystem: String
        public var processors: Int
        public var threads: Int
        public var scale: String
        public var variant: String
        public var seedsOverride: Int?
        /// true when the exploratory stages ran (`verify --explore`); absent otherwise.
        public var explore: Bool?
        public var startedAt: String
        public var seconds: Double

        public init(theorycheckVersion: String, gitCommit: String?, swiftCompiler: String, operatingSystem: String, processors: Int,
                    threads: Int, scale: String, variant: String, seedsOverride: Int?, startedAt: String, seconds: Double,
                    explore: Bool = false) {
            self.theorycheckVersion = theorycheckVersion
            self.gitCommit = gitCommit
            self.swiftCompiler = swiftCompiler
            self.operatingSystem = operatingSystem
            self.processors = processors
            self.threads = threads
            self.scale = scale
            self.variant = variant
            self.seedsOverride = seedsOverride
            self.explore = explore ? true : nil
            self.startedAt = startedAt
            self.seconds = seconds
        }
    }

    /// A claim's metadata beside its result.
    public struct Entry: Codable, Sendable {
        public var id: String
        public var paper: String
        public var source: String
        public var statement: String
        public var counterfactual: String
        /// The side of each robustness number and what it decides (nil for a claim with none).
        public var robustness: [RobustnessEvidence]?
        /// The protocol the run followed and its registration (absent in reports written without a registry).
        public var protocolStanding: ProtocolStanding?
        public var result: ClaimResult
    }

    /// A foundation check of the exact layer or the engine (run by `verify` without a selection).
    public struct FoundationEntry: Codable, Sendable {
        public var id: String
        public var holds: Bool
        public var detail: String
        public var series: [String: [Double]]
        public var seconds: Double

        public init(id: String, holds: Bool, detail: String, series: [String: [Double]], seconds: Double) {
            self.id = id
            self.holds = holds
            self.detail = detail
            self.series = series
            self.seconds = seconds
        }
    }

    public var schemaVersion = Report.schemaVersion
    public var environment: Environment
    public var foundation: [FoundationEntry] = []
    public var claims: [Entry]

    /// The report of `claims`; with `registry`, each claim's protocol standing in it (at the
    /// environment's scale, with `data` as `--data` gave it).
    public init(environment: Environment, claims: [(any Claim, ClaimResult)], registry: ProtocolRegistry? = nil, data: String? = nil) {
        self.environment = environment
        let scale = Scale(rawValue: environment.scale) ?? .smoke
        self.claims = claims.map { claim, result in
            Entry(id: claim.id, paper: claim.paper.rawValue, source: claim.source, statement: claim.statement,
                  counterfactual: claim.counterfactual,
                  robustness: claim.robustnessEvidence.isEmpty ? nil : claim.robustnessEvidence,
                  protocolStanding: registry.flatMap { try? ProtocolStanding.of(claim, scale: scale, data: data, in: $0) }, result: result)
        }
    }

    /// The compiler this binary was built with (compile-time).
    public static var swiftCompiler: String {
        #if compiler(>=6.3)
        "Swift ≥ 6.3"
        #elseif compiler(>=6.1)
        "Swift 6.1–6.2"
        #else
        "Swift < 6.1"
        #endif
    }
}

extension Report.Environment {
    /// "TheoryCheck 0.1.0", or for a package's own command line "my-theorem (TheoryCheck 0.1.0)".
    public var programLabel: String {
        program.map { "\($0) (TheoryCheck \(theorycheckVersion))" } ?? "TheoryCheck \(theorycheckVersion)"
    }
}
