import Foundation
import Testing
import TorchCore
import TorchVision

/// PNG headers announcing more pixels than `maxPixels` are refused before anything is
/// allocated, and no announced size can overflow the decoder's arithmetic (issue 7).
@Suite struct PNGLimitTests {
    /// A valid 2×3 (height × width) PNG with `channels` channels.
    func smallPNG(channels: Int = 1) throws -> [UInt8] {
        [UInt8](try encodePNG(Tensor.full([channels, 2, 3], 9, dtype: .uint8)))
    }

    /// `png` with its IHDR width and height replaced (and the chunk's CRC made valid again).
    func resized(_ png: [UInt8], width: UInt32, height: UInt32) -> [UInt8] {
        var b = png
        for (offset, v) in [(16, width), (20, height)] {
            for k in 0..<4 { b[offset + k] = UInt8(v >> (24 - 8 * UInt32(k)) & 255) }
        }
        let crc = crc32Reference(b[12..<29])
        for k in 0..<4 { b[29 + k] = UInt8(crc >> (24 - 8 * UInt32(k)) & 255) }
        return b
    }

    func imageError(_ body: () throws -> Any) -> ImageError? {
        do { _ = try body() } catch let e as ImageError { return e } catch { return nil }
        return nil
    }

    @Test func hugeAnnouncedImageThrowsBeforeAllocating() throws {
        let bomb = resized(try smallPNG(), width: 100_000, height: 100_000)
        let limit = PNGDecoder.maxPixels
        #expect(limit >= PNGDecoder.defaultMaxPixels)
        #expect(imageError { try decodePNG(Data(bomb)) } == .tooLarge(file: "PNG data", width: 100_000, height: 100_000, limit: limit))
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("bomb.png").path
            try Data(bomb).write(to: URL(fileURLWithPath: path))
            let error = imageError { try readImage(path) }
            #expect(error == .tooLarge(file: path, width: 100_000, height: 100_000, limit: limit))
            #expect("\(error!)" == "\(path): the image is 100000x100000 (10000000000 pixels), more than the limit of \(limit) pixels; "
                    + "if the file is trusted, raise PNGDecoder.maxPixels to read it")
        }
    }

    @Test func perCallLimitIsHonoured() throws {
        let png = Data(try smallPNG())
        #expect(imageError { try decodePNG(png, maxPixels: 5) } == .tooLarge(file: "PNG data", width: 3, height: 2, limit: 5))
        #expect(try decodePNG(png, maxPixels: 6).shape == [1, 2, 3])
        #expect(PNGDecoder.defaultMaxPixels == 178_956_970)
    }

    @Test func raisedLimitLetsTheHeaderThroughToTheDataChecks() throws {
        let bomb = Data(resized(try smallPNG(), width: 100_000, height: 100_000))
        // Past the pixel limit, the data is still too small to hold such an image.
        guard case let .corrupt(_, reason)? = imageError({ try decodePNG(bomb, maxPixels: 10_000_000_000) }) else {
            Issue.record("a raised limit must reach the data checks"); return
        }
        #expect(reason.contains("a 100000x100000 image cannot fit in"))
        let before = PNGDecoder.maxPixels
        PNGDecoder.maxPixels = before + 1
        #expect(PNGDecoder.maxPixels == before + 1)
        PNGDecoder.maxPixels = before
    }

    @Test(arguments: [1, 2, 3, 4]) func largestHeadersDoNotOverflow(channels: Int) throws {
        let widest = resized(try smallPNG(channels: channels), width: 0x7FFF_FFFF, height: 0x7FFF_FFFF)
        #expect(imageError { try decodePNG(Data(widest)) } == .tooLarge(
            file: "PNG data", width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, limit: PNGDecoder.maxPixels))
        guard case .corrupt? = imageError({ try decodePNG(Data(widest), maxPixels: .max) }) else {
            Issue.record("a 2^31-1 square image must be refused as corrupt"); return
        }
        let invalid = resized(try smallPNG(channels: channels), width: 0x8000_0000, height: 1)
        guard case let .corrupt(_, reason)? = imageError({ try decodePNG(Data(invalid), maxPixels: .max) }) else {
            Issue.record("a width of 2^31 is invalid"); return
        }
        #expect(reason.contains("invalid size 2147483648x1"))
    }
}
