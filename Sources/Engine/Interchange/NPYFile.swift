import Foundation

extension NPY {
    /// Reads the .npy file at `path`; nil when it cannot be opened or read. Where the data bytes are
    /// the array's storage (`Header.isStorage`: what `encode` and `numpy.save` write for float64 and
    /// int64 in C order), they are read by the kernel straight into the array — no second buffer,
    /// no copy in memory; any other file is read whole and decoded (`decode`). Throws `FormatError`
    /// as `decode` does, for the same bytes.
    public static func read(path: String) throws -> Array? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        guard fseeko(file, 0, SEEK_END) == 0 else { return nil }
        let size = Int(ftello(file))
        guard size >= 0, fseeko(file, 0, SEEK_SET) == 0 else { return nil }
        // The header: the 10 or 12 bytes that give its length, then the rest of it.
        var prefix = [UInt8](repeating: 0, count: min(size, 12))
        guard fread(&prefix, 1, prefix.count, file) == prefix.count else { return nil }
        let end = NPY.headerExtent(prefix).map { min(size, $0.start + $0.length) } ?? prefix.count
        if end > prefix.count {
            var rest = [UInt8](repeating: 0, count: end - prefix.count)
            guard fread(&rest, 1, rest.count, file) == rest.count else { return nil }
            prefix += rest
        }
        let h = try header(prefix)
        guard h.isStorage, size - h.dataOffset == h.dataBytes else {
            guard let bytes = ExportedRun.contents(path) else { return nil }
            return try decode(bytes)
        }
        var complete = false
        let descriptor = fileno(file)
        func fill<T>(_ type: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: h.count) { buffer, initialized in
                complete = h.count == 0 || FileIO.read(descriptor, into: UnsafeMutableRawPointer(buffer.baseAddress!), count: h.dataBytes, at: h.dataOffset)
                initialized = complete ? h.count : 0
            }
        }
        let payload: Payload = h.type.float ? .float64(fill(Double.self)) : .int64(fill(Int64.self))
        return complete ? Array(shape: h.shape, payload: payload) : nil
    }
}
