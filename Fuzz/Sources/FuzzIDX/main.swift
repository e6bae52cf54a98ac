// readIDX on arbitrary bytes, raw or gzipped: it may throw, never crash.
import Foundation
import FuzzSupport
import Torch
import TorchVision

// The library has no IDX writer; the format is a header and the big-endian values.
// scripts/fuzz gzips a copy of each seed.
Seeds.writeIfAsked { dir in
    let types: [(UInt8, Int)] = [(0x08, 1), (0x09, 1), (0x0B, 2), (0x0C, 4), (0x0D, 4), (0x0E, 8)]
    for (type, itemSize) in types {
        for shape in [[5], [2, 3, 2], [1, 1, 1, 1]] {
            var bytes: [UInt8] = [0, 0, type, UInt8(shape.count)]
            for s in shape { bytes += [0, 0, UInt8(s >> 8), UInt8(s & 255)] }
            let count = shape.reduce(1, *) * itemSize
            bytes += (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 1) }
            let name = "t\(String(type, radix: 16))_\(shape.map(String.init).joined(separator: "x")).idx"
            try Data(bytes).write(to: dir.appendingPathComponent(name))
        }
    }
}

runFuzzer { data, size in
    _ = try? readIDX(ScratchFile.write(inputBytes(data, size), suffix: ".idx"))
    return 0
}
