extension Optimizer {
    /// Replaces this optimizer's state and group options with copies of `stateDict`'s (from an
    /// optimizer of the same kind over parameters of the same shapes, in the same order).
    ///
    /// State tensors are converted to each parameter's dtype (`step` stays float32). Group
    /// options replace the current ones, so they must name every option of this optimizer
    /// (extra keys, such as a scheduler's `initial_lr`, are kept) with values it accepts.
    ///
    /// The load is atomic: the group count and sizes, every state tensor's shape and dtype,
    /// and every option are checked first. When one does not fit it throws `TorchError`,
    /// and the optimizer's state and groups are exactly as they were.
    ///
    /// ```swift
    /// let resumed = Adam(network.parameters(), lr: 0.01)
    /// try resumed.loadStateDict(saved)
    /// ```
    public func loadStateDict(_ stateDict: OptimizerStateDict) throws {
        let saved = stateDict.paramGroups
        guard saved.count == paramGroups.count else {
            throw TorchError.invalidArgument("loaded state dict has a different number of parameter groups")
        }
        guard zip(saved, paramGroups).allSatisfy({ $0.params.count == $1.params.count }) else {
            throw TorchError.invalidArgument("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        }
        var byIndex: [Int: Tensor] = [:]
        for (s, g) in zip(saved, paramGroups) {
            for (i, p) in zip(s.params, g.params) {
                guard byIndex.updateValue(p, forKey: i) == nil else {
                    throw TorchError.invalidArgument("loaded state dict lists parameter \(i) in its parameter groups more than once")
                }
            }
        }
        for (gi, s) in saved.enumerated() {
            try checkLoadedOptions(s.options, group: gi)
        }
        var newState: [ObjectIdentifier: [String: Tensor]] = [:]
        for (i, entries) in stateDict.state.sorted(by: { $0.key < $1.key }) {
            guard let p = byIndex[i] else {
                throw TorchError.invalidArgument("loaded state dict has state for parameter \(i), which is in none of its parameter groups")
            }
            var copy: [String: Tensor] = [:]
            for (key, t) in entries.sorted(by: { $0.key < $1.key }) {
                copy[key] = try loadedStateTensor(t, key, parameter: i, shape: p.shape, dtype: p.dtype)
            }
            newState[ObjectIdentifier(p)] = copy
        }
        state = newState
        for (gi, s) in saved.enumerated() {
            paramGroups[gi].options = s.options
        }
    }

    /// Loads state saved with `stateDict().flattened()`; atomic as `loadStateDict(_:)` is
    /// (every name is read and checked before anything changes).
    public func loadStateDict(_ tensors: [String: Tensor]) throws {
        try loadStateDict(OptimizerStateDict(flattened: tensors))
    }

    /// Checks that a loaded group names every option this optimizer has, with valid values.
    private func checkLoadedOptions(_ options: [String: OptionValue], group gi: Int) throws {
        for key in defaults.keys.sorted() {
            guard options[key] != nil else {
                throw TorchError.invalidArgument("loaded state dict: parameter group \(gi) has no option '\(key)'")
            }
        }
        do {
            try validate(ParamGroup([], options: options))
        } catch {
            throw TorchError.invalidArgument("loaded state dict: parameter group \(gi): \(error)")
        }
    }

    /// A copy of a loaded state tensor in the form the update loops expect, or an error naming
    /// the parameter when its shape, dtype or value cannot be used.
    private func loadedStateTensor(_ t: Tensor, _ key: String, parameter i: Int, shape: [Int], dtype: DType) throws -> Tensor {
        if key == "step" {
            guard t.numel == 1 else {
                throw TorchError.invalidArgument("loaded state for parameter \(i) has a 'step' of \(t.numel) elements; expected one")
            }
            guard t.dtype != .bool else {
                throw TorchError.invalidArgument("loaded state for parameter \(i) has a 'step' of dtype \(t.dtype); expected a number")
            }
            let step = t.item(Double.self)
            guard step.isFinite && step >= 0 else {
                throw TorchError.invalidArgument("loaded state for parameter \(i) has a 'step' of \(pythonFloat(step)); expected a count of zero or more")
            }
            return t.to(dtype: .float32).reshape([]).clone()
        }
        guard t.shape == shape else {
            throw TorchError.invalidArgument("loaded state for parameter \(i) has '\(key)' of shape \(t.shape), but the parameter has shape \(shape)")
        }
        guard t.dtype.isFloatingPoint else {
            throw TorchError.invalidArgument("loaded state for parameter \(i) has '\(key)' of dtype \(t.dtype); expected a floating-point tensor")
        }
        return t.to(dtype: UpdateBuffers.workDType(dtype)).clone()
    }
}
