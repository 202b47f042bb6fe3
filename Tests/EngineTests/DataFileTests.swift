import Exact
import Foundation
import Testing
@testable import Engine

/// The real-data loaders on files the tests write themselves (big-endian IDX headers, gzip, CIFAR
/// records, .npy pairs, the digits CSV) and on broken copies of them: every bad file is a
/// `DataFileError` naming the file, the byte offset and what was expected there.
@Suite("Data files")
struct DataFileTests {
    /// A fresh directory with `files` written into it.
    static func directory(_ files: [String: [UInt8]]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("theorycheck-data-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, bytes) in files { try Data(bytes).write(to: url.appendingPathComponent(name)) }
        return url.path
    }

    /// n images of 2×3 pixels with pixel (i, j) = 10·i + j and label i mod 10.
    static func mnistFiles(n: Int, gz: Bool) -> [String: [UInt8]] {
        let pixels = (0..<n).flatMap { i in (0..<6).map { UInt8((10 * i + $0) % 256) } }
        let labels = (0..<n).map { UInt8($0 % 10) }
        let images = IDX.encode(shape: [n, 2, 3], bytes: pixels), labelFile = IDX.encode(shape: [n], bytes: labels)
        let suffix = gz ? ".gz" : ""
        return ["train-images-idx3-ubyte" + suffix: gz ? Gzip.compress(images) : images,
                "train-labels-idx1-ubyte" + suffix: gz ? Gzip.compress(labelFile) : labelFile,
                "t10k-images-idx3-ubyte" + suffix: gz ? Gzip.compress(images) : images,
                "t10k-labels-idx1-ubyte" + suffix: gz ? Gzip.compress(labelFile) : labelFile]
    }

    /// The error `body` throws, which must be a `DataFileError`.
    static func dataFileError(_ body: () throws -> Void) -> DataFileError? {
        do { try body() } catch let error as DataFileError { return error } catch { Issue.record("not a DataFileError: \(error)") }
        return nil
    }

    @Test func gzipRoundTripAndItsErrors() throws {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let gz = Gzip.compress(bytes)
        #expect(Gzip.isCompressed(gz) && !Gzip.isCompressed(bytes))
        #expect(try Gzip.decompress(gz, file: "x.gz") == bytes)
        #expect(try Gzip.decompress(gz + Gzip.compress([1, 2, 3]), file: "x.gz") == bytes + [1, 2, 3])  // two members, as gunzip
        let truncated = Self.dataFileError { _ = try Gzip.decompress(Array(gz.prefix(gz.count / 2)), file: "half.gz") }
        #expect(truncated?.file == "half.gz" && truncated?.found == "end of file")
        var corrupt = gz
        corrupt[3] = 0xFF  // reserved flag bits set
        #expect(Self.dataFileError { _ = try Gzip.decompress(corrupt, file: "bad.gz") }?.offset ?? -1 >= 0)
    }

    @Test(arguments: [false, true]) func mnistDirectoryPlainAndGzip(gz: Bool) throws {
        let dir = try Self.directory(Self.mnistFiles(n: 25, gz: gz))
        let (train, test) = try DataSource(parsing: "mnist:" + dir, field: "--data").load()
        #expect(train.count == 25 && test?.count == 25 && train.dimension == 6)
        #expect(train.labels == (0..<25).map { $0 % 10 })
        guard case let .bytes(bytes, scale) = train.values else { Issue.record("bytes expected"); return }
        #expect(scale == 255 && bytes[6 * 3 + 4] == 34)
        #expect(train.inputs[3, 4] == 34.0 / 255)
        #expect(try train.exact(3, 4) == (try Rational(34, 255)))  // exact, not the rounded 34/255
    }

    @Test func idxErrorsNameFileOffsetAndExpectation() throws {
        let good = IDX.encode(shape: [4, 2, 3], bytes: [UInt8](repeating: 7, count: 24))
        var magic = good
        magic[1] = 8
        let e1 = Self.dataFileError { _ = try IDX.parse(magic, dimensions: 3, file: "f", decompressed: false) }
        #expect(e1 == DataFileError(file: "f", offset: 0, expected: "the IDX magic number 0x00 0x00", found: "0x0 0x8"))
        var type = good
        type[2] = 0x0D
        #expect(Self.dataFileError { _ = try IDX.parse(type, dimensions: 3, file: "f", decompressed: false) }?.offset == 2)
        let short = Self.dataFileError { _ = try IDX.parse(Array(good.dropLast(5)), dimensions: 3, file: "f", decompressed: true) }
        #expect(short?.offset == 35 && short?.decompressed == true && short?.found == "19 bytes (truncated)")
        #expect(Self.dataFileError { _ = try IDX.parse(good, dimensions: 1, file: "f", decompressed: false) }?.offset == 3)
        // Labels for fewer images than the image file has: the label file is named.
        var files = Self.mnistFiles(n: 12, gz: false)
        files["train-labels-idx1-ubyte"] = IDX.encode(shape: [11], bytes: [UInt8](repeating: 1, count: 11))
        let dir = try Self.directory(files)
        let mismatch = Self.dataFileError { _ = try DataSource(parsing: "mnist:" + dir, field: "--data").load() }
        #expect(mismatch?.file == dir + "/train-labels-idx1-ubyte" && mismatch?.found == "11")
        // A truncated .gz names the compressed file.
        var broken = Self.mnistFiles(n: 12, gz: true)
        broken["t10k-images-idx3-ubyte.gz"] = Array(broken["t10k-images-idx3-ubyte.gz"]!.dropLast(12))
        let brokenDir = try Self.directory(broken)
        #expect(Self.dataFileError { _ = try DataSource(parsing: "mnist:" + brokenDir, field: "--data").load() }?.file
                == brokenDir + "/t10k-images-idx3-ubyte.gz")
        #expect(Self.dataFileError { _ = try DataSource(parsing: "mnist:/nonexistent-theorycheck", field: "--data").load() } != nil)
    }

