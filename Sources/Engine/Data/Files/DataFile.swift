import Foundation

/// Reading a data file whole, gunzipped when it is gzip-compressed (by its magic bytes, whatever its
/// name), with errors that name the file.
public enum DataFile {
    /// The file's content and whether it was decompressed.
    public static func read(_ path: String) throws -> (bytes: [UInt8], decompressed: Bool) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw DataFileError(file: path, offset: 0, expected: "a readable file", found: isDirectory.boolValue ? "a directory" : "no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError(file: path, offset: 0, expected: "a readable file", found: "permission denied or unreadable")
        }
        let bytes = [UInt8](data)
        return Gzip.isCompressed(bytes) ? (try Gzip.decompress(bytes, file: path), true) : (bytes, false)
    }

    /// The one file in `directory` whose name contains every one of `parts` (e.g. "train",
    /// "images"), preferring the uncompressed one when both `x` and `x.gz` exist.
    static func find(in directory: String, containing parts: [String], describe: String) throws -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let matches = names.filter { name in parts.allSatisfy { name.lowercased().contains($0) } }.sorted()
        let preferred = matches.filter { !$0.hasSuffix(".gz") }.first ?? matches.first
        guard let name = preferred, Set(matches.map { $0.hasSuffix(".gz") ? String($0.dropLast(3)) : $0 }).count == 1 else {
            throw DataFileError(file: directory, offset: 0, expected: "one file \(describe) in the directory",
                                found: matches.isEmpty ? (names.isEmpty ? "no readable directory or no files" : "none") : matches.joined(separator: ", "))
        }
        return directory + "/" + name
    }
}
