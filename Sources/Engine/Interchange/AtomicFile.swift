import Foundation

/// One file written atomically: the bytes go to a temporary file beside the target (same directory,
/// so the same file system), which `rename(2)` then moves into place — a reader sees the old file
/// or the new one, never a part. (Foundation's own `.atomic` option on Linux stages through a
/// `TemporaryDirectory.*` under /tmp that it leaves behind.)
public enum AtomicFile {
    /// Writes `bytes` to `url`; on failure the temporary file is removed and the target untouched.
    public static func write(_ bytes: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try bytes.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }
}
