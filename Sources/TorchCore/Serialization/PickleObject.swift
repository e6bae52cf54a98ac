// The objects the restricted unpickler builds before they become `TorchCheckpointValue`s.
// Containers are reference nodes because pickle memoizes a container before filling it: a
// later BINGET must see the filled one, as Python's shared objects do.

/// A value on the unpickler's stack or in its memo.
enum PickleObject {
    case none
    case bool(Bool)
    case int(Int)
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tensor(Tensor)
    /// An allowed global (a callable or a storage type), never anything that runs code.
    case global(PickleGlobal)
    /// A storage named by a persistent id: the bytes of one zip record.
    case storage(PickleStorage)
    case node(PickleNode)

    /// The word for the value in errors (`"a list"`, `"the global torch.FloatStorage"`).
    var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "a bool"
        case .int, .bigInt: "an int"
        case .float: "a float"
        case .string: "a str"
        case .bytes: "bytes"
        case .tensor: "a tensor"
        case let .global(g): "the global \(g.pythonName)"
        case .storage: "a storage"
        case let .node(n): n.kind.name
        }
    }
}

/// A storage record a persistent id referred to, already read from the archive.
struct PickleStorage {
    let key: String
    let dtype: DType
    let numel: Int
    let storage: Storage
}

/// A list, tuple, dict or set under construction.
final class PickleNode {
    enum Kind {
        case list, tuple, dict, set

        var name: String {
            switch self {
            case .list: "a list"
            case .tuple: "a tuple"
            case .dict: "a dict"
            case .set: "a set"
            }
        }
    }

    let kind: Kind
    /// The elements; a dict's keys and values alternate.
    var items: [PickleObject]
    /// For dicts and sets: each key's element position (a dict's pair index).
    var positions: [PickleKey: Int] = [:]
    /// Set while the node is being converted, to find a container that contains itself.
    var converting = false
    /// The converted value, so a node shared through the memo is converted once.
    var converted: TorchCheckpointValue?
    /// The number of values in the converted tree (shared nodes counted each time).
    var treeSize = 0

    init(_ kind: Kind, _ items: [PickleObject] = []) {
        self.kind = kind
        self.items = items
    }
}

/// A dict key or set element as Python compares them: `True == 1 == 1.0`, tuples by value,
/// tensors by identity; lists, dicts and sets cannot be keys (Python's "unhashable").
enum PickleKey: Hashable {
    case none
    case int(Int)
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleKey])
    case identity(ObjectIdentifier)

    /// Tuple keys nest at most this deep (keys are hashed recursively).
    static let maximumTupleDepth = 32

    /// The key for `object`, taking one unit of `budget` per element and byte hashed; `nil`
    /// when it is unhashable or the budget runs out (a tuple of shared tuples can be huge).
    static func make(_ object: PickleObject, depth: Int = 0, budget: inout Int) -> PickleKey? {
        switch object {
        case .none: budget -= 1; return PickleKey.none
        case let .bool(b): budget -= 1; return .int(b ? 1 : 0)
        case let .int(v): budget -= 1; return .int(v)
        case let .bigInt(b): budget -= b.count; return .bigInt(b)
        case let .float(v):
            budget -= 1
            if v.rounded() == v, let i = Int(exactly: v) { return .int(i) }
            return .float(v)
        case let .string(s): budget -= s.utf8.count + 1; return .string(s)
        case let .bytes(b): budget -= b.count + 1; return .bytes(b)
        case let .tensor(t): budget -= 1; return .identity(ObjectIdentifier(t))
        case .global, .storage: return nil
        case let .node(n):
            guard n.kind == .tuple, depth < maximumTupleDepth else { return nil }
            budget -= 1
            var keys: [PickleKey] = []
            keys.reserveCapacity(n.items.count)
            for item in n.items {
                guard budget >= 0, let k = make(item, depth: depth + 1, budget: &budget) else { return nil }
                keys.append(k)
            }
            return budget >= 0 ? .tuple(keys) : nil
        }
    }
}
