import Foundation
import Testing
import TorchCore
import TorchVision

/// JPEG decoding against torchvision.io.decode_jpeg and encoding against encode_jpeg
/// (Fixtures/jpeg.json, made by scripts/fixtures/jpeg.py), and our files read by PIL.
@Suite struct JPEGTests {
    let fixture = Fixture("jpeg")

    /// The largest absolute difference between two uint8 tensors of one shape.
    func maxDifference(_ a: Tensor, _ b: Tensor) -> Int {
        let x: [Int64] = a.to(dtype: .int64).toArray(), y: [Int64] = b.to(dtype: .int64).toArray()
        return zip(x, y).map { Int(Swift.abs($0 - $1)) }.max() ?? 0
    }

    // torchvision 0.29 bundles libjpeg-turbo 3.1.3, this library links Debian's 2.1.5; on
    // these files the decoders agree exactly (measured), so the test asks for equality.
    @Test func decodesLikeTorchvisionInEveryMode() throws {
        let files: [String] = fixture.value("files")
        let modes: [String] = fixture.value("modes")
        #expect(files.count == 8)
        for name in files {
            let bytes = try jpegFixture(name)
            for modeName in modes {
                let mode = ImageReadMode(rawValue: modeName)!
                let expected = fixture["\(name)_\(modeName)"]
                let image = try decodeJPEG(bytes, mode: mode)
                #expect(image.dtype == .uint8 && image.shape == expected.shape, "\(name) \(modeName): \(image.shape)")
                guard image.shape == expected.shape else { continue }
                #expect(maxDifference(image, expected) == 0, "\(name) \(modeName)")
            }
            expectEqual(try readImage(jpegFixtureURL(name).path), fixture["\(name)_unchanged"])
            expectEqual(try decodeJPEG(Data(bytes), mode: .rgb), fixture["\(name)_rgb"])
        }
        #expect(try decodeJPEG(try jpegFixture("gray")).shape[0] == 1)
        #expect(try decodeJPEG(try jpegFixture("cmyk")).shape[0] == 4)
    }

    @Test func readImageTellsJPEGFromPNGByContent() throws {
        try withTemporaryDirectory { dir in
            let misnamed = dir.appendingPathComponent("photo.png").path
            try Data(try jpegFixture("color420")).write(to: URL(fileURLWithPath: misnamed))
            expectEqual(try readImage(misnamed, mode: .gray), fixture["color420_gray"])
            let png = dir.appendingPathComponent("image.jpg")
            let pixels = fixture["color444_rgb"]
            try encodePNG(pixels).write(to: png)
            expectEqual(try readImage(png.path), pixels)
        }
    }

    @Test func encodesLikeTorchvision() throws {
        for (kind, source) in [("rgb", fixture["encode_rgb_source"]), ("gray", fixture["encode_gray_source"])] {
            for quality in [75, 95] {
                let expected = fixture["encode_\(kind)_q\(quality)"]
                let ours = try encodeJPEG(source, quality: quality)
                let theirs: [UInt8] = expected.toArray()
                // Bytes equal to torchvision's libjpeg-turbo 3.1.3 output (measured); if a
                // libjpeg version ever changes the bytes, the decoded pixels must still agree.
                #expect(ours == theirs, "\(kind) q\(quality): \(ours.count) bytes, torchvision's \(theirs.count)")
                #expect(maxDifference(try decodeJPEG(ours), try decodeJPEG(theirs)) <= 1)
            }
        }
    }

    /// A smooth color picture, uint8 [3, h, w].
    func picture(height: Int, width: Int) -> Tensor {
        let y = Tensor.arange(0, height, dtype: .float32).reshape([height, 1]).expand([height, width])
        let x = Tensor.arange(0, width, dtype: .float32).reshape([1, width]).expand([height, width])
        let r = (x * (255 / Float(width))).floor()
        let g = ((y * 0.2).sin() * 90 + 128).floor()
        let b = ((x * 0.15).cos() * 80 + 120).floor()
        return Tensor.stack([r, g, b]).to(dtype: .uint8)
    }

    func psnr(_ a: Tensor, _ b: Tensor) -> Double {
        let d = a.to(dtype: .float64) - b.to(dtype: .float64)
        let mse: Double = (d * d).mean().item()
        return 10 * log10(255 * 255 / mse)
    }

    @Test func encodedFilesAreCloseToTheOriginalAndPILReadsThem() throws {
        let image = picture(height: 40, width: 48)
        let high = try decodeJPEG(try encodeJPEG(image, quality: 95))
        let low = try decodeJPEG(try encodeJPEG(image, quality: 20))
        #expect(high.shape == [3, 40, 48])
        let highPSNR = psnr(high, image), lowPSNR = psnr(low, image)
        // Measured: 44.1 dB (largest error 9) at quality 95, 31.8 dB at 20, 42.2 dB at 90.
        #expect(highPSNR > 42, "PSNR at quality 95: \(highPSNR)")
        #expect(lowPSNR > 29 && lowPSNR < highPSNR - 8, "PSNR at quality 20: \(lowPSNR)")
        let worst = maxDifference(high, image)
        #expect(worst <= 12, "largest error at quality 95: \(worst)")
        #expect(try encodeJPEG(image, quality: 20).count < encodeJPEG(image, quality: 95).count)

        try withTemporaryDirectory { dir in
            let color = dir.appendingPathComponent("color.jpg").path
            let gray = dir.appendingPathComponent("gray.jpeg").path
            try writeJPEG(image, to: color, quality: 90)
            try writeJPEG(image[1], to: gray)
            #expect(directoryListing(dir) == ["color.jpg", "gray.jpeg"])  // no temporary file left behind
            let ours = try readImage(color)
            #expect(psnr(ours, image) > 40)
            let ourGray = try readImage(gray)
            #expect(ourGray.shape == [1, 40, 48])
            guard let pil = try decodeWithPIL(color), let pilGray = try decodeWithPIL(gray) else {
                Issue.record("needs /usr/bin/python3 with PIL (python3-pil, installed by scripts/setup)")
                return
            }
            #expect(pil.mode == "RGB" && pil.width == 48 && pil.height == 40)
            expectEqual(pil.tensor, ours)       // the same libjpeg-turbo decodes both
            #expect(pilGray.mode == "L")
            expectEqual(pilGray.tensor, ourGray)
        }
    }

    @Test func encoderRefusesWhatJPEGCannotHold() throws {
        func reason(_ body: () throws -> Any) -> String {
            do { _ = try body() } catch let ImageError.invalidImage(reason) { return reason } catch { return "other: \(error)" }
            return "no error"
        }
        let rgb = Tensor.zeros([3, 4, 4], dtype: .uint8)
        #expect(reason { try encodeJPEG(rgb.to(dtype: .float32)) }.contains("expected a uint8 tensor"))
        #expect(reason { try encodeJPEG(Tensor.zeros([4, 4, 4], dtype: .uint8)) }.contains("1 (gray) or 3 (RGB) channels"))
        #expect(reason { try encodeJPEG(Tensor.zeros([2, 3, 4, 4], dtype: .uint8)) }.contains("[C, H, W] or [H, W]"))
        #expect(reason { try encodeJPEG(Tensor.zeros([3, 0, 4], dtype: .uint8)) }.contains("between 1 and 65500"))
        #expect(reason { try encodeJPEG(rgb, quality: 0) }.contains("quality must be between 1 and 100"))
        #expect(reason { try encodeJPEG(rgb, quality: 101) }.contains("quality must be between 1 and 100"))
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("missing/x.jpg").path
            #expect(throws: (any Error).self) { try writeJPEG(rgb, to: path) }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
