import Foundation

// The zip archive `torch.save` writes (PyTorch 1.6 and later): `<name>/data.pkl` holds the
// pickle, `<name>/data/<key>` each storage's raw bytes, `<name>/byteorder` "little" or "big";
// `<name>` is whatever the first record's folder is, as PyTorch's reader takes it. Records are
// stored (PyTorch never compresses them), so reading one is a bounds-checked pread.
//
// Read here rather than with ZIPFoundation, which writes them (TorchCheckpoint+Save.swift):
// fuzzing found ZIPFoundation 0.9.20's reader trapping on a hostile central directory (a
// zip64 offset over Int64.max converted to off_t while listing entries).

/// A PyTorch checkpoint archive opened for reading its records.
final class TorchArchive {
    struct Record {
        let compression: Int
        let crc32: UInt32
        let size: Int
        let localHeader: Int
    }

    let path: String
    private let file: ReadOnlyFile
    private var records: [String: Record] = [:]
    /// The folder all records live in (`archive`, or the file's stem).
    let prefix: String

    init(path: String) throws {
        self.path = path
        file = try ReadOnlyFile(URL(fileURLWithPath: path))
        let magic = try file.bytes(count: min(4, file.size), at: 0, what: "the file's first bytes")
        guard magic == [0x50, 0x4B, 0x03, 0x04] else {
            let reason = magic.first == 0x80
                ? "it is in PyTorch's legacy format (torch.save before PyTorch 1.6, or _use_new_zipfile_serialization=False), which is not supported; load it in PyTorch and save it again with torch.save"
                : "it does not start with a zip header (PK\\3\\4), so it is not a file written by torch.save"
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: reason)
        }
        let (count, directory) = try Self.centralDirectory(file, path: path)
        var first: String?
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, le(directory, at, 4) == 0x0201_4B50 else {
                throw SerializationError.invalidTorchCheckpoint(file: path, reason: "the zip central directory is corrupt (record \(records.count))")
            }
            let nameLength = le(directory, at + 28, 2), extraLength = le(directory, at + 30, 2), commentLength = le(directory, at + 32, 2)
            let end = at + 46 + nameLength + extraLength + commentLength
            guard end <= directory.count else {
                throw SerializationError.invalidTorchCheckpoint(file: path, reason: "the zip central directory is truncated")
            }
            let name = String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            var compressedSize = le(directory, at + 20, 4), size = le(directory, at + 24, 4), offset = le(directory, at + 42, 4)
            // Sizes and offsets that do not fit 32 bits are in the zip64 extra field, in this order.
            var extra = at + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = le(directory, extra, 2), length = le(directory, extra + 2, 2)
                var field = extra + 4
                let fieldEnd = field + length
                guard fieldEnd <= extraEnd else { break }
                if id == 1 {
                    if size == 0xFFFF_FFFF, field + 8 <= fieldEnd { size = le(directory, field, 8); field += 8 }
                    if compressedSize == 0xFFFF_FFFF, field + 8 <= fieldEnd { compressedSize = le(directory, field, 8); field += 8 }
                    if offset == 0xFFFF_FFFF, field + 8 <= fieldEnd { offset = le(directory, field, 8); field += 8 }
                }
                extra = fieldEnd
            }
            let compression = le(directory, at + 10, 2)
            guard size >= 0, compressedSize >= 0, offset >= 0, offset <= file.size, size <= file.size, compressedSize <= file.size else {
                throw SerializationError.invalidTorchCheckpoint(file: path, reason: "zip record \(name.prefix(100)) claims sizes or an offset past the end of the \(file.size)-byte file")
            }
            if first == nil { first = name }
            if records[name] == nil {
                records[name] = Record(compression: compression, crc32: UInt32(le(directory, at + 16, 4)), size: size, localHeader: offset)
            }
            at = end
        }
        guard let first, let slash = first.firstIndex(of: "/") else {
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: "the zip archive's first record is not inside a folder, as torch.save writes it (<name>/data.pkl)")
        }
        prefix = String(first[..<slash])
        guard records[prefix + "/data.pkl"] != nil else {
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: "the zip archive has no \(prefix)/data.pkl record, so it is not a checkpoint written by torch.save")
        }
    }

    /// The number of records and the bytes of the central directory, from the end-of-central-
    /// directory record (and its zip64 form when the counts or offsets overflow 16/32 bits).
    private static func centralDirectory(_ file: ReadOnlyFile, path: String) throws -> (Int, [UInt8]) {
        func invalid(_ reason: String) -> SerializationError { .invalidTorchCheckpoint(file: path, reason: reason) }
        let tailStart = max(0, file.size - (22 + 0xFFFF))
        let tail = try file.bytes(count: file.size - tailStart, at: tailStart, what: "the zip directory")
        guard tail.count >= 22, let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: { le(tail, $0, 4) == 0x0605_4B50 }) else {
            throw invalid("no zip end-of-central-directory record was found (truncated file?)")
        }
        var count = le(tail, eocd + 10, 2), size = le(tail, eocd + 12, 4), offset = le(tail, eocd + 16, 4)
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            guard eocd >= 20, le(tail, eocd - 20, 4) == 0x0706_4B50 else { throw invalid("the zip64 end-of-central-directory locator is missing") }
            let at = le(tail, eocd - 12, 8)
            guard at >= 0, at <= file.size - 56 else { throw invalid("the zip64 end-of-central-directory record lies outside the file") }
            let record = try file.bytes(count: 56, at: at, what: "the zip64 end-of-central-directory record")
            guard le(record, 0, 4) == 0x0606_4B50 else { throw invalid("the zip64 end-of-central-directory record is corrupt") }
            count = le(record, 32, 8)
            size = le(record, 40, 8)
            offset = le(record, 48, 8)
        }
        guard count >= 0, size >= 0, offset >= 0, size <= file.size, offset <= file.size - size, count <= size / 46 + 1 else {
            throw invalid("the zip central directory (\(count) records, \(size) bytes at \(offset)) does not fit in the \(file.size)-byte file")
        }
        return (count, try file.bytes(count: size, at: offset, what: "the zip central directory"))
    }

    /// Whether the archive has the record `name` (relative to the prefix).
    func has(_ name: String) -> Bool { records[prefix + "/" + name] != nil }

    /// The size of record `name`.
    func size(of name: String) throws -> Int { try record(name).size }

    /// Copies record `name`, exactly `count` bytes, to `destination`, checking its CRC-32
    /// (a CRC field of 0 is not checked).
    func read(_ name: String, into destination: UnsafeMutableRawPointer, count: Int) throws {
        let r = try record(name)
        guard r.compression == 0 else {
            throw invalid("record \(prefix)/\(name) is compressed (zip method \(r.compression)); torch.save stores records uncompressed, so the file was rewritten by another tool")
        }
        guard count == r.size else { throw invalid("record \(prefix)/\(name) holds \(r.size) bytes, expected \(count)") }
        let header = try file.bytes(count: 30, at: r.localHeader, what: "the zip header of \(prefix)/\(name)")
        guard le(header, 0, 4) == 0x0403_4B50 else { throw invalid("the zip header of \(prefix)/\(name) is corrupt") }
        let start = r.localHeader + 30 + le(header, 26, 2) + le(header, 28, 2)
        guard start <= file.size - count else { throw invalid("record \(prefix)/\(name) runs past the end of the file (truncated file?)") }
        try file.read(into: destination, count: count, at: start, what: "record \(prefix)/\(name)")
        if r.crc32 != 0 {
            let crc = crc32(UnsafeRawBufferPointer(start: destination, count: count))
            guard crc == r.crc32 else { throw invalid("record \(prefix)/\(name) fails its CRC-32 check (the file is corrupt)") }
        }
    }

    /// The whole of record `name`.
    func bytes(_ name: String) throws -> [UInt8] {
        let n = try size(of: name)
        var out = [UInt8](repeating: 0, count: n)
        try out.withUnsafeMutableBytes { b in
            if n > 0 { try read(name, into: b.baseAddress!, count: n) }
        }
        return out
    }

    private func record(_ name: String) throws -> Record {
        guard let r = records[prefix + "/" + name] else { throw invalid("the zip archive has no record \(prefix)/\(name)") }
        return r
    }

    private func invalid(_ reason: String) -> SerializationError {
        .invalidTorchCheckpoint(file: path, reason: reason)
    }
}

/// A little-endian unsigned integer of `n` bytes at `at`, as `Int` (an 8-byte value over
/// `Int.max` reads as negative, which every caller refuses).
private func le(_ b: [UInt8], _ at: Int, _ n: Int) -> Int {
    var v: UInt64 = 0
    for i in 0..<n { v |= UInt64(b[at + i]) << (8 * UInt64(i)) }
    return Int(truncatingIfNeeded: v)
}

/// CRC-32 (the zip polynomial 0xEDB88320).
private func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
}

private let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
}
