/// CRC-32C (Castagnoli), the checksum TensorFlow's record files (TFRecord) use.
///
/// Reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF, computed with
/// eight 256-entry tables (slicing-by-8).
///
/// ```swift
/// CRC32C.checksum(Array("123456789".utf8))          // 0xE3069283
/// CRC32C.masked(CRC32C.checksum(bytes))             // what a TFRecord stores
/// ```
public enum CRC32C {
    /// The CRC-32C of `bytes`.
    public static func checksum<Bytes: Collection>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    /// The CRC-32C of the bytes in `buffer`.
    public static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        var i = 0
        let n = buffer.count
        let t = tables
        while i + 8 <= n {
            let lo = crc ^ (UInt32(buffer[i]) | UInt32(buffer[i + 1]) << 8
                            | UInt32(buffer[i + 2]) << 16 | UInt32(buffer[i + 3]) << 24)
            crc = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                ^ t[3 * 256 + Int(buffer[i + 4])] ^ t[2 * 256 + Int(buffer[i + 5])]
                ^ t[1 * 256 + Int(buffer[i + 6])] ^ t[Int(buffer[i + 7])]
            i += 8
        }
        while i < n {
            crc = t[Int((crc ^ UInt32(buffer[i])) & 0xFF)] ^ (crc >> 8)
            i += 1
        }
        return ~crc
    }

    /// TFRecord's masked form of a CRC: `((crc >> 15) | (crc << 17)) + 0xA282EAD8` (mod 2³²),
    /// so that a CRC of data that itself holds CRCs stays well distributed.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// Table k maps a byte to its CRC after k further zero bytes.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for b in 0..<256 {
            var crc = UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            t[b] = crc
        }
        for k in 1..<8 {
            for b in 0..<256 {
                let prev = t[(k - 1) * 256 + b]
                t[k * 256 + b] = t[Int(prev & 0xFF)] ^ (prev >> 8)
            }
        }
        return t
    }()
}
