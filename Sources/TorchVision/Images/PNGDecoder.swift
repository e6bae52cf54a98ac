import Foundation
import Synchronization
import TorchCore

/// Decodes PNG bytes into a uint8 `[C, H, W]` tensor (`torchvision.io.decode_png`).
///
/// The same formats, modes and pixel limit as ``readImage(_:mode:maxPixels:)``; errors name
/// the source "PNG data".
///
/// ```swift
/// let image = try decodePNG(try Data(contentsOf: url))
/// ```
public func decodePNG(_ data: Data, mode: ImageReadMode = .unchanged,
                      maxPixels: Int = PNGDecoder.maxPixels) throws -> Tensor {
    mode.convert(try PNGDecoder.decode([UInt8](data), source: "PNG data", maxPixels: maxPixels))
}

/// The fields of a PNG's IHDR chunk that decoding needs.
///
/// The parser admits widths and heights below 2^31 and at most ``PNGDecoder/maxPixels``
/// pixels; the byte counts below are computed with overflow checks all the same, since the
/// limit can be raised to anything.
struct PNGHeader {
    var width: Int, height: Int, bitDepth: Int, colorType: Int

    /// Samples per pixel in the file (a palette index counts as one).
    var samplesPerPixel: Int {
        switch colorType {
        case 2: 3
        case 4: 2
        case 6: 4
        default: 1
        }
    }
    /// Bytes in one unfiltered row (below 2^34 for a width below 2^31).
    var rowBytes: Int { (width * samplesPerPixel * bitDepth + 7) / 8 }
    /// The byte distance to the same sample of the previous pixel (at least 1), as the filters use it.
    var filterStride: Int { max(1, samplesPerPixel * bitDepth / 8) }
    /// Bytes of the inflated image data: each row with its filter-type byte; nil on overflow.
    var filteredBytes: Int? {
        let (n, overflow) = (rowBytes + 1).multipliedReportingOverflow(by: height)
        return overflow ? nil : n
    }
    /// Bytes of the decoded `[channels, height, width]` image; nil on overflow.
    func decodedBytes(channels: Int) -> Int? {
        let (plane, o1) = width.multipliedReportingOverflow(by: height)
        let (n, o2) = plane.multipliedReportingOverflow(by: channels)
        return o1 || o2 ? nil : n
    }
}

/// Settings of the PNG decoder behind ``readImage(_:mode:maxPixels:)``,
/// ``decodePNG(_:mode:maxPixels:)`` and ``ImageFolder``.
public enum PNGDecoder {
    /// PIL's bound: `Image.MAX_IMAGE_PIXELS` (89,478,485) warns, twice that is an error.
    public static let defaultMaxPixels = 178_956_970

