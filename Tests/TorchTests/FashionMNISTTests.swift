import Foundation
import Testing
import TorchCore
import TorchData
import TorchVision

/// The real Fashion-MNIST from Debian's `dataset-fashion-mnist` (FORMATS.md section 4), and
/// small IDX files written under temporary roots for layouts and damaged files.
@Suite struct FashionMNISTTests {
    /// Loaded once for every test here (decompressing 47 MB takes a moment in debug builds).
    static let train = Result { try FashionMNIST(root: FashionMNIST.defaultRoot, train: true) }
    static let test = Result { try FashionMNIST(root: FashionMNIST.defaultRoot, train: false) }

    /// The thrown ``DatasetError`` (nil when nothing, or something else, is thrown).
    func datasetError(_ body: () throws -> Any) -> DatasetError? {
        do { _ = try body() } catch let e as DatasetError { return e } catch { return nil }
        return nil
    }

    @Test func realDataHasTorchvisionsCountsAndLabels() throws {
        let train = try Self.train.get(), test = try Self.test.get()
        #expect(train.count == 60000)
        #expect(test.count == 10000)
        #expect(train.data.shape == [60000, 28, 28] && train.data.dtype == .uint8)
        #expect(train.targets.shape == [60000] && train.targets.dtype == .int64)
        expectEqual(train.targets.bincount(), Tensor([Int](repeating: 6000, count: 10)))
        expectEqual(test.targets.bincount(), Tensor([Int](repeating: 1000, count: 10)))
        #expect((0..<10).map { train[$0].1 } == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        #expect(train.targets[0..<10].toArray(Int64.self) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        #expect(train.classes == ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"])
        #expect(train.classToIdx["Ankle boot"] == 9)
        #expect(train.train && !test.train)
    }

    @Test func loaderBatchesHaveTheCourseShapes() throws {
        let train = try FashionMNIST(root: FashionMNIST.defaultRoot, train: true, transform: Compose([ToTensor()]))
        let loader = DataLoader(train, batchSize: 10)
        #expect(loader.count == 6000)
        var batches = loader.batches()
        let (images, labels) = try #require(try batches.next())
        #expect(images.shape == [10, 1, 28, 28] && images.dtype == .float32)
        #expect(labels.shape == [10] && labels.dtype == .int64)
        #expect(labels.toArray(Int64.self) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
    }

    @Test func samplesAreTransformedWhenRead() throws {
        let plain = try Self.train.get()
        let (raw, label) = plain[0]
        #expect(raw.shape == [28, 28] && raw.dtype == .uint8 && label == 9)
        // The same storage with a transform: applied per sample, lazily.
        let train = try FashionMNIST(train: true, transform: Compose([ToTensor()]), targetTransform: { $0 + 100 })
        let (image, target) = train[0]
        #expect(image.shape == [1, 28, 28] && image.dtype == .float32)
        expectEqual(image, raw.to(dtype: .float32).unsqueeze(dim: 0) / 255)
        #expect(target == 109)
        #expect(image.max().item(Float.self) <= 1 && image.min().item(Float.self) >= 0)
        #expect("\(train)".hasPrefix("Dataset FashionMNIST\n    Number of datapoints: 60000\n    Root location: "))
        #expect("\(train)".hasSuffix("Split: Train\n    StandardTransform\nTransform: Compose(\n               ToTensor()\n           )"))
    }

    @Test func meanAndStdOverTheWholeSetAndInBatches() throws {
        let train = try Self.train.get()
        let whole = meanAndStd(of: train.data)
        #expect(Swift.abs(whole.mean - 0.286041) < 1e-6 && Swift.abs(whole.std - 0.353024) < 1e-6)
        #expect(String(format: "%.4f %.4f", whole.mean, whole.std) == "0.2860 0.3530")
        // Batches of 7000 (the last one smaller): views of the uint8 images.
        let batches = stride(from: 0, to: 60000, by: 7000).map {
            train.data.narrow(dim: 0, start: $0, length: min(7000, 60000 - $0))
        }
        let batched = meanAndStd(of: batches)
        #expect(Swift.abs(batched.mean - whole.mean) < 1e-12 && Swift.abs(batched.std - whole.std) < 1e-12)
        #expect(String(format: "%.4f %.4f", batched.mean, batched.std) == "0.2860 0.3530")
        // Through a DataLoader of ToTensor samples, on a slice to keep debug builds quick.
        let transformed = try FashionMNIST(train: true, transform: ToTensor())
        let slice = Subset(transformed, indices: Array(0..<3000))
        let loaded = meanAndStd(of: DataLoader(slice, batchSize: 1000))
        let direct = meanAndStd(of: train.data.narrow(dim: 0, start: 0, length: 3000))
        #expect(Swift.abs(loaded.mean - direct.mean) < 1e-7 && Swift.abs(loaded.std - direct.std) < 1e-7)
    }

