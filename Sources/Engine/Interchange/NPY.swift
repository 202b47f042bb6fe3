/// NumPy's `.npy` format, version 1.0 (numpy.lib.format): the magic "\x93NUMPY", version 1.0, a
/// little-endian UInt16 header length, an ASCII Python dict header padded with spaces to a multiple
/// of 64 bytes and ending in "\n", then the raw data in C order. TheoryCheck writes `<f8` (float64)
/// and `<i8` (int64), the two types a researcher loads with `numpy.load`.
public enum NPY {
    public enum Payload: Equatable, Sendable {
        case float64([Double])
        case int64([Int64])
    }

    public struct Array: Equatable, Sendable {
        public let shape: [Int]
        public let payload: Payload

        public init(shape: [Int], payload: Payload) {
            self.shape = shape
            self.payload = payload
        }

        public init(_ m: Matrix) { self.init(shape: [m.rows, m.columns], payload: .float64(m.storage)) }
        public init(vector: [Double]) { self.init(shape: [vector.count], payload: .float64(vector)) }
        public init(labels: [Int]) { self.init(shape: [labels.count], payload: .int64(labels.map(Int64.init))) }

        public var doubles: [Double]? { if case let .float64(v) = payload { return v } else { return nil } }
        public var integers: [Int64]? { if case let .int64(v) = payload { return v } else { return nil } }
    }

    public struct FormatError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "not a supported .npy file: \(reason)" }
    }

    /// The file's bytes (header and data) in memory; `encode(_:into:)` streams them instead.
    public static func encode(_ array: Array) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + 8 * array.shape.reduce(1, *))
        encode(array) { bytes += $0 }
        return bytes
    }

    /// Hands the file's bytes to `sink` in pieces — the header, then the data at most 64 KiB at a
    /// time, little-endian (the storage's own bytes on a little-endian machine) — so an export never
    /// holds a second copy of a large array (fa-paper's X is 24.6 MB).
    public static func encode(_ array: Array, into sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let descr: String
        switch array.payload {
        case .float64: descr = "<f8"
        case .int64: descr = "<i8"
        }
        let shape = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = 10 + header.utf8.count + 1  // magic(6) + version(2) + length(2) + header + "\n"
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(header.utf8.count)
        let head: [UInt8] = [0x93] + Swift.Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Swift.Array(header.utf8)
        try head.withUnsafeBytes(sink)
        let words: [UInt64]
        switch array.payload {
        case let .float64(values):
            guard 1.littleEndian != 1 else { return try values.withUnsafeBytes { try pieces($0, sink) } }
            words = values.map { $0.bitPattern.littleEndian }
        case let .int64(values):
            guard 1.littleEndian != 1 else { return try values.withUnsafeBytes { try pieces($0, sink) } }
            words = values.map { UInt64(bitPattern: $0).littleEndian }
        }
        try words.withUnsafeBytes { try pieces($0, sink) }
    }

    static func pieces(_ bytes: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 65536)
            try sink(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            start = end
        }
    }

    /// Reads what `encode` writes (version 1.0, `<f8` or `<i8`, C order).
    public static func decode(_ bytes: [UInt8]) throws -> Array {
        guard bytes.count >= 10, bytes[0] == 0x93, Swift.Array(bytes[1..<6]) == Swift.Array("NUMPY".utf8) else {
            throw FormatError(reason: "missing magic string")
        }
        guard bytes[6] == 1 else { throw FormatError(reason: "version \(bytes[6]).\(bytes[7]) (only 1.0)") }
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        guard bytes.count >= 10 + length else { throw FormatError(reason: "truncated header") }
        let header = String(decoding: bytes[10..<(10 + length)], as: UTF8.self)
        guard header.contains("'fortran_order': False") else { throw FormatError(reason: "Fortran order") }
        guard let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else {
            throw FormatError(reason: "no shape")
        }
        let shape = header[header.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: " "))
        }
        let count = shape.reduce(1, *)
        let body = bytes[(10 + length)...]
        guard body.count == 8 * count else { throw FormatError(reason: "\(body.count) data bytes for \(count) entries") }
        func word(_ t: Int) -> UInt64 {
            var w: UInt64 = 0
            for b in 0..<8 { w |= UInt64(body[body.startIndex + 8 * t + b]) << (8 * b) }
            return w
        }
        if header.contains("'descr': '<f8'") {
            return Array(shape: shape, payload: .float64((0..<count).map { Double(bitPattern: word($0)) }))
        }
        if header.contains("'descr': '<i8'") {
            return Array(shape: shape, payload: .int64((0..<count).map { Int64(bitPattern: word($0)) }))
        }
        throw FormatError(reason: "dtype (only <f8 and <i8)")
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
