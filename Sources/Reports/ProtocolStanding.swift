import Claims
import Foundation

/// Where a claim's protocol stood in the registry when a report was written (docs/methodology.md,
/// "Pre-registration"): the protocol's fingerprint, and the registry entry it matches — its date,
/// its reason and, for a registration made after verdicts had been seen, those verdicts — or that
/// it matches none (a run of an unregistered protocol is exploratory whatever its verdict says).
public struct ProtocolStanding: Codable, Equatable, Sendable {
    /// SHA-256 of the protocol the run followed (`ClaimProtocol.fingerprint`).
    public var fingerprint: String
    /// The matching registry entry's index (nil: the protocol is not registered).
    public var entry: Int?
    /// Its date and reason.
    public var registeredOn: String?
    public var reason: String?
    /// Registered after these verdicts of the claim had been recorded (empty: before any).
    public var verdictsSeen: [String]
    /// Whether the registration came after a verdict (`verdictsSeen` non-empty).
    public var postVerdict: Bool { !verdictsSeen.isEmpty }

    public init(fingerprint: String, entry: Int? = nil, registeredOn: String? = nil, reason: String? = nil, verdictsSeen: [String] = []) {
        self.fingerprint = fingerprint
        self.entry = entry
        self.registeredOn = registeredOn
        self.reason = reason
        self.verdictsSeen = verdictsSeen
    }

    /// The standing of `claim`'s protocol at `scale` (with `--data` as given) in `registry`.
    public static func of(_ claim: any Claim, scale: Scale, data: String?, in registry: ProtocolRegistry) throws -> ProtocolStanding {
        let document = try ClaimProtocol.of(claim, scale: scale, data: data)
        guard let entry = registry.latest(claim.id, scale), entry.fingerprint == document.fingerprint else {
            return ProtocolStanding(fingerprint: document.fingerprint)
        }
        return ProtocolStanding(fingerprint: document.fingerprint, entry: entry.index, registeredOn: entry.date, reason: entry.reason,
                                verdictsSeen: entry.verdictsSeen)
    }

    /// One sentence for the text reports.
    public var sentence: String {
        let short = String(fingerprint.prefix(16)) + "…"
        guard let entry else {
            return "Protocol \(short) is not registered: this run is exploratory (theorycheck claims --register ID --scale S --reason TEXT registers it)."
        }
        return "Protocol \(short), registry entry \(entry) (\(registeredOn ?? "")): \(reason ?? "")."
            + (postVerdict ? " Registered after these verdicts had been seen: " + verdictsSeen.joined(separator: "; ") + "." : " Registered before any verdict of the claim.")
    }
}
