/// RMSprop (`torch.optim.RMSprop`): divides the gradient by a running root mean square.
///
/// Per parameter θ, as PyTorch computes it: g ← g + λθ; v ← αv + (1-α)g²;
/// centered: ḡ ← αḡ + (1-α)g and d ← √(v - ḡ²) + eps, else d ← √v + eps;
/// with momentum μ: b ← μb + g/d and θ ← θ - lr·b, else θ ← θ - lr·g/d.
///
/// ```swift
/// let optimizer = RMSprop(network.parameters(), lr: 1e-3, momentum: 0.9)
/// ```
/// State per parameter: `step`, `square_avg`, `momentum_buffer` (momentum > 0), `grad_avg` (centered).
public final class RMSprop: Optimizer, @unchecked Sendable {
    /// RMSprop over `params`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                            weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                  momentum: momentum, centered: centered, maximize: maximize)
    }

    /// RMSprop over parameter groups; the arguments are the defaults for options a group leaves out.
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false, maximize: Bool = false) {
        super.init(name: "RMSprop", groups, defaults: [
            "lr": .double(lr), "alpha": .double(alpha), "eps": .double(eps), "weight_decay": .double(weightDecay),
            "momentum": .double(momentum), "centered": .bool(centered), "maximize": .bool(maximize),
        ])
    }

    public override func validate(_ group: ParamGroup) throws(TorchError) {
        try checkNonNegative(group, "lr", "learning rate")
        try checkNonNegative(group, "eps", "epsilon value")
        try checkNonNegative(group, "momentum", "momentum value")
        try checkNonNegative(group, "weight_decay", "weight_decay value")
        try checkNonNegative(group, "alpha", "alpha value")
    }

    public override func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        updateOne(param, grad: grad, group: group, state: &state)
    }
}

extension RMSprop: FusedOptimizer {
    func rule(_ group: ParamGroup) -> OptimizerUpdate {
        .rmsprop(lr: group.double("lr"), alpha: group.double("alpha"), eps: group.double("eps"),
                 weightDecay: group.double("weight_decay"), momentum: group.double("momentum"),
                 centered: group.flag("centered"), maximize: group.flag("maximize"))
    }

    func slot(_ b: UpdateBuffers, group: ParamGroup, state: inout [String: Tensor]) -> OptimizerSlot {
        let step = b.stepCounter(&state)
        let squareAvg = b.buffer(&state, "square_avg", b.zeros)
        let buf = group.double("momentum") > 0 ? b.buffer(&state, "momentum_buffer", b.zeros) : nil
        let gradAvg = group.flag("centered") ? b.buffer(&state, "grad_avg", b.zeros) : nil
        return b.slot([squareAvg, buf, gradAvg], step: step)
    }
}
