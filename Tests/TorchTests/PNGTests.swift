import Foundation
import Testing
import TorchCore
import TorchVision

/// PNG decoding and encoding against files written by hand and by PIL (scripts/fixtures/png.py).
@Suite struct PNGTests {
    let fixture = Fixture("png")

    @Test func decodesEveryFixtureFile() throws {
        let files: [String] = fixture.value("files")
        #expect(files.count == 16)
        for name in files {
            let image = try readImage(pngFixture(name).path)
            #expect(image.dtype == .uint8, "\(name)")
            expectEqual(image, fixture[name])
        }
    }

    @Test(arguments: 0..<5) func decodesEachFilterType(filter: Int) throws {
        let name = "gray_filter\(filter)"
        let image = try decodePNG(try Data(contentsOf: pngFixture(name)))
        #expect(image.shape == [1, 4, 5])
        expectEqual(image, fixture[name])
    }

    @Test func paletteImagesExpandToRGBOrRGBA() throws {
        #expect(try readImage(pngFixture("palette8_trns").path).shape == [4, 3, 5])
        #expect(try readImage(pngFixture("palette4").path).shape == [3, 2, 5])
        #expect(try readImage(pngFixture("gray1").path).shape == [1, 3, 11])
    }

    /// Images with smooth and noisy parts, so the encoder's per-row filter choice varies.
    private func testImage(channels: Int, height: Int, width: Int) -> Tensor {
        manualSeed(7)
        let y = Tensor.arange(height, dtype: .float32).reshape(1, height, 1)
        let x = Tensor.arange(width, dtype: .float32).reshape(1, 1, width)
        let c = Tensor.arange(channels, dtype: .float32).reshape(channels, 1, 1)
        let smooth = (y * 3 + x * 2 + c * 40) % 256
        let noise = Tensor.randint(low: 0, high: 256, [channels, height, width]).to(dtype: .float32)
        let rowsNoisy = (y % 4).eq(Tensor(scalar: Float(0))).to(dtype: .float32)
        return (smooth * (1 - rowsNoisy) + noise * rowsNoisy).to(dtype: .uint8)
    }

