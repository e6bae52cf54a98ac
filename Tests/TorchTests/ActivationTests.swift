import Testing
import TorchCore
import TorchNN

@Suite struct ActivationTests {
    let f = Fixture("functional")

    @Test func activationsMatchPyTorch() {
        let x = f["act_x"], gw = f["act_gw"]
        let ops: [(String, (Tensor) -> Tensor)] = [
            ("relu", { F.relu($0) }), ("leaky", { F.leakyRelu($0) }), ("leaky02", { F.leakyRelu($0, negativeSlope: 0.2) }),
            ("elu", { F.elu($0) }), ("elu05", { F.elu($0, alpha: 0.5) }), ("gelu", { F.gelu($0) }),
            ("gelu_tanh", { F.gelu($0, approximate: "tanh") }), ("silu", { F.silu($0) }), ("hardtanh", { F.hardtanh($0) }),
            ("hardtanh2", { F.hardtanh($0, minVal: -2, maxVal: 0.5) }), ("sigmoid", { F.sigmoid($0) }), ("tanh", { F.tanh($0) }),
            ("softplus", { F.softplus($0) }), ("softplus2", { F.softplus($0, beta: 2, threshold: 1) }),
            ("softmax1", { F.softmax($0, dim: 1) }), ("softmax0", { F.softmax($0, dim: 0) }),
            ("logsoftmax1", { F.logSoftmax($0, dim: 1) }), ("logsoftmax0", { $0.logSoftmax(dim: -2) }),
        ]
        for (key, op) in ops {
            expectMatchesFixture(f, "act_" + key, [x], upstream: gw) { op($0[0]) }
        }
        let x3 = f["act_x3"], gw3 = f["act_gw3"]
        expectMatchesFixture(f, "act_softmax3", [x3], upstream: gw3) { $0[0].softmax(dim: 1) }
        expectMatchesFixture(f, "act_logsoftmax3", [x3], upstream: gw3) { F.logSoftmax($0[0], dim: 1) }
    }

    @Test func softmaxIsStableForLargeLogits() {
        let big = f["act_big"]
        expectClose(F.logSoftmax(big, dim: 1), f["act_big_logsoftmax"])
        expectClose(F.softmax(big, dim: 1), f["act_big_softmax"])
        #expect(F.softmax(Tensor(2.0), dim: 0).item(Double.self) == 1)
    }

    @Test func inplaceWritesIntoTheInput() {
        let x = Tensor([-1.0, 2.0])
        let y = F.relu(x, inplace: true)
        #expect(x.toArray(Double.self) == [0, 2])
        #expect(y.toArray(Double.self) == [0, 2])
    }

    @Test func gradients() {
        let x = fnLeaf([3, 4], seed: 11, scale: 2)
        let ops: [(Tensor) -> Tensor] = [
            { $0.leakyRelu(negativeSlope: 0.1) }, { $0.elu(alpha: 0.7) }, { $0.gelu() }, { $0.gelu(approximate: "tanh") },
            { $0.silu() }, { $0.hardtanh(minVal: -1.5, maxVal: 1) }, { $0.softplus(beta: 1.5, threshold: 2) }, { $0.erf() },
            { $0.softmax(dim: 1) }, { $0.softmax(dim: 0) }, { $0.logSoftmax(dim: 1) }, { $0.logSoftmax(dim: 0) },
        ]
        for op in ops { expectFnGradcheck([x]) { op($0[0]) } }
        let x3 = fnLeaf([2, 3, 4], seed: 12)
        expectFnGradcheck([x3]) { $0[0].softmax(dim: 1) * $0[0] }
        expectFnGradcheck([x3]) { $0[0].logSoftmax(dim: 1).exp() }
    }

