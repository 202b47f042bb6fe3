/// Real data read from files (`DataSource`), labelled for the task: the classes themselves
/// (multiclass; with a grouping, only the grouped classes, numbered in increasing order) or the
/// ±1 group of each class (binary). Inputs are pixel / scale exactly rounded (bytes / 255, digits
/// / 16) or the features as given. A run is a pure function of the config, the seed and the file
/// contents (`LoadedData.fingerprint` records the latter).
public struct RealDataConfig: Codable, Equatable, Sendable {
    /// `DataSource` spelling: "digits", "mnist:DIR", "cifar10:DIR", "cifar100:DIR", "npy:DIR".
    public var source: String
    /// `ClassGrouping` spelling: "none", "0-4/5-9", "parity", "3/8", …
    public var grouping: String
    /// The width of one sample (64 digits, 784 MNIST, 3072 CIFAR, the feature width of .npy
    /// data): checked against the files when they are read.
    public var dimension: Int
    /// The source's number of classes (labels 0 … classes − 1), checked against the files.
    public var classes: Int
    /// Training / test samples drawn without replacement with the seed (0: all of them). A source
    /// with one set (the digits) is first split by the seed: `testSamples` (≥ 1) for testing, the
    /// rest for training.
    public var trainSamples: Int
    public var testSamples: Int

    public init(source: String = "digits", grouping: String = "0-4/5-9", dimension: Int = 64, classes: Int = 10,
                trainSamples: Int = 0, testSamples: Int = 597) {
        (self.source, self.grouping, self.dimension, self.classes) = (source, grouping, dimension, classes)
        (self.trainSamples, self.testSamples) = (trainSamples, testSamples)
    }

    /// The config for `source` with its dimension and classes: known for digits, IDX (MNIST's 784 by
    /// default) and CIFAR; for IDX and .npy files read from the files themselves.
    public static func describing(_ source: String, field: String) throws -> RealDataConfig {
        let parsed = try DataSource(parsing: source, field: field)
        var config = RealDataConfig(source: source, testSamples: 0)
        switch parsed {
        case .digits: config.testSamples = 597
        case .cifar10: config.dimension = 3072
        case .cifar100: (config.dimension, config.classes) = (3072, 100)
        case .mnist, .npy:
            let (train, test) = try parsed.load()
            config.dimension = train.dimension
            config.classes = max(2, (train.labels + (test?.labels ?? [])).max()! + 1)
            if test == nil { config.testSamples = train.count / 3 }
        }
        return config
    }

    public func validate(prefix: String) throws {
        _ = try DataSource(parsing: source, field: prefix + "source")
        try ConfigError.require((2...100_000).contains(classes), prefix + "classes", classes, "2 … 100000")
        _ = try ClassGrouping(parsing: grouping, classes: classes, field: prefix + "grouping")
        try ConfigError.require((1...1_000_000).contains(dimension), prefix + "dimension", dimension, "1 … 1000000 (the width of one sample)")
        try ConfigError.require((0...10_000_000).contains(trainSamples), prefix + "trainSamples", trainSamples, "0 (all) … 10000000")
        try ConfigError.require((0...10_000_000).contains(testSamples), prefix + "testSamples", testSamples, "0 (all) … 10000000")
    }

    var parsedGrouping: ClassGrouping { (try? ClassGrouping(parsing: grouping, classes: classes, field: "")) ?? .none }

    /// Classes of the multiclass task: the grouped classes, or all.
    public var taskClasses: Int { parsedGrouping.kept(classes: classes).count }
}

/// Real data as one experiment uses it: the training and test sets labelled for the task, the
/// original class of every sample (`Dataset.clusters`), and the class means.
public struct LoadedData: Sendable {
    public let train: Dataset
    public let test: Dataset
    /// The samples before relabelling (bytes kept for exact computations), after the split and
    /// subsampling.
    public let trainSamples: LabelledSamples
    public let testSamples: LabelledSamples
    /// The kept classes (original indices) and their means over the training set, one row each.
    public let classes: [Int]
    public let classMeans: Matrix
    /// FNV-1a 64 of the samples read (values and labels, before the split): names the file
    /// contents in reports, since a run is a pure function of config, seed and these.
    public let fingerprint: UInt64

