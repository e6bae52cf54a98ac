import CJPEGSupport
import Foundation
import TorchCore

/// Decodes JPEG bytes into a uint8 `[C, H, W]` tensor, like `torchvision.io.decode_jpeg`.
///
/// Decoding is libjpeg-turbo's, with its default settings (accurate integer DCT, smooth
/// chroma upsampling), so the values are torchvision's for the same bytes. `mode`:
/// - ``ImageReadMode/unchanged``: the file's own channels: 1 for a grayscale JPEG, 3 (RGB)
///   for a color one, 4 for a CMYK one (the stored CMYK values, as torchvision gives them).
/// - ``ImageReadMode/gray``: one channel, libjpeg's luminance (for a YCbCr file, its Y plane).
/// - ``ImageReadMode/rgb``: three channels; CMYK files are converted as PIL and torchvision do.
/// - ``ImageReadMode/grayAlpha`` and ``ImageReadMode/rgbAlpha`` throw
///   ``ImageError/unsupportedJPEG(file:feature:)``: JPEG has no alpha (torchvision refuses them too).
///
/// Damaged data throws ``ImageError/corruptJPEG(file:reason:)`` with libjpeg's reason; data
/// that ends early is an error, not a gray-filled image. Warnings about recoverable damage
/// (extraneous bytes, a corrupt stretch of entropy-coded data) do not stop decoding, as in
/// torchvision and PIL. An image with more than `maxPixels` pixels throws
/// ``ImageError/tooLarge(file:width:height:limit:)`` before anything is allocated for it
/// (the limit PNG files have: ``PNGDecoder/maxPixels``).
///
/// ```swift
/// let photo = try decodeJPEG(try Data(contentsOf: url))     // uint8 [3, H, W]
/// let gray = try decodeJPEG(bytes, mode: .gray)            // uint8 [1, H, W]
/// ```
public func decodeJPEG(_ data: [UInt8], mode: ImageReadMode = .unchanged,
                       maxPixels: Int = PNGDecoder.maxPixels) throws -> Tensor {
    try JPEGDecoder.decode(data, source: "JPEG data", output: .torchvision(mode), maxPixels: maxPixels)
}

/// Decodes JPEG bytes into a uint8 `[C, H, W]` tensor (`torchvision.io.decode_jpeg`); the
/// same as the `[UInt8]` form.
public func decodeJPEG(_ data: Data, mode: ImageReadMode = .unchanged,
                       maxPixels: Int = PNGDecoder.maxPixels) throws -> Tensor {
    try decodeJPEG([UInt8](data), mode: mode, maxPixels: maxPixels)
}

/// The JPEG decoder behind `decodeJPEG(_:mode:maxPixels:)`, ``readImage(_:mode:maxPixels:)``
/// and ``ImageFolder``.
enum JPEGDecoder {
    /// The start-of-image marker every JPEG file begins with.
    static let signature: [UInt8] = [0xFF, 0xD8]

    /// Which conversions apply.
    enum Output {
        /// `torchvision.io.decode_jpeg`'s channels for the mode.
        case torchvision(ImageReadMode)
        /// torchvision's default `ImageFolder` loader, PIL's `Image.open(path).convert(mode)`:
        /// a gray file stays gray, any other becomes RGB, and then ``ImageReadMode/convert(_:)``
        /// applies PIL's rules (gray from RGB by PIL's luma, an opaque alpha where asked).
        /// ``ImageReadMode/unchanged`` gives the same as `.torchvision(.unchanged)`.
        case pil(ImageReadMode)
    }

