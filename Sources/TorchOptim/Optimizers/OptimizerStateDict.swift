/// An optimizer's state as PyTorch's `optimizer.state_dict()` holds it: per-parameter state keyed
/// by the parameter's index (counting through the groups in order), and each group's
/// hyperparameters with the indices of its parameters.
///
/// `flattened()` turns it into named tensors (`state.0.exp_avg`, `param_groups.0.lr`) for a
/// tensor file such as safetensors; `init(flattened:)` reads them back.
///
/// ```swift
/// let saved = optimizer.stateDict()
/// let resumed = Adam(network.parameters(), lr: 0.01)
/// try resumed.loadStateDict(saved)
/// ```
public struct OptimizerStateDict: @unchecked Sendable {
    /// One group: its options and the indices of its parameters.
    public struct Group: Sendable, Equatable {
        public var params: [Int]
        public var options: [String: OptionValue]
        public init(params: [Int], options: [String: OptionValue]) {
            self.params = params
            self.options = options
        }
    }

    /// State tensors per parameter index (`step`, `exp_avg`, `momentum_buffer`, ...).
    public var state: [Int: [String: Tensor]]
    /// The groups, in order.
    public var paramGroups: [Group]

    public init(state: [Int: [String: Tensor]], paramGroups: [Group]) {
        self.state = state
        self.paramGroups = paramGroups
    }

    /// The state as named tensors: `state.<index>.<name>` for state tensors, and
    /// `param_groups.<i>.<option>` (a float64 scalar, a bool scalar, or a float64 pair) plus
    /// `param_groups.<i>.params` (int64 indices) for groups.
    public func flattened() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (index, entries) in state {
            for (key, t) in entries { out["state.\(index).\(key)"] = t }
        }
        for (i, g) in paramGroups.enumerated() {
            out["param_groups.\(i).params"] = Tensor(g.params.map(Int64.init), shape: [g.params.count], dtype: .int64)
            for (key, v) in g.options {
                let t: Tensor
                switch v {
                case .double(let d): t = Tensor(scalar: d, dtype: .float64)
                case .bool(let b): t = Tensor(scalar: b, dtype: .bool)
                case .pair(let a, let b): t = Tensor([a, b], shape: [2], dtype: .float64)
                }
                out["param_groups.\(i).\(key)"] = t
            }
        }
        return out
    }

    /// Reads back what `flattened()` wrote; throws when a key is not of that form.
    public init(flattened tensors: [String: Tensor]) throws {
        var state: [Int: [String: Tensor]] = [:]
        var groups: [Int: Group] = [:]
        for (key, t) in tensors {
            let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, let index = Int(parts[1]), index >= 0 else {
                throw TorchError.invalidArgument("optimizer state: unexpected key '\(key)'; expected 'state.<index>.<name>' or 'param_groups.<index>.<option>'")
            }
            switch parts[0] {
            case "state":
                state[index, default: [:]][parts[2]] = t
            case "param_groups":
                var g = groups[index] ?? Group(params: [], options: [:])
                if parts[2] == "params" {
                    g.params = t.toArray(Int64.self).map { Int($0) }
                } else if t.dtype == .bool && t.numel == 1 {
                    g.options[parts[2]] = .bool(t.item(Bool.self))
                } else if t.numel == 2 {
                    let v = t.toArray(Double.self)
                    g.options[parts[2]] = .pair(v[0], v[1])
                } else if t.numel == 1 {
                    g.options[parts[2]] = .double(t.item(Double.self))
                } else {
                    throw TorchError.invalidArgument("optimizer state: option '\(key)' has \(t.numel) elements; expected a number, a flag or a pair")
                }
                groups[index] = g
            default:
                throw TorchError.invalidArgument("optimizer state: unexpected key '\(key)'; expected 'state.<index>.<name>' or 'param_groups.<index>.<option>'")
            }
        }
        guard groups.keys.sorted() == Array(0..<groups.count) else {
            throw TorchError.invalidArgument("optimizer state: parameter groups \(groups.keys.sorted()) are not numbered 0..<\(groups.count)")
        }
        self.init(state: state, paramGroups: (0..<groups.count).map { groups[$0]! })
    }
}

extension Optimizer {
    /// The optimizer's state, keyed by parameter index as PyTorch's `state_dict()`. The tensors
    /// are the optimizer's own (not copies), as in PyTorch.
    public func stateDict() -> OptimizerStateDict {
        var index: [ObjectIdentifier: Int] = [:]
        var groups: [OptimizerStateDict.Group] = []
        var next = 0
        for g in paramGroups {
            var ids: [Int] = []
            for p in g.params {
                let id = ObjectIdentifier(p)
                if index[id] == nil { index[id] = next; next += 1 }
                ids.append(index[id]!)
            }
            groups.append(.init(params: ids, options: g.options))
        }
        var packed: [Int: [String: Tensor]] = [:]
        for (id, s) in state where !s.isEmpty {
            if let i = index[id] { packed[i] = s }
        }
        return OptimizerStateDict(state: packed, paramGroups: groups)
    }
}
