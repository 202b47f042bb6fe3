/// The UCI optical digits as scikit-learn ships them (`digits.csv.gz`): one image per line, 64 pixel
/// values 0 … 16 (8×8, row-major) and the label 0 … 9, comma-separated.
public enum DigitsCSV {
    public static let dimension = 64
    /// Pixel values are 0 … 16: the exact scale to [0, 1] is 1/16.
    public static let scale = 16

    public static func parse(_ bytes: [UInt8], file: String, decompressed: Bool) throws -> LabelledSamples {
        var pixels: [UInt8] = [], labels: [Int] = []
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = bytes[lineStart..<lineEnd].filter { $0 != UInt8(ascii: "\r") }
            defer { lineStart = lineEnd + 1 }
            if line.isEmpty { continue }
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { Int(String(decoding: $0, as: UTF8.self)) }
            func fail(_ expected: String, _ found: String) -> DataFileError {
                DataFileError(file: file, offset: lineStart, decompressed: decompressed, expected: expected, found: found)
            }
            guard fields.count == dimension + 1 else { throw fail("a line of 65 comma-separated integers (64 pixels, label)", "\(fields.count) fields") }
            guard let values = fields.reduce([Int]?([]), { acc, v in v.flatMap { v in acc.map { $0 + [v] } } }) else {
                throw fail("integers", String(decoding: line, as: UTF8.self))
            }
            guard values.dropLast().allSatisfy({ (0...scale).contains($0) }) else { throw fail("pixels 0 … 16", values.dropLast().map(String.init).joined(separator: ",")) }
            guard (0...9).contains(values[dimension]) else { throw fail("a label 0 … 9", "\(values[dimension])") }
            pixels += values.dropLast().map { UInt8($0) }
            labels.append(values[dimension])
        }
        guard !labels.isEmpty else { throw DataFileError(file: file, offset: 0, decompressed: decompressed, expected: "at least one line", found: "an empty file") }
        return LabelledSamples(dimension: dimension, values: .bytes(pixels, scale: scale), labels: labels)
    }
}