    @Test func cifarRecordsAndErrors() throws {
        func records(_ labels: [UInt8], prefix: [UInt8] = []) -> [UInt8] {
            labels.enumerated().flatMap { i, label in prefix + [label] + (0..<3072).map { UInt8(truncatingIfNeeded: i + $0) } }
        }
        let batch = records([3, 9, 0])
        let parsed = try CIFAR.parse(batch, .cifar10, file: "b", decompressed: false)
        #expect(parsed.labels == [3, 9, 0] && parsed.dimension == 3072)
        guard case let .bytes(bytes, _) = parsed.values else { Issue.record("bytes expected"); return }
        #expect(bytes[3072 + 5] == 6)
        #expect(try CIFAR.parse(records([17, 99], prefix: [2]), .cifar100, file: "b", decompressed: false).labels == [17, 99])
        let label = Self.dataFileError { _ = try CIFAR.parse(records([3, 10]), .cifar10, file: "b", decompressed: false) }
        #expect(label == DataFileError(file: "b", offset: 3073, expected: "a label 0 … 9", found: "10"))
        let cut = Self.dataFileError { _ = try CIFAR.parse(Array(batch.dropLast(1)), .cifar10, file: "b", decompressed: false) }
        #expect(cut?.offset == 2 * 3073 && cut?.found == "3072 trailing bytes (truncated record)")
        let dir = try Self.directory(Dictionary(uniqueKeysWithValues: (1...5).map { ("data_batch_\($0).bin", records([UInt8($0)])) } + [("test_batch.bin", batch)]))
        let (train, test) = try DataSource(parsing: "cifar10:" + dir, field: "--data").load()
        #expect(train.labels == [1, 2, 3, 4, 5] && test?.labels == [3, 9, 0])
    }

