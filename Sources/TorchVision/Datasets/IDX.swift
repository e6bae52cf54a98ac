import CSystemZlib
import Foundation
import TorchData

/// Reads an IDX file (the MNIST format), gzipped or raw, into a tensor.
///
/// The file starts with the magic number `00 00 type ndims`, then one big-endian `UInt32` per
/// dimension, then the data in row-major order. Types: `0x08` uint8, `0x09` int8, `0x0B`
/// int16, `0x0C` int32, `0x0D` float32, `0x0E` float64 (multi-byte values are big-endian in
/// the file and native in the tensor). Whether the file is gzipped is detected from its
/// bytes, not its name. The data is decompressed straight into the tensor's memory.
///
/// The size the header announces is checked before memory is allocated for it, so a damaged
/// or hostile file throws instead of exhausting memory: a raw file must hold exactly the
/// announced bytes; a gzipped one must announce at most `maxBytes` of data, no more than
/// deflate can expand the file to (1032:1), and the size its gzip trailer records.
///
/// ```swift
/// let images = try readIDX("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
/// images.shape   // [60000, 28, 28], uint8
/// ```
///
/// - Parameters:
///   - path: The file, gzipped or not.
///   - maxBytes: The most data bytes a gzipped file may announce (default 4 GiB, about 90
///     times Fashion-MNIST's training images). Raw files are checked against their size
///     instead.
/// - Throws: ``DatasetError`` naming the file when it can't be opened, doesn't start with
///   an IDX magic number, ends before the announced data, holds more than it, announces
///   more than `maxBytes` (gzipped), or is a damaged gzip stream.
public func readIDX(_ path: String, maxBytes: Int = 1 << 32) throws(DatasetError) -> Tensor {
    let (fd, fileSize) = try openForReading(path)
    guard let file = gzdopen(fd, "rb") else {
        close(fd)
        throw .io(file: path, reason: "zlib cannot open the file (out of memory)")
    }
    defer { gzclose(file) }
    gzbuffer(file, 1 << 18)

    var magic = [UInt8](repeating: 0, count: 4)
    let got = try readBytes(file, into: &magic, path: path)
    let expected = "00 00 <type> <ndims>, with type 08 (uint8), 09 (int8), 0b (int16), 0c (int32), 0d (float32) or 0e (float64)"
    guard got == 4, magic[0] == 0, magic[1] == 0, let dtype = idxDType(magic[2]), magic[3] >= 1 else {
        throw .badMagic(file: path, found: Array(magic[0..<got]), expected: expected)
    }
    let rank = Int(magic[3])
    var header = [UInt8](repeating: 0, count: 4 * rank)
    let headerGot = try readBytes(file, into: &header, path: path)
    guard headerGot == header.count else {
        throw .truncated(file: path, header: "\(rank) dimensions", expectedBytes: 4 + header.count,
                         actualBytes: 4 + headerGot)
    }
    var shape: [Int] = []
    // Zero sizes count as ones: a tensor's strides multiply the other sizes all the same.
    var span = 1
    for d in 0..<rank {
        let size = header[4 * d..<4 * d + 4].reduce(0) { $0 << 8 | Int($1) }
        let (product, overflow) = span.multipliedReportingOverflow(by: max(size, 1))
        guard !overflow, product <= (1 << 40) else {
            throw .unexpectedContents(file: path, reason: "the IDX header announces an impossible size \(shape + [size])")
        }
        shape.append(size)
        span = product
    }
    let count = shape.reduce(1, *)
    let headerBytes = 4 + header.count
    // count ≤ span ≤ 2^40 and itemSize ≤ 8, so neither sum nor product can overflow.
    let dataBytes = count * dtype.itemSize
    let totalBytes = headerBytes + dataBytes
    let describe = "\(shape.map(String.init).joined(separator: "×")) \(dtype.name) values after a \(headerBytes)-byte header"
    func tooLong() -> DatasetError {
        .unexpectedContents(file: path, reason: "more bytes than the IDX header announces (\(describe), "
                            + "\(totalBytes) bytes in all); the file is not one IDX array")
    }

    if gzdirect(file) == 1 {
        if fileSize < totalBytes {
            throw .truncated(file: path, header: describe, expectedBytes: totalBytes, actualBytes: fileSize)
        }
        if fileSize > totalBytes { throw tooLong() }
    } else {
        guard dataBytes <= maxBytes else {
            throw .unexpectedContents(file: path, reason: "the IDX header announces \(describe), \(dataBytes) bytes, more than "
                                      + "the \(maxBytes)-byte limit for gzipped files; pass a larger maxBytes to readIDX to read it")
        }
        if !gzipSizeIsPlausible(fd: fd, fileSize: fileSize, totalBytes: totalBytes) {
            // Count what the stream really holds, in a small buffer, before trusting the header.
            let held = try countDecompressed(file, after: headerBytes, limit: totalBytes + 1, path: path)
            if held < totalBytes {
                throw .truncated(file: path, header: describe, expectedBytes: totalBytes, actualBytes: held)
            }
            if held > totalBytes { throw tooLong() }
            guard gzrewind(file) == 0, gzseek(file, headerBytes, SEEK_SET) == headerBytes else {
                throw .io(file: path, reason: zlibError(file))
            }
        }
    }

    let tensor = Tensor.empty(shape, dtype: dtype)
    var done = 0
    while done < dataBytes {
        let chunk = min(dataBytes - done, 1 << 30)
        let n = gzread(file, tensor.storage.data + done, UInt32(chunk))
        if n < 0 { throw .io(file: path, reason: zlibError(file)) }
        done += Int(n)
        if Int(n) < chunk { break }
    }
    if done < dataBytes {
        throw .truncated(file: path, header: describe, expectedBytes: totalBytes, actualBytes: headerBytes + done)
    }
    var extra: UInt8 = 0
    let more = gzread(file, &extra, 1)
    if more < 0 { throw .io(file: path, reason: zlibError(file)) }
    if more > 0 { throw tooLong() }
    // A stream cut inside its trailer yields all the data; only gzerror tells.
    var code: Int32 = Z_OK
    _ = gzerror(file, &code)
    if code != Z_OK { throw .io(file: path, reason: zlibError(file)) }
    swapToNative(tensor, count: count)
    return tensor
}

