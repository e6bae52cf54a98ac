import Foundation
import Testing
import TorchCore
import TorchData
import TorchVision

/// makeGrid, saveImage, read modes and ImageFolder. The make_grid fixtures come from
/// torchvision's algorithm written with torch ops in scripts/fixtures/png.py (torchvision
/// itself is not installed for Debian's Python).
@Suite struct ImageTests {
    let fixture = Fixture("png")

    private func pattern(_ shape: [Int]) -> Tensor {
        (Tensor.arange(shape.reduce(1, *), dtype: .float32) % 17 / 16).reshape(shape)
    }

    private func ramp(_ shape: [Int]) -> Tensor {
        (Tensor.arange(shape.reduce(1, *), dtype: .float32) * 0.1 - 2).reshape(shape)
    }

    @Test func makeGridMatchesTorchvision() {
        let cases: [(String, Tensor)] = [
            ("grid_gray_nrow4", makeGrid(pattern([10, 1, 4, 3]), nrow: 4)),
            ("grid_rgb_pad1", makeGrid(pattern([5, 3, 3, 2]), nrow: 8, padding: 1, padValue: 0.5)),
            ("grid_rgba_pad0", makeGrid(pattern([6, 4, 2, 3]), nrow: 3, padding: 0)),
            ("grid_normalize", makeGrid(ramp([7, 1, 3, 3]), nrow: 3, normalize: true)),
            ("grid_value_range", makeGrid(ramp([4, 3, 2, 2]), nrow: 2, normalize: true, valueRange: (-1, 1))),
            ("grid_scale_each", makeGrid(ramp([3, 1, 2, 4]), padding: 3, normalize: true, scaleEach: true)),
            ("grid_single_chw", makeGrid(pattern([1, 3, 4]))),
            ("grid_single_hw", makeGrid(pattern([3, 4]))),
            ("grid_batch_of_one", makeGrid(pattern([1, 3, 2, 2]), padding: 5)),
        ]
        for (name, grid) in cases {
            expectClose(grid, fixture[name], rtol: 1e-6, atol: 1e-7)
        }
        // A list of images is stacked first.
        let list = pattern([10, 1, 4, 3]).unbind(dim: 0)
        expectEqual(makeGrid(list, nrow: 4), fixture["grid_gray_nrow4"])
        // The input is not changed by normalizing.
        let x = ramp([2, 1, 2, 2])
        _ = makeGrid(x, normalize: true)
        expectEqual(x, ramp([2, 1, 2, 2]))
    }

    /// The expected grid of `count` Fashion-MNIST images (raw bytes `[N, 784]`), built
    /// pixel by pixel: padding 2, `nrow` images per row, gray repeated into R, G and B.
    private func expectedGrid(_ raw: [UInt8], count: Int, nrow: Int) -> Tensor {
        let cols = min(nrow, count), rows = (count + cols - 1) / cols
        let h = 2 + rows * 30, w = 2 + cols * 30
        var plane = [UInt8](repeating: 0, count: h * w)
        for k in 0..<count {
            let top = 2 + (k / cols) * 30, left = 2 + (k % cols) * 30
            for y in 0..<28 { for x in 0..<28 { plane[(top + y) * w + left + x] = raw[k * 784 + y * 28 + x] } }
        }
        return Tensor(plane + plane + plane, shape: [3, h, w])
    }

