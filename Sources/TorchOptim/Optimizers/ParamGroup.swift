/// One hyperparameter value of a parameter group: a number, a flag, or a pair (Adam's `betas`).
///
/// Literals convert directly: `["lr": 0.1, "nesterov": true]`.
public enum OptionValue: Sendable, Equatable, CustomStringConvertible,
                         ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case double(Double)
    case bool(Bool)
    case pair(Double, Double)

    public init(floatLiteral value: Double) { self = .double(value) }
    public init(integerLiteral value: Int) { self = .double(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// The number (a flag reads as 0 or 1, a pair as its first value).
    public var doubleValue: Double {
        switch self {
        case .double(let d): d
        case .bool(let b): b ? 1 : 0
        case .pair(let a, _): a
        }
    }

    /// The flag (a number reads as `true` when nonzero).
    public var boolValue: Bool {
        switch self {
        case .bool(let b): b
        case .double(let d): d != 0
        case .pair(let a, _): a != 0
        }
    }

    /// The pair (a number reads as the same value twice).
    public var pairValue: (Double, Double) {
        switch self {
        case .pair(let a, let b): (a, b)
        case .double(let d): (d, d)
        case .bool(let b): (b ? 1 : 0, b ? 1 : 0)
        }
    }

    /// Printed as Python prints the value: `0.001`, `True`, `(0.9, 0.999)`.
    public var description: String {
        switch self {
        case .double(let d): pythonFloat(d)
        case .bool(let b): b ? "True" : "False"
        case .pair(let a, let b): "(\(pythonFloat(a)), \(pythonFloat(b)))"
        }
    }
}

/// A Double as Python's `repr` writes it (`1e-08`, `0.001`, `inf`).
func pythonFloat(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    return d.description
}

/// A set of parameters optimized with the same hyperparameters (one of PyTorch's
/// `param_groups` dicts).
///
/// Options left out take the optimizer's defaults; names are PyTorch's (`lr`, `momentum`,
/// `weight_decay`, `betas`, ...). Once the group belongs to an optimizer its hyperparameters
/// are that optimizer's typed options (``hyperparameters``; `groupOptions` on the optimizer);
/// the subscript reads and writes them by name, and keeps other keys (a scheduler's
/// `initial_lr`) beside them, as PyTorch's dict does.
///
/// ```swift
/// let optimizer = SGD([
///     ParamGroup(net.features.parameters()),
///     ParamGroup(net.classifier.parameters(), lr: 1e-3),
/// ], lr: 1e-2, momentum: 0.9)
/// optimizer.paramGroups[1].lr             // 0.001
/// optimizer.paramGroups[1]["momentum"]    // 0.9
/// optimizer.groupOptions[1].momentum      // 0.9, typed
/// ```
public struct ParamGroup: @unchecked Sendable {
    /// The tensors this group updates.
    public var params: [Tensor]
    /// The group's typed hyperparameters once it belongs to an optimizer (nil before).
    public internal(set) var hyperparameters: (any OptimizerOptions)?
    /// The keys beside `hyperparameters`: all of a group's options before it joins an
    /// optimizer, and afterwards the ones the optimizer does not have (`initial_lr`).
    var extras: [String: OptionValue]

    /// A group with the given options; anything not named takes the optimizer's default.
    public init(_ params: [Tensor], options: [String: OptionValue] = [:]) {
        self.params = params
        self.extras = options
    }

    /// A group overriding the most common options (`lr`, `momentum`, `weight_decay`, `betas`).
    public init(_ params: [Tensor], lr: Double? = nil, momentum: Double? = nil, weightDecay: Double? = nil,
                betas: (Double, Double)? = nil) {
        var options: [String: OptionValue] = [:]
        if let lr { options["lr"] = .double(lr) }
        if let momentum { options["momentum"] = .double(momentum) }
        if let weightDecay { options["weight_decay"] = .double(weightDecay) }
        if let betas { options["betas"] = .pair(betas.0, betas.1) }
        self.init(params, options: options)
    }

    /// Every option by PyTorch's name, as PyTorch's group dict shows them. Assigning sets
    /// each named option (the optimizer's own ones stay when left out) and replaces the others.
    public var options: [String: OptionValue] {
        get {
            guard let typed = hyperparameters?.entries else { return extras }
            return extras.merging(typed) { _, own in own }
        }
        set {
            extras = [:]
            for (key, value) in newValue { self[key] = value }
        }
    }

    /// The option named `key`, or nil. The optimizer's own options can be changed but not
    /// removed (assigning nil to one stops with a message); other keys come and go.
    public subscript(_ key: String) -> OptionValue? {
        get { hyperparameters?.value(forKey: key) ?? extras[key] }
        set {
            if var typed = hyperparameters, typed.value(forKey: key) != nil {
                guard let newValue else { optimFail("the option '\(key)' belongs to the optimizer and cannot be removed") }
                _ = typed.setValue(newValue, forKey: key)
                hyperparameters = typed
            } else {
                extras[key] = newValue
            }
        }
    }

    /// The learning rate of this group.
    public var lr: Double {
        get { hyperparameters?.lr ?? extras["lr"]?.doubleValue ?? 0 }
        set {
            if hyperparameters != nil { hyperparameters!.lr = newValue } else { extras["lr"] = .double(newValue) }
        }
    }

    /// The number option `key` a scheduler stored; stops with a message if the group has none.
    func double(_ key: String) -> Double {
        guard let v = self[key] else { optimFail("parameter group has no option '\(key)'") }
        return v.doubleValue
    }
}

/// Stops with PyTorch's message for misuse (a bad hyperparameter, a parameter in two groups),
/// as PyTorch raises `ValueError`; printed in optimized builds too.
func optimFail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
    fatalError(message, file: file, line: line)
}

/// Stops with `message` unless `condition` holds.
@inline(__always)
func optimCheck(_ condition: Bool, _ message: @autoclosure () -> String,
                file: StaticString = #fileID, line: UInt = #line) {
    if !condition { optimFail(message(), file: file, line: line) }
}
