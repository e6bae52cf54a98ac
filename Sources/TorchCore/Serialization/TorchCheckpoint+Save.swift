import Foundation
import ZIPFoundation

/// Writes `value` as a PyTorch checkpoint (`.pt`) that `torch.load(path, weights_only=True)`
/// reads: the zip archive `torch.save` writes, with a protocol-2 pickle that uses only the
/// opcodes and globals PyTorch's safe loader accepts.
///
/// Each tensor is written as its own contiguous storage (views are not shared in the file);
/// a ``Parameter`` is written as `nn.Parameter`, dicts as Python dicts (ordered), sets with
/// `builtins.set`, bytes with `_codecs.encode` as PyTorch's own pickles do. The file is written
/// to a temporary name and renamed, so readers never see a torn file.
///
/// ```swift
/// try saveTorchCheckpoint(.dict([(.string("epoch"), .int(3)),
///                                (.string("model"), .dict(network.stateDict().map { (.string($0.key), .tensor($0.value)) }))]),
///                         to: URL(fileURLWithPath: "checkpoint.pt"))
/// ```
///
/// - Throws: ``SerializationError`` for an int beyond 255 bytes (PyTorch's loader reads only
///   LONG1), or a file that cannot be written.
public func saveTorchCheckpoint(_ value: TorchCheckpointValue, to url: URL) throws {
    var pickler = TorchPickler(file: url.path)
    pickler.bytes = [Opcode.proto, 2]
    try pickler.write(value)
    pickler.bytes.append(Opcode.stop)

    let archive: Archive
    do {
        archive = try Archive(data: Data(), accessMode: .create)
        func add(_ name: String, _ data: UnsafeRawBufferPointer) throws {
            try archive.addEntry(with: "archive/" + name, type: .file, uncompressedSize: Int64(data.count),
                                 modificationDate: Date(timeIntervalSince1970: 315_532_800), compressionMethod: .none) { position, size in
                guard let base = data.baseAddress, size > 0 else { return Data() }
                return Data(bytes: base + Int(position), count: size)
            }
        }
        try pickler.bytes.withUnsafeBytes { try add("data.pkl", $0) }
        try Array("little".utf8).withUnsafeBytes { try add("byteorder", $0) }
        for (key, t) in pickler.storages.enumerated() {
            try t.withLittleEndianBytes { try add("data/\(key)", $0) }
        }
        try Array("3\n".utf8).withUnsafeBytes { try add("version", $0) }
    } catch let e as SerializationError {
        throw e
    } catch {
        throw SerializationError.io(file: url.path, operation: "make the zip archive", reason: "\(error)")
    }
    guard let data = archive.data else {
        throw SerializationError.io(file: url.path, operation: "make the zip archive", reason: "no archive data")
    }
    try writeFileAtomically(to: url) { file in
        try data.withUnsafeBytes { try file.write($0) }
    }
}

/// Writes the PyTorch checkpoint at `path`; see ``saveTorchCheckpoint(_:to:)-(TorchCheckpointValue,URL)``.
public func saveTorchCheckpoint(_ value: TorchCheckpointValue, to path: String) throws {
    try saveTorchCheckpoint(value, to: URL(fileURLWithPath: path))
}

/// Writes named tensors as a PyTorch state dict, as `torch.save(model.state_dict(), path)`
/// does; `model.load_state_dict(torch.load(path, weights_only=True))` reads it.
///
/// ```swift
/// try saveTorchCheckpoint([("weight", w), ("bias", b)], to: "layer.pt")
/// ```
public func saveTorchCheckpoint(_ tensors: [(String, Tensor)], to path: String) throws {
    try saveTorchCheckpoint(.dict(tensors.map { (.string($0.0), .tensor($0.1)) }), to: URL(fileURLWithPath: path))
}

/// A protocol-2 pickler restricted to what `torch.load(weights_only=True)` reads.
private struct TorchPickler {
    let file: String
    var bytes: [UInt8] = []
    /// The tensors whose bytes become `data/<index>` records.
    var storages: [Tensor] = []

    init(file: String) { self.file = file }

