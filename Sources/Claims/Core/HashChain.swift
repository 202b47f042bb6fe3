import Foundation
import Engine

/// An append-only log of JSON lines, each entry chained to the one before by SHA-256 (the protocol
/// registry, the verdict history): entry i holds its index, the previous entry's hash (64 zeros for
/// the first) and its own hash — SHA-256 of the previous hash and its canonical text without the
/// hash — so that an edited, removed or reordered line breaks the chain.
public protocol Chained: Codable, Sendable {
    var index: Int { get set }
    var previous: String { get set }
    var hash: String { get set }
}

public enum HashChain {
    public struct Broken: Error, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let reason: String
        public var description: String { "\(file), line \(line): \(reason) — the file is append-only; restore it from git" }
    }

    public static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 of `entry.previous` and the entry's canonical text with an empty hash.
    public static func hash<Entry: Chained>(_ entry: Entry) -> String {
        var copy = entry
        copy.hash = ""
        return SHA256.hex(entry.previous + ClaimProtocol.canonical(copy))
    }

    /// `entry` linked after `entries`: its index, link and hash set.
    public static func appending<Entry: Chained>(_ entry: Entry, to entries: [Entry]) -> Entry {
        var linked = entry
        linked.index = entries.count
        linked.previous = entries.last?.hash ?? genesis
        linked.hash = hash(linked)
        return linked
    }

    /// Throws `Broken` at the first entry whose index, link or hash is wrong.
    public static func verify<Entry: Chained>(_ entries: [Entry], file: String) throws {
        var previous = genesis
        for (i, entry) in entries.enumerated() {
            guard entry.index == i else { throw Broken(file: file, line: i + 1, reason: "index \(entry.index), expected \(i)") }
            guard entry.previous == previous else { throw Broken(file: file, line: i + 1, reason: "its link does not match the previous entry's hash") }
            guard entry.hash == hash(entry) else { throw Broken(file: file, line: i + 1, reason: "its hash does not match its content") }
            previous = entry.hash
        }
    }

    /// The entries of the JSON-lines file at `url` (none when it does not exist).
    public static func read<Entry: Chained>(_ type: Entry.Type, from url: URL) throws -> [Entry] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        return try lines.enumerated().map { i, line in
            do { return try decoder.decode(Entry.self, from: Data(line.utf8)) } catch {
                throw Broken(file: url.lastPathComponent, line: i + 1, reason: "unreadable entry (\(error))")
            }
        }
    }

    /// The entries as JSON lines, one canonical entry per line.
    public static func text<Entry: Chained>(_ entries: [Entry]) -> String {
        entries.map(ClaimProtocol.canonical).joined(separator: "\n") + (entries.isEmpty ? "" : "\n")
    }

    /// Writes `entries` to `url` atomically (the directory is created if needed).
    public static func write<Entry: Chained>(_ entries: [Entry], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(Data(text(entries).utf8), to: url)
    }
}
