import CSystemZlib
import Foundation

/// zlib streams and CRC-32 for PNG files. zlib's function-like macros (`deflateInit2`,
/// `inflateInit2`) are not imported into Swift, so the underscored functions are called
/// with the library version and the stream's size, as the macros do.
enum PNGZlib {
    /// The CRC-32 of a chunk's type and data, continuing from `crc` (0 to start).
    static func crc(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return UInt32(CSystemZlib.crc32(uLong(crc), base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }

    /// `bytes` as one zlib stream (deflate level 6, PNG's usual setting).
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let initStatus = deflateInit2_(&stream, level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY,
                                       ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(initStatus == Z_OK, "zlib deflateInit2 failed (\(initStatus))")
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        var status: Int32 = Z_OK
        bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                status = deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound guarantees room for the whole stream in one call.
        precondition(status == Z_STREAM_END, "zlib deflate failed (\(status))")
        out.removeSubrange(Int(stream.total_out)...)
        return out
    }

    /// Inflates the zlib stream `bytes` into exactly `expected` bytes, never more.
    ///
    /// Throws a description of the problem when the stream is damaged or holds fewer bytes;
    /// bytes beyond `expected` are ignored, as libpng does.
    static func decompress(_ bytes: [UInt8], expected: Int) throws(DecompressError) -> [UInt8] {
        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, 15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else { throw DecompressError(reason: "zlib inflateInit2 failed (\(initStatus))") }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: expected)
        var status: Int32 = Z_OK
        var message: String?
        var produced = 0
        bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.next_out = dst.baseAddress
                // zlib counts in UInt32, so more than 4 GiB (a raised pixel limit) goes in pieces.
                let piece = 1 << 30
                var inLeft = src.count
                while status == Z_OK && produced < dst.count {
                    let feedIn = min(inLeft, piece), feedOut = min(dst.count - produced, piece)
                    stream.avail_in = uInt(feedIn)
                    stream.avail_out = uInt(feedOut)
                    status = inflate(&stream, Z_NO_FLUSH)
                    inLeft -= feedIn - Int(stream.avail_in)
                    produced += feedOut - Int(stream.avail_out)
                }
                if let m = stream.msg { message = String(cString: m) }
            }
        }
        switch status {
        case Z_STREAM_END where produced == expected:
            return out
        case Z_STREAM_END:
            throw DecompressError(reason: "image data holds \(produced) bytes, but the header's size needs \(expected)")
        case Z_OK where produced == expected, Z_BUF_ERROR where produced == expected:
            return out  // the output is full; anything after it is surplus
        case Z_BUF_ERROR:
            throw DecompressError(reason: "image data ends early: \(produced) of \(expected) bytes")
        default:
            throw DecompressError(reason: "zlib cannot inflate the image data (\(message ?? "error \(status)"))")
        }
    }

    struct DecompressError: Error { let reason: String }
}
