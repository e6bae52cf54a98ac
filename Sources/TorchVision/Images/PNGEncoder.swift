import Foundation
import TorchCore

/// Encodes a uint8 image as PNG bytes (`torchvision.io.encode_png`).
///
/// `image` is `[C, H, W]` with C = 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA), or
/// `[H, W]` (gray). Samples are 8-bit; each row gets the PNG filter that suits it best
/// (the usual minimum-sum heuristic) and the rows are deflated with zlib.
///
/// ```swift
/// let pixels = Tensor.randint(0, 256, [3, 32, 32]).to(dtype: .uint8)
/// try encodePNG(pixels).write(to: URL(fileURLWithPath: "noise.png"))
/// ```
public func encodePNG(_ image: Tensor) throws -> Data {
    guard image.dtype == .uint8 else {
        throw ImageError.invalidImage(reason: "encodePNG: expected a uint8 tensor but got \(image.dtype); for floats in [0, 1] use (t * 255 + 0.5).clamp(min: 0, max: 255).to(dtype: .uint8)")
    }
    let chw: Tensor
    switch image.rank {
    case 2: chw = image.unsqueeze(dim: 0)
    case 3: chw = image
    default:
        throw ImageError.invalidImage(reason: "encodePNG: expected a [C, H, W] or [H, W] image but got shape \(image.shape)")
    }
    let channels = chw.shape[0], height = chw.shape[1], width = chw.shape[2]
    guard (1...4).contains(channels) else {
        throw ImageError.invalidImage(reason: "encodePNG: an image needs 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) channels, but shape \(image.shape) has \(channels) channels")
    }
    guard height > 0, width > 0, height <= 0x7FFF_FFFF, width <= 0x7FFF_FFFF else {
        throw ImageError.invalidImage(reason: "encodePNG: an image needs a height and width of at least 1, but got shape \(image.shape)")
    }
    // The tensor's [C, H, W] planes become PNG's interleaved rows, interleaved once here.
    let planar: [UInt8] = chw.toArray()
    let filtered = PNGEncoder.filterRows(planar, channels: channels, height: height, width: width)
    let compressed = PNGZlib.compress(filtered)

    var out = Data()
    out.append(contentsOf: PNGDecoder.signature)
    let colorType: UInt8 = [0, 4, 2, 6][channels - 1]
    var ihdr = [UInt8]()
    PNGEncoder.appendBigEndian32(&ihdr, UInt32(width))
    PNGEncoder.appendBigEndian32(&ihdr, UInt32(height))
    ihdr += [8, colorType, 0, 0, 0]  // bit depth, color type, deflate, adaptive filtering, no interlace
    PNGEncoder.appendChunk(&out, "IHDR", ihdr[...])
    // Large images are split into several IDAT chunks, as common encoders do.
    let chunkSize = 1 << 18
    var start = 0
    repeat {
        let end = min(start + chunkSize, compressed.count)
        PNGEncoder.appendChunk(&out, "IDAT", compressed[start..<end])
        start = end
    } while start < compressed.count
    PNGEncoder.appendChunk(&out, "IEND", [][...])
    return out
}

enum PNGEncoder {
    static func appendBigEndian32(_ a: inout [UInt8], _ v: UInt32) {
        a += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    /// Appends length, type, data and the CRC-32 of type and data.
    static func appendChunk(_ out: inout Data, _ type: String, _ data: ArraySlice<UInt8>) {
        var chunk = [UInt8]()
        chunk.reserveCapacity(data.count + 12)
        appendBigEndian32(&chunk, UInt32(data.count))
        chunk += Array(type.utf8)
        chunk += data
        let crc = chunk.withUnsafeBytes { PNGZlib.crc(UnsafeRawBufferPointer(rebasing: $0[4...])) }
        appendBigEndian32(&chunk, crc)
        out.append(contentsOf: chunk)
    }

    /// Interleaves planar `[C, H, W]` samples into rows, each led by the filter type
    /// (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) whose output has the smallest sum of
    /// absolute values, read as signed bytes.
    static func filterRows(_ planar: [UInt8], channels: Int, height: Int, width: Int) -> [UInt8] {
        let n = width * channels, stride = n + 1, plane = width * height
        var out = [UInt8](repeating: 0, count: stride * height)
        var rows = [UInt8](repeating: 0, count: 2 * n)      // current and previous interleaved row
        var candidates = [UInt8](repeating: 0, count: 5 * n)
        planar.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { rowBuf in
                candidates.withUnsafeMutableBufferPointer { candBuf in
                    out.withUnsafeMutableBufferPointer { dst in
                        let s = src.baseAddress!, cand = candBuf.baseAddress!
                        var cur = rowBuf.baseAddress!, prev = rowBuf.baseAddress! + n
                        for y in 0..<height {
                            for c in 0..<channels {
                                let p = s + c * plane + y * width
                                var d = cur + c
                                for x in 0..<width { d.pointee = p[x]; d += channels }
                            }
                            let hasPrior = y > 0
                            var best = 0, bestCost = Int.max
                            for f in 0..<5 {
                                let o = cand + f * n
                                var cost = 0
                                for i in 0..<n {
                                    let a = i >= channels ? cur[i - channels] : 0
                                    let b = hasPrior ? prev[i] : 0
                                    let cc = (i >= channels && hasPrior) ? prev[i - channels] : 0
                                    let predictor: UInt8
                                    switch f {
                                    case 0: predictor = 0
                                    case 1: predictor = a
                                    case 2: predictor = b
                                    case 3: predictor = UInt8((Int(a) + Int(b)) >> 1)
                                    default: predictor = UInt8(PNGDecoder.paeth(Int(a), Int(b), Int(cc)))
                                    }
                                    let v = cur[i] &- predictor
                                    o[i] = v
                                    cost += v < 128 ? Int(v) : 256 - Int(v)
                                }
                                if cost < bestCost { best = f; bestCost = cost }
                            }
                            let row = dst.baseAddress! + y * stride
                            row[0] = UInt8(best)
                            (row + 1).update(from: cand + best * n, count: n)
                            swap(&cur, &prev)
                        }
                    }
                }
            }
        }
        return out
    }
}
