import CJPEGSupport
import Foundation
import TorchCore

/// Encodes a uint8 image as JPEG bytes (`torchvision.io.encode_jpeg`).
///
/// `image` is `[C, H, W]` with C = 1 (gray) or 3 (RGB), or `[H, W]` (gray). libjpeg-turbo
/// compresses it with its defaults at `quality` (1 to 100; higher is larger and closer to
/// the original): baseline Huffman coding, 4:2:0 chroma subsampling for color, as
/// torchvision and PIL do by default.
///
/// ```swift
/// let pixels = try readImage("photo.png", mode: .rgb)
/// let bytes = try encodeJPEG(pixels, quality: 90)
/// ```
///
/// - Throws: ``ImageError/invalidImage(reason:)`` for another dtype, shape, channel count
///   or quality, or a side over JPEG's 65,500 pixels.
public func encodeJPEG(_ image: Tensor, quality: Int = 75) throws -> [UInt8] {
    func invalid(_ reason: String) -> ImageError { .invalidImage(reason: "encodeJPEG: " + reason) }
    guard image.dtype == .uint8 else {
        throw invalid("expected a uint8 tensor but got \(image.dtype); for floats in [0, 1] use (t * 255 + 0.5).clamp(min: 0, max: 255).to(dtype: .uint8)")
    }
    guard (1...100).contains(quality) else {
        throw invalid("quality must be between 1 and 100, but got \(quality)")
    }
    let chw: Tensor
    switch image.rank {
    case 2: chw = image.unsqueeze(dim: 0)
    case 3: chw = image
    default: throw invalid("expected a [C, H, W] or [H, W] image but got shape \(image.shape)")
    }
    let channels = chw.shape[0], height = chw.shape[1], width = chw.shape[2]
    guard channels == 1 || channels == 3 else {
        throw invalid("a JPEG image needs 1 (gray) or 3 (RGB) channels, but shape \(image.shape) has \(channels)")
    }
    guard height > 0, width > 0, height <= 65_500, width <= 65_500 else {
        throw invalid("a JPEG image's height and width must be between 1 and 65500, but got shape \(image.shape)")
    }
    let interleaved: [UInt8] = chw.permute(1, 2, 0).contiguous().toArray()
    var out: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = [CChar](repeating: 0, count: 200)
    let status = interleaved.withUnsafeBufferPointer { pixels in
        swt_jpeg_encode(pixels.baseAddress, Int32(width), Int32(height), Int32(channels), Int32(quality),
                        &out, &size, &message)
    }
    guard status == 0, let out else {
        throw invalid("libjpeg failed: \(String(cString: message))")
    }
    defer { swt_jpeg_free(out) }
    return Array(UnsafeBufferPointer(start: out, count: size))
}

/// Writes `image` as a JPEG file (see ``encodeJPEG(_:quality:)``), atomically: a failure
/// leaves any existing file unchanged. Like `torchvision.io.write_jpeg`.
///
/// ```swift
/// try writeJPEG(pixels, to: "photo.jpg", quality: 90)
/// ```
///
/// - Throws: ``ImageError/invalidImage(reason:)`` for an image JPEG cannot hold, or the
///   file system's error when the file cannot be written.
public func writeJPEG(_ image: Tensor, to path: String, quality: Int = 75) throws {
    let bytes = try encodeJPEG(image, quality: quality)
    try writeFileAtomically(to: URL(fileURLWithPath: path)) { file in
        try file.write(bytes)
    }
}
