// decodePNG on arbitrary bytes, in every read mode: it may throw, never crash.
import Foundation
import FuzzSupport
import Torch
import TorchVision

// scripts/fuzz adds the test suite's PNG fixtures (palette, 1-bit, 16-bit, interlaced).
Seeds.writeIfAsked { dir in
    for channels in 1...4 {
        for (h, w) in [(1, 1), (5, 7), (16, 3)] {
            let pixels = Tensor.arange(0, channels * h * w, dtype: .int64).reshape([channels, h, w])
            let image = (pixels * 37).remainder(256).to(dtype: .uint8)
            try encodePNG(image).write(to: dir.appendingPathComponent("c\(channels)_\(h)x\(w).png"))
        }
    }
}

runFuzzer { data, size in
    let mode = ImageReadMode.allCases[size % ImageReadMode.allCases.count]
    _ = try? decodePNG(Data(inputBytes(data, size)), mode: mode)
    return 0
}
