/// Adagrad (`torch.optim.Adagrad`): divides each step by the root of the summed squared gradients.
///
/// Per parameter θ at step t, as PyTorch computes it: g ← g + λθ; s ← s + g²;
/// θ ← θ - lr/(1 + (t-1)·lrDecay) · g / (√s + eps).
///
/// ```swift
/// let optimizer = Adagrad(network.parameters(), lr: 0.01)
/// ```
/// State per parameter (created with the optimizer): `step`, `sum` (starting at `initialAccumulatorValue`).
public final class Adagrad: Optimizer, TypedOptimizer, @unchecked Sendable {
    /// Adagrad's hyperparameters for one group (PyTorch's names: `lr`, `lr_decay`, `eps`,
    /// `weight_decay`, `initial_accumulator_value`, `maximize`).
    public struct Options: FieldOptions {
        public var lr: Double
        public var lrDecay: Double
        public var eps: Double
        public var weightDecay: Double
        public var initialAccumulatorValue: Double
        public var maximize: Bool

        public init(lr: Double = 1e-2, lrDecay: Double = 0, eps: Double = 1e-10, weightDecay: Double = 0,
                    initialAccumulatorValue: Double = 0, maximize: Bool = false) {
            self.lr = lr
            self.lrDecay = lrDecay
            self.eps = eps
            self.weightDecay = weightDecay
            self.initialAccumulatorValue = initialAccumulatorValue
            self.maximize = maximize
        }

        public static var fields: [(name: String, field: OptionField<Options>)] {
            [("lr", .number(\.lr)), ("lr_decay", .number(\.lrDecay)), ("eps", .number(\.eps)),
             ("weight_decay", .number(\.weightDecay)), ("initial_accumulator_value", .number(\.initialAccumulatorValue)),
             ("maximize", .flag(\.maximize))]
        }
    }

    /// Adagrad over `params`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                            initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, lrDecay: lrDecay, weightDecay: weightDecay,
                  initialAccumulatorValue: initialAccumulatorValue, eps: eps, maximize: maximize)
    }

    /// Adagrad over parameter groups; the arguments are the defaults for options a group leaves out.
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false) {
        super.init(name: "Adagrad", groups, options: Options(lr: lr, lrDecay: lrDecay, eps: eps, weightDecay: weightDecay,
                                                             initialAccumulatorValue: initialAccumulatorValue,
                                                             maximize: maximize))
    }

    public override func validate(_ group: ParamGroup) throws(TorchError) {
        let o = options(of: group)
        try checkNonNegative(o.lr, "learning rate")
        try checkNonNegative(o.lrDecay, "lr_decay value")
        try checkNonNegative(o.weightDecay, "weight_decay value")
        try checkNonNegative(o.initialAccumulatorValue, "initial_accumulator_value value")
        try checkNonNegative(o.eps, "epsilon value")
    }

    public override func initializeState(_ group: ParamGroup) {
        let initial = options(of: group).initialAccumulatorValue
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
    func rule(_ o: Options) -> OptimizerUpdate {
        .adagrad(lr: o.lr, lrDecay: o.lrDecay, eps: o.eps, weightDecay: o.weightDecay, maximize: o.maximize)
    }

    func slot(_ b: UpdateBuffers, options o: Options, state: inout [String: Tensor]) -> OptimizerSlot {
        let step = b.stepCounter(&state)
        let sum = b.buffer(&state, "sum") { Tensor.full(b.work.shape, o.initialAccumulatorValue, dtype: b.dtype) }
        return b.slot([sum], step: step)
    }
}
