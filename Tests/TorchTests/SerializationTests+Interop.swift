import Foundation
import Testing
import TorchCore

extension SerializationTests {
    /// Tensors built from formulas that scripts/check-serialization-interop recomputes in Python.
    static func interopTensors() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = DType.allCases.map { d in
            let base = d == .bool ? Tensor.arange(12).gt(5)
                : d.isFloatingPoint ? (Tensor.arange(12, dtype: .float64) - 5) * 0.75 : Tensor.arange(12) - 5
            return (d.name, base.to(dtype: d).reshape(3, 4))
        }
        out += [("transposed", Tensor.arange(12, dtype: .float32).reshape(3, 4).t()),
                ("scalar", Tensor(scalar: Float(2.5))),
                ("empty", Tensor.zeros([0, 2], dtype: .float32))]
        return out
    }

    /// Metadata with every kind of character JSON escapes, for Python to read back.
    static let interopNote = "quote \" backslash \\ newline \n tab \t bell \u{7} del \u{7F} é ✓ 😀"

    /// Writes the interop files and reads them back. With SWIFT_TORCH_INTEROP_DIR set, the files
    /// are left there for scripts/check-serialization-interop to read with Python.
    @Test func writesFilesForPythonInterop() throws {
        let write = { (dir: URL) throws in
            let tensors = Self.interopTensors()
            let url = dir.appendingPathComponent("swift.safetensors")
            try saveSafetensors(tensors, to: url)
            let meta = ["format": "pt", "note": Self.interopNote]
            try saveSafetensors([("x", Tensor([Float(1)]))], to: dir.appendingPathComponent("meta.safetensors"), metadata: meta)
            #expect(try loadSafetensorsMetadata(from: dir.appendingPathComponent("meta.safetensors")) == meta)
            let back = Dictionary(uniqueKeysWithValues: try loadSafetensors(from: url))
            for (name, t) in tensors {
                expectEqual(back[name]!, t.contiguous())
                if t.dtype != .bfloat16 {
                    let npy = dir.appendingPathComponent("\(name).npy")
                    try saveNpy(t, to: npy)
                    expectEqual(try loadNpy(from: npy), t.contiguous())
                }
            }
        }
        if let path = ProcessInfo.processInfo.environment["SWIFT_TORCH_INTEROP_DIR"] {
            try write(URL(fileURLWithPath: path))
        } else {
            try withTemporaryDirectory(write)
        }
    }
}
