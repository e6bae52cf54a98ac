import Testing
import TorchCore
import TorchNN

@Suite struct LossTests {
    let f = Fixture("functional")
    let reductions: [Reduction] = [.mean, .sum, .none]

    @Test func crossEntropyAndNllMatchPyTorch() {
        let x = f["loss_x"], t = f["loss_t"], ti = f["loss_ti"], p = f["loss_p"], w = f["loss_w"], gw = f["loss_gw"]
        for r in reductions {
            let key = r.rawValue, up = r == .none ? gw : nil
            expectMatchesFixture(f, "ce_\(key)", [x], upstream: up) { F.crossEntropy($0[0], t, reduction: r) }
            expectMatchesFixture(f, "ce_w_\(key)", [x], upstream: up) { F.crossEntropy($0[0], ti, weight: w, reduction: r) }
            expectMatchesFixture(f, "ce_ls_\(key)", [x], upstream: up) { F.crossEntropy($0[0], ti, reduction: r, labelSmoothing: 0.2) }
            expectMatchesFixture(f, "ce_wls_\(key)", [x], upstream: up) {
                F.crossEntropy($0[0], ti, weight: w, reduction: r, labelSmoothing: 0.2)
            }
            // PyTorch divides by the count with C++'s div(Scalar), named DivBackward1.
            expectMatchesFixture(f, "ce_p_\(key)", [x], upstream: up, checkName: r != .mean) { F.crossEntropy($0[0], p, reduction: r) }
            expectMatchesFixture(f, "ce_pwls_\(key)", [x], upstream: up, checkName: r != .mean) {
                F.crossEntropy($0[0], p, weight: w, reduction: r, labelSmoothing: 0.1)
            }
            expectMatchesFixture(f, "nll_\(key)", [x], upstream: up) { F.nllLoss(F.logSoftmax($0[0], dim: 1), ti, weight: w, reduction: r) }
        }
        let t4 = f["ce4_t"]
        expectMatchesFixture(f, "ce4_mean", [f["ce4_x"]]) { CrossEntropyLoss()($0[0], t4) }
        expectMatchesFixture(f, "ce4_none", [f["ce4_x"]], upstream: f["ce4_gw"]) { F.crossEntropy($0[0], t4, reduction: .none) }
        expectMatchesFixture(f, "ce1", [f["ce1_x"]]) { F.crossEntropy($0[0], Tensor(Int64(3))) }
        expectMatchesFixture(f, "ce_allignored", [x]) { F.crossEntropy($0[0], Tensor.full([4], Int64(-100))) }
    }

    @Test func regressionLossesMatchPyTorch() {
        let x = f["reg_x"], t = f["reg_t"], gw = f["reg_gw"]
        for r in reductions {
            let key = r.rawValue, up = r == .none ? gw : nil
            expectMatchesFixture(f, "mse_\(key)", [x, t], upstream: up) { F.mseLoss($0[0], $0[1], reduction: r) }
            expectMatchesFixture(f, "l1_\(key)", [x, t], upstream: up) { L1Loss(reduction: r)($0[0], $0[1]) }
            expectMatchesFixture(f, "sl1_\(key)", [x, t], upstream: up) { F.smoothL1Loss($0[0], $0[1], reduction: r) }
            expectMatchesFixture(f, "sl1b_\(key)", [x, t], upstream: up) { SmoothL1Loss(reduction: r, beta: 0.5)($0[0], $0[1]) }
            expectMatchesFixture(f, "sl10_\(key)", [x, t], upstream: up) { F.smoothL1Loss($0[0], $0[1], reduction: r, beta: 0) }
            expectMatchesFixture(f, "huber_\(key)", [x, t], upstream: up) { F.huberLoss($0[0], $0[1], reduction: r) }
            expectMatchesFixture(f, "huberd_\(key)", [x, t], upstream: up) { HuberLoss(reduction: r, delta: 0.5)($0[0], $0[1]) }
        }
    }

    @Test func binaryAndKLLossesMatchPyTorch() {
        let bx = f["bce_x"], bt = f["bce_t"], bw = f["bce_w"], pw = f["bce_pw"], gw = f["reg_gw"], lx = f["bcel_x"]
        for r in reductions {
            let key = r.rawValue, up = r == .none ? gw : nil
            expectMatchesFixture(f, "bce_\(key)", [bx], upstream: up, rtol: 1e-5, atol: 1e-5) { F.binaryCrossEntropy($0[0], bt, reduction: r) }
            expectMatchesFixture(f, "bcew_\(key)", [bx], upstream: up, rtol: 1e-5, atol: 1e-5) { BCELoss(weight: bw, reduction: r)($0[0], bt) }
            expectMatchesFixture(f, "bcel_\(key)", [lx], upstream: up) { F.binaryCrossEntropyWithLogits($0[0] * 10, bt, reduction: r) }
            expectMatchesFixture(f, "bcelw_\(key)", [lx], upstream: up) {
                BCEWithLogitsLoss(weight: bw, reduction: r, posWeight: pw)($0[0] * 10, bt)
            }
        }
        let kt = f["kl_t"]
        for r in reductions + [.batchmean] {
            let key = r.rawValue, up = r == .none ? gw : nil
            expectMatchesFixture(f, "kl_\(key)", [lx], upstream: up) { F.klDiv(F.logSoftmax($0[0], dim: 1), kt, reduction: r) }
            expectMatchesFixture(f, "kllog_\(key)", [lx], upstream: up) {
                KLDivLoss(reduction: r, logTarget: true)(F.logSoftmax($0[0], dim: 1), kt.clamp(min: 1e-3).log())
            }
        }
    }