    static func decode(_ bytes: [UInt8], source: String, output: Output, maxPixels: Int) throws -> Tensor {
        func corrupt(_ reason: String) -> ImageError { .corruptJPEG(file: source, reason: reason) }
        guard !bytes.isEmpty else { throw corrupt("the data is empty") }
        if case let .torchvision(mode) = output, mode == .grayAlpha || mode == .rgbAlpha {
            throw ImageError.unsupportedJPEG(file: source, feature: "the read mode .\(mode.rawValue): a JPEG has no alpha channel; read it as .unchanged, .gray or .rgb")
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            guard let decoder = swt_jpeg_decoder_create(buffer.baseAddress, buffer.count) else {
                throw corrupt("out of memory")
            }
            defer { swt_jpeg_decoder_destroy(decoder) }
            func check(_ status: Int32) throws {
                if status != 0 { throw corrupt(String(cString: swt_jpeg_decoder_message(decoder))) }
            }
            var width: Int32 = 0, height: Int32 = 0, components: Int32 = 0, space: Int32 = 0
            try check(swt_jpeg_read_header(decoder, &width, &height, &components, &space))
            // JPEG sizes are 16-bit, so the product cannot overflow.
            guard Int(width) * Int(height) <= maxPixels else {
                throw ImageError.tooLarge(file: source, width: Int(width), height: Int(height), limit: maxPixels)
            }
            let isCMYK = space == Int32(SWT_JPEG_CMYK) || space == Int32(SWT_JPEG_YCCK)
            let want: ImageReadMode, after: ImageReadMode
            switch output {
            case let .torchvision(mode): (want, after) = (mode, .unchanged)
            case let .pil(mode) where mode == .unchanged: (want, after) = (.unchanged, .unchanged)
            case let .pil(mode): (want, after) = (space == Int32(SWT_JPEG_GRAY) ? .unchanged : .rgb, mode)
            }
            let request: Int32
            switch want {
            case .gray: request = Int32(isCMYK ? SWT_JPEG_CMYK : SWT_JPEG_GRAY)
            case .rgb: request = Int32(isCMYK ? SWT_JPEG_CMYK : SWT_JPEG_RGB)
            default: request = Int32(SWT_JPEG_UNKNOWN)
            }
            var outWidth: Int32 = 0, outHeight: Int32 = 0, channels: Int32 = 0
            try check(swt_jpeg_start(decoder, request, &outWidth, &outHeight, &channels))
            let w = Int(outWidth), h = Int(outHeight), c = Int(channels)
            guard w == Int(width), h == Int(height), (1...10).contains(c) else {
                throw corrupt("libjpeg's output is \(w)x\(h) with \(c) channels for a \(width)x\(height) image")
            }
            let interleaved = try [UInt8](unsafeUninitializedCapacity: w * h * c) { rows, count in
                try check(swt_jpeg_read_rows(decoder, rows.baseAddress, w * c))
                count = w * h * c
            }
            let converted: Tensor
            if isCMYK && want != .unchanged {
                converted = planarFromCMYK(interleaved, width: w, height: h, gray: want == .gray)
            } else {
                converted = planar(interleaved, width: w, height: h, channels: c)
            }
            return after.convert(converted)
        }
    }

    /// `[H, W, C]` samples as a `[C, H, W]` tensor.
    static func planar(_ interleaved: [UInt8], width: Int, height: Int, channels: Int) -> Tensor {
        if channels == 1 { return Tensor(interleaved, shape: [1, height, width]) }
        let plane = width * height
        let out = [UInt8](unsafeUninitializedCapacity: plane * channels) { dst, count in
            interleaved.withUnsafeBufferPointer { src in
                for c in 0..<channels {
                    var s = src.baseAddress! + c
                    let d = dst.baseAddress! + c * plane
                    for i in 0..<plane { d[i] = s.pointee; s += channels }
                }
            }
            count = plane * channels
        }
        return Tensor(out, shape: [channels, height, width])
    }

    /// CMYK samples as stored by Adobe-style files (inverted) made RGB, or gray from that RGB
    /// by PIL's luma, with the rounding PIL and torchvision use.
    static func planarFromCMYK(_ cmyk: [UInt8], width: Int, height: Int, gray: Bool) -> Tensor {
        let plane = width * height, channels = gray ? 1 : 3
        @inline(__always) func channel(_ k: Int, _ ink: Int) -> Int {
            var v = k * (255 - ink) + 128
            v = ((v >> 8) + v) >> 8
            return Swift.min(Swift.max(k - v, 0), 255)
        }
        let out = [UInt8](unsafeUninitializedCapacity: plane * channels) { dst, count in
            cmyk.withUnsafeBufferPointer { src in
                let s = src.baseAddress!, d = dst.baseAddress!
                for i in 0..<plane {
                    let k = Int(s[4 * i + 3])
                    let r = channel(k, Int(s[4 * i])), g = channel(k, Int(s[4 * i + 1])), b = channel(k, Int(s[4 * i + 2]))
                    if gray {
                        d[i] = UInt8((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
                    } else {
                        d[i] = UInt8(r); d[plane + i] = UInt8(g); d[2 * plane + i] = UInt8(b)
                    }
                }
            }
            count = plane * channels
        }
        return Tensor(out, shape: [channels, height, width])
    }
}
