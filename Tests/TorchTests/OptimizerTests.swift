import Testing
import TorchCore
import TorchOptim

/// Runs 20 steps of `make`'s optimizer on the fixture's two parameters with its stored
/// gradients; returns both parameters, flattened and joined, at the fixture's checkpoints.
private func trajectory(_ f: Fixture, dtype: DType = .float32, _ make: ([Tensor]) -> Optimizer) -> Tensor {
    let p0 = Parameter(f["p0"].to(dtype: dtype).clone()), p1 = Parameter(f["p1"].to(dtype: dtype).clone())
    let optimizer = make([p0, p1])
    let g0 = f["grads0"].to(dtype: dtype), g1 = f["grads1"].to(dtype: dtype)
    let checkpoints: [Int] = f.value("checkpoints")
    var rows: [Tensor] = []
    for t in 0..<20 {
        optimizer.zeroGrad()
        p0.grad = g0[t].clone()
        p1.grad = g1[t].clone()
        optimizer.step()
        if checkpoints.contains(t + 1) { rows.append(Tensor.cat([p0.detach().flatten(), p1.detach().flatten()])) }
    }
    return Tensor.stack(rows)
}

/// The optimizer of each fixture case, over `ps`.
private func makeOptimizer(_ name: String, _ ps: [Tensor]) -> Optimizer {
    switch name {
    case "sgd": SGD(ps, lr: 0.1)
    case "sgd_momentum": SGD(ps, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01)
    case "sgd_nesterov": SGD(ps, lr: 0.05, momentum: 0.9, weightDecay: 0.05, nesterov: true)
    case "sgd_maximize": SGD(ps, lr: 0.1, momentum: 0.5, maximize: true)
    case "sgd_groups": SGD([ParamGroup([ps[0]], lr: 0.1, momentum: 0.9), ParamGroup([ps[1]])], lr: 0.01, momentum: 0.5)
    case "adam": Adam(ps, lr: 0.01)
    case "adam_wd_amsgrad": Adam(ps, lr: 0.01, weightDecay: 0.1, amsgrad: true)
    case "adam_maximize": Adam(ps, lr: 0.02, betas: (0.8, 0.99), eps: 1e-6, maximize: true)
    case "adamw": AdamW(ps, lr: 0.01)
    case "adamw_amsgrad": AdamW(ps, lr: 0.01, weightDecay: 0.1, amsgrad: true)
    case "rmsprop": RMSprop(ps)
    case "rmsprop_centered_momentum": RMSprop(ps, lr: 0.01, weightDecay: 0.01, momentum: 0.9, centered: true)
    case "rmsprop_maximize": RMSprop(ps, lr: 0.005, alpha: 0.9, maximize: true)
    case "adagrad": Adagrad(ps, lr: 0.1)
    case "adagrad_decay": Adagrad(ps, lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.1, eps: 1e-8)
    default: fatalError("no optimizer case \(name)")
    }
}

private let caseNames = ["sgd", "sgd_momentum", "sgd_nesterov", "sgd_maximize", "sgd_groups", "adam", "adam_wd_amsgrad", "adam_maximize", "adamw", "adamw_amsgrad", "rmsprop", "rmsprop_centered_momentum", "rmsprop_maximize", "adagrad", "adagrad_decay"]

/// What a process that stopped wrote to stderr.
private func errorText(_ r: ExitTest.Result?) -> String {
    String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
}

@Suite struct OptimizerTests {
    let f = Fixture("optim")

    @Test(arguments: caseNames)
    func trajectoryMatchesPyTorch(_ name: String) {
        expectClose(trajectory(f) { makeOptimizer(name, $0) }, f[name], rtol: 1e-6, atol: 1e-6)
    }

    @Test func float64TrajectoriesMatchPyTorch() {
        expectClose(trajectory(f, dtype: .float64) { Adam($0, lr: 0.01, weightDecay: 0.1, amsgrad: true) },
                    f["adam_f64"], rtol: 1e-12, atol: 1e-14)
        expectClose(trajectory(f, dtype: .float64) { SGD($0, lr: 0.05, momentum: 0.9, nesterov: true) },
                    f["sgd_f64"], rtol: 1e-12, atol: 1e-14)
    }

