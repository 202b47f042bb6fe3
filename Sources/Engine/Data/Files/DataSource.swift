import Foundation

/// Where real data come from, written `KIND` or `KIND:PATH` (the CLI's `--data` and the config's
/// `data.source`):
/// - `digits` — the UCI optical digits shipped in `Data/digits/` (1,797 8×8 images, one set: split
///   by seed), or `digits:FILE` for another copy of that CSV;
/// - `mnist:DIR` — IDX files (MNIST, Fashion-MNIST, EMNIST; plain or .gz): the files whose names
///   contain train/images, train/labels, and t10k (or test)/images, labels;
/// - `cifar10:DIR` — `data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`;
/// - `cifar100:DIR` — `train.bin`, `test.bin` (fine labels);
/// - `npy:DIR` — `X_train.npy`, `y_train.npy` and optionally `X_test.npy`, `y_test.npy` (features
///   and integer labels, e.g. embeddings exported from a pretrained backbone, or a `train --out`
///   directory).
public enum DataSource: Equatable, Sendable, CustomStringConvertible {
    case digits(file: String?)
    case mnist(directory: String)
    case cifar10(directory: String)
    case cifar100(directory: String)
    case npy(directory: String)

    public static let spellings = "digits, digits:FILE, mnist:DIR, cifar10:DIR, cifar100:DIR, npy:DIR"

    public init(parsing text: String, field: String) throws {
        let kind = text.prefix { $0 != ":" }
        let path = text.count > kind.count ? String(text.dropFirst(kind.count + 1)) : nil
        func needPath() throws -> String {
            guard let path, !path.isEmpty else { throw ConfigError(field: field, value: text, allowed: "\(kind):PATH (\(Self.spellings))") }
            return path
        }
        switch kind {
        case "digits": self = .digits(file: path.flatMap { $0.isEmpty ? nil : $0 })
        case "mnist": self = .mnist(directory: try needPath())
        case "cifar10": self = .cifar10(directory: try needPath())
        case "cifar100": self = .cifar100(directory: try needPath())
        case "npy": self = .npy(directory: try needPath())
        default: throw ConfigError(field: field, value: text, allowed: Self.spellings)
        }
    }

    public var description: String {
        switch self {
        case let .digits(file): file.map { "digits:" + $0 } ?? "digits"
        case let .mnist(d): "mnist:" + d
        case let .cifar10(d): "cifar10:" + d
        case let .cifar100(d): "cifar100:" + d
        case let .npy(d): "npy:" + d
        }
    }

    /// The kind alone ("digits", "mnist", …), as reports name the data.
    public var kind: String { String(description.prefix { $0 != ":" }) }

    /// The shipped digits: `$THEORYCHECK_DATA/digits/digits.csv.gz`, else `Data/digits/` of the
    /// checkout this binary was built from.
    public static var shippedDigits: String {
        if let root = ProcessInfo.processInfo.environment["THEORYCHECK_DATA"], !root.isEmpty { return root + "/digits/digits.csv.gz" }
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return checkout.path + "/Data/digits/digits.csv.gz"
    }

