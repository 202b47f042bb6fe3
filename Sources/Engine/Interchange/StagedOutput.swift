import Foundation
import Synchronization

/// An output directory written atomically: files go to a staging directory beside the target
/// (same file system), and `commit` moves each into place with `rename(2)` — so a reader sees
/// each file either absent or complete, and a run that fails before `commit` leaves nothing behind.
public final class StagedOutput {
    public let target: URL
    let staging: URL
    private var committed = false

    /// Prepares the staging directory; throws `ConfigError` naming `--out` when the target's parent
    /// cannot be written or the target exists and is not a directory.
    public init(path: String) throws {
        let fm = FileManager.default
        target = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ConfigError(field: "--out", value: path, allowed: "a directory path (this is an existing file)")
        }
        let parent = target.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw ConfigError(field: "--out", value: path, allowed: "a writable location (\(parent.path) cannot be written: \(error.localizedDescription))")
        }
        StagedOutput.live.withLock { _ = $0.insert(staging.path) }
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(at: staging) }
        StagedOutput.live.withLock { _ = $0.remove(staging.path) }
    }

    /// The staging directories not yet committed or abandoned, for `removeAbandonedStaging`.
    static let live = Mutex<Set<String>>([])

    /// Removes every uncommitted staging directory: for an interrupted process (SIGINT/SIGTERM),
    /// whose objects are never deinitialised, so that nothing half-written is left behind.
    public static func removeAbandonedStaging() {
        for path in live.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Stages one file.
    public func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: staging.appendingPathComponent(name))
    }

    public func write(_ name: String, text: String) throws { try write(name, Array(text.utf8)) }

    /// Writes `array` as the .npy file `name`, streamed from its storage (`NPY.encode(_:into:)`).
    public func write(_ name: String, npy array: NPY.Array) throws {
        let path = staging.appendingPathComponent(name).path
        guard let file = fopen(path, "wb") else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        var failed = false
        NPY.encode(array) { piece in
            if !failed, fwrite(piece.baseAddress, 1, piece.count, file) != piece.count { failed = true }
        }
        if fclose(file) != 0 || failed { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// Stages `name` as a hard link to the file of that name staged in `other` (beside this one,
    /// so on the same file system); false, staging nothing, where the link cannot be made.
    public func link(_ name: String, to other: StagedOutput) -> Bool {
        Foundation.link(other.staging.appendingPathComponent(name).path, staging.appendingPathComponent(name).path) == 0
    }

    /// Moves every staged file into the target directory (created if needed), replacing files of
    /// the same name, then removes the staging directory.
    public func commit() throws {
        let fm = FileManager.default
        try fm.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: staging.path).sorted() {
            let from = staging.appendingPathComponent(name), to = target.appendingPathComponent(name)
            guard Foundation.rename(from.path, to.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: to.path])
            }
        }
        try fm.removeItem(at: staging)
        committed = true
        StagedOutput.live.withLock { _ = $0.remove(staging.path) }
    }
}
