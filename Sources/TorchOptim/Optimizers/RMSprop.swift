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
public final class RMSprop: Optimizer, TypedOptimizer, @unchecked Sendable {
    /// RMSprop's hyperparameters for one group (PyTorch's names: `lr`, `alpha`, `eps`,
    /// `weight_decay`, `momentum`, `centered`, `maximize`).
    public struct Options: FieldOptions {
        public var lr: Double
        public var alpha: Double
        public var eps: Double
        public var weightDecay: Double
        public var momentum: Double
        public var centered: Bool
        public var maximize: Bool

        public init(lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                    momentum: Double = 0, centered: Bool = false, maximize: Bool = false) {
            self.lr = lr
            self.alpha = alpha
            self.eps = eps
            self.weightDecay = weightDecay
            self.momentum = momentum
            self.centered = centered
            self.maximize = maximize
        }

        public static var fields: [(name: String, field: OptionField<Options>)] {
            [("lr", .number(\.lr)), ("alpha", .number(\.alpha)), ("eps", .number(\.eps)),
             ("weight_decay", .number(\.weightDecay)), ("momentum", .number(\.momentum)),
             ("centered", .flag(\.centered)), ("maximize", .flag(\.maximize))]
        }
    }

    /// RMSprop over `params`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                            weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                  momentum: momentum, centered: centered, maximize: maximize)
    }

    /// RMSprop over parameter groups; the arguments are the defaults for options a group leaves out.
    public init(_ groups: [ParamGroup], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false, maximize: Bool = false) {
        super.init(name: "RMSprop", groups, options: Options(lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                                                             momentum: momentum, centered: centered, maximize: maximize))
    }

    public override func validate(_ group: ParamGroup) throws(TorchError) {
        let o = options(of: group)
        try checkNonNegative(o.lr, "learning rate")
        try checkNonNegative(o.eps, "epsilon value")
        try checkNonNegative(o.momentum, "momentum value")
        try checkNonNegative(o.weightDecay, "weight_decay value")
        try checkNonNegative(o.alpha, "alpha value")
    }

    public override func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        updateOne(param, grad: grad, group: group, state: &state)
    }
}

extension RMSprop: FusedOptimizer {
    func rule(_ o: Options) -> OptimizerUpdate {
        .rmsprop(lr: o.lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weightDecay, momentum: o.momentum,
                 centered: o.centered, maximize: o.maximize)
    }

    func slot(_ b: UpdateBuffers, options o: Options, state: inout [String: Tensor]) -> OptimizerSlot {
        let step = b.stepCounter(&state)
        let squareAvg = b.buffer(&state, "square_avg", b.zeros)
        let buf = o.momentum > 0 ? b.buffer(&state, "momentum_buffer", b.zeros) : nil
        let gradAvg = o.centered ? b.buffer(&state, "grad_avg", b.zeros) : nil
        return b.slot([squareAvg, buf, gradAvg], step: step)
    }
}
