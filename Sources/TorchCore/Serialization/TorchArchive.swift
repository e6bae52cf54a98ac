import Foundation
import ZIPFoundation

// The zip archive `torch.save` writes (PyTorch 1.6 and later): `<name>/data.pkl` holds the
// pickle, `<name>/data/<key>` each storage's raw bytes, `<name>/byteorder` "little" or "big";
// `<name>` is whatever the first record's folder is, as PyTorch's reader takes it.

/// A PyTorch checkpoint archive opened for reading its records.
final class TorchArchive {
    let path: String
    private let archive: Archive
    private var entries: [String: Entry] = [:]
    /// The folder all records live in (`archive`, or the file's stem).
    let prefix: String
    private let fileSize: UInt64

    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let file = try ReadOnlyFile(url)
        fileSize = UInt64(file.size)
        let magic = try file.bytes(count: min(4, file.size), at: 0, what: "the file's first bytes")
        guard magic == [0x50, 0x4B, 0x03, 0x04] else {
            let reason = magic.first == 0x80
                ? "it is in PyTorch's legacy format (torch.save before PyTorch 1.6, or _use_new_zipfile_serialization=False), which is not supported; load it in PyTorch and save it again with torch.save"
                : "it does not start with a zip header (PK\\3\\4), so it is not a file written by torch.save"
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: reason)
        }
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: "the zip archive cannot be read (\(error))")
        }
        var first: String?
        for e in archive {
            if first == nil { first = e.path }
            if entries[e.path] == nil { entries[e.path] = e }
        }
        guard let first, let slash = first.firstIndex(of: "/") else {
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: "the zip archive's first record is not inside a folder, as torch.save writes it (<name>/data.pkl)")
        }
        prefix = String(first[..<slash])
        guard entries[prefix + "/data.pkl"] != nil else {
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: "the zip archive has no \(prefix)/data.pkl record, so it is not a checkpoint written by torch.save")
        }
    }

    /// Whether the archive has the record `name` (relative to the prefix).
    func has(_ name: String) -> Bool { entries[prefix + "/" + name] != nil }

    /// The uncompressed size of record `name`, checked against what its bytes in the file can hold.
    func size(of name: String) throws -> Int {
        let e = try entry(name)
        guard e.type == .file else { throw invalid("record \(prefix)/\(name) is not a file") }
        // A stored record's bytes are in the file; deflate packs at most 1032 bytes in one.
        let limit = e.isCompressed ? e.compressedSize.multipliedReportingOverflow(by: 1032).partialValue : e.compressedSize
        guard e.compressedSize <= fileSize, e.uncompressedSize <= limit, e.uncompressedSize <= UInt64(Int.max / 2) else {
            throw invalid("record \(prefix)/\(name) claims \(e.uncompressedSize) bytes, more than the \(fileSize)-byte file can hold")
        }
        return Int(e.uncompressedSize)
    }

    /// Copies record `name`, exactly `count` bytes, to `destination`.
    func read(_ name: String, into destination: UnsafeMutableRawPointer, count: Int) throws {
        let e = try entry(name)
        var done = 0
        do {
            _ = try archive.extract(e, bufferSize: 1 << 20, skipCRC32: e.checksum == 0) { chunk in
                guard chunk.count <= count - done else { throw SerializationError.invalidTorchCheckpoint(file: self.path, reason: "record \(self.prefix)/\(name) holds more than its \(count) bytes") }
                chunk.withUnsafeBytes { b in
                    if let base = b.baseAddress { (destination + done).copyMemory(from: base, byteCount: b.count) }
                }
                done += chunk.count
            }
        } catch let e as SerializationError {
            throw e
        } catch {
            throw invalid("record \(prefix)/\(name) cannot be read from the zip archive (\(error))")
        }
        guard done == count else { throw invalid("record \(prefix)/\(name) holds \(done) bytes, expected \(count) (truncated file?)") }
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

    private func entry(_ name: String) throws -> Entry {
        guard let e = entries[prefix + "/" + name] else { throw invalid("the zip archive has no record \(prefix)/\(name)") }
        return e
    }

    private func invalid(_ reason: String) -> SerializationError {
        .invalidTorchCheckpoint(file: path, reason: reason)
    }
}