    @Test func npyPairsOfAnyNumericTypeAndTheirErrors() throws {
        // X as float32 written by hand (numpy's header for '<f4'), y as int64 by NPY.encode.
        func float32(_ rows: Int, _ cols: Int, _ values: [Float]) -> [UInt8] {
            var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(cols)), }"
            header += String(repeating: " ", count: (64 - (11 + header.utf8.count) % 64) % 64) + "\n"
            let n = header.utf8.count
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8)
                + values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
        }
        let x = float32(3, 2, [0.5, -1, 2.25, 3, 1e-3, 0])
        let y = NPY.encode(NPY.Array(labels: [0, 2, 1]))
        let dir = try Self.directory(["X_train.npy": x, "y_train.npy": y])
        let (train, test) = try DataSource(parsing: "npy:" + dir, field: "--data").load()
        #expect(test == nil && train.labels == [0, 2, 1] && train.dimension == 2)
        #expect(train.inputs.storage == [0.5, -1, 2.25, 3, Double(Float(1e-3)), 0])
        let mismatch = try Self.directory(["X_train.npy": x, "y_train.npy": NPY.encode(NPY.Array(labels: [0, 1]))])
        let e = Self.dataFileError { _ = try DataSource(parsing: "npy:" + mismatch, field: "--data").load() }
        #expect(e?.file == mismatch + "/y_train.npy" && e?.expected.hasPrefix("3 integer labels") == true)
        let truncated = try Self.directory(["X_train.npy": Array(x.dropLast(3)), "y_train.npy": y])
        let t = Self.dataFileError { _ = try DataSource(parsing: "npy:" + truncated, field: "--data").load() }
        #expect(t?.file == truncated + "/X_train.npy" && t?.offset == x.count - 24 && t?.found == "21")
        let floatsAsLabels = try Self.directory(["X_train.npy": x, "y_train.npy": NPY.encode(NPY.Array(vector: [0, 1, 1]))])
        #expect(Self.dataFileError { _ = try DataSource(parsing: "npy:" + floatsAsLabels, field: "--data").load() }?.found == "shape [3] of floats")
    }

    @Test func shippedDigits() throws {
        let (digits, test) = try DataSource(parsing: "digits", field: "--data").load()
        #expect(test == nil && digits.count == 1797 && digits.dimension == 64)
        #expect(Set(digits.labels) == Set(0...9))
        guard case let .bytes(pixels, scale) = digits.values else { Issue.record("bytes expected"); return }
        #expect(scale == 16 && pixels.max() == 16 && pixels.min() == 0)
        // A broken line names its offset: the second line cut to 64 fields.
        let csv = "0,1,2" + String(repeating: ",0", count: 61) + ",7\n" + "1" + String(repeating: ",0", count: 63) + "\n"
        let e = Self.dataFileError { _ = try DigitsCSV.parse(Array(csv.utf8), file: "d.csv", decompressed: false) }
        #expect(e?.offset == Array(csv.utf8).firstIndex(of: UInt8(ascii: "\n"))! + 1 && e?.found == "64 fields")
    }

    @Test func groupingsAndTheirErrors() throws {
        let halves = try ClassGrouping(parsing: "0-4/5-9", classes: 10, field: "g")
        #expect((0..<10).map { halves.sign(of: $0)! } == [1, 1, 1, 1, 1, -1, -1, -1, -1, -1])
        let pair = try ClassGrouping(parsing: "3/8", classes: 10, field: "g")
        #expect(pair.kept(classes: 10) == [3, 8] && pair.sign(of: 4) == nil)
        #expect(try ClassGrouping(parsing: "parity", classes: 10, field: "g").sign(of: 7) == -1)
        for bad in ["0-4", "0-4/4-9", "0-10/1", "a/b", "5-3/1", "/1"] {
            #expect(throws: ConfigError.self) { _ = try ClassGrouping(parsing: bad, classes: 10, field: "g") }
        }
    }

    @Test func loadedDigitsSplitBySeedAndLabelledForTheTask() throws {
        let config = RealDataConfig(trainSamples: 300, testSamples: 200)
        let a = try LoadedData(config, binary: true, key: PRNGKey(seed: 1).child("data"))
        let again = try LoadedData(config, binary: true, key: PRNGKey(seed: 1).child("data"))
        let other = try LoadedData(config, binary: true, key: PRNGKey(seed: 2).child("data"))
        #expect(a.train == again.train && a.test == again.test && a.train != other.train)
        #expect(a.train.count == 300 && a.test.count == 200 && a.train.inputs.columns == 64)
        #expect(zip(a.train.labels, a.train.clusters).allSatisfy { $0 == ($1 < 5 ? 1 : -1) })
        // The split is disjoint: no test image's bytes and position are also a training image's.
        let all = try LoadedData(RealDataConfig(testSamples: 597), binary: false, key: PRNGKey(seed: 1).child("data"))
        #expect(all.train.count + all.test.count == 1797 && all.train.labels == all.train.clusters)
        #expect(all.classMeans.rows == 10 && abs(all.classMeans[0, 0]) < 1e-12)  // the corner pixel of a 0 is blank
        let pair = try LoadedData(RealDataConfig(grouping: "3/8", testSamples: 597), binary: false, key: PRNGKey(seed: 1).child("data"))
        #expect(Set(pair.train.labels) == [0, 1] && pair.classes == [3, 8])
        #expect(throws: ConfigError.self) { _ = try LoadedData(RealDataConfig(testSamples: 1797), binary: true, key: PRNGKey(seed: 1)) }
        #expect(throws: ConfigError.self) { _ = try LoadedData(RealDataConfig(dimension: 65), binary: true, key: PRNGKey(seed: 1)) }
        #expect(throws: ConfigError.self) { _ = try LoadedData(RealDataConfig(trainSamples: 5000), binary: true, key: PRNGKey(seed: 1)) }
    }
}

