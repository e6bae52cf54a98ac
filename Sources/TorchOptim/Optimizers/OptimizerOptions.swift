/// The hyperparameters of one parameter group as a typed value: each built-in optimizer has
/// its own (`SGD.Options`, `Adam.Options`, …), read by `step()` without looking names up.
///
/// PyTorch's `param_groups` view stays: ``ParamGroup``'s subscript and `options` read and write
/// the same values by PyTorch's names (`"weight_decay"`).
public protocol OptimizerOptions: Sendable {
    /// The learning rate.
    var lr: Double { get set }
    /// Every hyperparameter by PyTorch's name.
    var entries: [String: OptionValue] { get }
    /// The hyperparameter named `key`, or nil when these options have none by that name.
    func value(forKey key: String) -> OptionValue?
    /// Sets the hyperparameter named `key`; false (and nothing changed) when there is none.
    mutating func setValue(_ value: OptionValue, forKey key: String) -> Bool
}

/// How one stored property of an options struct is read and written by PyTorch's name.
public enum OptionField<Options> {
    case number(WritableKeyPath<Options, Double>)
    case flag(WritableKeyPath<Options, Bool>)
    case pair(WritableKeyPath<Options, (Double, Double)>)
}

/// Options whose hyperparameters are stored properties, listed once by PyTorch's names;
/// the name-based requirements of ``OptimizerOptions`` come from the list.
public protocol FieldOptions: OptimizerOptions {
    /// Each hyperparameter's PyTorch name and property.
    static var fields: [(name: String, field: OptionField<Self>)] { get }
}

extension FieldOptions {
    public var entries: [String: OptionValue] {
        Dictionary(uniqueKeysWithValues: Self.fields.map { ($0.name, read($0.field)) })
    }

    public func value(forKey key: String) -> OptionValue? {
        Self.fields.first { $0.name == key }.map { read($0.field) }
    }

    public mutating func setValue(_ value: OptionValue, forKey key: String) -> Bool {
        guard let field = Self.fields.first(where: { $0.name == key })?.field else { return false }
        switch field {
        case .number(let path): self[keyPath: path] = value.doubleValue
        case .flag(let path): self[keyPath: path] = value.boolValue
        case .pair(let path): self[keyPath: path] = value.pairValue
        }
        return true
    }

    private func read(_ field: OptionField<Self>) -> OptionValue {
        switch field {
        case .number(let path): .double(self[keyPath: path])
        case .flag(let path): .bool(self[keyPath: path])
        case .pair(let path): .pair(self[keyPath: path].0, self[keyPath: path].1)
        }
    }
}

/// Hyperparameters kept by name: the options of an optimizer defined with a dictionary of
/// defaults (`Optimizer(name:_:defaults:)`), read in its `update` as `group["momentum"]`.
public struct NamedOptions: OptimizerOptions {
    /// The values by name; the keys are fixed by the defaults.
    public private(set) var values: [String: OptionValue]

    /// Options with these names and values.
    public init(_ values: [String: OptionValue]) { self.values = values }

    public var lr: Double {
        get { values["lr"]?.doubleValue ?? 0 }
        set { values["lr"] = .double(newValue) }
    }

    public var entries: [String: OptionValue] { values }
    public func value(forKey key: String) -> OptionValue? { values[key] }

    public mutating func setValue(_ value: OptionValue, forKey key: String) -> Bool {
        guard values[key] != nil else { return false }
        values[key] = value
        return true
    }
}

/// An optimizer whose groups hold its own typed ``OptimizerOptions``.
public protocol TypedOptimizer: Optimizer {
    associatedtype Options: OptimizerOptions
}

extension TypedOptimizer {
    /// Each group's hyperparameters, typed: `sgd.groupOptions[0].momentum`. Assigning checks
    /// the values as creating the optimizer does (PyTorch's message for a bad one).
    ///
    /// ```swift
    /// let sgd = SGD(net.parameters(), lr: 0.1, momentum: 0.9)
    /// sgd.groupOptions[0].momentum = 0.5    // the same as sgd.paramGroups[0]["momentum"] = 0.5
    /// ```
    public var groupOptions: [Options] {
        get { paramGroups.map(options(of:)) }
        set {
            optimCheck(newValue.count == paramGroups.count,
                       "\(name): \(newValue.count) options for \(paramGroups.count) parameter groups")
            for (i, o) in newValue.enumerated() {
                var group = paramGroups[i]
                group.hyperparameters = o
                checkOptions(group)
                paramGroups[i] = group
            }
        }
    }

    /// `group`'s typed options: its own once it belongs to this optimizer, else the defaults
    /// with the group's named overrides (a group assigned into `paramGroups` directly).
    func options(of group: ParamGroup) -> Options {
        if let typed = group.hyperparameters as? Options { return typed }
        var typed = defaultOptions as! Options
        for (key, value) in group.extras { _ = typed.setValue(value, forKey: key) }
        return typed
    }
}
