// loadTorchCheckpoint on arbitrary bytes: it may throw, never crash. An input that starts
// with a zip header is a whole .pt file (the zip reader and everything after it); any other
// input is the pickle (data.pkl), framed here in a stored zip with CRC 0 (which the reader
// does not check) next to storage records "0" to "7" of 256 zero bytes each, so pickles
// that rebuild tensors over them reach the tensor checks.
import Foundation
import FuzzSupport
import Torch

/// A zip archive of stored records, laid out as torch.save's are.
func storedZip(_ records: [(String, [UInt8])]) -> [UInt8] {
    func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    var out: [UInt8] = [], central: [UInt8] = []
    for (name, data) in records {
        let offset = out.count
        let n = Array(name.utf8)
        let sizes = le(0, 4) + le(data.count, 4) + le(data.count, 4) + le(n.count, 2)
        out += le(0x0403_4B50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes + le(0, 2) + n + data
        central += le(0x0201_4B50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes
            + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + n
    }
    let start = out.count
    out += central
    out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(records.count, 2) + le(records.count, 2)
        + le(central.count, 4) + le(start, 4) + le(0, 2)
    return out
}

let storages = (0..<8).map { ("archive/data/\($0)", [UInt8](repeating: 0, count: 256)) }

/// Pickle opcodes for a state dict of tensors over the harness's storages.
func seedPickle() -> [UInt8] {
    func uni(_ s: String) -> [UInt8] { [0x58] + (0..<4).map { UInt8(truncatingIfNeeded: s.utf8.count >> (8 * $0)) } + Array(s.utf8) }
    func glob(_ m: String, _ n: String) -> [UInt8] { [0x63] + Array("\(m)\n\(n)\n".utf8) }
    func int(_ i: Int) -> [UInt8] { [0x4A] + (0..<4).map { UInt8(truncatingIfNeeded: i >> (8 * $0)) } }
    func tup(_ parts: [UInt8]...) -> [UInt8] { [0x28] + parts.joined() + [0x74] }
    func tensor(_ key: Int, _ type: String, _ numel: Int, _ offset: Int, _ size: [Int], _ stride: [Int]) -> [UInt8] {
        let pid = tup(uni("storage"), glob("torch", type), uni(String(key)), uni("cpu"), int(numel)) + [0x51]
        let args = tup(pid, int(offset), tup(size.flatMap(int)), tup(stride.flatMap(int)), [0x89], glob("collections", "OrderedDict") + [0x29, 0x52])
        return glob("torch._utils", "_rebuild_tensor_v2") + args + [0x52]
    }
    var p: [UInt8] = [0x80, 2] + glob("collections", "OrderedDict") + [0x29, 0x52, 0x28]
    p += uni("w") + tensor(0, "FloatStorage", 64, 0, [8, 8], [8, 1])
    p += uni("t") + tensor(0, "FloatStorage", 64, 3, [4, 5], [1, 8])
    p += uni("d") + tensor(1, "DoubleStorage", 32, 0, [32], [1])
    p += uni("b") + tensor(2, "BoolStorage", 256, 0, [16, 16], [16, 1])
    p += uni("h") + tensor(3, "HalfStorage", 128, 0, [2, 0, 3], [3, 3, 1])
    p += uni("s") + tensor(4, "LongStorage", 32, 5, [], [])
    return p + [0x75, 0x2E]
}

Seeds.writeIfAsked { dir in
    try Data(seedPickle()).write(to: dir.appendingPathComponent("state_dict.pkl"))
    try Data(storedZip([("archive/data.pkl", seedPickle())] + storages)).write(to: dir.appendingPathComponent("state_dict.pt"))
}

runFuzzer { data, size in
    let input = inputBytes(data, size)
    let file = input.starts(with: [0x50, 0x4B, 0x03, 0x04])
        ? Array(input)
        : storedZip([("archive/data.pkl", Array(input)), ("archive/byteorder", Array("little".utf8))] + storages)
    let path = file.withUnsafeBufferPointer { ScratchFile.write($0, suffix: ".pt") }
    if let value = try? loadTorchCheckpoint(from: path) {
        _ = value.stateDict
    }
    return 0
}
