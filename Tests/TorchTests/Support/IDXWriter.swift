import Foundation

/// Small IDX files for the dataset tests, written raw or gzipped (through /bin/gzip).
enum IDXWriter {
    /// Header (`00 00 type ndims`, big-endian sizes) followed by `payload`.
    static func bytes(type: UInt8, shape: [Int], payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, type, UInt8(shape.count)]
        for s in shape { out += [UInt8(s >> 24 & 255), UInt8(s >> 16 & 255), UInt8(s >> 8 & 255), UInt8(s & 255)] }
        return out + payload
    }

    /// Writes `bytes` to `url`, gzipped (the name gets `.gz`) when asked.
    @discardableResult
    static func write(_ bytes: [UInt8], to url: URL, gzip: Bool) throws -> URL {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        guard gzip else { return url }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-f", url.path]
        try p.run()
        p.waitUntilExit()
        return URL(fileURLWithPath: url.path + ".gz")
    }

    /// `count` 28×28 images whose pixel (i, r, c) is (i * 7 + r * 28 + c) % 256, and labels i % 10.
    static func writeSet(root: URL, prefix: String, count: Int, gzip: Bool, rows: Int = 28, cols: Int = 28) throws {
        let pixels = (0..<(count * rows * cols)).map { k -> UInt8 in
            let i = k / (rows * cols), rc = k % (rows * cols)
            return UInt8((i * 7 + rc) % 256)
        }
        try write(bytes(type: 0x08, shape: [count, rows, cols], payload: pixels),
                  to: root.appendingPathComponent("\(prefix)-images-idx3-ubyte"), gzip: gzip)
        try write(bytes(type: 0x08, shape: [count], payload: (0..<count).map { UInt8($0 % 10) }),
                  to: root.appendingPathComponent("\(prefix)-labels-idx1-ubyte"), gzip: gzip)
    }
}
