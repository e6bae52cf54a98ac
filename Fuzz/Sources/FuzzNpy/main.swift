// loadNpy on arbitrary bytes: it may throw, never crash.
import Foundation
import FuzzSupport
import Torch

Seeds.writeIfAsked { dir in
    // bfloat16 has no .npy type; saveNpy refuses it.
    for (name, t) in Seeds.tensors where t.dtype != .bfloat16 {
        try saveNpy(t, to: dir.appendingPathComponent("\(name).npy"))
    }
    try saveNpy(Tensor.arange(0, 6, dtype: .int64).reshape([2, 3]).t(), to: dir.appendingPathComponent("transposed.npy"))
}

runFuzzer { data, size in
    _ = try? loadNpy(from: ScratchFile.write(inputBytes(data, size), suffix: ".npy"))
    return 0
}
