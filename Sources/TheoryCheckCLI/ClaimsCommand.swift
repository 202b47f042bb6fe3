import ArgumentParser
import Claims
import Engine
import Foundation
import Reports

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

    @Option(help: "Only this paper's claims: \(ClaimRegistry.papers.map(\.rawValue).joined(separator: ", ")).")
    var paper: String?

    @Flag(name: .customLong("verdict-table"), help: "Print the verdict table of README.md, generated from --history and --registry.")
    var verdictTable = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Print this claim's protocol at --scale: everything that decides its verdict, with its fingerprint and registration.")
    var `protocol`: String?

    @Option(help: "Register this claim's current protocol at --scale (or \"all\": every claim whose protocol is not registered) in --registry; one claim at a named scale is registered even when unchanged (before `regress --update` moves its pinned verdict).")
    var register: String?

    @Option(help: "The scale of --protocol / --register: smoke, standard or paper (--register: all three when omitted).")
    var scale: String?

    @Option(help: "Why the protocol is registered (required with --register).")
    var reason: String?

    @Option(name: .customLong("verdict-seen"), help: "A verdict of the claim seen before this registration and not in the registry (repeatable; {id} stands for the claim's id; the registration is then post-verdict).")
    var verdictsSeen: [String] = []

    @Option(help: "The protocol registry (append-only JSON lines).")
    var registry = ProtocolRegistry.defaultPath

    @Option(help: "The verdict history (`verify --record`): the claim's verdicts in it are listed in the registration, which is then post-verdict.")
    var history = VerdictHistory.defaultPath

    /// --scale as a Scale (nil when omitted); exit 2 naming the field otherwise.
    func chosenScale() throws -> Scale? {
        guard let scale else { return nil }
        guard let s = Scale(rawValue: scale) else { throw ConfigError(field: "--scale", value: scale, allowed: Scale.allCases.map(\.rawValue).joined(separator: ", ")) }
        return s
    }

    func run() throws {
        if let id = `protocol` { return try printProtocol(id) }
        if let id = register { return try registerProtocols(id) }
        if verdictTable {
            print(VerdictTable.markdown(claims: try Verify.select(paper: paper, ids: []),
                                                history: try VerdictHistory(contentsOf: URL(fileURLWithPath: history)),
                                                registry: try ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry))))
            return
        }
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

    func printProtocol(_ id: String) throws {
        let claim = try Verify.select(paper: nil, ids: [id])[0]
        let document = try ClaimProtocol.of(claim, scale: try chosenScale() ?? .standard)
        let registered = try ProtocolRegistry(contentsOf: URL(fileURLWithPath: registry))
        if json {
            print(document.canonicalJSON)
            return
        }
        let pretty = try JSONSerialization.jsonObject(with: Data(document.canonicalJSON.utf8))
        print(String(decoding: try JSONSerialization.data(withJSONObject: pretty, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
        print("fingerprint (SHA-256 of the canonical JSON): \(document.fingerprint)")
        if let entry = registered.latest(document.claim, document.scale) {
            let changed = document.differences(from: entry.document)
            print(changed.isEmpty ? "registered: entry \(entry.index) of \(registry), \(entry.date)\(entry.postVerdict ? " (post-verdict: \(entry.verdictsSeen.joined(separator: "; ")))" : "")"
                                  : "NOT REGISTERED: changed since entry \(entry.index) (\(entry.date)): \(changed.joined(separator: ", "))")
        } else {
            print("NOT REGISTERED: no entry for \(document.claim) at \(document.scale.rawValue) in \(registry)")
        }
    }

    func registerProtocols(_ id: String) throws {
        guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ConfigError(field: "--reason", value: "(missing)", allowed: "why the protocol is registered (a sentence)")
        }
        let claims = id == "all" ? try Verify.select(paper: paper, ids: []) : try Verify.select(paper: nil, ids: [id])
        let url = URL(fileURLWithPath: registry)
        var book = try ProtocolRegistry(contentsOf: url)
        let recorded = try VerdictHistory(contentsOf: URL(fileURLWithPath: history))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let date = formatter.string(from: Date())
        var added = 0
        // One claim at one named scale is registered even when unchanged: the entry records why a
        // verdict pinned under the previous one may move (`regress --update`).
        let explicit = try id != "all" && chosenScale() != nil
        for claim in claims {
            for s in try chosenScale().map({ [$0] }) ?? Scale.allCases {
                let document = try ClaimProtocol.of(claim, scale: s)
                let unchanged = book.isRegistered(document)
                if unchanged && !explicit { continue }
                let seen = verdictsSeen.map { $0.replacingOccurrences(of: "{id}", with: claim.id) } + recorded.seen(claim.id) + book.entries.filter { $0.claim == claim.id }.flatMap(\.verdictsSeen).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                let entry = book.register(document, date: date, reason: reason, verdictsSeen: seen.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } })
                print("registered \(claim.id) at \(s.rawValue): \(entry.fingerprint.prefix(16))…\(entry.postVerdict ? " (post-verdict)" : "")"
                      + (unchanged ? " (protocol unchanged)" : ""))
                added += 1
            }
        }
        guard added > 0 else { print("nothing to register: every protocol asked for is registered"); return }
        do {
            try HashChain.write(book.entries, to: url)
        } catch {
            throw ConfigError(field: "--registry", value: registry, allowed: "a writable file path (\(error.localizedDescription))")
        }
        print("\(added) registration(s) appended to \(registry)")
    }
}
