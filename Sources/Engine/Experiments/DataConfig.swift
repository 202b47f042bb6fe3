/// Which data model an experiment samples, with its parameters. In JSON the parameters sit beside
/// a `kind` field: {"kind": "multi-cluster", "dimension": 3072, …}.
public enum DataConfig: Codable, Equatable, Sendable {
    case multiCluster(MultiClusterConfig)
    case patchStructured(PatchStructuredConfig)
    case sparseCoding(SparseCodingConfig)
    case separatedSets(SeparatedSetsConfig)
    /// Real data read from files (digits, MNIST, CIFAR, .npy features).
    case real(RealDataConfig)

    public enum Kind: String, Codable, CaseIterable, Sendable {
        case multiCluster = "multi-cluster"
        case patchStructured = "patch-structured"
        case sparseCoding = "sparse-coding"
        case separatedSets = "separated-sets"
        case real
    }

    public var kind: Kind {
        switch self {
        case .multiCluster: .multiCluster
        case .patchStructured: .patchStructured
        case .sparseCoding: .sparseCoding
        case .separatedSets: .separatedSets
        case .real: .real
        }
    }

    enum KindKey: String, CodingKey { case kind }

    public init(from decoder: any Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decode(Kind.self, forKey: .kind)
        switch kind {
        case .multiCluster: self = .multiCluster(try MultiClusterConfig(from: decoder))
        case .patchStructured: self = .patchStructured(try PatchStructuredConfig(from: decoder))
        case .sparseCoding: self = .sparseCoding(try SparseCodingConfig(from: decoder))
        case .separatedSets: self = .separatedSets(try SeparatedSetsConfig(from: decoder))
        case .real: self = .real(try RealDataConfig(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case let .multiCluster(c): try c.encode(to: encoder)
        case let .patchStructured(c): try c.encode(to: encoder)
        case let .sparseCoding(c): try c.encode(to: encoder)
        case let .separatedSets(c): try c.encode(to: encoder)
        case let .real(c): try c.encode(to: encoder)
        }
    }

    public func validate(prefix: String) throws {
        switch self {
        case let .multiCluster(c): try c.validate(prefix: prefix)
        case let .patchStructured(c): try c.validate(prefix: prefix)
        case let .sparseCoding(c): try c.validate(prefix: prefix)
        case let .separatedSets(c): try c.validate(prefix: prefix)
        case let .real(c): try c.validate(prefix: prefix)
        }
    }

    /// Classes of the multi-class task (clusters or classes); 2 for the binary-only data models.
    public var classes: Int {
        switch self {
        case let .multiCluster(c): c.clusters
        case let .patchStructured(c): c.classes
        case .sparseCoding, .separatedSets: 2
        case let .real(c): c.taskClasses
        }
    }

    /// Patches per sample and the length of one patch.
    public var patches: Int { if case let .patchStructured(c) = self { c.patches } else { 1 } }
    public var patchDimension: Int {
        switch self {
        case let .multiCluster(c): c.dimension
        case let .patchStructured(c): c.dimension
        case let .sparseCoding(c): c.dimension
        case let .separatedSets(c): c.dimension
        case let .real(c): c.dimension
        }
    }
}
