import Foundation
import Torch

/// Seed inputs, made with the library's own writers when `scripts/fuzz` asks for them.
public enum Seeds {
    /// Calls `write(directory)` and exits when `$FUZZ_WRITE_SEEDS` names a directory;
    /// harnesses call it from `LLVMFuzzerInitialize`, before any input runs.
    public static func writeIfAsked(_ write: (URL) throws -> Void) {
        guard let dir = ProcessInfo.processInfo.environment["FUZZ_WRITE_SEEDS"] else { return }
        let url = URL(fileURLWithPath: dir, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try write(url)
        } catch {
            FileHandle.standardError.write(Data("fuzz: cannot write seeds to \(dir): \(error)\n".utf8))
            exit(1)
        }
        exit(0)
    }

    /// Small tensors of every dtype and a few shapes (scalar, empty, 1-d, 3-d).
    public static let tensors: [(String, Tensor)] = {
        var out: [(String, Tensor)] = []
        for dtype in DType.allCases {
            out.append(("\(dtype.name)_vector", Tensor.arange(0, 5, dtype: .int64).to(dtype: dtype)))
            out.append(("\(dtype.name)_cube", Tensor.arange(0, 24, dtype: .int64).reshape([2, 3, 4]).to(dtype: dtype)))
        }
        out.append(("scalar", Tensor.full([], 3, dtype: .float32)))
        out.append(("empty", Tensor.zeros([0, 3], dtype: .float32)))
        return out
    }()

    /// A few JSON texts that exercise the parser beyond what the writers emit.
    public static let json: [String] = [
        #"{"__metadata__":{"format":"pt","note":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"},"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
        #"{"a":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[0,3],"data_offsets":[8,8]}}"#,
        #"[1,-0,0.5,-1.25e+3,1E-300,12345678901234567890,true,false,null,"",{}] "#,
        "{}",
        String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ]
}
