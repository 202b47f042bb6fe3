/// A data file that cannot be read as what it claims to be: names the file, the byte offset where
/// reading stopped (in the decompressed stream for a .gz file), what was expected there and what was
/// found. The CLI turns it into exit status 2 before anything is written.
public struct DataFileError: Error, Equatable, CustomStringConvertible, Sendable {
    public let file: String
    /// Byte offset into the file (into its decompressed content when `decompressed`).
    public let offset: Int
    public let decompressed: Bool
    public let expected: String
    public let found: String

    public init(file: String, offset: Int, decompressed: Bool = false, expected: String, found: String) {
        (self.file, self.offset, self.decompressed, self.expected, self.found) = (file, offset, decompressed, expected, found)
    }

    public var description: String {
        "bad data file \(file): at \(decompressed ? "decompressed " : "")byte offset \(offset): expected \(expected), found \(found)"
    }
}