    @Test func findsTorchvisionsLayoutGzippedOrRaw() throws {
        try withTemporaryDirectory { root in
            let raw = root.appendingPathComponent("FashionMNIST/raw")
            try IDXWriter.writeSet(root: raw, prefix: "train", count: 5, gzip: false)
            try IDXWriter.writeSet(root: raw, prefix: "t10k", count: 3, gzip: true)
            let train = try FashionMNIST(root: root.path, train: true)
            let test = try FashionMNIST(root: root.path, train: false, transform: ToTensor())
            #expect(train.count == 5 && test.count == 3)
            #expect(train.data[1, 0, 0...2].toArray(UInt8.self) == [7, 8, 9])
            #expect(train.targets.toArray(Int64.self) == [0, 1, 2, 3, 4])
            #expect(test[2].0.shape == [1, 28, 28] && test[2].1 == 2)
            expectEqual(test.data[2], ((Tensor.arange(784, dtype: .int64) + 14) % 256).to(dtype: .uint8).reshape(28, 28))
            // MNIST finds its own folder the same way.
            let mnistRaw = root.appendingPathComponent("MNIST/raw")
            try IDXWriter.writeSet(root: mnistRaw, prefix: "train", count: 4, gzip: true)
            #expect(try MNIST(root: root.path).count == 4)
        }
    }

    @Test func readsEveryIDXType() throws {
        try withTemporaryDirectory { root in
            // int16 [2, 2] big-endian: 1, -2, 300, -32768.
            let i16 = IDXWriter.bytes(type: 0x0B, shape: [2, 2], payload: [0, 1, 255, 254, 1, 44, 128, 0])
            let a = try IDXWriter.write(i16, to: root.appendingPathComponent("a.idx"), gzip: true)
            expectEqual(try readIDX(a.path), Tensor([[1, -2], [300, -32768]], dtype: .int16))
            let i32 = IDXWriter.bytes(type: 0x0C, shape: [2], payload: [0, 1, 0, 0, 255, 255, 255, 255])
            expectEqual(try readIDX(try IDXWriter.write(i32, to: root.appendingPathComponent("b.idx"), gzip: false).path),
                        Tensor([65536, -1], dtype: .int32))
            // float32 1.5 = 3f c0 00 00, float64 -2.25 = c0 02 00 00 00 00 00 00.
            let f32 = IDXWriter.bytes(type: 0x0D, shape: [1], payload: [0x3F, 0xC0, 0, 0])
            expectEqual(try readIDX(try IDXWriter.write(f32, to: root.appendingPathComponent("c.idx"), gzip: false).path),
                        Tensor([1.5], dtype: .float32))
            let f64 = IDXWriter.bytes(type: 0x0E, shape: [1, 1], payload: [0xC0, 0x02, 0, 0, 0, 0, 0, 0])
            expectEqual(try readIDX(try IDXWriter.write(f64, to: root.appendingPathComponent("d.idx"), gzip: true).path),
                        Tensor([[-2.25]], dtype: .float64))
            let s8 = IDXWriter.bytes(type: 0x09, shape: [3], payload: [255, 0, 127])
            expectEqual(try readIDX(try IDXWriter.write(s8, to: root.appendingPathComponent("e.idx"), gzip: false).path),
                        Tensor([-1, 0, 127], dtype: .int8))
        }
    }