    /// The most pixels (width × height) an image may have unless a call passes its own
    /// `maxPixels`; larger images throw ``ImageError/tooLarge(file:width:height:limit:)``
    /// before anything is allocated.
    ///
    /// The default, ``defaultMaxPixels``, is PIL's: about 13,000 × 13,000, 537 MB as RGB.
    /// It guards against "decompression bombs", small files that announce huge images.
    /// Raise it, for the whole process and from any thread, to read larger trusted files
    /// (``ImageFolder`` and ``DataLoader`` workers included):
    ///
    /// ```swift
    /// PNGDecoder.maxPixels = 400_000_000
    /// let scan = try readImage("scan.png")
    /// ```
    public static var maxPixels: Int {
        get { maxPixelsStorage.load(ordering: .relaxed) }
        set { maxPixelsStorage.store(newValue, ordering: .relaxed) }
    }
    private static let maxPixelsStorage = Atomic<Int>(defaultMaxPixels)

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func decode(_ bytes: [UInt8], source: String, maxPixels: Int) throws -> Tensor {
        func corrupt(_ reason: String) -> ImageError { .corrupt(file: source, reason: reason) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            // A file cut short inside the signature is still recognisably a PNG.
            if bytes.count < 8, bytes.count > 0, Array(signature[0..<bytes.count]) == bytes {
                throw corrupt("the file ends after \(bytes.count) bytes, inside the PNG signature")
            }
            throw ImageError.notPNG(file: source)
        }
        var header: PNGHeader?
        var palette: [UInt8] = []
        var paletteAlpha: [UInt8] = []
        var imageData: [UInt8] = []
        var pos = 8
        var ended = false
        while !ended {
            guard bytes.count - pos >= 12 else {
                throw corrupt(pos == bytes.count ? "the file ends before the IEND chunk (truncated)"
                                                 : "the file ends inside a chunk header at byte \(pos) (truncated)")
            }
            let length = Int(readBigEndian32(bytes, pos))
            let typeBytes = Array(bytes[(pos + 4)..<(pos + 8)])
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw corrupt("invalid chunk type bytes \(typeBytes) at byte \(pos + 4)")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= 0x7FFF_FFFF else { throw corrupt("chunk '\(type)' at byte \(pos) declares an impossible length \(length)") }
            guard bytes.count - pos - 12 >= length else {
                throw corrupt("chunk '\(type)' at byte \(pos) needs \(length) data bytes plus its CRC, but the file ends after \(bytes.count - pos - 8) (truncated)")
            }
            let dataStart = pos + 8, dataEnd = pos + 8 + length
            let stored = readBigEndian32(bytes, dataEnd)
            let computed = bytes.withUnsafeBytes { PNGZlib.crc(UnsafeRawBufferPointer(rebasing: $0[(pos + 4)..<dataEnd])) }
            guard stored == computed else {
                throw corrupt("CRC mismatch in chunk '\(type)' at byte \(pos) (stored \(hex(stored)), computed \(hex(computed)))")
            }
            if header == nil && type != "IHDR" { throw corrupt("the first chunk is '\(type)', not IHDR") }
            switch type {
            case "IHDR":
                guard header == nil else { throw corrupt("more than one IHDR chunk") }
                guard length == 13 else { throw corrupt("IHDR chunk has \(length) bytes, not 13") }
                header = try parseHeader(Array(bytes[dataStart..<dataEnd]), source: source, maxPixels: maxPixels)
            case "PLTE":
                guard length % 3 == 0, (3...768).contains(length) else {
                    throw corrupt("PLTE chunk has \(length) bytes; a palette is 1 to 256 RGB entries")
                }
                palette = Array(bytes[dataStart..<dataEnd])
            case "tRNS":
                paletteAlpha = Array(bytes[dataStart..<dataEnd])
            case "IDAT":
                imageData.append(contentsOf: bytes[dataStart..<dataEnd])
            case "IEND":
                ended = true
            default:
                // Bit 5 of the first byte clear marks a critical chunk a decoder must understand.
                if typeBytes[0] & 0x20 == 0 { throw ImageError.unsupported(file: source, feature: "unknown critical chunk '\(type)'") }
            }
            pos = dataEnd + 4
        }
        let h = header!
        guard !imageData.isEmpty else { throw corrupt("no IDAT chunk: the file holds no image data") }
        if h.colorType == 3 && palette.isEmpty { throw corrupt("a palette image without a PLTE chunk") }

        let stride = h.rowBytes + 1
        // deflate compresses at most about 1032:1, so a header claiming far more pixels than the
        // data can hold is rejected before allocating for it.
        guard let expected = h.filteredBytes, expected / 1032 <= imageData.count + 64 else {
            throw corrupt("a \(h.width)x\(h.height) image cannot fit in \(imageData.count) bytes of compressed image data")
        }
        var raw: [UInt8]
        do {
            raw = try PNGZlib.decompress(imageData, expected: expected)
        } catch {
            throw corrupt(error.reason)
        }
        if let badRow = unfilter(&raw, h) {
            throw corrupt("row \(badRow) has filter type \(raw[badRow * stride]); PNG filter types are 0 to 4")
        }
        return try expand(raw, h, palette: palette, paletteAlpha: paletteAlpha, source: source, maxPixels: maxPixels)
    }

    static func parseHeader(_ d: [UInt8], source: String, maxPixels: Int) throws -> PNGHeader {
        let width = Int(readBigEndian32(d, 0)), height = Int(readBigEndian32(d, 4))
        let depth = Int(d[8]), color = Int(d[9])
        func corrupt(_ reason: String) -> ImageError { .corrupt(file: source, reason: reason) }
        guard (1...0x7FFF_FFFF).contains(width), (1...0x7FFF_FFFF).contains(height) else {
            throw corrupt("IHDR gives an invalid size \(width)x\(height)")
        }
        let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = allowed[color] else { throw corrupt("IHDR has an invalid color type \(color)") }
        guard depths.contains(depth) else { throw corrupt("IHDR has bit depth \(depth), invalid for color type \(color)") }
        guard d[10] == 0 else { throw corrupt("IHDR has an unknown compression method \(d[10])") }
        guard d[11] == 0 else { throw corrupt("IHDR has an unknown filter method \(d[11])") }
        guard d[12] <= 1 else { throw corrupt("IHDR has an unknown interlace method \(d[12])") }
        if depth == 16 { throw ImageError.unsupported(file: source, feature: "16-bit samples") }
        if d[12] == 1 { throw ImageError.unsupported(file: source, feature: "Adam7 interlacing") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw ImageError.tooLarge(file: source, width: width, height: height, limit: maxPixels)
        }
        return PNGHeader(width: width, height: height, bitDepth: depth, colorType: color)
    }