    mutating func u32(_ v: Int) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }

    mutating func string(_ s: String) {
        bytes.append(Opcode.binUnicode)
        u32(s.utf8.count)
        bytes += s.utf8
    }

    mutating func global(_ module: String, _ name: String) {
        bytes.append(Opcode.global)
        bytes += Array("\(module)\n\(name)\n".utf8)
    }

    mutating func int(_ v: Int) {
        if v >= 0 && v < 256 {
            bytes += [Opcode.binInt1, UInt8(v)]
        } else if let i = Int32(exactly: v) {
            bytes.append(Opcode.binInt)
            u32(Int(i))
        } else {
            // The shortest two's complement that keeps the sign.
            var b = (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
            while b.count > 1, (b[b.count - 1] == 0 && b[b.count - 2] & 0x80 == 0) || (b[b.count - 1] == 0xFF && b[b.count - 2] & 0x80 != 0) { b.removeLast() }
            bytes += [Opcode.long1, UInt8(b.count)] + b
        }
    }

    mutating func items(_ xs: [TorchCheckpointValue]) throws {
        for x in xs { try write(x) }
    }

    mutating func write(_ value: TorchCheckpointValue) throws {
        switch value {
        case .none: bytes.append(Opcode.none)
        case let .bool(b): bytes.append(b ? Opcode.newTrue : Opcode.newFalse)
        case let .int(v): int(v)
        case let .bigInt(b):
            guard !b.isEmpty, b.count < 256 else {
                throw SerializationError.invalidArgument(file: file, reason: "an int of \(b.count) bytes cannot be written: PyTorch's safe loader reads ints of 1 to 255 bytes")
            }
            bytes += [Opcode.long1, UInt8(b.count)] + b
        case let .float(d):
            bytes.append(Opcode.binFloat)
            bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: d.bitPattern >> (8 * UInt64($0))) }
        case let .string(s): string(s)
        case let .bytes(b):
            // Protocol 2 has no bytes opcode: Python writes _codecs.encode(latin-1 text, "latin1").
            global("_codecs", "encode")
            string(String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) })))
            string("latin1")
            bytes += [Opcode.tuple2, Opcode.reduce]
        case let .tensor(t): tensor(t)
        case let .list(xs):
            bytes.append(Opcode.emptyList)
            if !xs.isEmpty {
                bytes.append(Opcode.mark)
                try items(xs)
                bytes.append(Opcode.appends)
            }
        case let .tuple(xs):
            if xs.isEmpty {
                bytes.append(Opcode.emptyTuple)
            } else {
                bytes.append(Opcode.mark)
                try items(xs)
                bytes.append(Opcode.tuple)
            }
        case let .set(xs):
            global("builtins", "set")
            try write(.tuple([.list(xs)]))
            bytes.append(Opcode.reduce)
        case let .dict(pairs):
            bytes.append(Opcode.emptyDict)
            if !pairs.isEmpty {
                bytes.append(Opcode.mark)
                for (k, v) in pairs {
                    try write(k)
                    try write(v)
                }
                bytes.append(Opcode.setItems)
            }
        }
    }

    /// `_rebuild_tensor_v2(storage, 0, size, stride, requires_grad, OrderedDict())`, inside
    /// `_rebuild_parameter` for a parameter.
    mutating func tensor(_ t: Tensor) {
        let parameter = t is Parameter
        if parameter { global("torch._utils", "_rebuild_parameter") }
        global("torch._utils", "_rebuild_tensor_v2")
        bytes.append(Opcode.mark)
        bytes.append(Opcode.mark)
        string("storage")
        global("torch", PickleGlobal.storageTypes.first { $0.value == t.dtype }!.key)
        string(String(storages.count))
        string("cpu")
        int(t.numel)
        bytes.append(Opcode.tuple)
        bytes.append(Opcode.binPersId)
        storages.append(t)
        int(0)
        sizes(t.shape)
        sizes(contiguousStrides(t.shape))
        bytes.append(parameter ? Opcode.newFalse : (t.requiresGrad ? Opcode.newTrue : Opcode.newFalse))
        global("collections", "OrderedDict")
        bytes += [Opcode.emptyTuple, Opcode.reduce, Opcode.tuple, Opcode.reduce]
        if parameter {
            bytes.append(t.requiresGrad ? Opcode.newTrue : Opcode.newFalse)
            global("collections", "OrderedDict")
            bytes += [Opcode.emptyTuple, Opcode.reduce, Opcode.tuple3, Opcode.reduce]
        }
    }

    mutating func sizes(_ xs: [Int]) {
        bytes.append(Opcode.mark)
        for x in xs { int(x) }
        bytes.append(Opcode.tuple)
    }
}
