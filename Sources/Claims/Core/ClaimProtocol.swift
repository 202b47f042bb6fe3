import Engine
import Foundation

/// Everything that decides a claim's verdict at one scale, as one canonical document, and its
/// fingerprint (docs/methodology.md, "Pre-registration"): the predicate and counterfactual, the
/// constants, the decision rule's version, and for each variant (claim, counterfactual) the
/// hypotheses ledger of every setting it runs — the settings' sizes as the ledger reads them — and
/// every unit of work it runs (each seed, each swept size, each follow-up point, as `verify --shard`
/// enumerates them), plus what the claim declares beyond those (`Claim.protocolSettings`).
///
/// The document is formed by running the check in the plan mode of sharding (it stops at its trials
/// and measures nothing), so it describes what the code does, not what someone remembered to write
/// down. Its canonical text is JSON with sorted keys and no whitespace; the fingerprint is the
/// SHA-256 of that text. A registry entry (`ProtocolRegistry`) stores the whole document, so a
/// changed protocol is reported field by field (`differences`).
public struct ClaimProtocol: Codable, Equatable, Sendable {
    /// The version of the shared decision machinery (Wilson intervals, trend fits, the
    /// inconclusive band: Claims/Statistics, Claims/Core/Decision.swift). A change there that can
    /// move a verdict bumps it — and so every claim's fingerprint.
    public static let decisionRuleVersion = "decision-rules/1: Wilson 95% on trial fractions, 95% intervals of fitted exponents, inconclusive when an interval straddles the bound"

    public struct Variant: Codable, Equatable, Sendable {
        public var variant: ClaimVariant
        /// The predicate as this variant states it.
        public var predicate: String
        /// The ledger's rows: every hypothesis on every setting the variant runs.
        public var ledger: Ledger
        /// Every unit of work, `claim/variant/stage/instance`.
        public var units: [String]
    }

    public var claim: String
    public var scale: Scale
    public var decisionRule: String
    public var counterfactual: String
    public var constants: [PredicateConstant]
    public var variants: [Variant]
    /// Declared by the claim beyond the ledger and the units (attack and certificate options, grids
    /// read inside the check): `Claim.protocolSettings`.
    public var settings: [String: String]

    /// The protocol of `claim` at `scale`, with `data` as `verify --data` would pass it.
    public static func of(_ claim: any Claim, scale: Scale, data: String? = nil) throws -> ClaimProtocol {
        let variants = try ClaimVariant.allCases.map { variant -> Variant in
            var run = ClaimRun(scale: scale, variant: variant, parallelism: .serial, data: data)
            run.progress = nil
            let units = try Sharding.units([claim], run).map(\.description)
            return Variant(variant: variant, predicate: claim.predicate(for: run), ledger: try claim.ledger(run), units: units)
        }
        return ClaimProtocol(claim: claim.id, scale: scale, decisionRule: decisionRuleVersion, counterfactual: claim.counterfactual,
                             constants: claim.constants, variants: variants, settings: claim.protocolSettings(scale))
    }

    /// The canonical text: JSON, keys sorted, no whitespace, non-finite numbers as strings.
    public var canonicalJSON: String { Self.canonical(self) }

    /// Any value's canonical JSON text (keys sorted, no whitespace, ±inf and nan as strings).
    static func canonical(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// SHA-256 of the canonical text.
    public var fingerprint: String { SHA256.hex(canonicalJSON) }

    /// The paths of the fields that differ from `other` (e.g. `constants[2].bound`,
    /// `variants[0].units`), in document order; empty when the two are equal.
    public func differences(from other: ClaimProtocol) -> [String] {
        guard let a = try? JSONValue(parsing: canonicalJSON), let b = try? JSONValue(parsing: other.canonicalJSON) else { return ["(unreadable)"] }
        return Self.differences(a, b, path: "")
    }

    static func differences(_ a: JSONValue, _ b: JSONValue, path: String) -> [String] {
        switch (a, b) {
        case let (.object(x), .object(y)):
            let keys = (x.map(\.key) + y.map(\.key)).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            return keys.flatMap { key -> [String] in
                let here = path.isEmpty ? key : "\(path).\(key)"
                guard let u = x.first(where: { $0.key == key })?.value, let v = y.first(where: { $0.key == key })?.value else { return [here] }
                return differences(u, v, path: here)
            }
        case let (.array(x), .array(y)):
            // Lists of names (units) differ as a whole; lists of records element by element.
            guard x.count == y.count else { return ["\(path) (\(y.count) → \(x.count) entries)"] }
            return zip(x, y).enumerated().flatMap { i, pair in differences(pair.0, pair.1, path: "\(path)[\(i)]") }
        case let (.string(x), .string(y)) where x != y:
            // A setting recorded as canonical JSON (`setting(_:)`) differs field by field.
            if let u = try? JSONValue(parsing: x), let v = try? JSONValue(parsing: y), u.isContainer, v.isContainer {
                return differences(u, v, path: path)
            }
            return [path]
        default:
            return a == b ? [] : [path]
        }
    }
}

extension Claim {
    /// What decides the verdict beyond the ledger's settings and the units of work — attack steps
    /// and restarts, certificate options, grids read inside `check` — as name → value. Default:
    /// none. It enters the protocol's fingerprint (`ClaimProtocol`).
    public func protocolSettings(_ scale: Scale) -> [String: String] { [:] }
}

extension ClaimProtocol {
    /// A setting's value as `Claim.protocolSettings` records it: its canonical JSON (keys sorted, no
    /// whitespace), so that a changed field shows as a changed setting.
    public static func setting(_ value: some Encodable) -> String { canonical(value) }
}

extension JSONValue {
    /// An object or an array.
    var isContainer: Bool {
        switch self {
        case .object, .array: true
        default: false
        }
    }
}
