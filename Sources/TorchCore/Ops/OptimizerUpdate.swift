/// An optimizer's update rule, which the backend runs in place over all parameters of a
/// group in one call (TorchOptim's optimizers describe their step with it). Each rule does
/// PyTorch's single-tensor operations in their order and precision, fused into one pass.
package enum OptimizerUpdate: Sendable {
    /// `torch.optim.SGD`. Buffers: `[momentum_buffer]` when `momentum ≠ 0`, else none.
    case sgd(lr: Double, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool, maximize: Bool)
    /// `torch.optim.Adam` (`decoupled`: AdamW). Buffers: `[exp_avg, exp_avg_sq]`, plus
    /// `max_exp_avg_sq` with amsgrad; the step counter is required.
    case adam(lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, decoupled: Bool,
              amsgrad: Bool, maximize: Bool)
    /// `torch.optim.RMSprop`. Buffers: `[square_avg, momentum_buffer?, grad_avg?]` (`nil` where
    /// momentum is 0 or it is not centered).
    case rmsprop(lr: Double, alpha: Double, eps: Double, weightDecay: Double, momentum: Double,
                 centered: Bool, maximize: Bool)
    /// `torch.optim.Adagrad`. Buffers: `[sum]`; the step counter is required.
    case adagrad(lr: Double, lrDecay: Double, eps: Double, weightDecay: Double, maximize: Bool)
}

/// One parameter's memory for an `OptimizerUpdate`: all contiguous, in one float dtype
/// (float32 or float64), with the parameter's element count.
package struct OptimizerSlot {
    /// Updated in place.
    package var param: Tensor
    package var grad: Tensor
    /// The rule's state buffers, in the order the rule lists them.
    package var buffers: [Tensor?]
    /// A float32 scalar counting this parameter's steps, incremented by the update.
    package var step: Tensor?
    /// SGD: the momentum buffer was just created, so it takes the gradient as it is.
    package var firstStep: Bool

    package init(param: Tensor, grad: Tensor, buffers: [Tensor?], step: Tensor? = nil, firstStep: Bool = false) {
        self.param = param
        self.grad = grad
        self.buffers = buffers
        self.step = step
        self.firstStep = firstStep
    }
}

extension OptimizerUpdate {
    /// Updates every slot's parameter and state in place.
    package func apply(to slots: [OptimizerSlot]) {
        guard let first = slots.first else { return }
        for s in slots {
            torchCheck(s.param.dtype == .float32 || s.param.dtype == .float64,
                       "optimizer update: parameters must be float32 or float64, got \(s.param.dtype)")
            let tensors = [s.param, s.grad] + s.buffers.compactMap { $0 }
            for t in tensors {
                torchCheck(t.isContiguous && t.dtype == s.param.dtype && t.numel == s.param.numel,
                           "optimizer update: state and gradient must be contiguous \(s.param.dtype) with \(s.param.numel) elements")
            }
            if let step = s.step {
                torchCheck(step.dtype == .float32 && step.numel == 1, "optimizer update: the step counter must be a float32 scalar")
            }
        }
        if case .adam = self { torchCheck(slots.allSatisfy { $0.step != nil }, "optimizer update: Adam needs step counters") }
        if case .adagrad = self { torchCheck(slots.allSatisfy { $0.step != nil }, "optimizer update: Adagrad needs step counters") }
        first.param.backend.optimizerUpdate(self, slots)
    }
}
