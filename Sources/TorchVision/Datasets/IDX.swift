import CZlib
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
/// ```swift
/// let images = try readIDX("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
/// images.shape   // [60000, 28, 28], uint8
/// ```
///
/// - Throws: ``DatasetError`` naming the file when it can't be opened, doesn't start with
///   an IDX magic number, ends before the announced data, holds more than it, or is a
///   damaged gzip stream.
public func readIDX(_ path: String) throws(DatasetError) -> Tensor {
    guard let file = gzopen(path, "rb") else {
        throw .io(file: path, reason: systemError())
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
    var count = 1
    for d in 0..<rank {
        let size = header[4 * d..<4 * d + 4].reduce(0) { $0 << 8 | Int($1) }
        let (product, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, product <= (1 << 40) else {
            throw .unexpectedContents(file: path, reason: "the IDX header announces an impossible size \(shape + [size])")
        }
        shape.append(size)
        count = product
    }
    let headerBytes = 4 + header.count
    let dataBytes = count * dtype.itemSize
    let describe = "\(shape.map(String.init).joined(separator: "×")) \(dtype.name) values after a \(headerBytes)-byte header"

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
        throw .truncated(file: path, header: describe, expectedBytes: headerBytes + dataBytes,
                         actualBytes: headerBytes + done)
    }
    var extra: UInt8 = 0
    let more = gzread(file, &extra, 1)
    if more < 0 { throw .io(file: path, reason: zlibError(file)) }
    if more > 0 {
        throw .unexpectedContents(file: path, reason: "more bytes than the IDX header announces (\(describe), "
                                  + "\(headerBytes + dataBytes) bytes in all); the file is not one IDX array")
    }
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
