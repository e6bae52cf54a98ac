// The JSON header parser, through loadSafetensors: the input is the header, framed with
// its length and followed by 64 data bytes. It may throw, never crash.
import Foundation
import FuzzSupport
import Torch

Seeds.writeIfAsked { dir in
    for (k, text) in Seeds.json.enumerated() {
        try Data(text.utf8).write(to: dir.appendingPathComponent("text\(k).json"))
    }
    // The headers saveSafetensors writes, cut out of its files.
    let file = dir.appendingPathComponent("scratch.safetensors")
    for (k, group) in [Array(Seeds.tensors.prefix(4)), Array(Seeds.tensors.suffix(4)), []].enumerated() {
        try saveSafetensors(group, to: file)
        let bytes = [UInt8](try Data(contentsOf: file))
        let n = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        try Data(bytes[8..<(8 + n)]).write(to: dir.appendingPathComponent("header\(k).json"))
    }
    try FileManager.default.removeItem(at: file)
}

runFuzzer { data, size in
    var framed = withUnsafeBytes(of: UInt64(size).littleEndian) { Array($0) }
    framed += inputBytes(data, size)
    framed += [UInt8](repeating: 0, count: 64)
    let path = framed.withUnsafeBufferPointer { ScratchFile.write($0, suffix: ".safetensors") }
    _ = try? loadSafetensors(from: path)
    _ = try? loadSafetensorsMetadata(from: path)
    return 0
}