    @Test(arguments: [8, 10]) func savedFashionMNISTGridOpensInPIL(nrow: Int) throws {
        let (images, _) = try FashionMNISTFiles.training(count: 10)
        let raw = [UInt8](try FashionMNISTFiles.gunzip("train-images-idx3-ubyte.gz")[16..<(16 + 7840)])
        let expected = expectedGrid(raw, count: 10, nrow: nrow)
        let grid = makeGrid(images, nrow: nrow)
        #expect(grid.shape == (nrow == 8 ? [3, 62, 242] : [3, 32, 302]))
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("fashion grid.png").path
            try saveImage(images, to: path, nrow: nrow)
            #expect(directoryListing(dir) == ["fashion grid.png"])  // no temporary file left behind
            let decoded = try readImage(path)
            #expect(decoded.shape == expected.shape)
            expectEqual(decoded, expected)
            if let pil = try decodeWithPIL(path) {
                #expect(pil.mode == "RGB")
                #expect(pil.width == expected.shape[2] && pil.height == expected.shape[1])
                expectEqual(pil.tensor, expected)
            } else {
                print("ImageTests: PIL is not installed; only swift-torch's own decoder checked \(path)")
            }
        }
    }

    @Test func saveImageRoundsLikeTorchvision() throws {
        // mul(255).add(0.5).clamp(0, 255) then a cast: 0.5/255 rounds up, out-of-range values clamp.
        let values: [Float] = [-0.5, 0, 0.2 / 255, 0.5 / 255, 0.3, 0.5, 0.999, 1, 1.7]
        let image = Tensor(values, shape: [1, 1, 3, 3])
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("r.png").path
            try saveImage(image, to: path)
            let decoded = try readImage(path)
            let expected = values.map { UInt8(max(0, min(255, $0 * 255 + 0.5))) }
            expectEqual(decoded[0], Tensor(expected, shape: [3, 3]))
            expectEqual(decoded[2], decoded[0])
            // RGBA batches stay RGBA; normalize maps [-2, 2] onto [0, 255].
            try saveImage(ramp([2, 4, 5, 5]), to: path, normalize: true, valueRange: (-2, 2))
            #expect(try readImage(path).shape == [4, 2 + 7, 2 + 2 * 7])
        }
    }

    @Test func saveImageFailsCleanly() throws {
        let image = pattern([2, 1, 3, 3])
        #expect(throws: (any Error).self) { try saveImage(image, to: "/nonexistent-dir-for-swift-torch/x.png") }
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("keep.png").path
            try Data("old".utf8).write(to: URL(fileURLWithPath: path))
            // Two channels go through makeGrid unchanged and encode as gray + alpha.
            try saveImage(pattern([1, 2, 3, 3]), to: path)
            #expect(try readImage(path).shape == [2, 3, 3])
        }
    }

    @Test func readModesConvertChannels() throws {
        let rgba = try readImage(pngFixture("rgba_mixed").path)
        let path = pngFixture("rgba_mixed").path
        #expect(try readImage(path, mode: .unchanged).shape == [4, 6, 5])
        expectEqual(try readImage(path, mode: .rgb), rgba.narrow(dim: 0, start: 0, length: 3))
        // PIL's luma: (19595 R + 38470 G + 7471 B + 32768) >> 16, checked against PIL's own convert("L").
        let gray = try readImage(path, mode: .gray)
        let r: [Int] = rgba[0].toArray(), g: [Int] = rgba[1].toArray(), b: [Int] = rgba[2].toArray()
        var luma: [UInt8] = []
        for i in r.indices {
            let weighted: Int = 19595 * r[i] + 38470 * g[i] + 7471 * b[i]
            luma.append(UInt8((weighted + 32768) >> 16))
        }
        expectEqual(gray, Tensor(luma, shape: [1, 6, 5]))
        expectEqual(try readImage(path, mode: .grayAlpha)[1], rgba[3])
        let grayFile = pngFixture("gray_mixed").path
        let g1 = try readImage(grayFile)
        expectEqual(try readImage(grayFile, mode: .rgb), Tensor.cat([g1, g1, g1], dim: 0))
        let ga = try readImage(grayFile, mode: .rgbAlpha)
        #expect(ga.shape == [4, 6, 5])
        expectEqual(ga[3], Tensor.full([6, 5], 255, dtype: .uint8))
    }

    /// Writes a PNG of `value` everywhere (uint8 [C, 2, 3]).
    private func writePNG(_ dir: URL, _ relative: String, value: Int, channels: Int = 1) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encodePNG(Tensor.full([channels, 2, 3], value, dtype: .uint8)).write(to: url)
    }

    @Test func imageFolderFindsClassesAndOrdersSamplesLikeTorchvision() throws {
        try withTemporaryDirectory { dir in
            try writePNG(dir, "dog/b.png", value: 1)
            try writePNG(dir, "dog/a.PNG", value: 2)
            try writePNG(dir, "dog/sub/0.png", value: 3)
            try writePNG(dir, "dog/B.png", value: 4, channels: 3)
            try writePNG(dir, "cat/z.png", value: 5, channels: 4)
            try writePNG(dir, "Zebra/only.png", value: 6)
            try Data("not an image".utf8).write(to: dir.appendingPathComponent("dog/notes.txt"))
            try Data().write(to: dir.appendingPathComponent("README.png.txt"))

            let folder = try ImageFolder(root: dir.path)
            #expect(folder.classes == ["Zebra", "cat", "dog"])
            #expect(folder.classToIdx == ["Zebra": 0, "cat": 1, "dog": 2])
            let names = folder.samples.map { String($0.path.dropFirst(dir.path.count + 1)) }
            #expect(names == ["Zebra/only.png", "cat/z.png", "dog/B.png", "dog/a.PNG", "dog/b.png", "dog/sub/0.png"])
            #expect(folder.targets == [0, 1, 2, 2, 2, 2])
            #expect(folder.count == 6)
            let (image, label) = folder[3]
            #expect(label == 2)
            expectEqual(image, Tensor.full([2, 3, 3], 2, dtype: .uint8))   // RGB, PIL layout [H, W, C]

            let gray = try ImageFolder(root: dir.path, transform: Lambda { $0.to(dtype: .float32) / 255 },
                                       targetTransform: { $0 * 10 }, mode: .gray)
            let (x, y) = gray[1]
            #expect(x.shape == [2, 3] && x.dtype == .float32 && y == 10)
            #expect(gray.description.hasPrefix("Dataset ImageFolder\n    Number of datapoints: 6\n    Root location: \(dir.path)\n    StandardTransform\nTransform: Lambda()"))
        }
    }

    private func expectFolderError(_ root: String, sourceLocation: SourceLocation = #_sourceLocation,
                                   _ check: (String) -> Bool) {
        do {
            let folder = try ImageFolder(root: root)
            Issue.record("expected an error, got \(folder.count) samples", sourceLocation: sourceLocation)
        } catch {
            #expect(check("\(error)"), "unexpected error: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func imageFolderErrorsNameTheProblem() throws {
        try withTemporaryDirectory { dir in
            let missing = dir.appendingPathComponent("missing").path
            #expect(throws: ImageError.folder(path: missing, reason: "no such directory; ImageFolder needs a folder with one sub-folder per class")) {
                _ = try ImageFolder(root: missing)
            }
            expectFolderError(dir.path) { $0.contains("couldn't find any class folder") }
            try writePNG(dir, "a/x.png", value: 0)
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("b"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("c"), withIntermediateDirectories: true)
            expectFolderError(dir.path) { $0 == "\(dir.path): found no valid file for the classes b, c; supported extensions are: .jpg, .jpeg, .png" }
        }
    }

    @Test func imageFolderDecodesWhenASampleIsRead() throws {
        try withTemporaryDirectory { dir in
            try writePNG(dir, "a/x.png", value: 3)
            try writePNG(dir, "b/y.png", value: 4)
            let folder = try ImageFolder(root: dir.path, mode: .gray)
            // Replaced after the dataset was made: the new contents are what a read sees.
            try writePNG(dir, "a/x.png", value: 8)
            expectEqual(try folder.sample(at: 0).0, Tensor.full([2, 3], 8, dtype: .uint8))
            try FileManager.default.removeItem(at: dir.appendingPathComponent("b/y.png"))
            let gone = dir.appendingPathComponent("b/y.png").path
            #expect(throws: ImageError.io(file: gone, operation: "open", reason: "no such file")) { _ = try folder.sample(at: 1) }
        }
    }

    @Test func imageFolderSubscriptStopsWithTheDecoderMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            try withTemporaryDirectory { dir in
                try FileManager.default.createDirectory(at: dir.appendingPathComponent("a"), withIntermediateDirectories: true)
                try Data([0x89, 0x50]).write(to: dir.appendingPathComponent("a/broken.png"))
                _ = try ImageFolder(root: dir.path)[0]
            }
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("ImageFolder: cannot read sample 0: "))
        #expect(text.contains("broken.png: corrupt PNG file: the file ends after 2 bytes, inside the PNG signature"))
    }

    @Test(arguments: [0, 2]) func corruptImageInFolderThrowsFromTheDataLoader(numWorkers: Int) throws {
        try withTemporaryDirectory { dir in
            for k in 0..<5 { try writePNG(dir, "a/\(k).png", value: k) }
            try writePNG(dir, "b/ok.png", value: 0)
            try Data([0x89, 0x50, 0x4E, 0x47]).write(to: dir.appendingPathComponent("b/broken.png"))
            let folder = try ImageFolder(root: dir.path)   // lists the files only: no error yet
            #expect(folder.count == 7)
            let broken = dir.appendingPathComponent("b/broken.png").path
            let expected = ImageError.corrupt(file: broken, reason: "the file ends after 4 bytes, inside the PNG signature")
            #expect(throws: expected) { _ = try folder.sample(at: 5) }
            var delivered = 0
            let loader = DataLoader(folder, batchSize: 2, numWorkers: numWorkers)
            #expect(throws: expected) { try loader.forEach { _ in delivered += 1 } }
            #expect(delivered == 2)
        }
    }
}