    /// Reads, checks, splits, subsamples and labels the data of `config` for `task`, drawing with `key`.
    public init(_ config: RealDataConfig, binary: Bool, key: PRNGKey, field: String = "data.") throws {
        try config.validate(prefix: field)
        let source = try DataSource(parsing: config.source, field: field + "source")
        var (train, test) = try source.load()
        let splitHere = test == nil
        var fingerprint = Fingerprint()
        for part in [train] + (test.map { [$0] } ?? []) {
            try Self.check(part, config, source: source, field: field)
            fingerprint.add(part)
        }
        if test == nil {
            let n = train.count
            try ConfigError.require(config.testSamples >= 1 && config.testSamples < n, field + "testSamples", config.testSamples,
                                    "1 … \(n - 1) (\(source.kind) is one set of \(n) samples, split by the seed)")
            var stream = key.child("split").stream
            let order = GradientDescent.sampleWithoutReplacement(n, of: n, &stream, sorted: false)
            test = train.subset(Array(order[..<config.testSamples]).sorted())
            train = train.subset(Array(order[config.testSamples...]).sorted())
        }
        let grouping = config.parsedGrouping
        let kept = grouping.kept(classes: config.classes)
        let keep = { (c: Int) in kept.contains(c) }
        func drawn(_ part: LabelledSamples, _ count: Int, _ name: String) throws -> LabelledSamples {
            let part = part.relabelled { keep($0) ? $0 : nil }
            guard count > 0 else { return part }
            try ConfigError.require(count <= part.count, field + name, count, "0 (all) … \(part.count) (the samples of the kept classes)")
            var stream = key.child(name).stream
            return part.subset(GradientDescent.sampleWithoutReplacement(count, of: part.count, &stream))
        }
        let trainPart = try drawn(train, config.trainSamples, "trainSamples")
        let testPart = try drawn(test!, splitHere ? 0 : config.testSamples, "testSamples")
        func labelled(_ part: LabelledSamples) -> Dataset {
            let index = part.labels.map { kept.firstIndex(of: $0)! }
            return Dataset(inputs: part.inputs, labels: binary ? part.labels.map { grouping.sign(of: $0)! } : index, clusters: index)
        }
        self.train = labelled(trainPart)
        self.test = labelled(testPart)
        (self.trainSamples, self.testSamples, self.classes, self.fingerprint) = (trainPart, testPart, kept, fingerprint.value)
        let means = trainPart.relabelled { kept.firstIndex(of: $0) }.classMeans(classes: kept.count)
        classMeans = means
    }

    static func check(_ part: LabelledSamples, _ config: RealDataConfig, source: DataSource, field: String) throws {
        try ConfigError.require(part.dimension == config.dimension, field + "dimension", config.dimension,
                                "\(part.dimension) (the width of one sample of \(source))")
        if let bad = part.labels.max(), bad >= config.classes {
            throw ConfigError(field: field + "classes", value: "\(config.classes)", allowed: "≥ \(bad + 1) (\(source) has label \(bad))")
        }
    }
}

/// FNV-1a, 64 bits, over samples' values and labels (a fingerprint of file contents, not a
/// cryptographic hash).
public struct Fingerprint {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    public mutating func add(_ byte: UInt8) { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    /// Every byte of `text`'s UTF-8.
    public mutating func add(_ text: String) { for b in text.utf8 { add(b) } }
    public mutating func add(_ word: UInt64) { for b in 0..<8 { add(UInt8(truncatingIfNeeded: word >> (8 * b))) } }
    mutating func add(_ part: LabelledSamples) {
        switch part.values {
        case let .bytes(bytes, scale): for b in bytes { add(b) }; add(UInt64(scale))
        case let .doubles(values): for v in values { add(v.bitPattern) }
        }
        for label in part.labels { add(UInt64(label)) }
    }
}
