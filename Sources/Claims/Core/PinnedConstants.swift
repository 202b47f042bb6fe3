import Foundation

/// The "Pinned constants" table of a claim's Proofs page against the claim's `constants`
/// (docs/methodology.md §2): the page is written with the derivation, the code's constants are what
/// the decision reads, and neither may change alone. The suite's own test and an outside package's
/// test call the same check:
///
///     @Test func pinnedConstants() throws {
///         let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
///         #expect(try PinnedConstants.mismatches(MyClaim(), proofs: root.appendingPathComponent("Proofs/claims")) == [])
///     }
///
/// The table is the first one headed `| variant | quantity | relation | bound |`, one row per constant:
/// `| claim | `quantity` | ≥ | 0.9 |` (relations = ≤ ≥ < >; bounds as `PredicateConstant.parse` reads them, ∞ included).
public enum PinnedConstants {
    /// The table's header line.
    public static let header = "| variant | quantity | relation | bound |"

    /// The rows of the table in `page`; nil when the page has none. Throws `ClaimError` naming a
    /// malformed row.
    public static func table(in page: String) throws -> [PredicateConstant]? {
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: header), start + 2 <= lines.count else { return nil }
        var rows: [PredicateConstant] = []
        for line in lines[(start + 2)...] {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 4, let variant = ClaimVariant(rawValue: cells[0]),
                  let relation = PredicateConstant.Relation(rawValue: cells[2]), let bound = PredicateConstant.parse(cells[3]) else {
                throw ClaimError("malformed pinned-constants row: \(line)")
            }
            rows.append(PredicateConstant(cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")), relation, bound, variant: variant))
        }
        return rows
    }

    /// What keeps `claim`'s page `directory/<id>.md` from pinning its constants, one sentence each;
    /// empty when the table equals `claim.constants` row for row.
    public static func mismatches(_ claim: any Claim, proofs directory: URL) throws -> [String] {
        let url = directory.appendingPathComponent(claim.id + ".md")
        guard let page = try? String(contentsOf: url, encoding: .utf8) else { return ["\(url.path) is missing"] }
        guard let table = try table(in: page) else { return ["\(url.path) has no table headed \(header)"] }
        var found: [String] = []
        if claim.constants.isEmpty { found.append("\(claim.id) declares no constant") }
        if Set(claim.constants).count != claim.constants.count { found.append("\(claim.id) declares a constant twice") }
        for (i, (row, constant)) in zip(table, claim.constants).enumerated() where row != constant {
            found.append("row \(i + 1): the page pins \(describe(row)), the code reads \(describe(constant))")
        }
        if table.count != claim.constants.count {
            found.append("the page has \(table.count) rows, the code \(claim.constants.count) constants")
        }
        return found
    }

    static func describe(_ c: PredicateConstant) -> String {
        "\(c.variant.rawValue) \(c.quantity) \(c.relation.rawValue) \(PredicateConstant.text(c.bound))"
    }
}
