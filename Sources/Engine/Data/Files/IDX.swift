/// The IDX format of MNIST, Fashion-MNIST and EMNIST (LeCun et al.): two zero bytes, a type code
/// (0x08: unsigned byte — the only type those sets use), the number of dimensions, each dimension as
/// a big-endian UInt32, then the data in row-major order.
public enum IDX {
    public struct Array: Equatable, Sendable {
        public let shape: [Int]
        public let bytes: [UInt8]
    }

    /// Parses `bytes` (already decompressed) as an unsigned-byte IDX array with `dimensions`
    /// dimensions; errors name `file`, the byte offset and what was expected there.
    public static func parse(_ bytes: [UInt8], dimensions: Int, file: String, decompressed: Bool) throws -> Array {
        func fail(_ offset: Int, _ expected: String, _ found: String) -> DataFileError {
            DataFileError(file: file, offset: offset, decompressed: decompressed, expected: expected, found: found)
        }
        func hex(_ range: Range<Int>) -> String {
            range.clamped(to: 0..<bytes.count).map { "0x" + String(bytes[$0], radix: 16, uppercase: true) }.joined(separator: " ")
        }
        guard bytes.count >= 4 else { throw fail(bytes.count, "a 4-byte IDX magic number", "end of file") }
        guard bytes[0] == 0, bytes[1] == 0 else { throw fail(0, "the IDX magic number 0x00 0x00", hex(0..<2)) }
        guard bytes[2] == 0x08 else { throw fail(2, "IDX type 0x08 (unsigned byte)", hex(2..<3)) }
        guard Int(bytes[3]) == dimensions else { throw fail(3, "\(dimensions) dimensions", "\(bytes[3])") }
        let start = 4 + 4 * dimensions
        guard bytes.count >= start else { throw fail(bytes.count, "\(dimensions) big-endian UInt32 dimensions", "end of file") }
        let shape = (0..<dimensions).map { t in (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * t + $1]) } }
        let count = shape.reduce(1, *)
        guard bytes.count - start == count else {
            let found = bytes.count - start < count ? "\(bytes.count - start) bytes (truncated)" : "\(bytes.count - start) bytes (trailing data)"
            throw fail(min(bytes.count, start + count), "\(count) data bytes for shape \(shape.map(String.init).joined(separator: "×"))", found)
        }
        return Array(shape: shape, bytes: Swift.Array(bytes[start...]))
    }

    /// The bytes of an unsigned-byte IDX file with this shape (big-endian header); for tests and
    /// for users who write small IDX files.
    public static func encode(shape: [Int], bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for n in shape { out += [UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] }
        return out + bytes
    }
}
