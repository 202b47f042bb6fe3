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

    /// A byte sequence that is not a supported .npy file: where reading stopped, what was expected
    /// there and what was found.
    public struct FormatError: Error, CustomStringConvertible {
        public let offset: Int
        public let expected: String
        public let found: String
        public var reason: String { "at byte offset \(offset): expected \(expected), found \(found)" }
        public var description: String { "not a supported .npy file: \(reason)" }

        /// The same error as a `DataFileError` naming `file`.
        public func naming(_ file: String) -> DataFileError { DataFileError(file: file, offset: offset, expected: expected, found: found) }
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
        try encodedHeader(array).withUnsafeBytes(sink)
        try withDataBytes(array) { try pieces($0, sink) }
    }

    /// The file's header: magic, version, length and the dictionary, padded to a multiple of 64.
    static func encodedHeader(_ array: Array) -> [UInt8] {
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
        return [0x93] + Swift.Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Swift.Array(header.utf8)
    }

    /// Calls `body` with the file's data bytes: the storage itself on a little-endian machine, else
    /// its little-endian copy.
    static func withDataBytes<R>(_ array: Array, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let words: [UInt64]
        switch array.payload {
        case let .float64(values):
            guard 1.littleEndian != 1 else { return try values.withUnsafeBytes(body) }
            words = values.map { $0.bitPattern.littleEndian }
        case let .int64(values):
            guard 1.littleEndian != 1 else { return try values.withUnsafeBytes(body) }
            words = values.map { UInt64(bitPattern: $0).littleEndian }
        }
        return try words.withUnsafeBytes(body)
    }

    static func pieces(_ bytes: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 65536)
            try sink(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            start = end
        }
    }

    /// The element types `decode` reads: little-endian (or single-byte) integers and IEEE floats.
    /// Floats become `.float64` (float32 → float64 is exact), integers `.int64`.
    static let elementTypes: [String: (size: Int, float: Bool)] = [
        "<f8": (8, true), "<f4": (4, true), "<i8": (8, false), "<i4": (4, false), "<i2": (2, false),
        "|i1": (1, false), "|u1": (1, false), "<u1": (1, false), "<u2": (2, false), "<u4": (4, false),
    ]

    /// A file's header: where the data start, their element type, shape and order.
    struct Header {
        let dataOffset: Int
        let descr: String
        let type: (size: Int, float: Bool)
        let shape: [Int]
        let fortran: Bool
        var count: Int { shape.reduce(1, *) }
        var dataBytes: Int { type.size * count }
        /// C order with 8-byte little-endian entries on a little-endian machine: the data bytes are
        /// the array's storage.
        var isStorage: Bool { !fortran && type.size == 8 && descr.hasPrefix("<") && 1.littleEndian == 1 }
    }

    /// Where the header text starts and its length in bytes, read from the file's first 10 or 12
    /// bytes; nil when they are not a .npy file's start (`header` says what is wrong).
    static func headerExtent(_ bytes: [UInt8]) -> (start: Int, length: Int)? {
        guard bytes.count >= 10, bytes[0] == 0x93, (1...3).contains(bytes[6]) else { return nil }
        let lengthBytes = bytes[6] == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { return nil }
        return (8 + lengthBytes, (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) })
    }

    /// The header of the file that begins with `bytes` (which must reach at least to the end of
    /// the header; the data may be absent).
    static func header(_ bytes: [UInt8]) throws -> Header {
        guard bytes.count >= 10, bytes[0] == 0x93, Swift.Array(bytes[1..<6]) == Swift.Array("NUMPY".utf8) else {
            throw FormatError(offset: 0, expected: "the magic string \\x93NUMPY", found: bytes.prefix(6).map { String($0, radix: 16) }.joined(separator: " "))
        }
        let major = bytes[6]
        guard (1...3).contains(major) else { throw FormatError(offset: 6, expected: "format version 1.0, 2.0 or 3.0", found: "\(major).\(bytes[7])") }
        guard let (start, length) = headerExtent(bytes) else { throw FormatError(offset: bytes.count, expected: "the header length", found: "end of file") }
        guard bytes.count >= start + length else {
            throw FormatError(offset: bytes.count, expected: "a header of \(length) bytes", found: "end of file")
        }
        let header = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
        let fortran = header.contains("'fortran_order': True")
        guard let descrRange = header.range(of: "'descr': '") else { throw FormatError(offset: start, expected: "a 'descr' entry", found: header) }
        let descr = String(header[descrRange.upperBound...].prefix { $0 != "'" })
        guard let type = elementTypes[descr] else {
            throw FormatError(offset: start, expected: "dtype " + elementTypes.keys.sorted().joined(separator: ", "), found: descr)
        }
        guard let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else {
            throw FormatError(offset: start, expected: "a 'shape' tuple", found: header)
        }
        let shape = header[header.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: " "))
        }
        return Header(dataOffset: start + length, descr: descr, type: type, shape: shape, fortran: fortran)
    }

    /// Reads a version 1.0, 2.0 or 3.0 file, C or Fortran order (returned in C order), whose dtype
    /// is one of `elementTypes` (what `encode` writes, and what `numpy.save` writes for those dtypes).
    public static func decode(_ bytes: [UInt8]) throws -> Array {
        let h = try header(bytes)
        let (type, shape, count, data, descr) = (h.type, h.shape, h.count, h.dataOffset, h.descr)
        guard bytes.count - data == h.dataBytes else {
            throw FormatError(offset: data, expected: "\(h.dataBytes) data bytes (\(count) entries of \(descr))", found: "\(bytes.count - data)")
        }
        func word(_ t: Int) -> UInt64 {
            var w: UInt64 = 0
            for b in 0..<type.size { w |= UInt64(bytes[data + type.size * t + b]) << (8 * b) }
            return w
        }
        let signed = descr.contains("i")
        func integer(_ t: Int) -> Int64 {
            let w = word(t), bits = 8 * type.size
            return signed && bits < 64 ? Int64(bitPattern: w << (64 - bits)) >> (64 - bits) : Int64(bitPattern: w)
        }
        // C order, 8-byte little-endian entries on a little-endian machine: the bytes are the array's.
        if h.isStorage {
            return bytes.withUnsafeBytes { raw in
                let source = UnsafeRawBufferPointer(rebasing: raw[data..<(data + 8 * count)])
                if type.float {
                    return Array(shape: shape, payload: .float64([Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                        initialized = count
                    }))
                }
                return Array(shape: shape, payload: .int64([Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                    initialized = count
                }))
            }
        }
        // Entry t of the C-order result is entry `stored(t)` of the file (column-major when Fortran).
        let stored = h.fortran ? columnMajorIndex(shape) : { $0 }
        if type.float {
            let values = type.size == 8 ? (0..<count).map { Double(bitPattern: word(stored($0))) } : (0..<count).map { Double(Float(bitPattern: UInt32(word(stored($0))))) }
            return Array(shape: shape, payload: .float64(values))
        }
        return Array(shape: shape, payload: .int64((0..<count).map { integer(stored($0)) }))
    }

    /// For the C-order (row-major) position t of an array of `shape`, its position in column-major
    /// order (NumPy's `fortran_order: True`, what `numpy.save` writes for a transposed array).
    static func columnMajorIndex(_ shape: [Int]) -> (Int) -> Int {
        { t in
            var rest = t, position = 0, stride = 1
            var index = [Int](repeating: 0, count: shape.count)
            for axis in shape.indices.reversed() { index[axis] = rest % shape[axis]; rest /= shape[axis] }
            for axis in shape.indices { position += index[axis] * stride; stride *= shape[axis] }
            return position
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
