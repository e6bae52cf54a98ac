/// Why a checkpoint (`.safetensors`, PyTorch `.pt`) or array (`.npy`) file could not be read or written.
///
/// Every case names the file, and where it applies the tensor, with what was expected
/// and what was found, so the message alone says what is wrong:
///
/// ```swift
/// do { _ = try loadSafetensors(from: "model.safetensors") }
/// catch let e as SerializationError { print(e) }
/// // model.safetensors: tensor 'fc1.weight': data_offsets span 40 bytes,
/// // but shape [3, 4] of F32 needs 48 bytes
/// ```
public enum SerializationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened, read, written, synced or renamed (`reason` is the system's).
    case io(file: String, operation: String, reason: String)
    /// The file ends before `what` does.
    case truncated(file: String, what: String, expectedBytes: Int, foundBytes: Int)
    /// The safetensors header length exceeds the format's 100,000,000-byte limit.
    case headerTooLarge(file: String, size: UInt64, limit: Int)
    /// The header is not the JSON the format requires (`reason` gives the byte position).
    case invalidHeader(file: String, reason: String)
    /// A tensor's header entry is missing a field or has one of the wrong type.
    case invalidEntry(file: String, key: String, reason: String)
    /// A tensor's dtype is not one swift-torch stores (`U16`, `U32`, `U64`, `F8_*`, or unknown).
    case unsupportedDType(file: String, key: String, dtype: String)
    /// Two tensors have the same name.
    case duplicateKey(file: String, key: String)
    /// A tensor's byte range does not match its shape and dtype.
    case sizeMismatch(file: String, key: String, shape: [Int], dtype: String, expectedBytes: Int, foundBytes: Int)
    /// A tensor's byte range ends past the end of the data buffer.
    case offsetsOutOfRange(file: String, key: String, offsets: [Int], bufferSize: Int)
    /// Bytes before a tensor's range that no tensor covers.
    case hole(file: String, key: String, expectedBegin: Int, foundBegin: Int)
    /// A tensor's range starts inside another tensor's range.
    case overlap(file: String, key: String, otherKey: String, begin: Int, otherEnd: Int)
    /// Bytes after the last tensor that no tensor covers.
    case trailingBytes(file: String, expectedBytes: Int, foundBytes: Int)
    /// A `.npy` file whose magic, version or header dictionary is malformed.
    case invalidNpy(file: String, reason: String)
    /// A `.npy` dtype (`descr`) swift-torch cannot store, e.g. `'<u4'` or a structured dtype.
    case unsupportedNpyDType(file: String, descr: String)
    /// The tensors or options given to a writer cannot be written.
    case invalidArgument(file: String, reason: String)
    /// A PyTorch `.pt` file whose zip archive, pickle or tensor records are malformed.
    case invalidTorchCheckpoint(file: String, reason: String)
    /// A PyTorch `.pt` file whose pickle names a Python global (a function or class) outside
    /// what `torch.load(weights_only=True)` accepts, such as `os.system`; it is never run.
    case refusedGlobal(file: String, name: String)

    public var description: String {
        switch self {
        case let .io(file, operation, reason):
            return "\(file): cannot \(operation): \(reason)"
        case let .truncated(file, what, expected, found):
            return "\(file): file is truncated: \(what) needs \(expected) bytes, but only \(found) are present"
        case let .headerTooLarge(file, size, limit):
            return "\(file): header length \(size) exceeds the safetensors limit of \(limit) bytes; the file is corrupt or not a safetensors file"
        case let .invalidHeader(file, reason):
            return "\(file): invalid safetensors header: \(reason)"
        case let .invalidEntry(file, key, reason):
            return "\(file): tensor '\(key)': \(reason)"
        case let .unsupportedDType(file, key, dtype):
            return "\(file): tensor '\(key)': dtype \(dtype) is not supported (supported: "
                + safetensorsDTypeNames + ")"
        case let .duplicateKey(file, key):
            return "\(file): tensor '\(key)' appears twice in the header"
        case let .sizeMismatch(file, key, shape, dtype, expected, found):
            return "\(file): tensor '\(key)': data_offsets span \(found) bytes, but shape \(shapeString(shape)) of \(dtype) needs \(expected) bytes"
        case let .offsetsOutOfRange(file, key, offsets, size):
            return "\(file): tensor '\(key)': data_offsets \(shapeString(offsets)) end past the data buffer of \(size) bytes (file truncated?)"
        case let .hole(file, key, expected, found):
            return "\(file): tensor '\(key)': data starts at byte \(found), expected \(expected): bytes \(expected)..<\(found) belong to no tensor"
        case let .overlap(file, key, other, begin, otherEnd):
            return "\(file): tensor '\(key)': data starts at byte \(begin), inside tensor '\(other)' which ends at byte \(otherEnd)"
        case let .trailingBytes(file, expected, found):
            return "\(file): data buffer has \(found) bytes, but the tensors cover only \(expected): \(found - expected) trailing bytes"
        case let .invalidNpy(file, reason):
            return "\(file): invalid .npy file: \(reason)"
        case let .unsupportedNpyDType(file, descr):
            return "\(file): .npy dtype '\(descr)' is not supported (supported: bool, uint8, int8, int16, int32, int64, float16, float32, float64)"
        case let .invalidArgument(file, reason):
            return "\(file): \(reason)"
        case let .invalidTorchCheckpoint(file, reason):
            return "\(file): invalid PyTorch checkpoint: \(reason)"
        case let .refusedGlobal(file, name):
            return "\(file): the checkpoint's pickle refuses the global \(name): only tensors, OrderedDict and plain values "
                + "(what torch.load(weights_only=True) accepts) are loaded, and nothing in the file is ever run; "
                + "a file that needs \(name) may be malicious, or must be re-saved as a state dict in PyTorch"
        }
    }
}

private let safetensorsDTypeNames = "BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64"
