import CZlib

/// gzip (RFC 1952) decompression by zlib, for data files shipped as `.gz` (MNIST's IDX files, the
/// digits CSV). Multi-member streams are concatenated, as `gunzip` does.
public enum Gzip {
    /// Whether `bytes` start with the gzip magic 1f 8b.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed content of a gzip stream. A corrupt or truncated stream throws a
    /// `DataFileError` naming `file` and the compressed byte offset where zlib stopped.
    public static func decompress(_ bytes: [UInt8], file: String) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 4)
        var consumed = 0
        try bytes.withUnsafeBufferPointer { input in
            while consumed < input.count {
                var stream = z_stream()
                guard tc_inflate_init_gzip(&stream) == Z_OK else {
                    throw DataFileError(file: file, offset: consumed, expected: "a gzip stream", found: "zlib could not start")
                }
                defer { inflateEnd(&stream) }
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.avail_in = UInt32(input.count - consumed)
                let status = pump(&stream, into: &output) { inflate(&$0, Z_NO_FLUSH) }
                let offset = consumed + Int(stream.total_in)
                switch status {
                case Z_STREAM_END:
                    consumed = offset
                case Z_BUF_ERROR:
                    throw DataFileError(file: file, offset: offset, expected: "more gzip data (the stream ends before its trailer)", found: "end of file")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw DataFileError(file: file, offset: offset, expected: "a valid gzip stream", found: message)
                }
                // Trailing zero padding after the last member is allowed (as gunzip allows it).
                if input[consumed...].allSatisfy({ $0 == 0 }) { break }
            }
        }
        return output
    }

    /// `bytes` as one gzip member (zlib level 6), for writing small data files (tests, examples).
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(tc_deflate_init_gzip(&stream) == Z_OK, "zlib deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var input = bytes
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            let status = pump(&stream, into: &output) { deflate(&$0, Z_FINISH) }
            precondition(status == Z_STREAM_END, "zlib deflate failed: \(status)")
        }
        return output
    }

    /// Runs `step` (one `inflate` or `deflate` call) into 64 KiB chunks appended to `output` while
    /// it returns Z_OK; returns the first other status (Z_STREAM_END when the stream is complete).
    static func pump(_ stream: inout z_stream, into output: inout [UInt8], _ step: (inout z_stream) -> Int32) -> Int32 {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status = Z_OK
        while status == Z_OK {
            let before = stream.total_out
            status = chunk.withUnsafeMutableBufferPointer { out in
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return step(&stream)
            }
            output += chunk[0..<Int(stream.total_out - before)]
        }
        return status
    }
}
