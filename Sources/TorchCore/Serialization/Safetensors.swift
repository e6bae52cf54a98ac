import Foundation

// safetensors (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
// JSON naming each tensor's dtype, shape and byte range, then the tensors' bytes.

/// Writes tensors to a `.safetensors` file, byte for byte as Python's
/// `safetensors.torch.save_file` writes the same tensors.
///
/// Tensors are stored by descending dtype alignment, then by name; non-contiguous tensors are
/// written in row-major order; `shape` `[]` and zero-size tensors are allowed. The file is
/// written atomically: readers see the old file or the complete new one, never a torn one.
/// `metadata` goes in the header's `"__metadata__"` (its keys sorted; Python orders them at
/// random); `nil` leaves it out, as `save_file(tensors, path)` does.
///
/// ```swift
/// try saveSafetensors([("weight", w), ("bias", b)], to: URL(fileURLWithPath: "layer.safetensors"))
/// ```
///
/// - Throws: ``SerializationError`` for a duplicate name, the reserved name `__metadata__`,
///   or a file that cannot be written.
public func saveSafetensors(_ tensors: [(String, Tensor)], to url: URL,
                            metadata: [String: String]? = ["format": "pt"]) throws {
    let path = url.path
    let (header, order) = try safetensorsHeader(tensors, metadata: metadata, file: path)
    try writeFileAtomically(to: url) { file in
        var n = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &n) { b in try file.write(b) }
        try file.write(header)
        for i in order {
            try tensors[i].1.withLittleEndianBytes { b in try file.write(b) }
        }
    }
}

/// Writes a dictionary of tensors to a `.safetensors` file; stored and ordered as by the array overload.
public func saveSafetensors(_ tensors: [String: Tensor], to url: URL,
                            metadata: [String: String]? = ["format": "pt"]) throws {
    try saveSafetensors(tensors.map { ($0.key, $0.value) }, to: url, metadata: metadata)
}

/// Writes tensors to the `.safetensors` file at `path`.
public func saveSafetensors(_ tensors: [(String, Tensor)], to path: String,
                            metadata: [String: String]? = ["format": "pt"]) throws {
    try saveSafetensors(tensors, to: URL(fileURLWithPath: path), metadata: metadata)
}

/// Writes a dictionary of tensors to the `.safetensors` file at `path`.
public func saveSafetensors(_ tensors: [String: Tensor], to path: String,
                            metadata: [String: String]? = ["format": "pt"]) throws {
    try saveSafetensors(tensors, to: URL(fileURLWithPath: path), metadata: metadata)
}

/// Reads every tensor of a `.safetensors` file, in the order the header lists them.
///
/// The whole file is checked first: the header length, the JSON, each dtype, shape and byte
/// range, and that the tensors cover the data exactly (no holes, overlaps or trailing bytes).
/// Each tensor is then read straight into its own contiguous storage.
///
/// ```swift
/// for (name, t) in try loadSafetensors(from: URL(fileURLWithPath: "model.safetensors")) {
///     print(name, t.shape, t.dtype)
/// }
/// ```
///
/// - Throws: ``SerializationError`` naming the file, the tensor and what was expected vs found.
///   Dtypes swift-torch cannot store (`U16`, `U32`, `U64`, `F8_*`) throw ``SerializationError/unsupportedDType(file:key:dtype:)``.
public func loadSafetensors(from url: URL) throws -> [(String, Tensor)] {
    let file = try ReadOnlyFile(url)
    let header = try SafetensorsHeader(file)
    var out: [(String, Tensor)] = []
    out.reserveCapacity(header.entries.count)
    for e in header.entries {
        let t = try Tensor.fromLittleEndianBytes(shape: e.shape, dtype: e.dtype) { p, count in
            try file.read(into: p, count: count, at: header.dataStart + e.begin, what: "tensor '\(e.name)'")
        }
        out.append((e.name, t))
    }
    return out
}

/// Reads every tensor of the `.safetensors` file at `path`.
public func loadSafetensors(from path: String) throws -> [(String, Tensor)] {
    try loadSafetensors(from: URL(fileURLWithPath: path))
}

