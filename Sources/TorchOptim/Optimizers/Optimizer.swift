/// The base class of all optimizers (`torch.optim.Optimizer`): parameter groups, per-parameter
/// state, `zeroGrad()`, `step()` and state dicts.
///
/// A subclass states its default options (typed, or as a dictionary by name) and implements
/// `update(_:grad:group:state:)` for one parameter; `step()` calls it under `noGrad` for every
/// parameter that has a gradient.
///
/// ```swift
/// let optimizer = Adam(network.parameters(), lr: 0.01)
/// optimizer.zeroGrad()
/// loss.backward()
/// optimizer.step()
/// ```
open class Optimizer: CustomStringConvertible, @unchecked Sendable {
    /// The optimizer's name in messages and printing (`"SGD"`).
    public let name: String
    /// Hyperparameters a group takes when it does not name them.
    public let defaultOptions: any OptimizerOptions
    /// The defaults by PyTorch's name (`optimizer.defaults`).
    public var defaults: [String: OptionValue] { defaultOptions.entries }
    /// The parameter groups, each with its parameters and hyperparameters.
    public var paramGroups: [ParamGroup] = []
    /// Per-parameter state (momentum buffers, moment estimates, step counts), keyed by the
    /// parameter's identity; read it with `state(for:)`.
    public var state: [ObjectIdentifier: [String: Tensor]] = [:]

    /// An optimizer over one group holding `params`.
    public convenience init(name: String, _ params: [Tensor], defaults: [String: OptionValue]) {
        self.init(name: name, [ParamGroup(params)], defaults: defaults)
    }

    /// An optimizer over `groups` whose options are the names in `defaults` (read them in
    /// `update` as `group["momentum"]`); each group's missing options take these values.
    public convenience init(name: String, _ groups: [ParamGroup], defaults: [String: OptionValue]) {
        self.init(name: name, groups, options: NamedOptions(defaults))
    }

    /// An optimizer over `groups` with typed options; each group's missing options take `defaults`.
    public init(name: String, _ groups: [ParamGroup], options defaults: some OptimizerOptions) {
        self.name = name
        self.defaultOptions = defaults
        var check = ParamGroup([])
        check.hyperparameters = defaults
        checkOptions(check)
        optimCheck(!groups.isEmpty && !(groups.count == 1 && groups[0].params.isEmpty),
                   "optimizer got an empty parameter list")
        for g in groups { addParamGroup(g) }
    }

    /// Adds a group (e.g. layers unfrozen while fine-tuning); its missing options take the
    /// defaults. A parameter may belong to one group only.
    public func addParamGroup(_ group: ParamGroup) {
        var group = group
        for p in group.params {
            optimCheck(p.isLeaf, "can't optimize a non-leaf Tensor")
            optimCheck(p.dtype.isFloatingPoint, "\(name): can only optimize floating-point tensors, but got one of dtype \(p.dtype)")
        }
        var typed = defaultOptions
        for (key, value) in group.options {
            guard typed.setValue(value, forKey: key) else {
                optimFail("\(name): unknown option '\(key)' in a parameter group (known: \(defaults.keys.sorted().joined(separator: ", ")))")
            }
        }
        group.hyperparameters = typed
        group.extras = [:]
        checkOptions(group)
        var seen = Set<ObjectIdentifier>()
        for g in paramGroups { for p in g.params { seen.insert(ObjectIdentifier(p)) } }
        for p in group.params {
            optimCheck(!seen.contains(ObjectIdentifier(p)), "some parameters appear in more than one parameter group")
        }
        paramGroups.append(group)
        initializeState(group)
    }

    /// Checks a group's hyperparameters, throwing PyTorch's message ("Invalid learning rate: -1.0")
    /// for a bad value. Creating an optimizer or adding a group stops with that message;
    /// `loadStateDict(_:)` throws it.
    open func validate(_ group: ParamGroup) throws(TorchError) {}

    func checkOptions(_ group: ParamGroup) {
        do { try validate(group) } catch { optimFail(error.description) }
    }

    /// Creates state eagerly for a new group's parameters (Adagrad does; most create it on the first step).
    open func initializeState(_ group: ParamGroup) {}

    /// Clears the gradients of all parameters: sets them to nil, or with `setToNone: false`
    /// fills them with zeros.
    public func zeroGrad(setToNone: Bool = true) {
        for g in paramGroups {
            for p in g.params {
                guard let grad = p.grad else { continue }
                if setToNone { p.grad = nil } else { noGrad { _ = grad.zero_() } }
            }
        }
    }

    /// Updates every parameter that has a gradient once, in place (parameters whose `grad` is
    /// nil are skipped). The built-in optimizers update each group in one fused backend call.
    open func step() {
        noGrad {
            for g in paramGroups {
                if let fused = self as? any FusedOptimizer {
                    fused.stepFused(g)
                    continue
                }
                for p in g.params {
                    guard let grad = p.grad else { continue }
                    update(p, grad: grad, group: g, state: &state[ObjectIdentifier(p), default: [:]])
                }
            }
        }
    }

    /// Evaluates `closure` (which recomputes the loss and calls `backward()`) with grad mode on,
    /// then steps; returns the loss.
    @discardableResult
    public func step(closure: () throws -> Tensor) rethrows -> Tensor {
        let loss = try enableGrad { try closure() }
        step()
        return loss
    }

    /// Updates one parameter from its gradient; called by `step()` under `noGrad`.
    open func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        optimFail("\(name) does not implement update(_:grad:group:state:)")
    }

    /// The state kept for `param` (empty before its first step).
    public func state(for param: Tensor) -> [String: Tensor] { state[ObjectIdentifier(param)] ?? [:] }

    /// PyTorch's `repr(optimizer)`: each group's options, sorted by name.
    public var description: String {
        var s = name + " ("
        for (i, g) in paramGroups.enumerated() {
            s += "\nParameter Group \(i)\n"
            for key in g.options.keys.sorted() { s += "    \(key): \(g.options[key]!)\n" }
        }
        return s + ")"
    }
}

// MARK: - Shared argument checks

extension Optimizer {
    func checkNonNegative(_ value: Double, _ what: String) throws(TorchError) {
        try optionCheck(value >= 0, "Invalid \(what): \(pythonFloat(value))")
    }

    func optionCheck(_ condition: Bool, _ message: @autoclosure () -> String) throws(TorchError) {
        if !condition { throw .invalidArgument(message()) }
    }
}