    @Test func dropoutMasksMatchPyTorch() {
        manualSeed(0)
        let d = F.dropout(Tensor.ones([4, 5]), p: 0.3)
        // Bit for bit: the kept elements are PyTorch's float32 1 / 0.7.
        expectEqual(d, f["dropout"])
        expectEqual(Tensor.rand([3]), f["dropout_after"])
        manualSeed(1)
        expectClose(F.dropout2d(Tensor.ones([2, 3, 2, 2]), p: 0.5), f["dropout2d"])
        expectEqual(Tensor.rand([3]), f["dropout2d_after"])
        manualSeed(2)
        expectClose(F.dropout(Tensor.ones([3, 7], dtype: .float64), p: 0.5), f["dropout_f64"])
        let x = Tensor.ones([3])
        #expect(F.dropout(x, p: 0.5, training: false) === x)
        #expect(F.dropout(x, p: 1).toArray(Float.self) == [0, 0, 0])
        let leaf = Tensor.ones([10]).requiresGrad_()
        let y = F.dropout(leaf, p: 0.5)
        #expect(y.gradFn?.name == "MulBackward0")
        y.sum().backward()
        expectEqual(leaf.grad!, y.detach())
    }

    @Test func modulesPrintAsPyTorch() {
        let expected: [(Module, String)] = [
            (ReLU(), "ReLU()"), (ReLU(inplace: true), "ReLU(inplace=True)"), (LeakyReLU(), "LeakyReLU(negative_slope=0.01)"),
            (LeakyReLU(negativeSlope: 0.2, inplace: true), "LeakyReLU(negative_slope=0.2, inplace=True)"),
            (ELU(), "ELU(alpha=1.0)"), (ELU(alpha: 0.5, inplace: true), "ELU(alpha=0.5, inplace=True)"),
            (GELU(), "GELU(approximate='none')"), (GELU(approximate: "tanh"), "GELU(approximate='tanh')"),
            (SiLU(), "SiLU()"), (SiLU(inplace: true), "SiLU(inplace=True)"), (Tanh(), "Tanh()"), (Sigmoid(), "Sigmoid()"),
            (Hardtanh(), "Hardtanh(min_val=-1.0, max_val=1.0)"), (Hardtanh(minVal: -2, maxVal: 2, inplace: true), "Hardtanh(min_val=-2.0, max_val=2.0, inplace=True)"),
            (Softplus(), "Softplus(beta=1, threshold=20)"), (Softplus(beta: 2, threshold: 10), "Softplus(beta=2.0, threshold=10.0)"),
            (Softmax(dim: 1), "Softmax(dim=1)"), (Softmax(), "Softmax(dim=None)"), (LogSoftmax(dim: 1), "LogSoftmax(dim=1)"),
            (Dropout(), "Dropout(p=0.5, inplace=False)"), (Dropout2d(p: 0.2), "Dropout2d(p=0.2, inplace=False)"),
        ]
        for (m, text) in expected { #expect(m.description == text) }
    }

    @Test func modulesComputeTheFunctions() {
        let x = f["act_x"]
        expectClose(ReLU()(x), f["act_relu"])
        expectClose(LeakyReLU(negativeSlope: 0.2)(x), f["act_leaky02"])
        expectClose(GELU(approximate: "tanh")(x), f["act_gelu_tanh"])
        expectClose(Softmax(dim: 0)(x), f["act_softmax0"])
        expectClose(LogSoftmax(dim: 1)(x), f["act_logsoftmax1"])
        expectClose(Hardtanh(minVal: -2, maxVal: 0.5)(x), f["act_hardtanh2"])
        let drop = Dropout(p: 0.9)
        drop.eval()
        #expect(drop(x) === x)
    }

    @Test func geluRejectsUnknownApproximation() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.gelu(Tensor([1.0]), approximate: "foo")
        }
        #expect(fnStderr(r).contains("approximate argument must be either none or tanh."))
    }

    @Test func softmaxRejectsIntegers() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.softmax(Tensor([1, 2]), dim: 0)
        }
        #expect(fnStderr(r).contains("\"softmax_lastdim_kernel_impl\" not implemented for 'Long'"))
    }

    @Test func dropoutRejectsBadProbability() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.dropout(Tensor([1.0]), p: 1.5)
        }
        #expect(fnStderr(r).contains("dropout probability has to be between 0 and 1, but got 1.5"))
    }
}
