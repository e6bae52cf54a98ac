import Foundation

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
public class Adam: Optimizer, @unchecked Sendable {
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
        super.init(name: name, groups, defaults: [
            "lr": .double(lr), "betas": .pair(betas.0, betas.1), "eps": .double(eps),
            "weight_decay": .double(weightDecay), "amsgrad": .bool(amsgrad), "maximize": .bool(maximize),
        ])
    }

    public override func validate(_ group: ParamGroup) throws(TorchError) {
        try checkNonNegative(group, "lr", "learning rate")
        try checkNonNegative(group, "eps", "epsilon value")
        if let (b1, b2) = group.options["betas"]?.pairValue {
            try optionCheck(b1 >= 0 && b1 < 1, "Invalid beta parameter at index 0: \(pythonFloat(b1))")
            try optionCheck(b2 >= 0 && b2 < 1, "Invalid beta parameter at index 1: \(pythonFloat(b2))")
        }
        try checkNonNegative(group, "weight_decay", "weight_decay value")
    }

    public override func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
        let b = UpdateBuffers(param, grad: grad)
        let step = incrementStep(&state)
        let expAvg = b.buffer(&state, "exp_avg", b.zeros)
        let expAvgSq = b.buffer(&state, "exp_avg_sq", b.zeros)
        let amsgrad = group.flag("amsgrad")
        let maxSq = amsgrad ? b.buffer(&state, "max_exp_avg_sq", b.zeros) : nil
        let (beta1, beta2) = group.options["betas"]!.pairValue
        let lr = group.double("lr")
        let h = AdamHyper(lr: lr, beta1: beta1, beta2: beta2, eps: group.double("eps"),
                          weightDecay: group.double("weight_decay"), decoupled: decoupled,
                          maximize: group.flag("maximize"),
                          stepSize: lr / (1 - Foundation.pow(beta1, step)),
                          biasCorrection2Sqrt: (1 - Foundation.pow(beta2, step)).squareRoot())
        if b.dtype == .float64 {
            adamLoop(Double.self, b, expAvg, expAvgSq, maxSq, h)
        } else {
            adamLoop(Float.self, b, expAvg, expAvgSq, maxSq, h)
        }
        b.finish()
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

struct AdamHyper {
    let lr, beta1, beta2, eps, weightDecay: Double
    let decoupled, maximize: Bool
    let stepSize, biasCorrection2Sqrt: Double
}

/// One fused pass: the same operations, in the same order and precision, as PyTorch's
/// single-tensor Adam/AdamW (`exp_avg.mul_(β1).add_(g, alpha: 1-β1)`, ...,
/// `denom = (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)`, `param.addcdiv_(exp_avg, denom, value: -step_size)`).
private func adamLoop<T: UpdateFloat>(_: T.Type, _ b: UpdateBuffers, _ expAvg: Tensor, _ expAvgSq: Tensor,
                                      _ maxSq: Tensor?, _ h: AdamHyper) {
    let n = b.count
    let p = elements(b.work, T.self), g = elements(b.grad, T.self)
    let m = elements(expAvg, T.self), v = elements(expAvgSq, T.self)
    let beta1 = T(h.beta1), oneMinusBeta1 = T(1 - h.beta1), beta2 = T(h.beta2), oneMinusBeta2 = T(1 - h.beta2)
    let bc2 = T(h.biasCorrection2Sqrt), eps = T(h.eps), negStep = T(-h.stepSize)
    let maximize = h.maximize
    let l2 = !h.decoupled && h.weightDecay != 0, wd = T(h.weightDecay)
    let decay = h.decoupled && h.weightDecay != 0, decayFactor = T(1 - h.lr * h.weightDecay)
    let vmax = maxSq.map { elements($0, T.self) }
    var i = 0
    while i < n {
        let k = Swift.min(8, n - i)
        var gi = load(g, i, k)
        var pi = load(p, i, k)
        if maximize { gi = -gi }
        if l2 { gi = gi + wd * pi }
        if decay { pi = pi * decayFactor }
        let mi = load(m, i, k) * beta1 + oneMinusBeta1 * gi
        let vi = load(v, i, k) * beta2 + oneMinusBeta2 * gi * gi
        store(mi, m, i, k)
        store(vi, v, i, k)
        var d = vi
        if let vmax {
            let old = load(vmax, i, k)
            d = maximum(old, vi)
            store(d, vmax, i, k)
        }
        let denom = squareRoot(d) / bc2 + eps
        store(pi + negStep * mi / denom, p, i, k)
        i += 8
    }
}
