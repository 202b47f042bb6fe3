import ArgumentParser
import Claims
import Foundation

/// `theorycheck claims`: the registry — ids, papers, sources, statements, predicates.
struct ClaimsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "List the registered claims (ids, papers, statements, predicates).",
        discussion: """
            Each claim runs at scale smoke, standard or paper (`theorycheck verify --claim ID --scale S`); \
            its derivation is Proofs/claims/ID.md. Examples:
              theorycheck claims
              theorycheck claims --paper feature-averaging --json
            """
    )

    @Option(help: "Only this paper's claims: \(Paper.allCases.map(\.rawValue).joined(separator: ", ")).")
    var paper: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let claims = try Verify.select(paper: paper, ids: [])
        if json {
            let rows = claims.map { ["id": $0.id, "paper": $0.paper.rawValue, "source": $0.source, "statement": $0.statement,
                                     "predicate": $0.predicate, "counterfactual": $0.counterfactual,
                                     "scales": Scale.allCases.map(\.rawValue).joined(separator: ",")] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        for claim in claims {
            print("\(claim.id)  [\(claim.paper.rawValue); scales \(Scale.allCases.map(\.rawValue).joined(separator: ", "))]")
            print("  source:         \(claim.source)")
            print("  statement:      \(claim.statement)")
            print("  predicate:      \(claim.predicate)")
            print("  counterfactual: \(claim.counterfactual)")
        }
    }
}
