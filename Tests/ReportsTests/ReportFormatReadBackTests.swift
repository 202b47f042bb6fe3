import Claims
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Reports

/// Every report format read back and compared with the report it was written from: a format that
/// miscounts, mislabels or drops a claim fails here (e.g. JUnit counting the claims *with* the wanted
/// verdict as failures). The reports are built from constructed results — every verdict, in both
/// variants — so the counts are known without running a claim.
@Suite("Report formats read back")
struct ReportFormatReadBackTests {
    /// One entry per registered claim, the verdicts cycling through every case.
    static func report(variant: ClaimVariant) -> Report {
        let claims = ClaimRegistry.all
        let results = claims.enumerated().map { i, claim in
            let verdict = Verdict.allCases[i % Verdict.allCases.count]
            return ClaimResult(id: claim.id, variant: variant, scale: .smoke, verdict: verdict, predicate: "p<\(i)>",
                               summary: "summary & \(verdict.rawValue) of \(claim.id)", seconds: Double(i) / 8)
        }
        let environment = Report.Environment(theorycheckVersion: "test", gitCommit: nil, swiftCompiler: "swift", operatingSystem: "test",
                                             processors: 2, threads: 2, scale: "smoke", variant: variant.rawValue, seedsOverride: nil,
                                             startedAt: "2026-01-01T00:00:00Z", seconds: 3)
        return Report(environment: environment, claims: Array(zip(claims, results)))
    }

    /// What a JUnit consumer sees: the suite totals and, per test case, the failure's type if any.
    final class JUnitReader: NSObject, XMLParserDelegate {
        var suites: [(tests: Int, failures: Int, errors: Int)] = []
        var cases: [(name: String, classname: String, failure: String?, element: String?)] = []
        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch element {
            case "testsuites", "testsuite":
                suites.append((Int(attributes["tests"] ?? "") ?? -1, Int(attributes["failures"] ?? "") ?? -1, Int(attributes["errors"] ?? "") ?? -1))
            case "testcase": cases.append((attributes["name"] ?? "", attributes["classname"] ?? "", nil, nil))
            case "failure", "error":
                if !cases.isEmpty { (cases[cases.count - 1].failure, cases[cases.count - 1].element) = (attributes["type"] ?? "", element) }
            default: break
            }
        }
    }

    @Test(arguments: ClaimVariant.allCases)
    func junitCountsTheClaimsWithoutTheWantedVerdict(variant: ClaimVariant) throws {
        let report = Self.report(variant: variant)
        let wanted: Verdict = variant == .claim ? .holds : .fails
        let parser = XMLParser(data: Data(ReportFormats.junit(report).utf8)), reader = JUnitReader()
        parser.delegate = reader
        #expect(parser.parse())
        let missed = report.claims.filter { $0.result.verdict != wanted }
        #expect(missed.count > 0 && missed.count < report.claims.count, "the constructed report has both kinds")
        #expect(reader.suites.count == 2)
        // A claim whose check threw is a JUnit error; every other missed verdict a failure.
        let errors = missed.filter { $0.result.verdict == .error }.count
        #expect(errors > 0, "the constructed report has an error")
        for suite in reader.suites {
            #expect(suite.tests == report.claims.count)
            #expect(suite.failures == missed.count - errors && suite.errors == errors)
        }
        #expect(reader.cases.map(\.name) == report.claims.map(\.id))
        #expect(reader.cases.map(\.classname) == report.claims.map(\.paper))
        for (testCase, entry) in zip(reader.cases, report.claims) {
            #expect(testCase.failure == (entry.result.verdict == wanted ? nil : entry.result.verdict.rawValue), "\(entry.id)")
            #expect(testCase.element == (entry.result.verdict == wanted ? nil : entry.result.verdict == .error ? "error" : "failure"), "\(entry.id)")
        }
    }

    @Test func jsonDecodesToTheSameReport() throws {
        let report = Self.report(variant: .claim)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let back = try decoder.decode(Report.self, from: Data(try ReportFormats.json(report).utf8))
        #expect(back.schemaVersion == Report.schemaVersion)
        #expect(back.claims.map(\.id) == report.claims.map(\.id))
        #expect(back.claims.map(\.result.verdict) == report.claims.map(\.result.verdict))
        #expect(back.claims.map(\.result.summary) == report.claims.map(\.result.summary))
        #expect(try ReportFormats.json(back) == (try ReportFormats.json(report)))
    }

    /// The Markdown table has one row per claim with its verdict in bold, in order.
    @Test func markdownTableListsEveryVerdict() {
        let report = Self.report(variant: .claim)
        let rows = ReportFormats.markdown(report).split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count == report.claims.count)
        for (row, entry) in zip(rows, report.claims) {
            #expect(row.hasPrefix("| `\(entry.id)` | \(entry.paper) | **\(entry.result.verdict.rawValue)** |"), "\(row)")
        }
    }

    /// The HTML page names every claim with its verdict, and escapes the summaries' markup.
    @Test func htmlNamesEveryClaimAndItsVerdict() {
        let report = Self.report(variant: .claim)
        let html = HTMLReport.page(report)
        for entry in report.claims {
            #expect(html.contains(entry.id))
            #expect(html.contains("summary &amp; \(entry.result.verdict.rawValue) of \(entry.id)"), "\(entry.id)")
        }
        #expect(!html.contains("summary & "))
    }
}