    @Test func nonContiguousParameterIsUpdatedInPlace() {
        let base = Tensor.arange(6, dtype: .float32).reshape(2, 3)
        let p = Parameter(base.t())   // a transposed view: not contiguous
        let q = Parameter(base.t().contiguous().clone())
        let opt1 = Adam([p], lr: 0.1), opt2 = Adam([q], lr: 0.1)
        for step in 0..<3 {
            let g = Tensor.arange(6, dtype: .float32).reshape(3, 2) - Double(step)
            p.grad = g
            q.grad = g.clone()
            opt1.step()
            opt2.step()
        }
        expectEqual(p.detach().contiguous(), q.detach())
        // The update went into the shared storage.
        expectEqual(base.t().contiguous(), q.detach())
    }

    @Test(arguments: ["sgd_nesterov", "adam", "adamw", "rmsprop", "adagrad"])
    func fitsALinearRegressionThroughAutograd(_ name: String) {
        // y = x·[2, -3] + 0.5: the loss after 300 steps is PyTorch's.
        let x = (Tensor.arange(40, dtype: .float32).reshape(20, 2) * 0.37).sin()
        let y = x.matmul(Tensor([[2.0], [-3.0]], dtype: .float32)) + 0.5
        let w: [Parameter] = [Parameter(Tensor.zeros([2, 1])), Parameter(Tensor.zeros([1]))]
        let optimizer = makeOptimizer(name, w)
        func loss() -> Tensor { (x.matmul(w[0]) + w[1] - y).pow(2).mean() }
        let first: Float = loss().item()
        for _ in 0..<300 {
            optimizer.zeroGrad()
            let l = loss()
            l.backward()
            optimizer.step()
        }
        let last: Float = loss().item()
        #expect(last < first * 0.2, "\(name): loss \(first) -> \(last)")
        expectClose(Tensor(scalar: last), f["fit_\(name)"], rtol: 1e-4)
    }

    @Test func zeroGrad() {
        let p = Parameter(Tensor([1.0, 2.0])), q = Parameter(Tensor([3.0]))
        let optimizer = SGD([p, q], lr: 0.1)
        p.grad = Tensor([0.5, 0.5])
        optimizer.zeroGrad()
        #expect(p.grad == nil && q.grad == nil)
        let g = Tensor([0.5, 0.5])
        p.grad = g
        optimizer.zeroGrad(setToNone: false)
        #expect(p.grad === g)
        expectEqual(g, Tensor([0.0, 0.0]))
        #expect(q.grad == nil)
    }

    @Test func stepSkipsParametersWithoutGradient() {
        let p = Parameter(Tensor([1.0, 2.0])), q = Parameter(Tensor([3.0]))
        let optimizer = Adam([p, q], lr: 0.1)
        p.grad = Tensor([1.0, -1.0])
        optimizer.step()
        expectEqual(q.detach(), Tensor([3.0]))
        #expect(optimizer.state(for: q).isEmpty)
        #expect(optimizer.state(for: p).keys.sorted() == ["exp_avg", "exp_avg_sq", "step"])
        #expect(optimizer.state(for: p)["step"]!.item(Float.self) == 1)
        expectClose(p.detach(), Tensor([0.9, 2.1]), rtol: 1e-6)
    }

    @Test func closureStepReturnsLossAndUsesGradients() {
        let w = Parameter(Tensor([2.0]))
        let optimizer = SGD([w], lr: 0.25)
        let loss = noGrad {
            optimizer.step {
                optimizer.zeroGrad()
                let l = (w * w).sum()
                l.backward()
                return l
            }
        }
        #expect(loss.item(Double.self) == 4)
        expectEqual(w.detach(), Tensor([1.0]))   // 2 - 0.25 * 4
    }