/// The `"__metadata__"` map of a `.safetensors` file (`nil` when the file has none), read
/// from the header alone after checking the whole header as `loadSafetensors(from:)` does.
///
/// ```swift
/// try loadSafetensorsMetadata(from: url)   // ["format": "pt"]
/// ```
public func loadSafetensorsMetadata(from url: URL) throws -> [String: String]? {
    try SafetensorsHeader(ReadOnlyFile(url)).metadata
}

/// The `"__metadata__"` map of the `.safetensors` file at `path`.
public func loadSafetensorsMetadata(from path: String) throws -> [String: String]? {
    try loadSafetensorsMetadata(from: URL(fileURLWithPath: path))
}

extension DType {
    /// The dtype's name in a safetensors header (`"F32"`).
    var safetensorsName: String {
        switch self {
        case .bool: "BOOL"
        case .uint8: "U8"
        case .int8: "I8"
        case .int16: "I16"
        case .int32: "I32"
        case .int64: "I64"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .float32: "F32"
        case .float64: "F64"
        }
    }

    init?(safetensorsName: String) {
        guard let d = DType.allCases.first(where: { $0.safetensorsName == safetensorsName }) else { return nil }
        self = d
    }

    /// Position in the reference implementation's `Dtype` enum, which its writer sorts by
    /// (descending): it orders by alignment, with I64 after F64.
    var safetensorsRank: Int {
        switch self {
        case .bool: 0
        case .uint8: 1
        case .int8: 2
        case .int16: 5
        case .float16: 7
        case .bfloat16: 8
        case .int32: 9
        case .float32: 11
        case .float64: 12
        case .int64: 13
        }
    }
}

/// The padded header JSON and the order the tensors' bytes follow it in.
private func safetensorsHeader(_ tensors: [(String, Tensor)], metadata: [String: String]?,
                               file: String) throws -> ([UInt8], [Int]) {
    var seen = Set<String>()
    for (name, _) in tensors {
        if name == "__metadata__" {
            throw SerializationError.invalidArgument(file: file, reason: "'__metadata__' is reserved for the header's metadata and cannot name a tensor")
        }
        if !seen.insert(name).inserted {
            throw SerializationError.invalidArgument(file: file, reason: "tensor name '\(name)' is given twice")
        }
    }
    let order = tensors.indices.sorted { i, j in
        let (a, b) = (tensors[i], tensors[j])
        if a.1.dtype != b.1.dtype { return a.1.dtype.safetensorsRank > b.1.dtype.safetensorsRank }
        return a.0.utf8.lexicographicallyPrecedes(b.0.utf8)
    }
    var json: [UInt8] = [UInt8(ascii: "{")]
    if let metadata {
        json += Array("\"__metadata__\":{".utf8)
        for (k, key) in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if k > 0 { json.append(UInt8(ascii: ",")) }
            appendJSONString(key, to: &json)
            json.append(UInt8(ascii: ":"))
            appendJSONString(metadata[key]!, to: &json)
        }
        json.append(UInt8(ascii: "}"))
        if !order.isEmpty { json.append(UInt8(ascii: ",")) }
    }
    var offset = 0
    for (k, i) in order.enumerated() {
        let (name, t) = tensors[i]
        let end = offset + t.numel * t.dtype.itemSize
        if k > 0 { json.append(UInt8(ascii: ",")) }
        appendJSONString(name, to: &json)
        json += Array(":{\"dtype\":\"\(t.dtype.safetensorsName)\",\"shape\":\(compactList(t.shape)),\"data_offsets\":[\(offset),\(end)]}".utf8)
        offset = end
    }
    json.append(UInt8(ascii: "}"))
    // The buffer must start 8-byte aligned: pad with spaces as the reference writer does.
    while json.count % 8 != 0 { json.append(0x20) }
    return (json, order)
}

/// `[1,2,3]`: a JSON integer list without spaces.
private func compactList(_ xs: [Int]) -> String { "[" + xs.map(String.init).joined(separator: ",") + "]" }
