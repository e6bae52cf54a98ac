import Foundation
import TorchCore

/// What an independent PNG decoder (Python's PIL) saw in a file.
struct ExternalPNG {
    var width: Int, height: Int, mode: String
    /// Interleaved row-major samples, as PIL's `tobytes()`.
    var bytes: [UInt8]
    /// The samples as a uint8 `[C, H, W]` tensor.
    var tensor: Tensor {
        let c = bytes.count / (width * height)
        return Tensor(bytes, shape: [height, width, c]).permute(2, 0, 1).contiguous()
    }
}

/// Decodes `path` with PIL, trying Debian's Python and then `$TORCH_PYTHON` when set (the
/// venv of `scripts/make-torch-venv` has PIL). Returns nil when neither has PIL, so callers
/// can skip the external check.
func decodeWithPIL(_ path: String) throws -> ExternalPNG? {
    let script = """
    import sys
    from PIL import Image
    im = Image.open(sys.argv[1]); im.load()
    sys.stdout.buffer.write(f"{im.size[0]} {im.size[1]} {im.mode}\\n".encode()); sys.stdout.buffer.write(im.tobytes())
    """
    let pythons = ["/usr/bin/python3"] + [ProcessInfo.processInfo.environment["TORCH_PYTHON"]].compactMap { $0 }
    for python in pythons {
        guard let data = try runPythonWithPIL(script, [path], python: python) else { continue }
        let bytes = [UInt8](data)
        let newline = bytes.firstIndex(of: 10)!
        let fields = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ")
        return ExternalPNG(width: Int(fields[0])!, height: Int(fields[1])!, mode: String(fields[2]),
                           bytes: Array(bytes[(newline + 1)...]))
    }
    return nil
}

/// The URL of a PNG fixture file.
func pngFixture(_ name: String) -> URL {
    Bundle.module.url(forResource: name, withExtension: "png", subdirectory: "Fixtures/png")!
}

/// The standard CRC-32 (PNG's and zlib's), for building damaged files with valid chunk CRCs.
func crc32Reference(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
}