/// The dtype of an IDX type byte, or nil for an unknown one.
func idxDType(_ byte: UInt8) -> DType? {
    switch byte {
    case 0x08: .uint8
    case 0x09: .int8
    case 0x0B: .int16
    case 0x0C: .int32
    case 0x0D: .float32
    case 0x0E: .float64
    default: nil
    }
}

/// Opens `path` and returns its descriptor and size; a directory is refused.
private func openForReading(_ path: String) throws(DatasetError) -> (Int32, Int) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw .io(file: path, reason: systemError()) }
    var st = stat()
    if fstat(fd, &st) != 0 {
        let reason = systemError()
        close(fd)
        throw .io(file: path, reason: reason)
    }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        close(fd)
        throw .io(file: path, reason: "it is a directory")
    }
    return (fd, Int(st.st_size))
}

/// Whether a gzip file of `fileSize` bytes can hold `totalBytes` once inflated: deflate
/// expands at most 1032:1, and the trailer's ISIZE records the length modulo 2^32.
private func gzipSizeIsPlausible(fd: Int32, fileSize: Int, totalBytes: Int) -> Bool {
    let (bound, overflow) = fileSize.multipliedReportingOverflow(by: 1032)
    guard overflow || totalBytes <= bound, fileSize >= 18 else { return false }
    var trailer = [UInt8](repeating: 0, count: 4)
    let n = trailer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, off_t(fileSize - 4)) }
    guard n == 4 else { return false }
    let isize = UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24
    return isize == UInt32(truncatingIfNeeded: totalBytes)
}

/// How many bytes the stream holds in all (`already` of them read), counting no further than `limit`.
private func countDecompressed(_ file: gzFile, after already: Int, limit: Int, path: String) throws(DatasetError) -> Int {
    var scratch = [UInt8](repeating: 0, count: 1 << 16)
    var total = already
    while total < limit {
        let want = min(scratch.count, limit - total)
        let n = scratch.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(want)) }
        if n < 0 { throw .io(file: path, reason: zlibError(file)) }
        if n == 0 { break }
        total += Int(n)
    }
    return total
}

private func readBytes(_ file: gzFile, into buffer: inout [UInt8], path: String) throws(DatasetError) -> Int {
    let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
    if n < 0 { throw .io(file: path, reason: zlibError(file)) }
    return Int(n)
}

/// IDX stores multi-byte values big-endian.
private func swapToNative(_ t: Tensor, count: Int) {
    guard t.elementSize > 1, 1.bigEndian != 1 else { return }
    swapBytes(t.storage.data, count: count, itemSize: t.elementSize)
}

private func zlibError(_ file: gzFile) -> String {
    var code: Int32 = 0
    let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
    return code == Z_ERRNO ? systemError() : "damaged gzip data (\(message))"
}

private func systemError() -> String { String(cString: strerror(errno)) }