    @Test func paramGroupsTakeDefaultsAndKeepTheirOwnOptions() {
        let a = Parameter(Tensor([1.0])), b = Parameter(Tensor([1.0]))
        let optimizer = SGD([ParamGroup([a], lr: 0.5), ParamGroup([b], options: ["nesterov": false])], lr: 0.1, momentum: 0.9)
        #expect(optimizer.paramGroups[0].lr == 0.5)
        #expect(optimizer.paramGroups[1].lr == 0.1)
        #expect(optimizer.paramGroups[0]["momentum"] == .double(0.9))
        let c = Parameter(Tensor([1.0]))
        optimizer.addParamGroup(ParamGroup([c], lr: 1))
        #expect(optimizer.paramGroups.count == 3)
        a.grad = Tensor([1.0]); b.grad = Tensor([1.0]); c.grad = Tensor([1.0])
        optimizer.step()
        expectEqual(a.detach(), Tensor([0.5]))
        expectClose(b.detach(), Tensor([0.9]), rtol: 1e-15)
        expectEqual(c.detach(), Tensor([0.0]))
        #expect("\(Adam([a], lr: 0.01))" == """
            Adam (
            Parameter Group 0
                amsgrad: False
                betas: (0.9, 0.999)
                eps: 1e-08
                lr: 0.01
                maximize: False
                weight_decay: 0.0
            )
            """)
    }

    /// Runs `steps` Adam/SGD steps with gradients derived from the step number.
    private func feed(_ opt: Optimizer, _ params: [Tensor], steps: Range<Int>) {
        for t in steps {
            for (i, p) in params.enumerated() {
                p.grad = (Tensor.arange(p.numel, dtype: .float32).reshape(p.shape) * 0.1 - Double(t % 4) + Double(i)).sin()
            }
            opt.step()
        }
    }

    @Test(arguments: ["adam", "sgd_momentum", "rmsprop_centered_momentum", "adagrad_decay", "adamw_amsgrad"])
    func stateDictRoundTripContinuesIdentically(_ name: String) throws {
        let make = { makeOptimizer(name, $0) }
        let a = [Parameter(f["p0"].clone()), Parameter(f["p1"].clone())]
        let optA = make(a)
        feed(optA, a, steps: 0..<7)
        optA.paramGroups[0].lr *= 0.5    // as a scheduler would
        let b = [Parameter(a[0].detach().clone()), Parameter(a[1].detach().clone())]
        let optB = make(b)
        let flat = optA.stateDict().flattened()
        try optB.loadStateDict(flat)
        #expect(optB.paramGroups[0].lr == optA.paramGroups[0].lr)
        feed(optA, a, steps: 7..<15)
        feed(optB, b, steps: 7..<15)
        expectEqual(b[0].detach(), a[0].detach())
        expectEqual(b[1].detach(), a[1].detach())
    }

    @Test func stateDictIsKeyedByParameterIndex() throws {
        let a = Parameter(Tensor([1.0, 2.0])), b = Parameter(Tensor([3.0]))
        let optimizer = SGD([ParamGroup([a]), ParamGroup([b], lr: 0.2)], lr: 0.1, momentum: 0.9)
        b.grad = Tensor([1.0])
        optimizer.step()
        let sd = optimizer.stateDict()
        #expect(sd.paramGroups.map(\.params) == [[0], [1]])
        #expect(Array(sd.state.keys) == [1])
        expectEqual(sd.state[1]!["momentum_buffer"]!, Tensor([1.0]))
        let flat = sd.flattened()
        #expect(flat.keys.sorted() == [
            "param_groups.0.dampening", "param_groups.0.lr", "param_groups.0.maximize", "param_groups.0.momentum",
            "param_groups.0.nesterov", "param_groups.0.params", "param_groups.0.weight_decay",
            "param_groups.1.dampening", "param_groups.1.lr", "param_groups.1.maximize", "param_groups.1.momentum",
            "param_groups.1.nesterov", "param_groups.1.params", "param_groups.1.weight_decay",
            "state.1.momentum_buffer",
        ])
        let back = try OptimizerStateDict(flattened: flat)
        #expect(back.paramGroups == sd.paramGroups)
        // Loading copies: the loaded optimizer's buffers are its own.
        let other = SGD([ParamGroup([Parameter(Tensor([1.0, 2.0]))]), ParamGroup([Parameter(Tensor([3.0]))])], lr: 0.1, momentum: 0.9)
        try other.loadStateDict(sd)
        #expect(other.paramGroups[1].lr == 0.2)
        let buffer = other.state(for: other.paramGroups[1].params[0])["momentum_buffer"]!
        #expect(buffer.storage !== sd.state[1]!["momentum_buffer"]!.storage)
    }

    @Test func loadStateDictRejectsMismatches() {
        let a = Parameter(Tensor([1.0, 2.0])), b = Parameter(Tensor([3.0]))
        let source = Adam([ParamGroup([a]), ParamGroup([b])])
        a.grad = Tensor([1.0, 1.0])
        source.step()
        let oneGroup = Adam([Parameter(Tensor([1.0, 2.0])), Parameter(Tensor([3.0]))])
        #expect(throws: TorchError.invalidArgument("loaded state dict has a different number of parameter groups")) {
            try oneGroup.loadStateDict(source.stateDict())
        }
        let sizes = Adam([ParamGroup([Parameter(Tensor([1.0, 2.0])), Parameter(Tensor([3.0]))]), ParamGroup([Parameter(Tensor([3.0]))])])
        #expect(throws: TorchError.invalidArgument("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")) {
            try sizes.loadStateDict(source.stateDict())
        }
        let shapes = Adam([ParamGroup([Parameter(Tensor([1.0, 2.0, 3.0]))]), ParamGroup([Parameter(Tensor([3.0]))])])
        #expect(throws: TorchError.self) { try shapes.loadStateDict(source.stateDict()) }
        #expect(shapes.state(for: shapes.paramGroups[0].params[0]).isEmpty)
        #expect(throws: TorchError.self) { try shapes.loadStateDict(["bogus": Tensor([1.0])]) }
    }

    @Test func clipGradNormMatchesPyTorch() {
        for (key, normType) in [("2", 2.0), ("inf", Double.infinity), ("1.5", 1.5)] {
            let a = Parameter(f["p0"].clone()), b = Parameter(f["p1"].clone()), c = Parameter(Tensor([1.0]))
            a.grad = f["grads0"][0].clone()
            b.grad = f["grads1"][0].clone()
            let total = clipGradNorm_([a, b, c], maxNorm: 1.0, normType: normType)
            expectClose(total, f["clip_norm_\(key)_total"], rtol: 1e-6)
            expectClose(a.grad!, f["clip_norm_\(key)_grad0"], rtol: 1e-6, atol: 1e-7)
            expectClose(b.grad!, f["clip_norm_\(key)_grad1"], rtol: 1e-6, atol: 1e-7)
            #expect(c.grad == nil)
        }
        // Under the limit nothing changes; no gradients at all gives 0.
        let p = Parameter(Tensor([1.0]))
        p.grad = Tensor([0.5])
        expectEqual(clipGradNorm_([p], maxNorm: 1), Tensor(0.5))
        expectEqual(p.grad!, Tensor([0.5]))
        expectEqual(clipGradNorm_([Parameter(Tensor([1.0]))], maxNorm: 1), Tensor(scalar: Float(0)))
    }

    @Test func clipGradValueMatchesPyTorch() {
        let a = Parameter(f["p0"].clone())
        a.grad = f["grads0"][0].clone()
        clipGradValue_([a, Parameter(Tensor([1.0]))], clipValue: 0.5)
        expectEqual(a.grad!, f["clip_value_grad0"])
    }

    @Test func invalidLearningRateMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD([Parameter(Tensor([1.0]))], lr: -1)
        }
        #expect(errorText(r).contains("Invalid learning rate: -1.0"))
    }

    @Test func invalidBetaMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam([Parameter(Tensor([1.0]))], betas: (1.0, 0.999))
        }
        #expect(errorText(r).contains("Invalid beta parameter at index 0: 1.0"))
    }

    @Test func nesterovWithoutMomentumMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD([Parameter(Tensor([1.0]))], lr: 0.1, nesterov: true)
        }
        #expect(errorText(r).contains("Nesterov momentum requires a momentum and zero dampening"))
    }

    @Test func emptyParameterListMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam([Tensor]())
        }
        #expect(errorText(r).contains("optimizer got an empty parameter list"))
    }

    @Test func parameterInTwoGroupsMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let p = Parameter(Tensor([1.0]))
            _ = RMSprop([ParamGroup([p]), ParamGroup([p])])
        }
        #expect(errorText(r).contains("some parameters appear in more than one parameter group"))
    }

    @Test func nonLeafMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let p = Tensor([1.0]).requiresGrad_()
            _ = Adagrad([p * 2])
        }
        #expect(errorText(r).contains("can't optimize a non-leaf Tensor"))
    }

    @Test func unknownGroupOptionMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD([ParamGroup([Parameter(Tensor([1.0]))], options: ["betas": .pair(0.9, 0.99)])], lr: 0.1)
        }
        #expect(errorText(r).contains("SGD: unknown option 'betas' in a parameter group"))
    }
}
