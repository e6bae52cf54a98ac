import TorchCore

/// The memory an update works on: a parameter as contiguous float32/float64 (the parameter
/// itself when it already is, else a working copy written back by `finish()`), and its
/// gradient in the same layout and dtype.
struct UpdateBuffers {
    let param: Tensor
    /// Contiguous float32 or float64 elements updated in place.
    let work: Tensor
    /// The gradient, contiguous, in `work`'s dtype.
    let grad: Tensor

    init(_ param: Tensor, grad: Tensor) {
        optimCheck(grad.shape == param.shape,
                   "optimizer: the gradient's shape \(grad.shape) does not match the parameter's shape \(param.shape)")
        self.param = param
        let dtype = UpdateBuffers.workDType(param.dtype)
        work = param.dtype == dtype && param.isContiguous ? param : param.to(dtype: dtype).contiguous()
        self.grad = grad.to(dtype: dtype).contiguous()
    }

    /// float16/bfloat16 parameters are updated (and keep their state) in float32.
    static func workDType(_ dtype: DType) -> DType { dtype == .float64 ? .float64 : .float32 }

    var dtype: DType { work.dtype }

    /// A zero-filled state buffer shaped like the parameter.
    func zeros() -> Tensor { Tensor.zeros(work.shape, dtype: work.dtype) }

    /// The state buffer `key`, created by `make` on first use.
    func buffer(_ state: inout [String: Tensor], _ key: String, _ make: () -> Tensor) -> Tensor {
        if let b = state[key] { return b }
        let b = make()
        state[key] = b
        return b
    }

    /// The state's `step` counter (a float32 scalar, as PyTorch keeps it), created at zero on
    /// first use; the backend's update increments it.
    func stepCounter(_ state: inout [String: Tensor]) -> Tensor {
        buffer(&state, "step") { Tensor.zeros([], dtype: .float32) }
    }

    /// A slot for the backend's fused update over this parameter.
    func slot(_ buffers: [Tensor?], step: Tensor? = nil, firstStep: Bool = false) -> OptimizerSlot {
        OptimizerSlot(param: work, grad: grad, buffers: buffers, step: step, firstStep: firstStep)
    }

    /// Writes the working copy back into the parameter when they differ, and counts the
    /// update on the parameter's version counter either way.
    func finish() {
        if work !== param { param.copy_(work) } else { param.markWritten() }
    }
}

/// An optimizer whose step is one `OptimizerUpdate` the backend runs over a whole group.
protocol FusedOptimizer: TypedOptimizer {
    /// The rule for a group's options.
    func rule(_ options: Options) -> OptimizerUpdate
    /// The slot for one parameter, creating its state on first use.
    func slot(_ b: UpdateBuffers, options: Options, state: inout [String: Tensor]) -> OptimizerSlot
}

extension FusedOptimizer {
    /// One backend call for all of `group`'s parameters that have gradients.
    func stepFused(_ group: ParamGroup) {
        let options = options(of: group)
        var buffers: [UpdateBuffers] = []
        var slots: [OptimizerSlot] = []
        buffers.reserveCapacity(group.params.count)
        slots.reserveCapacity(group.params.count)
        for p in group.params {
            guard let grad = p.grad else { continue }
            let b = UpdateBuffers(p, grad: grad)
            slots.append(slot(b, options: options, state: &state[ObjectIdentifier(p), default: [:]]))
            buffers.append(b)
        }
        rule(options).apply(to: slots)
        for b in buffers { b.finish() }
    }

    /// The same update for one parameter.
    func updateOne(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        let options = options(of: group)
        let b = UpdateBuffers(param, grad: grad)
        rule(options).apply(to: [slot(b, options: options, state: &state)])
        b.finish()
    }
}