    /// The training set and, where the source has one, the test set.
    public func load() throws -> (train: LabelledSamples, test: LabelledSamples?) {
        switch self {
        case let .digits(file):
            let path = file ?? Self.shippedDigits
            let (bytes, gz) = try DataFile.read(path)
            return (try DigitsCSV.parse(bytes, file: path, decompressed: gz), nil)
        case let .mnist(directory):
            func pair(_ split: [String], _ name: String) throws -> LabelledSamples {
                let imagesPath = try DataFile.find(in: directory, containing: split + ["images"], describe: "with '\(name)' and 'images' in its name")
                let labelsPath = try DataFile.find(in: directory, containing: split + ["labels"], describe: "with '\(name)' and 'labels' in its name")
                let (imageBytes, gzImages) = try DataFile.read(imagesPath), (labelBytes, gzLabels) = try DataFile.read(labelsPath)
                let images = try IDX.parse(imageBytes, dimensions: 3, file: imagesPath, decompressed: gzImages)
                let labels = try IDX.parse(labelBytes, dimensions: 1, file: labelsPath, decompressed: gzLabels)
                guard labels.shape[0] == images.shape[0] else {
                    throw DataFileError(file: labelsPath, offset: 4, decompressed: gzLabels, expected: "\(images.shape[0]) labels (as many as \(imagesPath) has images)",
                                        found: "\(labels.shape[0])")
                }
                return LabelledSamples(dimension: images.shape[1] * images.shape[2], values: .bytes(images.bytes, scale: 255), labels: labels.bytes.map(Int.init))
            }
            let testName = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).contains { $0.contains("t10k") } ? "t10k" : "test"
            return (try pair(["train"], "train"), try pair([testName], testName))
        case let .cifar10(directory):
            let train = try (1...5).map { try Self.cifar(directory + "/data_batch_\($0).bin", .cifar10) }
            return (Self.concatenated(train), try Self.cifar(directory + "/test_batch.bin", .cifar10))
        case let .cifar100(directory):
            return (try Self.cifar(directory + "/train.bin", .cifar100), try Self.cifar(directory + "/test.bin", .cifar100))
        case let .npy(directory):
            let test = FileManager.default.fileExists(atPath: directory + "/X_test.npy")
            return (try Self.npyPair(directory, "train"), test ? try Self.npyPair(directory, "test") : nil)
        }
    }

    static func cifar(_ path: String, _ variant: CIFAR.Variant) throws -> LabelledSamples {
        let (bytes, gz) = try DataFile.read(path)
        return try CIFAR.parse(bytes, variant, file: path, decompressed: gz)
    }

    static func concatenated(_ parts: [LabelledSamples]) -> LabelledSamples {
        var values = parts[0].values
        for part in parts.dropFirst() {
            if case let .bytes(a, s) = values, case let .bytes(b, _) = part.values { values = .bytes(a + b, scale: s) }
        }
        return LabelledSamples(dimension: parts[0].dimension, values: values, labels: parts.flatMap(\.labels))
    }

    /// X_split.npy (n × d, any numeric dtype) and y_split.npy (n integers ≥ 0).
    static func npyPair(_ directory: String, _ split: String) throws -> LabelledSamples {
        func array(_ name: String) throws -> (NPY.Array, String) {
            let path = directory + "/" + name
            let (bytes, _) = try DataFile.read(path)
            do { return (try NPY.decode(bytes), path) } catch let error as NPY.FormatError { throw error.naming(path) }
        }
        let (x, xPath) = try array("X_\(split).npy"), (y, yPath) = try array("y_\(split).npy")
        guard x.shape.count == 2 else {
            throw DataFileError(file: xPath, offset: 0, expected: "a 2-d array (samples × features)", found: "shape \(x.shape)")
        }
        guard y.shape.count == 1, y.shape[0] == x.shape[0], let labels = y.integers else {
            throw DataFileError(file: yPath, offset: 0, expected: "\(x.shape[0]) integer labels (shape (\(x.shape[0]),), as many as \(xPath) has rows)",
                                found: "shape \(y.shape)" + (y.integers == nil ? " of floats" : ""))
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 > 100_000 }) {
            throw DataFileError(file: yPath, offset: 0, expected: "class indices 0 … 100000 (binary labels are 0 / 1: map −1 to 0)", found: "\(labels[bad]) at index \(bad)")
        }
        let values = x.doubles ?? x.integers!.map(Double.init)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw DataFileError(file: xPath, offset: 0, expected: "finite features", found: "\(values[bad]) at row \(bad / x.shape[1]), column \(bad % x.shape[1])")
        }
        return LabelledSamples(dimension: x.shape[1], values: .doubles(values), labels: labels.map { Int($0) })
    }
}
