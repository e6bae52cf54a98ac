/// Why an image could not be read, decoded, encoded or written.
///
/// Every case names the file (or "PNG data" / "JPEG data" for bytes handed to
/// ``decodePNG(_:mode:maxPixels:)`` or `decodeJPEG(_:mode:maxPixels:)`) and what was
/// wrong, so the message alone says what to fix.
///
/// ```swift
/// do { _ = try readImage("cat.png") } catch let e as ImageError { print(e) }
/// ```
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened, read or written (`reason` is the system's).
    case io(file: String, operation: String, reason: String)
    /// The bytes do not start with the 8-byte PNG signature.
    case notPNG(file: String)
    /// The file starts with neither the PNG nor the JPEG signature (``readImage(_:mode:maxPixels:)``).
    case unknownFormat(file: String)
    /// The JPEG data could not be decoded: libjpeg's reason (a damaged or truncated file, or a
    /// kind of JPEG libjpeg does not read, such as a lossless or 12-bit one).
    case corruptJPEG(file: String, reason: String)
    /// The JPEG was asked for something it cannot give (an alpha channel).
    case unsupportedJPEG(file: String, feature: String)
    /// The PNG file is damaged: a bad CRC, a truncated chunk, missing or malformed data.
    case corrupt(file: String, reason: String)
    /// A valid PNG that uses a feature this decoder does not read (16-bit samples, interlacing).
    case unsupported(file: String, feature: String)
    /// The image has more pixels than ``PNGDecoder/maxPixels`` allows (a guard against
    /// small files that announce huge images).
    case tooLarge(file: String, width: Int, height: Int, limit: Int)
    /// The tensor handed to an encoder or writer cannot be stored as an image.
    case invalidImage(reason: String)
    /// A folder of images (``ImageFolder``) is missing or does not hold what it must.
    case folder(path: String, reason: String)

    public var description: String {
        switch self {
        case let .io(file, operation, reason):
            return "\(file): cannot \(operation): \(reason)"
        case let .notPNG(file):
            return "\(file): not a PNG file (the 8-byte PNG signature is missing); only PNG images can be read"
        case let .unknownFormat(file):
            return "\(file): not a PNG or JPEG file (it starts with neither signature); only PNG and JPEG images can be read"
        case let .corruptJPEG(file, reason):
            return "\(file): cannot decode the JPEG data: \(reason); re-create or re-export the image"
        case let .unsupportedJPEG(file, feature):
            return "\(file): unsupported for JPEG: \(feature)"
        case let .corrupt(file, reason):
            return "\(file): corrupt PNG file: \(reason); re-create or re-export the image"
        case let .unsupported(file, feature):
            return "\(file): unsupported PNG: \(feature); re-save it as an 8-bit, non-interlaced PNG (gray, RGB, RGBA or palette)"
        case let .tooLarge(file, width, height, limit):
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            return "\(file): the image is \(width)x\(height) (\(overflow ? "too many" : String(pixels)) pixels), more than "
                + "the limit of \(limit) pixels; if the file is trusted, raise PNGDecoder.maxPixels to read it"
        case let .invalidImage(reason):
            return reason
        case let .folder(path, reason):
            return "\(path): \(reason)"
        }
    }
}