    @Test(arguments: [1, 2, 3, 4]) func roundTripsAndPILAgrees(channels: Int) throws {
        let image = testImage(channels: channels, height: 37, width: 23)
        let png = try encodePNG(image)
        expectEqual(try decodePNG(png), image)
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("c\(channels).png").path
            try png.write(to: URL(fileURLWithPath: path))
            guard let pil = try decodeWithPIL(path) else { return }  // no PIL: our own round trip above still ran
            #expect(pil.mode == ["L", "LA", "RGB", "RGBA"][channels - 1])
            #expect(pil.width == 23 && pil.height == 37)
            expectEqual(pil.tensor, image)
        }
    }

    @Test func encodesTwoDimensionalAsGrayAndLargeImagesInSeveralChunks() throws {
        let hw = testImage(channels: 1, height: 5, width: 9)[0]
        expectEqual(try decodePNG(try encodePNG(hw)), hw.unsqueeze(dim: 0))
        // Noise does not compress: 3 * 400 * 300 bytes need more than one 256 KiB IDAT chunk.
        manualSeed(1)
        let big = Tensor.randint(low: 0, high: 256, [3, 400, 300]).to(dtype: .uint8)
        let png = try encodePNG(big)
        let idatCount = countChunks(png, "IDAT")
        #expect(idatCount >= 2)
        expectEqual(try decodePNG(png), big)
        // A non-contiguous view encodes its own values.
        let view = big.permute(0, 2, 1)
        expectEqual(try decodePNG(try encodePNG(view)), view.contiguous())
    }

    private func countChunks(_ png: Data, _ type: String) -> Int {
        let b = [UInt8](png)
        var pos = 8, n = 0
        while pos + 8 <= b.count {
            let len = Int(b[pos]) << 24 | Int(b[pos + 1]) << 16 | Int(b[pos + 2]) << 8 | Int(b[pos + 3])
            if String(decoding: b[(pos + 4)..<(pos + 8)], as: UTF8.self) == type { n += 1 }
            pos += 12 + len
        }
        return n
    }

    @Test func encoderRejectsWhatPNGCannotHold() {
        let cases: [(Tensor, String)] = [
            (Tensor.zeros([1, 2, 2]), "expected a uint8 tensor but got torch.float32"),
            (Tensor.zeros([5, 2, 2], dtype: .uint8), "has 5 channels"),
            (Tensor.zeros([1, 1, 2, 2], dtype: .uint8), "expected a [C, H, W] or [H, W] image but got shape [1, 1, 2, 2]"),
            (Tensor.zeros([1, 0, 2], dtype: .uint8), "at least 1"),
        ]
        for (t, message) in cases {
            #expect {
                _ = try encodePNG(t)
            } throws: { error in
                guard let e = error as? ImageError, case .invalidImage = e else { return false }
                return e.description.contains(message)
            }
        }
    }

    /// Decoding `bytes` from a file throws an ImageError whose text names the file and `mentions`.
    private func expectReadError(_ bytes: [UInt8], mentions: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("damaged.png").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let t = try readImage(path)
                Issue.record("decoded \(t.shape) from a bad file", sourceLocation: sourceLocation)
            } catch let e as ImageError {
                let text = e.description
                #expect(text.hasPrefix(path + ": "), "'\(text)'", sourceLocation: sourceLocation)
                #expect(text.contains(mentions), "'\(text)' does not mention '\(mentions)'", sourceLocation: sourceLocation)
            }
        }
    }

    private func fixtureBytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: pngFixture(name))) }

    @Test func unsupportedFilesSayWhatIsMissing() throws {
        try expectReadError(fixtureBytes("gray16"), mentions: "unsupported PNG: 16-bit samples")
        try expectReadError(fixtureBytes("interlaced"), mentions: "unsupported PNG: Adam7 interlacing")
    }

    @Test func corruptFilesAreReportedNotDecoded() throws {
        let good = try fixtureBytes("rgb_mixed")
        // The IDAT data starts after the signature (8), IHDR (25) and the IDAT length and type (8).
        var flipped = good
        flipped[8 + 25 + 8 + 3] ^= 0x10
        try expectReadError(flipped, mentions: "CRC mismatch in chunk 'IDAT' at byte 33")
        var badHeaderCRC = good
        badHeaderCRC[8 + 8 + 2] ^= 1
        try expectReadError(badHeaderCRC, mentions: "CRC mismatch in chunk 'IHDR'")
        try expectReadError(Array(good[..<60]), mentions: "truncated")
        try expectReadError(Array(good[..<(good.count - 12)]), mentions: "ends before the IEND chunk")
        try expectReadError(Array(good[..<5]), mentions: "inside the PNG signature")
        try expectReadError(Array("GIF89a, not a PNG".utf8), mentions: "not a PNG or JPEG file")
        try expectReadError([], mentions: "not a PNG or JPEG file")
        try expectReadError(fixtureBytes("bad_filter"), mentions: "row 1 has filter type 5")
        try expectReadError(fixtureBytes("bad_zlib"), mentions: "zlib cannot inflate the image data")
        try expectReadError(fixtureBytes("short_data"), mentions: "image data holds 5 bytes, but the header's size needs 8")

        // An unknown critical chunk (uppercase first letter) with a valid CRC before IEND.
        let body = Array("ABCDxy".utf8)
        let crc = crc32Reference(body)
        let chunk = [0, 0, 0, 2] + body + [UInt8(crc >> 24), UInt8((crc >> 16) & 255), UInt8((crc >> 8) & 255), UInt8(crc & 255)]
        try expectReadError(Array(good[..<(good.count - 12)]) + chunk + Array(good[(good.count - 12)...]),
                            mentions: "unknown critical chunk 'ABCD'")
        // An unknown ancillary chunk is skipped.
        let ancillary = Array("abCDxy".utf8)
        let crc2 = crc32Reference(ancillary)
        let chunk2 = [0, 0, 0, 2] + ancillary + [UInt8(crc2 >> 24), UInt8((crc2 >> 16) & 255), UInt8((crc2 >> 8) & 255), UInt8(crc2 & 255)]
        let withAncillary = Array(good[..<(good.count - 12)]) + chunk2 + Array(good[(good.count - 12)...])
        expectEqual(try decodePNG(Data(withAncillary)), fixture["rgb_mixed"])
    }

    @Test func fileErrorsNameTheFile() throws {
        try withTemporaryDirectory { dir in
            let missing = dir.appendingPathComponent("nope.png").path
            #expect(throws: ImageError.io(file: missing, operation: "open", reason: "no such file")) { _ = try readImage(missing) }
            #expect(throws: ImageError.io(file: dir.path, operation: "read", reason: "it is a directory")) { _ = try readImage(dir.path) }
        }
        #expect(throws: ImageError.notPNG(file: "PNG data")) { _ = try decodePNG(Data([1, 2, 3, 4, 5, 6, 7, 8, 9])) }
    }
}
