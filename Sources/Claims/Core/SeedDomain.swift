/// Where a run's seed comes from (docs/methodology.md, "Seeds"): a purpose, the claim, and an index.
///
/// The rule it enforces is that exploration never runs a seed a confirmatory run uses, so a
/// setting chosen from an exploratory result is never "confirmed" on the very runs it was chosen
/// from. Disjointness is by construction, not by care:
///
/// - **confirmatory** seeds are the index itself, 1 … 2³² − 1. Every verdict recorded before seed
///   domains existed used these seeds, so they keep their meaning; claims that speak about the
///   same setting (the AT and FP claims) share their confirmatory runs on purpose (`RunMemo`).
/// - **exploratory** seeds have the top bit set: 2⁶³ + 2³²·h(claim) + index, with h the first
///   three bytes of SHA-256(claim) (so two claims' explorations differ as well). No exploratory
///   seed is below 2⁶³, so none is a confirmatory seed, whatever the claim or the index.
///
/// A claim draws its seeds here (`Claim.seed(_:_:)`); `SeedDomainTests` checks the construction
/// and that every exploratory stage of the suite draws from the exploratory domain.
public enum SeedPurpose: String, Codable, Sendable, CaseIterable {
    /// A run whose outcome decides a verdict (the trials, the follow-ups a verdict reads).
    case confirmatory
    /// A run that decides nothing: sweeps and grids from which a setting is chosen (`verify --explore`).
    case exploratory
}

/// The seeds of each purpose (see `SeedPurpose`).
public enum SeedDomain {
    /// Confirmatory indices run from 1 up to this bound (exclusive).
    public static let confirmatoryBound: UInt64 = 1 << 32
    /// Every exploratory seed is at least this.
    public static let exploratoryBase: UInt64 = 1 << 63

    /// The seed of the `index`-th run of `purpose` in `claim`; `index` must lie in 1 ..< 2³².
    public static func seed(_ purpose: SeedPurpose, claim: String, index: UInt64) -> UInt64 {
        precondition(index >= 1 && index < confirmatoryBound, "a seed index lies in 1 ..< 2³², got \(index)")
        switch purpose {
        case .confirmatory:
            return index
        case .exploratory:
            let h = UInt64(SHA256.digest(Array(claim.utf8))[0] >> 8)  // the digest's first three bytes
            return exploratoryBase | h << 32 | index
        }
    }

    /// The purpose a seed belongs to.
    public static func purpose(of seed: UInt64) -> SeedPurpose {
        seed >= exploratoryBase ? .exploratory : .confirmatory
    }
}

extension Claim {
    /// The seed of this claim's `index`-th run of `purpose` (`SeedDomain`).
    public func seed(_ purpose: SeedPurpose, _ index: UInt64) -> UInt64 {
        SeedDomain.seed(purpose, claim: id, index: index)
    }
}
