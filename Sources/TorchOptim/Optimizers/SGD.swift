/// Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay
/// (`torch.optim.SGD`).
///
/// Per parameter θ with gradient g, as PyTorch computes it:
/// g ← -g if maximize; g ← g + λθ; with momentum μ: b ← g on the first step, else
/// b ← μb + (1 - dampening)g, and g ← g + μb (Nesterov) or g ← b; then θ ← θ - lr·g.
///
/// ```swift
/// let optimizer = SGD(network.parameters(), lr: 0.1, momentum: 0.9)
/// ```
/// State per parameter: `momentum_buffer` (when momentum ≠ 0).
public final class SGD: Optimizer, @unchecked Sendable {
    /// SGD over `params`; `lr` has no default, as in PyTorch.
    public convenience init(_ params: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, momentum: momentum, dampening: dampening,
                  weightDecay: weightDecay, nesterov: nesterov, maximize: maximize)
    }

    /// SGD over parameter groups; the arguments are the defaults for options a group leaves out.
    public init(_ groups: [ParamGroup], lr: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) {
        super.init(name: "SGD", groups, defaults: [
            "lr": .double(lr), "momentum": .double(momentum), "dampening": .double(dampening),
            "weight_decay": .double(weightDecay), "nesterov": .bool(nesterov), "maximize": .bool(maximize),
        ])
    }

    public override func validate(_ group: ParamGroup) throws(TorchError) {
        try checkNonNegative(group, "lr", "learning rate")
        try checkNonNegative(group, "momentum", "momentum value")
        try checkNonNegative(group, "weight_decay", "weight_decay value")
        if group.flag("nesterov") {
            try optionCheck(group.double("momentum") > 0 && group.double("dampening") == 0,
                            "Nesterov momentum requires a momentum and zero dampening")
        }
    }

    public override func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        updateOne(param, grad: grad, group: group, state: &state)
    }
}

extension SGD: FusedOptimizer {
    func rule(_ group: ParamGroup) -> OptimizerUpdate {
        .sgd(lr: group.double("lr"), momentum: group.double("momentum"), dampening: group.double("dampening"),
             weightDecay: group.double("weight_decay"), nesterov: group.flag("nesterov"), maximize: group.flag("maximize"))
    }

    func slot(_ b: UpdateBuffers, group: ParamGroup, state: inout [String: Tensor]) -> OptimizerSlot {
        guard group.double("momentum") != 0 else { return b.slot([nil]) }
        if let existing = state["momentum_buffer"] { return b.slot([existing]) }
        let buf = b.zeros()
        state["momentum_buffer"] = buf
        return b.slot([buf], firstStep: true)
    }
}
