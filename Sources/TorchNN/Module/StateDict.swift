/// An ordered map from names to tensors: what `Module.stateDict()` returns and
/// `Module.loadStateDict(_:strict:)` reads (PyTorch's `OrderedDict` state dict).
///
/// Keys keep their insertion order, which for a module's state dict is PyTorch's order:
/// each module's parameters, then its persistent buffers, then its children, depth first.
///
/// ```swift
/// let sd = network.stateDict()
/// sd.keys            // ["conv1.weight", "conv1.bias", ..., "out.bias"]
/// sd["fc1.weight"]!.shape   // [120, 192]
/// for (key, tensor) in sd { print(key, tensor.shape) }
/// ```
public struct StateDict: Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible, Sendable {
    public typealias Element = (key: String, value: Tensor)

    /// The keys in order.
    public private(set) var keys: [String] = []
    private var storage: [String: Tensor] = [:]

    /// An empty state dict.
    public init() {}

    /// A state dict holding `pairs` in order; a repeated key keeps its first position and last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, Tensor) {
        for (k, v) in pairs { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, Tensor)...) {
        self.init(elements)
    }

    /// The tensor stored under `key`; assigning appends a new key at the end, replaces the
    /// value of an existing one in place, and `nil` removes the key.
    public subscript(key: String) -> Tensor? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The tensors in key order.
    public var values: [Tensor] { keys.map { storage[$0]! } }
    /// The number of entries.
    public var count: Int { keys.count }
    /// Whether there are no entries.
    public var isEmpty: Bool { keys.isEmpty }
    /// The entries as `(key, tensor)` pairs, in order.
    public var pairs: [(String, Tensor)] { keys.map { ($0, storage[$0]!) } }
    /// The entries as an unordered dictionary.
    public var dictionary: [String: Tensor] { storage }

    /// Removes and returns the tensor under `key`.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> Tensor? {
        let v = storage[key]
        self[key] = nil
        return v
    }

    public func makeIterator() -> AnyIterator<Element> {
        var i = 0
        return AnyIterator {
            guard i < keys.count else { return nil }
            defer { i += 1 }
            return (keys[i], storage[keys[i]]!)
        }
    }

    /// One `key: shape dtype` line per entry.
    public var description: String {
        "StateDict(" + keys.map { "\($0): \(shapeText(storage[$0]!.shape)) \(storage[$0]!.dtype)" }.joined(separator: ", ") + ")"
    }
}

/// `[2, 3]`: a shape as PyTorch's messages write sizes.
func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