/// Networks trained elsewhere, as .npy files: a dense k × m head is represented exactly, Fortran-
/// ordered arrays (what numpy.save writes for a transpose) read in C order, and every shape mismatch
/// names its file.
@Suite("Outside networks")
struct ExternalNetworkTests {
    /// A .npy file of float64 values in Fortran (column-major) order, as numpy.save writes `a.T`.
    static func fortran(_ rows: Int, _ cols: Int, _ columnMajor: [Double]) -> [UInt8] {
        var header = "{'descr': '<f8', 'fortran_order': True, 'shape': (\(rows), \(cols)), }"
        header += String(repeating: " ", count: (64 - (11 + header.utf8.count) % 64) % 64) + "\n"
        let n = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8)
            + columnMajor.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
    }

    @Test func fortranOrderIsReadInCOrder() throws {
        // [[1, 2, 3], [4, 5, 6]] stored column by column.
        let a = try NPY.decode(Self.fortran(2, 3, [1, 4, 2, 5, 3, 6]))
        #expect(a.shape == [2, 3] && a.doubles == [1, 2, 3, 4, 5, 6])
    }

    @Test func denseHeadIsRepresentedExactly() throws {
        var stream = PRNGKey(seed: 5).stream
        let (m, d, k) = (7, 5, 3)
        let w = (0..<(m * d)).map { _ in stream.gaussian() }, b = (0..<m).map { _ in stream.gaussian() }
        var head = (0..<(k * m)).map { _ in stream.gaussian() }
        head[2] = 0  // a neuron that does not feed output 0
        let dir = try DataFileTests.directory(["W.npy": NPY.encode(NPY.Array(shape: [m, d], payload: .float64(w))),
                                               "b.npy": NPY.encode(NPY.Array(vector: b)),
                                               "a.npy": NPY.encode(NPY.Array(shape: [k, m], payload: .float64(head)))])
        let net = try ExternalNetwork.load(dir, inputDimension: d)
        #expect(net.outputs == k && net.neurons == k * m - 1)
        let x = Matrix(rows: 4, columns: d, storage: (0..<(4 * d)).map { _ in stream.gaussian() })
        let logits = net.logits(x, .serial)
        for i in 0..<4 {
            for j in 0..<k {
                let direct = (0..<m).reduce(0.0) { sum, r in
                    sum + head[j * m + r] * max(0, (0..<d).reduce(b[r]) { $0 + w[r * d + $1] * x[i, $1] })
                }
                #expect(abs(logits[i, j] - direct) <= 1e-12 * max(1, abs(direct)))
            }
        }
        // Shape errors name the file and the shape expected.
        let badHead = try DataFileTests.directory(["W.npy": NPY.encode(NPY.Array(shape: [m, d], payload: .float64(w))),
                                                   "a.npy": NPY.encode(NPY.Array(vector: [1, 2]))])
        let e = DataFileTests.dataFileError { _ = try ExternalNetwork.load(badHead, inputDimension: d) }
        #expect(e?.file == badHead + "/a.npy" && e?.found == "shape (2)")
        let wide = DataFileTests.dataFileError { _ = try ExternalNetwork.load(dir, inputDimension: d + 1) }
        #expect(wide?.file == dir + "/W.npy" && wide?.expected.contains("m × \(d + 1)") == true)
    }
}

@Suite("Feature coefficients")
struct FeatureCoefficientTests {
    /// Neurons built as known combinations of the features (plus a part orthogonal to them) give
    /// those coefficients back.
    @Test func recoversTheCombination() throws {
        var stream = PRNGKey(seed: 9).stream
        let features = Matrix(rows: 3, columns: 8, storage: (0..<24).map { _ in stream.gaussian() })
        let lambda = Matrix(rows: 5, columns: 3, storage: (0..<15).map { _ in stream.gaussian() })
        var weights = Matrix(rows: 5, columns: 8)
        for r in 0..<5 { for t in 0..<8 { weights[r, t] = (0..<3).reduce(0.0) { $0 + lambda[r, $1] * features[$1, t] } } }
        let recovered = try Probes.featureCoefficients(weights, features)
        #expect(zip(recovered.storage, lambda.storage).allSatisfy { abs($0 - $1) <= 1e-10 * max(1, abs($1)) })
    }
}
