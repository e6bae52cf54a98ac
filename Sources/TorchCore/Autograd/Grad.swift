/// The gradients of `outputs` with respect to `inputs` (`torch.autograd.grad`), returned
/// instead of added into `.grad`: no tensor's `grad` changes.
///
/// Each input's gradient is Σᵢ gradOutputsᵢ · ∂outputsᵢ/∂input. With `createGraph` the
/// computation of the gradients is itself recorded, so they can be differentiated again
/// (gradient penalties, Hessian-vector products).
///
/// ```swift
/// let x = Tensor([1.0, 2.0, 3.0]).requiresGrad_()
/// let y = (x * x * x).sum()
/// let dx = grad(outputs: [y], inputs: [x], createGraph: true)[0]!   // 3x²
/// let d2x = grad(outputs: [dx.sum()], inputs: [x])[0]!              // 6x
/// ```
///
/// - Parameters:
///   - outputs: the tensors to differentiate; each must require grad.
///   - inputs: the tensors to differentiate with respect to: leaves or intermediate results,
///     each requiring grad.
///   - gradOutputs: the gradient of some scalar with respect to each output; `nil` entries
///     (or leaving it out) mean 1, allowed for one-element outputs only.
///   - retainGraph: keep the graph for another backward pass; defaults to `createGraph`.
///   - createGraph: record the backward pass, for higher-order gradients.
///   - allowUnused: return `nil` for an input the outputs don't depend on, instead of stopping.
/// - Returns: one gradient per input, shaped like it; `nil` only for unused inputs with
///   `allowUnused`.
public func grad(outputs: [Tensor], inputs: [Tensor], gradOutputs: [Tensor?]? = nil, retainGraph: Bool? = nil,
                 createGraph: Bool = false, allowUnused: Bool = false) -> [Tensor?] {
    if let gradOutputs {
        torchCheck(gradOutputs.count == outputs.count,
                   "grad can be implicitly created only for scalar outputs: got \(gradOutputs.count) gradOutputs for \(outputs.count) outputs")
    }
    for t in inputs { torchCheck(t.requiresGrad, "One of the differentiated Tensors does not require grad") }
    let roots = outputs.enumerated().map { i, y in (y, y.rootGradient(gradOutputs?[i], index: i)) }
    let grads = AutogradEngine.run(roots, retainGraph: retainGraph ?? createGraph, createGraph: createGraph,
                                   sink: .capture(inputs))
    return zip(grads, inputs).map { g, x in
        guard let g else {
            torchCheck(allowUnused, "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")
            return nil
        }
        return AutogradEngine.reduce(g, to: x.shape, dtype: x.dtype)
    }
}

/// For backward rules computed by a dedicated kernel: the partial derivatives of
/// `forward(inputs)` with respect to each input that requires grad, contracted with `g` and
/// recorded (call it while grad mode is on, i.e. under `createGraph`), so that higher-order
/// gradients are exact. `forward` must compute the op with differentiable tensor ops.
///
/// Each input is seen through a fresh view, so the gradients are partials even when one input
/// depends on another.
func recordedPartials(_ g: Tensor, _ inputs: [Tensor], _ forward: ([Tensor]) -> Tensor) -> [Tensor?] {
    let standIns = inputs.map { $0.requiresGrad ? $0.view($0.shape) : $0 }
    let y = forward(standIns)
    let wanted = standIns.filter(\.requiresGrad)
    var grads = grad(outputs: [y], inputs: wanted, gradOutputs: [g], createGraph: true, allowUnused: true).makeIterator()
    return standIns.map { $0.requiresGrad ? grads.next()! : nil }
}
