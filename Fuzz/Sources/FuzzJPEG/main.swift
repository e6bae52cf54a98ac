// decodeJPEG on arbitrary bytes, in every read mode: it may throw, never crash.
import Foundation
import FuzzSupport
import Torch
import TorchVision

// scripts/fuzz adds the test suite's JPEG fixtures (progressive, restart markers, CMYK).
Seeds.writeIfAsked { dir in
    for channels in [1, 3] {
        for (h, w) in [(1, 1), (9, 17), (16, 16)] {
            let pixels = Tensor.arange(0, channels * h * w, dtype: .int64).reshape([channels, h, w])
            let image = (pixels * 37).remainder(256).to(dtype: .uint8)
            for quality in [10, 90] {
                let bytes = try encodeJPEG(image, quality: quality)
                try Data(bytes).write(to: dir.appendingPathComponent("c\(channels)_\(h)x\(w)_q\(quality).jpg"))
            }
        }
    }
}

// A 4-megapixel bound instead of the default 179 million: a few header bytes can announce
// any size up to 65500x65500, and at the default one input could allocate most of the 1 GiB
// libFuzzer allows and take seconds; the bound is checked before anything is allocated,
// so a smaller one loses none of the decoder's paths.
let maxPixels = 1 << 22

runFuzzer { data, size in
    let bytes = Array(inputBytes(data, size))
    let mode = ImageReadMode.allCases[size % ImageReadMode.allCases.count]
    _ = try? decodeJPEG(bytes, mode: mode, maxPixels: maxPixels)
    return 0
}
