/// A piece of a claim's work that is a pure function of (claim, variant, scale, seeds, data, stage,
/// instance) and so can run on any machine: one instance of its trials, one point of a follow-up
/// stage (`Claim.followUps`), or — for a check that decides without trials — the whole check.
///
/// Units are what `verify --shard i/n` distributes and what `merge` reassembles (docs/sharding.md).
public struct UnitID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The claim's id.
    public var claim: String
    /// Claim or counterfactual.
    public var variant: ClaimVariant
    /// "trials", a follow-up stage's name, or "whole".
    public var stage: String
    /// The trial's instance (a seed or a swept size), the follow-up point, or 0 for "whole".
    public var instance: UInt64

    public init(claim: String, variant: ClaimVariant, stage: String, instance: UInt64) {
        self.claim = claim
        self.variant = variant
        self.stage = stage
        self.instance = instance
    }

    /// The stage name of a trials instance.
    public static let trialsStage = "trials"
    /// The stage name of a check that decides without trials (one unit: the whole check).
    public static let wholeStage = "whole"

    /// The point of a follow-up unit, apart from its seed: the instance's high 32 bits. Follow-up
    /// stages put their point (a size, a setting) there and the seed in the low 32 bits
    /// (`FollowUpStage`), so the units of one point on other seeds share it; every confirmatory
    /// trial seed (< 2³²) has point 0.
    public var point: UInt64 { instance >> 32 }

    /// `claim/variant/stage/instance`, e.g. `FA.featureAveraging/claim/trials/7`.
    public var description: String { "\(claim)/\(variant.rawValue)/\(stage)/\(instance)" }

    /// The unit spelled as `description` spells it; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, let variant = ClaimVariant(rawValue: String(parts[1])), let instance = UInt64(parts[3]),
              !parts[0].isEmpty, !parts[2].isEmpty else { return nil }
        self.init(claim: String(parts[0]), variant: variant, stage: String(parts[2]), instance: instance)
    }

    public static func < (a: UnitID, b: UnitID) -> Bool {
        (a.claim, a.variant.rawValue, a.stage, a.instance) < (b.claim, b.variant.rawValue, b.stage, b.instance)
    }
}

/// What one unit produced: exactly what the check would have seen had it run the unit itself.
public enum UnitOutcome: Codable, Equatable, Sendable {
    /// A trial's outcome, with the curves it measured for the report (`trials(_:instances:decision:measureWithCurves:)`).
    case trial(Trial, curves: [String: [Double]])
    /// The instance lies outside the theorem's hypotheses (`OutOfRegime`), with the reason.
    case outOfRegime(String)
    /// A follow-up point's measured values.
    case value(UnitValue)
    /// The whole check's result (a check that decides without trials).
    case result(ClaimResult)
    /// The claim's check threw while this unit ran, or before it could run (the message names the
    /// error): the claim's verdict is `error` (`Sharding.merge`).
    case error(String)
}

/// The measured values of one follow-up point: numbers and curves, by name.
public struct UnitValue: Codable, Equatable, Sendable {
    public var values: [String: Double]
    public var series: [String: [Double]]

    public init(values: [String: Double] = [:], series: [String: [Double]] = [:]) {
        self.values = values
        self.series = series
    }
}

/// A unit's outcome, with the wall time it took (time is recorded, never compared).
public struct UnitRecord: Codable, Equatable, Sendable {
    public var unit: UnitID
    public var outcome: UnitOutcome
    public var seconds: Double

    public init(unit: UnitID, outcome: UnitOutcome, seconds: Double) {
        self.unit = unit
        self.outcome = outcome
        self.seconds = seconds
    }
}

/// A follow-up stage a check may ask for after its trials: its name and points. Its points must
/// not depend on the trials' outcomes (a shard runs them without the trials); a check that needs a
/// stage only when the trials fail lists it anyway — a shard then runs it speculatively. An
/// instance carries its point in the high 32 bits and its seed in the low 32 (`UnitID.point`): the
/// cost table estimates an unrecorded seed from the recorded seeds of its point.
public struct FollowUpStage: Equatable, Sendable {
    public var name: String
    public var instances: [UInt64]

    public init(_ name: String, instances: [UInt64]) {
        self.name = name
        self.instances = instances
    }
}

/// A unit the merge needed and no partial report holds (or a follow-up stage a claim asked for
/// without declaring it): bad input to `merge`, naming the unit.
public struct MissingUnit: Error, CustomStringConvertible, Sendable {
    public let unit: UnitID
    public let why: String
    public init(_ unit: UnitID, why: String) {
        self.unit = unit
        self.why = why
    }
    public var description: String { "unit \(unit) \(why)" }
}
