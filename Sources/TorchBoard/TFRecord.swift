import Foundation

/// TensorFlow's record framing, in which TensorBoard event files are written.
///
/// Each record is `uint64 length`, `uint32 masked CRC-32C of those 8 bytes`, the data, and
/// `uint32 masked CRC-32C of the data`, all little-endian; records are concatenated with no
/// file header.
///
/// ```swift
/// var file = TFRecord.frame(eventBytes)
/// let records = try TFRecord.records(in: file)      // [eventBytes]
/// ```
public enum TFRecord {
    /// One framed record holding `data`.
    public static func frame(_ data: Data) -> Data {
        var out = Data(capacity: data.count + 16)
        var header = [UInt8]()
        appendLittleEndian(&header, UInt64(data.count))
        out.append(contentsOf: header)
        var crc = [UInt8]()
        appendLittleEndian(&crc, CRC32C.masked(CRC32C.checksum(header)))
        out.append(contentsOf: crc)
        out.append(data)
        crc.removeAll()
        appendLittleEndian(&crc, CRC32C.masked(CRC32C.checksum(data)))
        out.append(contentsOf: crc)
        return out
    }

    /// The records in `bytes`, each checked against both of its CRCs.
    ///
    /// A damaged or cut-off record throws ``BoardError/corruptRecord(offset:reason:)`` with
    /// the byte offset where that record starts.
    public static func records(in bytes: Data) throws(BoardError) -> [Data] {
        let b = [UInt8](bytes)
        var out: [Data] = []
        var pos = 0
        while pos < b.count {
            guard b.count - pos >= 12 else {
                throw .corruptRecord(offset: pos, reason: "the file ends inside a record header")
            }
            let length = readLittleEndian(b, pos, UInt64.self)
            guard readLittleEndian(b, pos + 8, UInt32.self) == CRC32C.masked(CRC32C.checksum(b[pos..<pos + 8])) else {
                throw .corruptRecord(offset: pos, reason: "the length's CRC does not match")
            }
            guard length <= UInt64(b.count - pos - 16) else {
                throw .corruptRecord(offset: pos, reason: "the file ends inside a record of \(length) bytes")
            }
            let start = pos + 12, end = start + Int(length)
            guard readLittleEndian(b, end, UInt32.self) == CRC32C.masked(CRC32C.checksum(b[start..<end])) else {
                throw .corruptRecord(offset: pos, reason: "the data's CRC does not match")
            }
            out.append(Data(b[start..<end]))
            pos = end + 4
        }
        return out
    }

    private static func appendLittleEndian<I: FixedWidthInteger>(_ a: inout [UInt8], _ v: I) {
        for k in 0..<(I.bitWidth / 8) { a.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
    }

    private static func readLittleEndian<I: FixedWidthInteger>(_ b: [UInt8], _ at: Int, _: I.Type) -> I {
        var v: I = 0
        for k in 0..<(I.bitWidth / 8) { v |= I(b[at + k]) << (8 * k) }
        return v
    }
}
