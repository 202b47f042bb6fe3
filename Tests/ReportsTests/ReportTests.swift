import Claims
import Engine
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Reports

@Suite("Reports")
struct ReportTests {
    static func report(threads: Int, ids: [String] = ["EP.lowerBound", "FA.nonRobustness", "FA.paperReproduction"]) throws -> Report {
        let claims = ids.compactMap(ClaimRegistry.claim)
        let results = try claims.map { try $0.check(ClaimRun(scale: .smoke, parallelism: Parallelism(threads: threads))) }
        let environment = Report.Environment(theorycheckVersion: "test", gitCommit: nil, swiftCompiler: Report.swiftCompiler, operatingSystem: "test",
                                             processors: 2, threads: threads, scale: "smoke", variant: "claim", seedsOverride: nil,
                                             startedAt: "2026-01-01T00:00:00Z", seconds: 1)
        return Report(environment: environment, claims: Array(zip(claims, results)))
    }

    /// Parses XML and reports the first error.
    final class Checker: NSObject, XMLParserDelegate {
        var error: (any Error)?
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { error = parseError }
    }

    static func wellFormed(_ text: String) -> Bool {
        let parser = XMLParser(data: Data(text.utf8)), checker = Checker()
        parser.delegate = checker
        return parser.parse() && checker.error == nil
    }

    /// The Markdown and JSON reports carry each claim's robustness sides (Proofs/robustness.md, "Two sides").
    @Test func reportsCarryTheRobustnessSides() throws {
        let report = try Self.report(threads: 1, ids: ["FA.paperReproduction"])
        let markdown = ReportFormats.markdown(report)
        #expect(markdown.contains("| criticalRadius.binary.exact | exact | comparison |"))
        #expect(try ReportFormats.json(report).contains("\"side\" : \"exact\""))
    }

    /// Each claim's protocol standing: registered after a verdict, the report lists the verdicts
    /// that preceded it; a protocol matching no entry is called exploratory.
    @Test func reportsStateWhereEachProtocolStands() throws {
        let claim = try #require(ClaimRegistry.claim("EP.lowerBound"))
        let result = try claim.check(ClaimRun(scale: .smoke))
        let environment = Report.Environment(theorycheckVersion: "test", gitCommit: nil, swiftCompiler: Report.swiftCompiler, operatingSystem: "test",
                                             processors: 2, threads: 1, scale: "smoke", variant: "claim", seedsOverride: nil,
                                             startedAt: "2026-01-01T00:00:00Z", seconds: 1)
        var registry = ProtocolRegistry()
        registry.register(try ClaimProtocol.of(claim, scale: .smoke), date: "2026-12-07", reason: "a changed grid",
                          verdictsSeen: ["standard: holds 14/14 (2026-12-01)"])
        let registered = Report(environment: environment, claims: [(claim, result)], registry: registry)
        let standing = try #require(registered.claims[0].protocolStanding)
        #expect(standing.entry == 0 && standing.postVerdict && standing.fingerprint == registry.entries[0].fingerprint)
        #expect(ReportFormats.markdown(registered).contains("Registered after these verdicts had been seen: standard: holds 14/14 (2026-12-01)."))
        #expect(HTMLReport.page(registered).contains("Registered after these verdicts had been seen"))
        #expect(try ReportFormats.json(registered).contains("\"verdictsSeen\" : ["))

        var moved = try ClaimProtocol.of(claim, scale: .smoke)
        moved.settings["countingLimit"] = "2048"
        var other = ProtocolRegistry()
        other.register(moved, date: "2026-12-07", reason: "another protocol", verdictsSeen: [])
        let unregistered = Report(environment: environment, claims: [(claim, result)], registry: other)
        #expect(unregistered.claims[0].protocolStanding?.entry == nil)
        #expect(ReportFormats.markdown(unregistered).contains("is not registered: this run is exploratory"))
    }

