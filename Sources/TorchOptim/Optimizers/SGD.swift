/// Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay
/// (`torch.optim.SGD`).
///
/// Per parameter θ with gradient g, as PyTorch computes it:
/// g ← -g if maximize; g ← g + λθ; with momentum μ: b ← g on the first step, else
/// b ← μb + (1 - dampening)g, and g ← g + μb (Nesterov) or g ← b; then θ ← θ - lr·g.
///
/// ```swift
/// let optimizer = SGD(network.parameters(), lr: 0.1, momentum: 0.9)
/// optimizer.groupOptions[0].momentum    // 0.9
/// ```
/// State per parameter: `momentum_buffer` (when momentum ≠ 0).
public final class SGD: Optimizer, TypedOptimizer, @unchecked Sendable {
    /// SGD's hyperparameters for one group (PyTorch's names: `lr`, `momentum`, `dampening`,
    /// `weight_decay`, `nesterov`, `maximize`).
    public struct Options: FieldOptions {
        public var lr: Double
        public var momentum: Double
        public var dampening: Double
        public var weightDecay: Double
        public var nesterov: Bool
        public var maximize: Bool

        public init(lr: Double, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
                    nesterov: Bool = false, maximize: Bool = false) {
            self.lr = lr
            self.momentum = momentum
            self.dampening = dampening
            self.weightDecay = weightDecay
            self.nesterov = nesterov
            self.maximize = maximize
        }

        public static var fields: [(name: String, field: OptionField<Options>)] {
            [("lr", .number(\.lr)), ("momentum", .number(\.momentum)), ("dampening", .number(\.dampening)),
             ("weight_decay", .number(\.weightDecay)), ("nesterov", .flag(\.nesterov)), ("maximize", .flag(\.maximize))]
        }
    }

    /// SGD over `params`; `lr` has no default, as in PyTorch.
    public convenience init(_ params: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, momentum: momentum, dampening: dampening,
                  weightDecay: weightDecay, nesterov: nesterov, maximize: maximize)
    }

    /// SGD over parameter groups; the arguments are the defaults for options a group leaves out.
    public init(_ groups: [ParamGroup], lr: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) {
        super.init(name: "SGD", groups, options: Options(lr: lr, momentum: momentum, dampening: dampening,
                                                         weightDecay: weightDecay, nesterov: nesterov, maximize: maximize))
    }

    public override func validate(_ group: ParamGroup) throws(TorchError) {
        let o = options(of: group)
        try checkNonNegative(o.lr, "learning rate")
        try checkNonNegative(o.momentum, "momentum value")
        try checkNonNegative(o.weightDecay, "weight_decay value")
        if o.nesterov {
            try optionCheck(o.momentum > 0 && o.dampening == 0, "Nesterov momentum requires a momentum and zero dampening")
        }
    }

    public override func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        updateOne(param, grad: grad, group: group, state: &state)
    }
}

extension SGD: FusedOptimizer {
    func rule(_ o: Options) -> OptimizerUpdate {
        .sgd(lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weightDecay,
             nesterov: o.nesterov, maximize: o.maximize)
    }

    func slot(_ b: UpdateBuffers, options o: Options, state: inout [String: Tensor]) -> OptimizerSlot {
        guard o.momentum != 0 else { return b.slot([nil]) }
        if let existing = state["momentum_buffer"] { return b.slot([existing]) }
        let buf = b.zeros()
        state["momentum_buffer"] = buf
        return b.slot([buf], firstStep: true)
    }
}
