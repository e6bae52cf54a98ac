import Foundation

// NumPy's .npy format: magic "\x93NUMPY", a version, a little-endian header length, a Python
// dict literal {'descr', 'fortran_order', 'shape'} padded so the data starts on 64 bytes,
// then the raw elements.

private let npyMagic: [UInt8] = [0x93] + Array("NUMPY".utf8)

/// Writes a tensor to a NumPy `.npy` file, byte for byte as `numpy.save` writes the same array
/// (format version 1.0, C order, little-endian).
///
/// Non-contiguous tensors are written in row-major order. The file is written atomically.
/// NumPy has no `bfloat16`: convert such tensors with `.to(dtype: .float32)` first.
///
/// ```swift
/// try saveNpy(Tensor.arange(6, dtype: .float32).reshape(2, 3), to: URL(fileURLWithPath: "a.npy"))
/// // numpy.load("a.npy") -> array([[0., 1., 2.], [3., 4., 5.]], dtype=float32)
/// ```
public func saveNpy(_ t: Tensor, to url: URL) throws {
    let path = url.path
    guard let descr = t.dtype.npyDescr else {
        throw SerializationError.invalidArgument(file: path, reason: "NumPy has no \(t.dtype.name) dtype; convert the tensor with .to(dtype: .float32) before saveNpy")
    }
    let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
    var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
    // numpy leaves room to grow the first axis in place (GROWTH_AXIS_MAX_DIGITS = 21).
    if let first = t.shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
    var header = Array(dict.utf8)
    let v1 = header.count + 1 + 64 - (10 + header.count + 1) % 64 <= 0xFFFF
    let prefix = v1 ? 10 : 12
    header += [UInt8](repeating: 0x20, count: 64 - (prefix + header.count + 1) % 64)
    header.append(0x0A)
    var bytes = npyMagic + [v1 ? 1 : 2, 0]
    if v1 {
        bytes += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
    } else {
        bytes += (0..<4).map { UInt8((header.count >> (8 * $0)) & 0xFF) }
    }
    bytes += header
    try writeFileAtomically(to: url) { file in
        try file.write(bytes)
        try t.withLittleEndianBytes { b in try file.write(b) }
    }
}

/// Writes a tensor to the `.npy` file at `path`.
public func saveNpy(_ t: Tensor, to path: String) throws {
    try saveNpy(t, to: URL(fileURLWithPath: path))
}

/// Reads a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0) into a contiguous tensor.
///
/// Shape `()` gives a 0-dimensional tensor; big-endian data is converted and Fortran-order
/// data is rearranged into row-major order. Supported dtypes: `bool`, `uint8`, `int8`,
/// `int16`, `int32`, `int64`, `float16`, `float32`, `float64`.
///
/// ```swift
/// let images = try loadNpy(from: URL(fileURLWithPath: "images.npy"))   // e.g. [100, 28, 28] float32
/// ```
///
/// - Throws: ``SerializationError`` naming the file and the problem (bad magic or version,
///   malformed header, unsupported dtype, truncated or over-long data).
public func loadNpy(from url: URL) throws -> Tensor {
    let file = try ReadOnlyFile(url)
    let path = file.path
    guard file.size >= 10 else {
        throw SerializationError.truncated(file: path, what: "the .npy preamble", expectedBytes: 10, foundBytes: file.size)
    }
    let pre = try file.bytes(count: 10, at: 0, what: "the .npy preamble")
    guard Array(pre[0..<6]) == npyMagic else {
        throw SerializationError.invalidNpy(file: path, reason: "missing the magic string \\x93NUMPY at the start (not a .npy file)")
    }
    let (major, minor) = (pre[6], pre[7])
    guard (1...3).contains(major), minor == 0 else {
        throw SerializationError.invalidNpy(file: path, reason: "format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
    }
    var headerStart = 10
    var headerLength = Int(pre[8]) | Int(pre[9]) << 8
    if major > 1 {
        headerStart = 12
        let more = try file.bytes(count: 2, at: 10, what: "the .npy header length")
        headerLength |= Int(more[0]) << 16 | Int(more[1]) << 24
    }
    guard file.size - headerStart >= headerLength else {
        throw SerializationError.truncated(file: path, what: "the \(headerLength)-byte .npy header", expectedBytes: headerLength,
                                           foundBytes: file.size - headerStart)
    }
    let header = try NpyHeader(try file.bytes(count: headerLength, at: headerStart, what: "the .npy header"), utf8: major == 3, file: path)
    let dataStart = headerStart + headerLength
    guard shapeFits(header.shape, itemSize: header.dtype.itemSize) else {
        throw SerializationError.invalidNpy(file: path, reason: "shape \(header.shape) is too large")
    }
    let bytes = header.shape.reduce(header.dtype.itemSize, *)
    let found = file.size - dataStart
    guard found >= bytes else {
        throw SerializationError.truncated(file: path, what: "the data of shape \(shapeString(header.shape)) ('\(header.descr)')",
                                           expectedBytes: bytes, foundBytes: found)
    }
    guard found == bytes else {
        throw SerializationError.invalidNpy(file: path, reason: "\(found - bytes) bytes follow the data of shape \(shapeString(header.shape)) ('\(header.descr)'), which needs \(bytes)")
    }
    // Fortran order is row-major order of the reversed shape; permuting back gives the array.
    let stored = header.fortranOrder ? Array(header.shape.reversed()) : header.shape
    let t = try Tensor.fromLittleEndianBytes(shape: stored, dtype: header.dtype) { p, count in
        try file.read(into: p, count: count, at: dataStart, what: "the array data")
        if header.bigEndian { swapBytes(p, count: count / header.dtype.itemSize, itemSize: header.dtype.itemSize) }
    }
    guard header.fortranOrder, header.shape.count > 1 else { return t }
    return t.permute(Array((0..<stored.count).reversed())).contiguous()
}

/// Reads the `.npy` file at `path` into a tensor.
public func loadNpy(from path: String) throws -> Tensor {
    try loadNpy(from: URL(fileURLWithPath: path))
}

extension DType {
    /// NumPy's little-endian type string, or nil for bfloat16.
    var npyDescr: String? {
        switch self {
        case .bool: "|b1"
        case .uint8: "|u1"
        case .int8: "|i1"
        case .int16: "<i2"
        case .int32: "<i4"
        case .int64: "<i8"
        case .float16: "<f2"
        case .bfloat16: nil
        case .float32: "<f4"
        case .float64: "<f8"
        }
    }
}
