/// One value of a PyTorch checkpoint, as `torch.load(path, weights_only=True)` returns it:
/// tensors, and the Python containers and scalars around them.
///
/// A state dict saved with `torch.save(model.state_dict(), path)` is a `.dict` of string
/// keys and tensors; a training checkpoint nests it with other values:
///
/// ```swift
/// let checkpoint = try loadTorchCheckpoint(from: "checkpoint.pt")
/// checkpoint["epoch"]?.int                 // 7
/// checkpoint["model"]?.stateDict           // [("conv1.weight", tensor), ...]
/// checkpoint["losses"]?[0]?.double         // 2.31
/// ```
///
/// Containers keep Python's order. Values nest at most ``maximumDepth`` levels.
public enum TorchCheckpointValue: Sendable, CustomStringConvertible {
    /// Python's `None`.
    case none
    case bool(Bool)
    /// A Python `int` that fits in `Int`.
    case int(Int)
    /// A Python `int` outside `Int`'s range, as little-endian two's-complement bytes
    /// (Python's `n.to_bytes(len, "little", signed=True)`).
    case bigInt([UInt8])
    /// A Python `float`.
    case float(Double)
    case string(String)
    /// Python `bytes` or `bytearray`.
    case bytes([UInt8])
    /// A tensor (or `nn.Parameter`, loaded as ``Parameter``), with its dtype, shape and strides.
    case tensor(Tensor)
    case list([TorchCheckpointValue])
    case tuple([TorchCheckpointValue])
    /// A Python `set` or `frozenset`, in the file's order.
    case set([TorchCheckpointValue])
    /// A `dict` or `collections.OrderedDict`, in insertion order; keys are usually strings or ints.
    case dict([(key: TorchCheckpointValue, value: TorchCheckpointValue)])

    /// How deeply values may nest in a file before it is refused.
    public static let maximumDepth = 1000

    /// The value under string key `key` of a dict, or `nil`.
    public subscript(key: String) -> TorchCheckpointValue? {
        guard case let .dict(pairs) = self else { return nil }
        return pairs.first { if case .string(key) = $0.key { true } else { false } }?.value
    }

    /// The element at `index` of a list or tuple, or the value under int key `index` of a dict.
    public subscript(index: Int) -> TorchCheckpointValue? {
        switch self {
        case let .list(xs), let .tuple(xs):
            return xs.indices.contains(index) ? xs[index] : nil
        case let .dict(pairs):
            return pairs.first { if case .int(index) = $0.key { true } else { false } }?.value
        default:
            return nil
        }
    }

    /// The tensor, if this is one.
    public var tensor: Tensor? { if case let .tensor(t) = self { t } else { nil } }
    /// The integer, if this is an `int` that fits in `Int`.
    public var int: Int? { if case let .int(v) = self { v } else { nil } }
    /// The number, if this is a `float` or an `int`.
    public var double: Double? {
        switch self {
        case let .float(v): v
        case let .int(v): Double(v)
        default: nil
        }
    }
    /// The Boolean, if this is a `bool`.
    public var bool: Bool? { if case let .bool(v) = self { v } else { nil } }
    /// The string, if this is a `str`.
    public var string: String? { if case let .string(v) = self { v } else { nil } }
    /// The elements of a list, tuple or set.
    public var elements: [TorchCheckpointValue]? {
        switch self {
        case let .list(xs), let .tuple(xs), let .set(xs): xs
        default: nil
        }
    }
    /// The entries of a dict, in order.
    public var entries: [(key: TorchCheckpointValue, value: TorchCheckpointValue)]? {
        if case let .dict(pairs) = self { pairs } else { nil }
    }

    /// The (name, tensor) pairs of a state dict, in the file's order, or `nil`.
    ///
    /// A dict whose keys are all strings and values all tensors is a state dict itself.
    /// Otherwise, for a training checkpoint, the first of the dict's `"state_dict"`,
    /// `"model_state_dict"`, `"model"`, `"module"` and `"net"` entries that is a state dict,
    /// or else its only entry that is one.
    public var stateDict: [(String, Tensor)]? {
        if let own = ownStateDict { return own }
        guard case let .dict(pairs) = self else { return nil }
        for name in ["state_dict", "model_state_dict", "model", "module", "net"] {
            if let sd = self[name]?.ownStateDict { return sd }
        }
        let nested = pairs.compactMap { $0.value.ownStateDict }
        return nested.count == 1 ? nested[0] : nil
    }

    private var ownStateDict: [(String, Tensor)]? {
        guard case let .dict(pairs) = self else { return nil }
        var out: [(String, Tensor)] = []
        out.reserveCapacity(pairs.count)
        for (k, v) in pairs {
            guard case let .string(name) = k, case let .tensor(t) = v else { return nil }
            out.append((name, t))
        }
        return out
    }

    /// Python-like text: `{'epoch': 3, 'model': {'fc.weight': tensor(float32, [2, 3])}}`.
    public var description: String {
        switch self {
        case .none: return "None"
        case let .bool(b): return b ? "True" : "False"
        case let .int(v): return String(v)
        case let .bigInt(bytes): return "int(0x" + bytes.reversed().map { String($0, radix: 16).leftPadded(2) }.joined() + ")"
        case let .float(v): return String(v)
        case let .string(s): return "'" + s + "'"
        case let .bytes(b): return "b<\(b.count) bytes>"
        case let .tensor(t): return "tensor(\(t.dtype.name), \(t.shape))"
        case let .list(xs): return "[" + xs.map(\.description).joined(separator: ", ") + "]"
        case let .tuple(xs): return "(" + xs.map(\.description).joined(separator: ", ") + (xs.count == 1 ? ",)" : ")")
        case let .set(xs): return "{" + xs.map(\.description).joined(separator: ", ") + "}"
        case let .dict(pairs): return "{" + pairs.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