    /// README.md's verdict table is the one the verdict history and the registry generate, so it
    /// cannot state a verdict no recorded run gave, or hide a protocol changed since.
    @Test func readmeVerdictTableIsGeneratedFromTheHistory() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let history = try VerdictHistory(contentsOf: root.appendingPathComponent(VerdictHistory.defaultPath))
        let registry = try ProtocolRegistry(contentsOf: root.appendingPathComponent(ProtocolRegistry.defaultPath))
        let generated = VerdictTable.markdown(claims: ClaimRegistry.all, history: history, registry: registry)
        let block = try #require(VerdictTable.block(in: readme), "README.md has no generated verdict table")
        #expect(block == generated, "README.md's verdict table is stale: regenerate it with `theorycheck claims --verdict-table`")
    }

    /// report.json is byte-identical on 1 and 3 threads once the timing fields are set equal.
    @Test func reportJSONDoesNotDependOnThreads() throws {
        func normalised(_ threads: Int) throws -> String {
            var r = try Self.report(threads: threads, ids: ["EP.lowerBound", "FA.nonRobustness", "FA.featureAveraging"])
            r.environment.threads = 0
            for i in r.claims.indices { r.claims[i].result.seconds = 0 }
            return try ReportFormats.json(r)
        }
        #expect(try normalised(1) == (try normalised(3)))
    }

    /// Every SVG figure of the HTML page and the JUnit file are well-formed XML; the figures the
    /// claims support are there (curves with both markers, two cosine heatmaps, two log–log fits).
    @Test func figuresAndJUnitAreWellFormed() throws {
        let report = try Self.report(threads: 2)
        let html = HTMLReport.page(report)
        var svgs: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.lowerBound..<rest.endIndex) {
            svgs.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        #expect(svgs.count == 7, "4 scaling fits (FA.nonRobustness: ray flips, and exact radii beside) + curves + 2 heatmaps (FA.paperReproduction)")
        for svg in svgs { #expect(Self.wellFormed(svg)) }
        #expect(html.contains("√(d/k)") && html.contains("√(d/2)"))
        #expect(Self.wellFormed(ReportFormats.junit(report)))
        let markdown = ReportFormats.markdown(report)
        #expect(markdown.contains("| `EP.lowerBound` | expressive-power | **holds** |"))
        #expect(!Self.wellFormed("<svg><g></svg>"), "the checker can fail")
    }

    /// Li & Li's Figure 3 from AT.phaseTransition's series: one plot per training (adversarial,
    /// standard), well-formed, with the class-mean correlations and accuracies, and the detected
    /// t* marked where there is one (none for a run in which not every class switched).
    @Test func adversarialTrainingDynamicsFigure() throws {
        let steps: [Double] = [0, 25, 50, 75, 100]
        var series: [String: [Double]] = ["dynamics.steps": steps]
        for name in ["adversarial", "standard"] {
            for i in 0..<2 {
                series["dynamics.\(name).robustCorrelation.\(i)"] = [0, 0.1, 0.2, 0.9, 1.5]
                series["dynamics.\(name).nonRobustCorrelation.\(i)"] = [0, 0.3, 0.4, 0.3, 0.2]
            }
            series["dynamics.\(name).robustTestAccuracy"] = [0, 0, 0.1, 0.8, 1]
            series["dynamics.\(name).testAccuracy"] = [0.3, 1, 1, 1, 1]
        }
        let result = ClaimResult(id: "AT.phaseTransition", variant: .claim, scale: .smoke, verdict: .holds, predicate: "", summary: "",
                                 measurements: ["dynamics.adversarial.tStar": 75, "dynamics.standard.tStar": -1], series: series)
        let figures = HTMLReport.dynamics(result)
        #expect(figures.count == 2)
        for svg in figures { #expect(Self.wellFormed(svg)) }
        #expect(figures[0].contains("t* = 75") && !figures[1].contains("t* ="))
        #expect(figures[0].contains("ρ_u robust feature") && figures[0].contains("robust test accuracy"))
        series["dynamics.standard.testAccuracy"] = [1]  // a malformed series draws nothing rather than a wrong figure
        #expect(HTMLReport.dynamics(ClaimResult(id: "x", variant: .claim, scale: .smoke, verdict: .holds, predicate: "", summary: "",
                                                series: series)).count == 1)
    }

    /// AT.phaseTransition's exploratory phase diagram: three labelled heatmaps over c × ε/β, well
    /// formed, each cell showing its value; a malformed series draws nothing.
    @Test func phaseDiagramHeatmaps() throws {
        var series: [String: [Double]] = ["phaseDiagram.cleanWeight": [0, 0.5, 0.9], "phaseDiagram.epsilonOverBeta": [1, 1.5]]
        for key in ["phaseIFraction", "phaseIIFraction", "satisfiedFraction"] { series["phaseDiagram." + key] = [0, 0.25, 0.5, 0.75, 1, 0.125] }
        let result = ClaimResult(id: "AT.phaseTransition", variant: .claim, scale: .standard, verdict: .fails, predicate: "", summary: "", series: series)
        let figures = HTMLReport.phaseDiagram(result)
        #expect(figures.count == 3)
        for svg in figures { #expect(Self.wellFormed(svg)) }
        #expect(figures[0].contains("clean weight c") && figures[0].contains(">0.75<") && figures[0].contains(">1.5<"))
        series["phaseDiagram.satisfiedFraction"] = [1]
        #expect(HTMLReport.phaseDiagram(ClaimResult(id: "x", variant: .claim, scale: .smoke, verdict: .holds, predicate: "", summary: "",
                                                    series: series)).count == 2)
    }

    @Test func xmlEscapingRemovesEveryMarkupCharacter() {
        #expect(ReportFormats.xml("a<b & \"c\" > 'd'\u{1}") == "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
    }
}