    /// Undoes the per-row filters in place; returns the index of a row with an invalid filter type.
    static func unfilter(_ raw: inout [UInt8], _ h: PNGHeader) -> Int? {
        let n = h.rowBytes, bpp = h.filterStride, stride = n + 1
        return raw.withUnsafeMutableBufferPointer { buf -> Int? in
            let base = buf.baseAddress!
            for y in 0..<h.height {
                let row = base + y * stride + 1
                let filter = row[-1]
                // The row above is all zeros for the first row.
                let hasPrior = y > 0
                let prior = row - stride
                switch filter {
                case 0: break
                case 1:
                    var i = bpp
                    while i < n { row[i] &+= row[i - bpp]; i += 1 }
                case 2:
                    if hasPrior { for i in 0..<n { row[i] &+= prior[i] } }
                case 3:
                    for i in 0..<n {
                        let left = i >= bpp ? Int(row[i - bpp]) : 0
                        let up = hasPrior ? Int(prior[i]) : 0
                        row[i] &+= UInt8((left + up) >> 1)
                    }
                case 4:
                    for i in 0..<n {
                        let a = i >= bpp ? Int(row[i - bpp]) : 0
                        let b = hasPrior ? Int(prior[i]) : 0
                        let c = (i >= bpp && hasPrior) ? Int(prior[i - bpp]) : 0
                        row[i] &+= UInt8(paeth(a, b, c))
                    }
                default:
                    return y
                }
            }
            return nil
        }
    }

    @inline(__always) static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// The unfiltered rows as a planar uint8 `[C, H, W]` tensor.
    static func expand(_ raw: [UInt8], _ h: PNGHeader, palette: [UInt8], paletteAlpha: [UInt8], source: String, maxPixels: Int) throws -> Tensor {
        let width = h.width, height = h.height, stride = h.rowBytes + 1
        let isPalette = h.colorType == 3
        let channels = isPalette ? (paletteAlpha.isEmpty ? 3 : 4) : h.samplesPerPixel
        guard let outBytes = h.decodedBytes(channels: channels) else {
            throw ImageError.tooLarge(file: source, width: width, height: height, limit: maxPixels)
        }
        let plane = width * height   // cannot overflow: outBytes did not
        var out = [UInt8](repeating: 0, count: outBytes)
        let entries = palette.count / 3
        // Palette images become a lookup table of RGBA (alpha 255 where tRNS gives none).
        var table = [UInt8](repeating: 255, count: 256 * 4)
        for e in 0..<entries {
            for k in 0..<3 { table[e * 4 + k] = palette[e * 3 + k] }
            if e < paletteAlpha.count { table[e * 4 + 3] = paletteAlpha[e] }
        }
        var badIndex: Int?
        raw.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let d = dst.baseAddress!
                for y in 0..<height {
                    let row = src.baseAddress! + y * stride + 1
                    let o = y * width
                    if h.bitDepth == 8 && !isPalette {
                        for c in 0..<channels {
                            let plane_ = d + c * plane + o
                            var s = row + c
                            for x in 0..<width { plane_[x] = s.pointee; s += channels }
                        }
                        continue
                    }
                    let bits = h.bitDepth, mask = (1 << bits) - 1, perByte = 8 / bits
                    let scale = isPalette ? 1 : 255 / mask
                    for x in 0..<width {
                        let byte = Int(row[x / perByte])
                        let shift = 8 - bits * (x % perByte + 1)
                        let v = (byte >> shift) & mask
                        if isPalette {
                            if v >= entries { badIndex = badIndex ?? v; continue }
                            for c in 0..<channels { d[c * plane + o + x] = table[v * 4 + c] }
                        } else {
                            d[o + x] = UInt8(v * scale)
                        }
                    }
                }
            }
        }
        if let badIndex {
            throw ImageError.corrupt(file: source, reason: "palette index \(badIndex) is outside the \(entries)-entry palette")
        }
        return Tensor(out, shape: [channels, height, width])
    }
}

@inline(__always) private func readBigEndian32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}

private func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16, uppercase: false).leftPadded(to: 8) }

private extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: Swift.max(0, n - count)) + self }
}