    @Test func gradients() {
        let x = fnLeaf([4, 5], seed: 31), t = Tensor([1, 0, 4, -100]), w = Tensor([0.5, 1, 2, 1.5, 0.7], dtype: .float64)
        for r in [Reduction.mean, .sum, .none] {
            expectFnGradcheck([x]) { F.crossEntropy($0[0], t, weight: w, reduction: r, labelSmoothing: 0.1) }
            expectFnGradcheck([x]) { F.nllLoss($0[0], t, weight: w, reduction: r) }
        }
        // The fused batch-of-logits path (no weight, no smoothing), once and twice differentiated.
        for r in [Reduction.mean, .sum] {
            expectFnGradcheck([x]) { F.crossEntropy($0[0], t, reduction: r) }
            let second = gradgradcheck({ F.crossEntropy($0[0], t, reduction: r) * $0[0].sum() }, inputs: [x])
            #expect(second.passed, "\(second)")
        }
        let x4 = fnLeaf([2, 3, 2, 2], seed: 32), t4 = Tensor([0, 2, 1, 1, 2, 0, -100, 1]).reshape(2, 2, 2)
        expectFnGradcheck([x4]) { F.crossEntropy($0[0], t4) }
        let probs = Tensor.rand([4, 5], dtype: .float64)
        expectFnGradcheck([x]) { F.crossEntropy($0[0], probs, weight: w, labelSmoothing: 0.2) }
        let a = fnLeaf([3, 4], seed: 33), b = fnLeaf([3, 4], seed: 34)
        expectFnGradcheck([a, b]) { F.mseLoss($0[0], $0[1]) }
        expectFnGradcheck([a, b]) { F.l1Loss($0[0], $0[1], reduction: .sum) }
        expectFnGradcheck([a, b]) { F.smoothL1Loss($0[0], $0[1], reduction: .none, beta: 0.7) }
        expectFnGradcheck([a, b]) { F.huberLoss($0[0], $0[1], delta: 0.6) }
        let pr = (Tensor.rand([3, 4], dtype: .float64, generator: Generator(seed: 35)) * 0.8 + 0.1).requiresGrad_()
        let bt = Tensor.rand([3, 4], dtype: .float64), bw = Tensor.rand([3, 4], dtype: .float64), pw = Tensor([0.5, 1, 2, 3], dtype: .float64)
        expectFnGradcheck([pr, bt.clone().requiresGrad_()]) { F.binaryCrossEntropy($0[0], $0[1], weight: bw) }
        expectFnGradcheck([a, bt.clone().requiresGrad_()]) { F.binaryCrossEntropyWithLogits($0[0], $0[1], weight: bw, posWeight: pw, reduction: .sum) }
        expectFnGradcheck([a]) { F.klDiv(F.logSoftmax($0[0], dim: 1), bt.softmax(dim: 1), reduction: .batchmean) }
    }

    @Test func modulesPrintAsPyTorch() {
        let modules: [(ModuleBase, String)] = [
            (CrossEntropyLoss(), "CrossEntropyLoss()"), (MSELoss(), "MSELoss()"), (L1Loss(), "L1Loss()"),
            (SmoothL1Loss(), "SmoothL1Loss()"), (HuberLoss(), "HuberLoss()"), (NLLLoss(), "NLLLoss()"),
            (BCELoss(), "BCELoss()"), (BCEWithLogitsLoss(), "BCEWithLogitsLoss()"), (KLDivLoss(), "KLDivLoss()"),
        ]
        for (m, text) in modules { #expect(m.description == text) }
        #expect(CrossEntropyLoss(weight: Tensor.ones([3])).namedBuffers().map(\.name) == ["weight"])
    }

    @Test func batchSizeMismatch() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.crossEntropy(Tensor.zeros([3, 5]), Tensor([0, 1]))
        }
        #expect(fnStderr(r).contains("Expected input batch_size (3) to match target batch_size (2)."))
    }

    @Test func multiTargetRejected() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.nllLoss(Tensor.zeros([3, 5]), Tensor([0, 1, 1, 0, 1, 1]).reshape(3, 2))
        }
        #expect(fnStderr(r).contains("0D or 1D target tensor expected, multi-target not supported"))
    }

    @Test func targetOutOfBounds() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.crossEntropy(Tensor.zeros([3, 5]), Tensor([0, 1, 10]))
        }
        #expect(fnStderr(r).contains("Target 10 is out of bounds."))
    }

    @Test func targetDType() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.crossEntropy(Tensor.zeros([3, 5]), Tensor([0, 1, 2], dtype: .int32))
        }
        #expect(fnStderr(r).contains("expected scalar type Long but found Int"))
    }

    @Test func bceRejectsOutOfRangeInput() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.binaryCrossEntropy(Tensor([1.5]), Tensor([1.0]))
        }
        #expect(fnStderr(r).contains("all elements of input should be between 0 and 1"))
    }
}
