/// The CIFAR-10 / CIFAR-100 binary batches (Krizhevsky 2009, "binary version"): records of the label
/// byte(s) — CIFAR-100: coarse then fine — followed by 3072 pixel bytes (1024 red, 1024 green,
/// 1024 blue, each 32×32 row-major). TheoryCheck keeps the channel-major pixel order of the file.
public enum CIFAR {
    public enum Variant: Sendable {
        case cifar10, cifar100
        var labelBytes: Int { self == .cifar10 ? 1 : 2 }
        public var classes: Int { self == .cifar10 ? 10 : 100 }
        var recordLength: Int { labelBytes + 3072 }
    }

    /// Parses one batch file; errors name `file` and the byte offset of the bad record.
    public static func parse(_ bytes: [UInt8], _ variant: Variant, file: String, decompressed: Bool) throws -> LabelledSamples {
        let length = variant.recordLength
        guard !bytes.isEmpty, bytes.count % length == 0 else {
            throw DataFileError(file: file, offset: bytes.count - bytes.count % length, decompressed: decompressed,
                                expected: "whole records of \(length) bytes (\(variant.labelBytes) label byte(s) + 3072 pixels)",
                                found: bytes.isEmpty ? "an empty file" : "\(bytes.count % length) trailing bytes (truncated record)")
        }
        let n = bytes.count / length
        var pixels = [UInt8](repeating: 0, count: n * 3072), labels = [Int](repeating: 0, count: n)
        for r in 0..<n {
            let at = r * length, label = Int(bytes[at + variant.labelBytes - 1])
            guard label < variant.classes else {
                throw DataFileError(file: file, offset: at + variant.labelBytes - 1, decompressed: decompressed,
                                    expected: "a label 0 … \(variant.classes - 1)", found: "\(label)")
            }
            labels[r] = label
            pixels.replaceSubrange((r * 3072)..<(r * 3072 + 3072), with: bytes[(at + variant.labelBytes)..<(at + length)])
        }
        return LabelledSamples(dimension: 3072, values: .bytes(pixels, scale: 255), labels: labels)
    }
}
