/// Adam (`torch.optim.Adam`): per-parameter step sizes from running averages of the gradient
/// and its square.
///
/// Per parameter θ at step t, as PyTorch computes it (weight decay λ is an L2 term added to g):
/// m ← β1·m + (1-β1)g, v ← β2·v + (1-β2)g², v̂max ← max(v̂max, v) with amsgrad,
/// θ ← θ - lr/(1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + eps).
///
/// ```swift
/// let optimizer = Adam(network.parameters(), lr: 0.01)
/// ```
/// State per parameter: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with amsgrad.
public class Adam: Optimizer, TypedOptimizer, @unchecked Sendable {
    /// Adam's (and AdamW's) hyperparameters for one group (PyTorch's names: `lr`, `betas`,
    /// `eps`, `weight_decay`, `amsgrad`, `maximize`).
    public struct Options: FieldOptions {
        public var lr: Double
        public var betas: (Double, Double)
        public var eps: Double
        public var weightDecay: Double
        public var amsgrad: Bool
        public var maximize: Bool

        public init(lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                    weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false) {
            self.lr = lr
            self.betas = betas
            self.eps = eps
            self.weightDecay = weightDecay
            self.amsgrad = amsgrad
            self.maximize = maximize
        }

        public static var fields: [(name: String, field: OptionField<Options>)] {
            [("lr", .number(\.lr)), ("betas", .pair(\.betas)), ("eps", .number(\.eps)),
             ("weight_decay", .number(\.weightDecay)), ("amsgrad", .flag(\.amsgrad)), ("maximize", .flag(\.maximize))]
        }
    }

    /// Whether weight decay is decoupled from the gradient (AdamW) instead of added to it.
    let decoupled: Bool

    /// Adam over `params`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
                  amsgrad: amsgrad, maximize: maximize)
    }

    /// Adam over parameter groups; the arguments are the defaults for options a group leaves out.
    public convenience init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false) {
        self.init(name: "Adam", decoupled: false, groups, lr: lr, betas: betas, eps: eps,
                  weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize)
    }

    init(name: String, decoupled: Bool, _ groups: [ParamGroup], lr: Double, betas: (Double, Double),
         eps: Double, weightDecay: Double, amsgrad: Bool, maximize: Bool) {
        self.decoupled = decoupled
        super.init(name: name, groups, options: Options(lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
                                                        amsgrad: amsgrad, maximize: maximize))
    }

    public override func validate(_ group: ParamGroup) throws(TorchError) {
        let o = options(of: group)
        try checkNonNegative(o.lr, "learning rate")
        try checkNonNegative(o.eps, "epsilon value")
        let (b1, b2) = o.betas
        try optionCheck(b1 >= 0 && b1 < 1, "Invalid beta parameter at index 0: \(pythonFloat(b1))")
        try optionCheck(b2 >= 0 && b2 < 1, "Invalid beta parameter at index 1: \(pythonFloat(b2))")
        try checkNonNegative(o.weightDecay, "weight_decay value")
    }

    public override func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        updateOne(param, grad: grad, group: group, state: &state)
    }
}

extension Adam: FusedOptimizer {
    func rule(_ o: Options) -> OptimizerUpdate {
        .adam(lr: o.lr, beta1: o.betas.0, beta2: o.betas.1, eps: o.eps, weightDecay: o.weightDecay,
              decoupled: decoupled, amsgrad: o.amsgrad, maximize: o.maximize)
    }

    func slot(_ b: UpdateBuffers, options o: Options, state: inout [String: Tensor]) -> OptimizerSlot {
        let step = b.stepCounter(&state)
        let expAvg = b.buffer(&state, "exp_avg", b.zeros)
        let expAvgSq = b.buffer(&state, "exp_avg_sq", b.zeros)
        let maxSq = o.amsgrad ? b.buffer(&state, "max_exp_avg_sq", b.zeros) : nil
        return b.slot([expAvg, expAvgSq, maxSq], step: step)
    }
}

/// AdamW (`torch.optim.AdamW`): Adam with decoupled weight decay, θ ← θ(1 - lr·λ) before the
/// Adam step, and `weightDecay` defaulting to 1e-2.
///
/// ```swift
/// let optimizer = AdamW(network.parameters(), lr: 1e-3, weightDecay: 0.05)
/// ```
public final class AdamW: Adam, @unchecked Sendable {
    /// AdamW over `params`.
    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false) {
        self.init([ParamGroup(params)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
                  amsgrad: amsgrad, maximize: maximize)
    }

    /// AdamW over parameter groups; the arguments are the defaults for options a group leaves out.
    public convenience init(_ groups: [ParamGroup], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false) {
        self.init(name: "AdamW", decoupled: true, groups, lr: lr, betas: betas, eps: eps,
                  weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize)
    }
}
