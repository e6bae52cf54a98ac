import Foundation
import TorchCore

/// Reads a PNG or JPEG file into a uint8 `[C, H, W]` tensor, like `torchvision.io.read_image`.
///
/// The format is told by the file's first bytes, not its name.
///
/// PNG files with 8-bit samples are read: gray (C = 1), gray + alpha (2), RGB (3), RGBA (4),
/// and palette images expanded to RGB (or RGBA when the palette has transparency); gray and
/// palette images with 1, 2 or 4 bits per sample are expanded to 8 bits. Every chunk's
/// CRC is checked. 16-bit and interlaced files throw ``ImageError/unsupported(file:feature:)``.
///
/// JPEG files are decoded by libjpeg-turbo as `torchvision.io.decode_jpeg` does (see
/// `decodeJPEG(_:mode:maxPixels:)`): 1 channel for a grayscale file, 3 for color, 4 for CMYK;
/// damaged ones throw ``ImageError/corruptJPEG(file:reason:)``, and the modes with alpha
/// throw ``ImageError/unsupportedJPEG(file:feature:)``, as in torchvision.
///
/// An image with more than `maxPixels` pixels throws
/// ``ImageError/tooLarge(file:width:height:limit:)`` as soon as its header is read, before
/// any memory is allocated for it. The default is ``PNGDecoder/maxPixels`` (178,956,970
/// unless changed, PIL's limit); pass a larger value, or raise that setting, to read larger
/// trusted files.
///
/// ```swift
/// let image = try readImage("shirt.png")          // uint8 [1, 28, 28]
/// let x = image.to(dtype: .float32) / 255          // what ToTensor gives
/// let rgb = try readImage("cat.jpg", mode: .rgb)  // uint8 [3, H, W]
/// ```
///
/// `mode` converts the channels (``ImageReadMode``); by default they stay as stored.
public func readImage(_ path: String, mode: ImageReadMode = .unchanged,
                      maxPixels: Int = PNGDecoder.maxPixels) throws -> Tensor {
    let bytes = try readImageFile(path)
    switch try ImageFormat(bytes, source: path) {
    case .jpeg: return try JPEGDecoder.decode(bytes, source: path, output: .torchvision(mode), maxPixels: maxPixels)
    case .png: return mode.convert(try PNGDecoder.decode(bytes, source: path, maxPixels: maxPixels))
    }
}

/// The formats ``readImage(_:mode:maxPixels:)`` tells apart by their first bytes.
enum ImageFormat {
    case png, jpeg

    /// PNG for the PNG signature or a file cut short inside it (the PNG decoder says so).
    /// - Throws: ``ImageError/unknownFormat(file:)`` when neither signature starts `bytes`.
    init(_ bytes: [UInt8], source: String) throws {
        if bytes.starts(with: JPEGDecoder.signature) {
            self = .jpeg
        } else if !bytes.isEmpty, bytes.prefix(8).elementsEqual(PNGDecoder.signature.prefix(Swift.min(8, bytes.count))) {
            self = .png
        } else {
            throw ImageError.unknownFormat(file: source)
        }
    }
}

/// The bytes of the image file at `path`.
func readImageFile(_ path: String) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ImageError.io(file: path, operation: "open", reason: "no such file")
    }
    if isDirectory.boolValue { throw ImageError.io(file: path, operation: "read", reason: "it is a directory") }
    do {
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        throw ImageError.io(file: path, operation: "read", reason: error.localizedDescription)
    }
}
