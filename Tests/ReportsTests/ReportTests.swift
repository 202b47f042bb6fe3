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
        #expect(svgs.count == 5, "2 scaling fits (FA.nonRobustness) + curves + 2 heatmaps (FA.paperReproduction)")
        for svg in svgs { #expect(Self.wellFormed(svg)) }
        #expect(html.contains("√(d/k)") && html.contains("√(d/2)"))
        #expect(Self.wellFormed(ReportFormats.junit(report)))
        let markdown = ReportFormats.markdown(report)
        #expect(markdown.contains("| `EP.lowerBound` | expressive-power | **holds** |"))
        #expect(!Self.wellFormed("<svg><g></svg>"), "the checker can fail")
    }

    @Test func xmlEscapingRemovesEveryMarkupCharacter() {
        #expect(ReportFormats.xml("a<b & \"c\" > 'd'\u{1}") == "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
    }
}
