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
        let b = UpdateBuffers(param, grad: grad)
        _ = incrementStep(&state)
        let momentum = group.double("momentum"), centered = group.flag("centered")
        let squareAvg = b.buffer(&state, "square_avg", b.zeros)
        let buf = momentum > 0 ? b.buffer(&state, "momentum_buffer", b.zeros) : nil
        let gradAvg = centered ? b.buffer(&state, "grad_avg", b.zeros) : nil
        let h = RMSpropHyper(lr: group.double("lr"), alpha: group.double("alpha"), eps: group.double("eps"),
                             weightDecay: group.double("weight_decay"), momentum: momentum,
                             maximize: group.flag("maximize"))
        if b.dtype == .float64 {
            rmspropLoop(Double.self, b, squareAvg, buf, gradAvg, h)
        } else {
            rmspropLoop(Float.self, b, squareAvg, buf, gradAvg, h)
        }
        b.finish()
    }
}

struct RMSpropHyper {
    let lr, alpha, eps, weightDecay, momentum: Double
    let maximize: Bool
}

/// One fused pass in PyTorch's order of operations (`square_avg.mul_(α).addcmul_(g, g, value: 1-α)`, ...).
private func rmspropLoop<T: UpdateFloat>(_: T.Type, _ b: UpdateBuffers, _ squareAvg: Tensor, _ buf: Tensor?,
                                         _ gradAvg: Tensor?, _ h: RMSpropHyper) {
    let n = b.count
    let p = elements(b.work, T.self), g = elements(b.grad, T.self), v = elements(squareAvg, T.self)
    let alpha = T(h.alpha), oneMinusAlpha = T(1 - h.alpha), eps = T(h.eps), negLR = T(-h.lr)
    let wd = T(h.weightDecay), hasWD = h.weightDecay != 0, maximize = h.maximize, mu = T(h.momentum)
    let mb = buf.map { elements($0, T.self) }, ga = gradAvg.map { elements($0, T.self) }
    var i = 0
    while i < n {
        let k = Swift.min(8, n - i)
        var gi = load(g, i, k)
        if maximize { gi = -gi }
        if hasWD { gi = gi + wd * load(p, i, k) }
        let vi = load(v, i, k) * alpha + oneMinusAlpha * gi * gi
        store(vi, v, i, k)
        var avg: Chunk<T>
        if let ga {
            let gai = load(ga, i, k) * alpha + oneMinusAlpha * gi
            store(gai, ga, i, k)
            avg = squareRoot(vi + (-1) * gai * gai)
        } else {
            avg = squareRoot(vi)
        }
        avg = avg + eps
        if let mb {
            let bi = load(mb, i, k) * mu + 1 * gi / avg
            store(bi, mb, i, k)
            store(load(p, i, k) + negLR * bi, p, i, k)
        } else {
            store(load(p, i, k) + negLR * gi / avg, p, i, k)
        }
        i += 8
    }
}
