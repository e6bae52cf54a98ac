/// Adagrad (`torch.optim.Adagrad`): divides each step by the root of the summed squared gradients.
///
/// Per parameter θ at step t, as PyTorch computes it: g ← g + λθ; s ← s + g²;
/// θ ← θ - lr/(1 + (t-1)·lrDecay) · g / (√s + eps).
///
/// ```swift
/// let optimizer = Adagrad(network.parameters(), lr: 0.01)
/// ```
/// State per parameter (created with the optimizer): `step`, `sum` (starting at `initialAccumulatorValue`).
public final class Adagrad: Optimizer, @unchecked Sendable {
    /// Adagrad over `params`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                            initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, lrDecay: lrDecay, weightDecay: weightDecay,
                  initialAccumulatorValue: initialAccumulatorValue, eps: eps, maximize: maximize)
    }

    /// Adagrad over parameter groups; the arguments are the defaults for options a group leaves out.
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false) {
        super.init(name: "Adagrad", groups, defaults: [
            "lr": .double(lr), "lr_decay": .double(lrDecay), "eps": .double(eps), "weight_decay": .double(weightDecay),
            "initial_accumulator_value": .double(initialAccumulatorValue), "maximize": .bool(maximize),
        ])
    }

    public override func validate(_ group: ParamGroup) throws(TorchError) {
        try checkNonNegative(group, "lr", "learning rate")
        try checkNonNegative(group, "lr_decay", "lr_decay value")
        try checkNonNegative(group, "weight_decay", "weight_decay value")
        try checkNonNegative(group, "initial_accumulator_value", "initial_accumulator_value value")
        try checkNonNegative(group, "eps", "epsilon value")
    }

    public override func initializeState(_ group: ParamGroup) {
        let initial = group.double("initial_accumulator_value")
        for p in group.params {
            state[ObjectIdentifier(p)] = [
                "step": Tensor.zeros([], dtype: .float32),
                "sum": Tensor.full(p.shape, initial, dtype: UpdateBuffers.workDType(p.dtype)),
            ]
        }
    }

    public override func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        updateOne(param, grad: grad, group: group, state: &state)
    }
}

extension Adagrad: FusedOptimizer {
    func rule(_ group: ParamGroup) -> OptimizerUpdate {
        .adagrad(lr: group.double("lr"), lrDecay: group.double("lr_decay"), eps: group.double("eps"),
                 weightDecay: group.double("weight_decay"), maximize: group.flag("maximize"))
    }

    func slot(_ b: UpdateBuffers, group: ParamGroup, state: inout [String: Tensor]) -> OptimizerSlot {
        let step = b.stepCounter(&state)
        let sum = b.buffer(&state, "sum") { Tensor.full(b.work.shape, group.double("initial_accumulator_value"), dtype: b.dtype) }
        return b.slot([sum], step: step)
    }
}