    @Test func missingFilesSayHowToInstallThem() throws {
        try withTemporaryDirectory { root in
            let error = datasetError { try FashionMNIST(root: root.path, train: true) }
            let message = error.map(String.init(describing:)) ?? ""
            #expect(message.contains("apt-get install dataset-fashion-mnist"))
            #expect(message.contains("FASHION_MNIST_ROOT"))
            #expect(message.contains(root.appendingPathComponent("train-images-idx3-ubyte.gz").path))
            #expect(message.contains(root.appendingPathComponent("FashionMNIST/raw/train-images-idx3-ubyte").path))
            // Images present, labels missing: the labels file is named.
            try IDXWriter.writeSet(root: root, prefix: "t10k", count: 2, gzip: true)
            try FileManager.default.removeItem(at: root.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
            let labels = datasetError { try FashionMNIST(root: root.path, train: false) }
            guard case .fileNotFound(_, let file, _, _) = labels else { Issue.record("expected fileNotFound, got \(String(describing: labels))"); return }
            #expect(file == "t10k-labels-idx1-ubyte[.gz]")
            #expect("\(datasetError { try MNIST(root: root.path) }!)".contains("MNIST_ROOT"))
        }
    }

    @Test func malformedFilesNameWhatWasExpected() throws {
        try withTemporaryDirectory { root in
            func file(_ name: String, _ bytes: [UInt8], gzip: Bool = false) throws -> String {
                try IDXWriter.write(bytes, to: root.appendingPathComponent(name), gzip: gzip).path
            }
            // Wrong magic: a PNG signature, an unknown type byte, an empty file.
            let png = try file("png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0])
            #expect(datasetError { try readIDX(png) } == .badMagic(file: png, found: [0x89, 0x50, 0x4E, 0x47],
                                                                   expected: expectedMagic))
            let message = "\(datasetError { try readIDX(png) }!)"
            #expect(message.contains("89 50 4e 47") && message.contains("00 00 <type> <ndims>"))
            let type0A = try file("t0a", IDXWriter.bytes(type: 0x0A, shape: [1], payload: [0]))
            #expect(datasetError { try readIDX(type0A) } == .badMagic(file: type0A, found: [0, 0, 0x0A, 1], expected: expectedMagic))
            let empty = try file("empty", [])
            #expect(datasetError { try readIDX(empty) } == .badMagic(file: empty, found: [], expected: expectedMagic))
            // Truncated data, raw and gzipped; a truncated header.
            let short = IDXWriter.bytes(type: 0x08, shape: [2, 28, 28], payload: [UInt8](repeating: 1, count: 1000))
            for gzip in [false, true] {
                let path = try file("short\(gzip)", short, gzip: gzip)
                #expect(datasetError { try readIDX(path) } == .truncated(
                    file: path, header: "2×28×28 uint8 values after a 16-byte header", expectedBytes: 1584, actualBytes: 1016))
                #expect("\(datasetError { try readIDX(path) }!)".contains("1584 bytes in all, but the file holds 1016"))
            }
            let header = try file("header", [0, 0, 8, 3, 0, 0, 0, 2])
            #expect(datasetError { try readIDX(header) } == .truncated(file: header, header: "3 dimensions", expectedBytes: 16, actualBytes: 8))
            // A gzip stream cut short, and extra bytes after the data.
            let full = try file("cut", IDXWriter.bytes(type: 0x08, shape: [50, 28, 28], payload: (0..<39200).map { UInt8($0 % 251) }), gzip: true)
            let gz = try Data(contentsOf: URL(fileURLWithPath: full))
            try gz.prefix(gz.count / 2).write(to: URL(fileURLWithPath: full))
            guard case .truncated = datasetError({ try readIDX(full) }) else { Issue.record("a cut gzip stream must read as truncated"); return }
            let long = try file("long", IDXWriter.bytes(type: 0x08, shape: [2], payload: [1, 2, 3]))
            guard case .unexpectedContents = datasetError({ try readIDX(long) }) else { Issue.record("extra bytes must be refused"); return }
            #expect(datasetError { try readIDX(root.appendingPathComponent("nope").path) } == .io(
                file: root.appendingPathComponent("nope").path, reason: "No such file or directory"))
        }
    }

    @Test func inconsistentFilesAreRefused() throws {
        try withTemporaryDirectory { root in
            try IDXWriter.writeSet(root: root, prefix: "train", count: 3, gzip: false)
            // Labels for 4 images next to 3 images.
            try IDXWriter.write(IDXWriter.bytes(type: 0x08, shape: [4], payload: [0, 1, 2, 3]),
                                to: root.appendingPathComponent("train-labels-idx1-ubyte"), gzip: false)
            #expect("\(datasetError { try FashionMNIST(root: root.path) }!)".contains("holds 4 labels but"))
            // Labels where the images should be.
            try IDXWriter.write(IDXWriter.bytes(type: 0x08, shape: [4], payload: [0, 1, 2, 3]),
                                to: root.appendingPathComponent("train-images-idx3-ubyte"), gzip: false)
            #expect("\(datasetError { try FashionMNIST(root: root.path) }!)".contains("expected uint8 images [N, rows, cols]"))
        }
    }

    private var expectedMagic: String {
        "00 00 <type> <ndims>, with type 08 (uint8), 09 (int8), 0b (int16), 0c (int32), 0d (float32) or 0e (float64)"
    }
}
