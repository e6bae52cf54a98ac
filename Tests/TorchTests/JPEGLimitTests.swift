import Foundation
import Testing
import TorchCore
import TorchVision

/// Damaged and hostile JPEG data: a clear ImageError, never a crash, an exit() from libjpeg
/// or an allocation the header alone asked for.
@Suite struct JPEGLimitTests {
    func imageError(_ body: () throws -> Any) -> ImageError? {
        do { _ = try body() } catch let e as ImageError { return e } catch { return nil }
        return nil
    }

    func jpegReason(_ body: () throws -> Any) -> String? {
        if case let .corruptJPEG(file, reason) = imageError(body), file == "JPEG data" { return reason }
        return nil
    }

    @Test func truncatedDataIsAnError() throws {
        let bytes = try jpegFixture("color420")
        for length in [2, 3, 20, 200, bytes.count / 2, bytes.count - 2] {
            let reason = jpegReason { try decodeJPEG(Array(bytes[..<length])) }
            #expect(reason?.contains("truncated") == true, "\(length) bytes: \(String(describing: reason))")
        }
        let progressive = try jpegFixture("progressive")
        #expect(jpegReason { try decodeJPEG(Array(progressive[..<(progressive.count * 2 / 3)])) }?.contains("truncated") == true)
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("cut.jpg").path
            try Data(bytes[..<300]).write(to: URL(fileURLWithPath: path))
            let error = imageError { try readImage(path) }
            guard case let .corruptJPEG(file, _) = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(file == path)
            #expect("\(error!)".hasPrefix("\(path): cannot decode the JPEG data: the data ends before the image does"))
        }
    }

    @Test func garbageIsAnError() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 10, 1000] {
            let noise = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(jpegReason { try decodeJPEG([0xFF, 0xD8] + noise) } != nil)
            #expect(jpegReason { try decodeJPEG([0x00] + noise) } != nil)
        }
        #expect(jpegReason { try decodeJPEG([UInt8]()) } == "the data is empty")
        #expect(jpegReason { try decodeJPEG([0x12, 0x34, 0x56]) }?.contains("Not a JPEG file") == true)
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("noise.jpg").path
            try Data("not an image at all".utf8).write(to: URL(fileURLWithPath: path))
            #expect(imageError { try readImage(path) } == .unknownFormat(file: path))
            #expect("\(ImageError.unknownFormat(file: path))".contains("not a PNG or JPEG file"))
        }
    }

    /// `bytes` with the first frame header's height and width replaced.
    func resized(_ bytes: [UInt8], width: Int, height: Int) -> [UInt8] {
        var out = bytes
        var i = 2
        while i + 9 < out.count {
            let marker = out[i + 1]
            let length = Int(out[i + 2]) << 8 | Int(out[i + 3])
            if (0xC0...0xC2).contains(marker) {
                out[i + 5] = UInt8(height >> 8); out[i + 6] = UInt8(height & 0xFF)
                out[i + 7] = UInt8(width >> 8); out[i + 8] = UInt8(width & 0xFF)
                return out
            }
            i += 2 + length
        }
        Issue.record("no frame header found")
        return out
    }

    @Test func hugeDeclaredSizeThrowsBeforeAllocating() throws {
        for name in ["color420", "progressive"] {
            let bomb = resized(try jpegFixture(name), width: 65_000, height: 60_000)
            #expect(imageError { try decodeJPEG(bomb, maxPixels: 1_000_000) }
                    == .tooLarge(file: "JPEG data", width: 65_000, height: 60_000, limit: 1_000_000))
            guard case .tooLarge(_, 65_000, 60_000, _) = imageError({ try decodeJPEG(bomb) }) else {
                Issue.record("\(name): the default limit let a 65000x60000 image through"); continue
            }
        }
        let small = try jpegFixture("gray")   // 33x21
        #expect(imageError { try decodeJPEG(small, maxPixels: 33 * 21 - 1) } == .tooLarge(file: "JPEG data", width: 33, height: 21, limit: 692))
        #expect(try decodeJPEG(small, maxPixels: 33 * 21).shape == [1, 21, 33])
        // Within the limit but far more than the data holds: libjpeg warns ("premature end of
        // data segment") and fills the rest, as torchvision's decode_jpeg does (measured: a
        // [1, 2000, 2000] image, mean 128.001); the pixel limit is what bounds the cost.
        let stretched = try decodeJPEG(resized(small, width: 2000, height: 2000))
        #expect(stretched.shape == [1, 2000, 2000])
        let mean: Double = stretched.to(dtype: .float64).mean().item()
        #expect(Swift.abs(mean - 128) < 1)
    }

    @Test func alphaModesAreRefusedAsInTorchvision() throws {
        let bytes = try jpegFixture("color420")
        for mode in [ImageReadMode.grayAlpha, .rgbAlpha] {
            guard case let .unsupportedJPEG(file, feature) = imageError({ try decodeJPEG(bytes, mode: mode) }) else {
                Issue.record("mode \(mode) was not refused"); continue
            }
            #expect(file == "JPEG data" && feature.contains("no alpha channel"))
        }
    }

    /// Where the entropy-coded data of the scan starting at `sos` ends: the next marker.
    func scanEnd(_ bytes: [UInt8], sos: Int) -> Int {
        var i = sos + 2 + (Int(bytes[sos + 2]) << 8 | Int(bytes[sos + 3]))
        while i + 1 < bytes.count {
            if bytes[i] == 0xFF, bytes[i + 1] != 0, !(0xD0...0xD7).contains(bytes[i + 1]) { return i }
            i += 1
        }
        return bytes.count
    }

    @Test func recoverableDamageOnlyWarnsButTooManyScansIsAnError() throws {
        let bytes = try jpegFixture("progressive")
        let clean = try decodeJPEG(bytes)
        // Stray bytes before the end-of-image marker: libjpeg warns and decodes, as for torchvision.
        let stray = Array(bytes[..<(bytes.count - 2)]) + [0x00, 0x11, 0x22] + Array(bytes[(bytes.count - 2)...])
        expectEqual(try decodeJPEG(stray), clean)
        // The first scan repeated: a bogus progression, which libjpeg only warns about, until
        // the count passes the scan limit.
        guard let sos = (0..<(bytes.count - 1)).first(where: { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA }) else {
            Issue.record("no scan"); return
        }
        let scan = Array(bytes[sos..<scanEnd(bytes, sos: sos)])
        func repeated(_ n: Int) -> [UInt8] { Array(bytes[..<sos]) + Array(repeating: scan, count: n).flatMap { $0 } + Array(bytes[sos...]) }
        #expect(try decodeJPEG(repeated(3)).shape == clean.shape)
        #expect(jpegReason { try decodeJPEG(repeated(1001)) }?.contains("more than 1000 scans") == true)
    }
}
