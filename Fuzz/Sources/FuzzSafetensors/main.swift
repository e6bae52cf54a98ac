// loadSafetensors and loadSafetensorsMetadata on arbitrary bytes: they may throw, never crash.
import Foundation
import FuzzSupport
import Torch

Seeds.writeIfAsked { dir in
    for (name, t) in Seeds.tensors {
        try saveSafetensors([(name, t)], to: dir.appendingPathComponent("\(name).safetensors"), metadata: nil)
    }
    try saveSafetensors(Array(Seeds.tensors.prefix(6)), to: dir.appendingPathComponent("several.safetensors"))
    try saveSafetensors([(String, Tensor)](), to: dir.appendingPathComponent("none.safetensors"))
}

runFuzzer { data, size in
    let path = ScratchFile.write(inputBytes(data, size), suffix: ".safetensors")
    _ = try? loadSafetensors(from: path)
    _ = try? loadSafetensorsMetadata(from: path)
    return 0
}
