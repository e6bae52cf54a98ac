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
        let b = UpdateBuffers(param, grad: grad)
        let h = SGDHyper(lr: group.double("lr"), momentum: group.double("momentum"),
                         dampening: group.double("dampening"), weightDecay: group.double("weight_decay"),
                         nesterov: group.flag("nesterov"), maximize: group.flag("maximize"))
        var buf: Tensor? = nil
        var first = false
        if h.momentum != 0 {
            if let existing = state["momentum_buffer"] {
                buf = existing
            } else {
                buf = b.zeros()
                state["momentum_buffer"] = buf
                first = true
            }
        }
        if b.dtype == .float64 {
            sgdLoop(Double.self, b, buf, first, h)
        } else {
            sgdLoop(Float.self, b, buf, first, h)
        }
        b.finish()
    }
}

struct SGDHyper {
    let lr, momentum, dampening, weightDecay: Double
    let nesterov, maximize: Bool
}

/// One fused pass over the elements, rounding after each step as PyTorch's sequence of ops does.
private func sgdLoop<T: UpdateFloat>(_: T.Type, _ b: UpdateBuffers, _ buf: Tensor?, _ first: Bool, _ h: SGDHyper) {
    let n = b.count
    let p = elements(b.work, T.self), g = elements(b.grad, T.self)
    let wd = T(h.weightDecay), mu = T(h.momentum), oneMinusDamp = T(1 - h.dampening), negLR = T(-h.lr)
    let hasWD = h.weightDecay != 0, maximize = h.maximize, nesterov = h.nesterov
    let m = buf.map { elements($0, T.self) }
    var i = 0
    while i < n {
        let k = Swift.min(8, n - i)
        let pi = load(p, i, k)
        var d = load(g, i, k)
        if maximize { d = -d }
        if hasWD { d = d + wd * pi }
        if let m {
            let mi = first ? d : load(m, i, k) * mu + oneMinusDamp * d
            store(mi, m, i, k)
            d = nesterov ? d + mu * mi : mi
        }
        store(pi + negLR * d, p, i, k)
        i += 8
    }
}
