import Foundation

/// Reads a PyTorch checkpoint (`.pt`, `.pth`) written by `torch.save`, safely: like
/// `torch.load(path, weights_only=True)`, it loads only tensors and plain values.
///
/// The file is the zip archive PyTorch 1.6 and later write. Its pickle may name only the
/// globals that rebuild tensors (`torch._utils._rebuild_tensor_v2`, `_rebuild_parameter`),
/// the storage classes of the supported dtypes (`torch.FloatStorage`, …), `collections.OrderedDict`,
/// `torch.Size`, `set`, `frozenset`, `bytearray` and `_codecs.encode` (bytes). Any other
/// global — `os.system`, `builtins.eval`, a model class saved with `torch.save(model)` — is
/// refused with ``SerializationError/refusedGlobal(file:name:)`` naming it; nothing in the
/// file is ever run. Tensors keep their dtype, shape and strides (a transposed tensor stays a
/// transposed view) and are read to the CPU whatever device they were saved from; tensors that
/// shared a storage in PyTorch share one here. A state dict's `_metadata` is dropped.
///
/// ```swift
/// let checkpoint = try loadTorchCheckpoint(from: "checkpoint.pt")
/// print(checkpoint["epoch"]?.int ?? 0)
/// if let sd = checkpoint.stateDict { try network.loadStateDict(StateDict(sd)) }
/// ```
///
/// - Throws: ``SerializationError`` naming the file and what is wrong: a refused global, a
///   corrupt or truncated archive or pickle, a missing storage record, a tensor reaching past
///   its storage, a dtype swift-torch does not store (complex, quantized), a file written on a
///   big-endian machine, or one in PyTorch's pre-1.6 format.
public func loadTorchCheckpoint(from url: URL) throws -> TorchCheckpointValue {
    let path = url.path
    let archive = try TorchArchive(path: path)
    if archive.has("byteorder") {
        let order = String(decoding: try archive.bytes("byteorder").prefix(16), as: UTF8.self)
        switch order.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "little": break
        case "big":
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: "it was written on a big-endian machine (byteorder 'big'), which is not supported; load it in PyTorch on that machine and save it with safetensors")
        default:
            throw SerializationError.invalidTorchCheckpoint(file: path, reason: "its byteorder record says '\(order.prefix(16))', not 'little' or 'big'")
        }
    }
    let pickle = try archive.bytes("data.pkl")
    let unpickler = Unpickler(data: pickle, file: path) { key, dtype, numel in
        try readStorage(archive, key: key, dtype: dtype, numel: numel)
    }
    return try unpickler.run()
}

/// Reads the PyTorch checkpoint at `path`; see ``loadTorchCheckpoint(from:)-(URL)``.
public func loadTorchCheckpoint(from path: String) throws -> TorchCheckpointValue {
    try loadTorchCheckpoint(from: URL(fileURLWithPath: path))
}

/// The bytes of storage record `data/<key>` as a storage of `numel` elements of `dtype`.
private func readStorage(_ archive: TorchArchive, key: String, dtype: DType, numel: Int) throws -> Storage {
    let record = "data/" + key
    guard archive.has(record) else {
        throw SerializationError.invalidTorchCheckpoint(file: archive.path, reason: "the pickle refers to storage '\(key.prefix(100))', but the zip archive has no record \(archive.prefix)/\(record.prefix(100))")
    }
    let count = try archive.size(of: record)
    let (expected, overflow) = numel.multipliedReportingOverflow(by: dtype.itemSize)
    guard !overflow, expected == count else {
        throw SerializationError.invalidTorchCheckpoint(file: archive.path, reason: "storage '\(key.prefix(100))' should hold \(numel) \(dtype.name) elements, but its record has \(count) bytes")
    }
    let storage = Storage(byteCount: count)
    if count > 0 { try archive.read(record, into: storage.data, count: count) }
    if dtype == .bool {
        // Swift's Bool must hold exactly 0 or 1.
        let p = storage.data.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { p[i] = p[i] == 0 ? 0 : 1 }
    }
    return storage
}

/// Reads a checkpoint's pickle bytes alone, with every storage it names made of zeros (at most
/// `maximumStorageBytes` each); for fuzzing the unpickler without a zip archive around it.
package func unpickleTorchCheckpoint(_ pickle: [UInt8], maximumStorageBytes: Int = 1 << 16) throws -> TorchCheckpointValue {
    let file = "<pickle>"
    return try Unpickler(data: pickle, file: file) { key, dtype, numel in
        let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, bytes <= maximumStorageBytes else {
            throw SerializationError.invalidTorchCheckpoint(file: file, reason: "storage '\(key.prefix(100))' is larger than \(maximumStorageBytes) bytes")
        }
        let s = Storage(byteCount: bytes)
        if bytes > 0 { s.data.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
        return s
    }.run()
}
