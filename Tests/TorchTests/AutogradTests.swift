import Foundation
import Testing
import TorchCore

/// Random float64 leaves for gradient checks, from a private generator.
private func leaf(_ shape: [Int], seed: UInt64, positive: Bool = false) -> Tensor {
    let t = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed))
    return (positive ? t.abs() + 0.5 : t).requiresGrad_()
}

private func expectGradcheck(_ f: @escaping ([Tensor]) -> Tensor, _ inputs: [Tensor],
                             sourceLocation: SourceLocation = #_sourceLocation) {
    let r = gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(r)", sourceLocation: sourceLocation)
}

@Suite struct AutogradTests {
    let f = Fixture("autograd")

    @Test func compositeMatchesPyTorch() {
        let x = f["x"].requiresGrad_(), w = f["w"].requiresGrad_(), b = f["b"].requiresGrad_()
        let y = ((x.matmul(w) + b).sigmoid() * 3 - x.sum(dim: 1, keepdim: true)).pow(2).mean()
        expectClose(y.detach(), f["loss"], rtol: 1e-12, atol: 1e-12)
        y.backward()
        expectClose(x.grad!, f["x_grad"], rtol: 1e-10, atol: 1e-12)
        expectClose(w.grad!, f["w_grad"], rtol: 1e-10, atol: 1e-12)
        expectClose(b.grad!, f["b_grad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func gradFnNamesAndPrinting() {
        let names: [String: String] = f.value("names")
        let a = Tensor([1.0, 2.0]).requiresGrad_()
        let ours: [String: Tensor] = [
            "add": a + a, "add_scalar": a + 2, "mul": a * a, "rsub": 2 - a, "div": a / 2, "pow": a.pow(2),
            "neg": -a, "exp": a.exp(), "sum": a.sum(), "sum_dim": a.sum(dim: 0), "mean": a.mean(), "relu": a.relu(),
            "view": a.view(2, 1), "t": a.view(2, 1).t(), "unsqueeze": a.unsqueeze(dim: 0),
            "mm": a.view(1, 2).matmul(a.view(2, 1)), "max": a.max(), "clone": a.clone(),
        ]
        for (key, t) in ours { #expect(t.gradFn?.name == names[key], "\(key)") }
        #expect("\(Tensor([1.0, 2.0]).requiresGrad_())" == f.value("print_requires_grad", as: String.self))
        #expect("\(Tensor([1.0, 2.0]).requiresGrad_() * 2)" == f.value("print_grad_fn", as: String.self))
        #expect("\((Tensor([1.0, 2.0, 3.0]).requiresGrad_() * 1).sum())" == f.value("print_sum", as: String.self))
    }

    @Test func arithmeticGradients() {
        let a = leaf([3, 4], seed: 1), b = leaf([4], seed: 2), p = leaf([3, 4], seed: 3, positive: true)
        expectGradcheck({ $0[0] + $0[1] }, [a, b])
        expectGradcheck({ $0[0] - $0[1] }, [a, b])
        expectGradcheck({ $0[0] * $0[1] }, [a, b])
        expectGradcheck({ $0[0] / ($0[1] * $0[1] + 1) }, [a, b])
        expectGradcheck({ $0[0].pow($0[1]) }, [p, b])
        expectGradcheck({ $0[0].pow(3) }, [a])
        expectGradcheck({ 2 - $0[0] * 3 + 1 / ($0[0] * $0[0] + 1) }, [a])
        expectGradcheck({ $0[0].maximum($0[1]) + $0[0].minimum($0[1]) }, [a, b])
        expectGradcheck({ pow(2.0, $0[0]) }, [a])
    }

    @Test func unaryGradients() {
        let a = leaf([2, 5], seed: 4), p = leaf([2, 5], seed: 5, positive: true)
        for op: (Tensor) -> Tensor in [{ -$0 }, { $0.abs() }, { $0.exp() }, { $0.sin() }, { $0.cos() }, { $0.tanh() },
                                       { $0.sigmoid() }, { $0.relu() }, { $0.clamp(min: -0.5, max: 0.5) }, { $0.clamp(min: 0.1) }] {
            expectGradcheck({ op($0[0]) }, [a])
        }
        for op: (Tensor) -> Tensor in [{ $0.sqrt() }, { $0.rsqrt() }, { $0.log() }, { $0.log1p() }] {
            expectGradcheck({ op($0[0]) }, [p])
        }
        expectGradcheck({ Tensor.where($0[0].gt(0), $0[0], $0[1]) }, [a, p])
    }

    @Test func viewAndReductionGradients() {
        let x = leaf([2, 3, 4], seed: 6), z = Tensor([[1.0, 0.0, 2.0], [3.0, 4.0, 0.0]], dtype: .float64).requiresGrad_()
        expectGradcheck({ $0[0].reshape(6, 4) * Tensor.arange(4, dtype: .float64) }, [x])
        expectGradcheck({ $0[0].permute(2, 0, 1).contiguous().flatten() }, [x])
        expectGradcheck({ $0[0].transpose(0, 2).narrow(dim: 1, start: 1, length: 2) }, [x])
        expectGradcheck({ $0[0].select(dim: 1, index: -1).unsqueeze(dim: 0).squeeze() }, [x])
        expectGradcheck({ $0[0].narrow(dim: 2, start: 0, length: 1).expand(2, 3, 5) }, [x])
        expectGradcheck({ $0[0].sum() }, [x])
        expectGradcheck({ $0[0].sum(dims: [0, 2], keepdim: true) }, [x])
        expectGradcheck({ $0[0].mean(dim: 1) }, [x])
        expectGradcheck({ $0[0].mean() }, [x])
        expectGradcheck({ $0[0].max() + $0[0].min() }, [x])
        expectGradcheck({ $0[0].prod(dim: 1) }, [z])
        expectGradcheck({ $0[0].prod() }, [leaf([5], seed: 7)])
    }

    @Test func matmulGradients() {
        let a = leaf([3, 4], seed: 8), b = leaf([4, 2], seed: 9), v = leaf([4], seed: 10)
        let ba = leaf([2, 3, 4], seed: 11)
        expectGradcheck({ $0[0].matmul($0[1]) }, [a, b])
        expectGradcheck({ $0[0].matmul($0[1]) }, [a, v])
        expectGradcheck({ $0[1].matmul($0[0]) }, [b, v])
        expectGradcheck({ $0[0].dot($0[0]) }, [v])
        expectGradcheck({ $0[0].matmul($0[1]) }, [ba, b])
        expectGradcheck({ $0[0].bmm($0[1].expand(2, 4, 2)) }, [ba, b])
        expectGradcheck({ $0[0].outer($0[1]) }, [v, leaf([3], seed: 12)])
    }

    @Test func gradientsReturnToTheInputDType() {
        let x = Tensor([1.0, 2.0], dtype: .float32).requiresGrad_()
        let y = x.to(dtype: .float64) * Tensor([3.0, 4.0], dtype: .float64)
        #expect(y.gradFn?.name == "MulBackward0" && y.dtype == .float64)
        y.sum().backward()
        #expect(x.grad!.dtype == .float32 && x.grad!.toArray(Float.self) == [3, 4])
        let b = Tensor([1.0], dtype: .float32).requiresGrad_()
        (Tensor.ones([3, 1]) * b).sum().backward()
        #expect(b.grad!.shape == [1] && b.grad!.toArray(Float.self) == [3])
    }

    @Test func accumulationRetainAndHooks() {
        let x = Tensor([1.0, 2.0, 3.0]).requiresGrad_()
        let y = (x * x).sum()
        y.backward(retainGraph: true)
        #expect(x.grad!.toArray(Double.self) == [2, 4, 6])
        y.backward()
        #expect(x.grad!.toArray(Double.self) == [4, 8, 12])
        x.grad = nil
        let h = x.registerHook { $0 * 10 }
        (x * 2).sum().backward()
        #expect(x.grad!.toArray(Double.self) == [20, 20, 20])
        h.remove()
        x.grad = nil
        let mid = x * 3
        mid.retainGrad()
        mid.registerHook { $0 + 1 }
        mid.sum().backward()
        #expect(mid.grad!.toArray(Double.self) == [2, 2, 2])
        #expect(x.grad!.toArray(Double.self) == [6, 6, 6])
    }

    @Test func detachAndNoGrad() {
        let x = Tensor([1.0, 2.0]).requiresGrad_()
        #expect(x.isLeaf && x.gradFn == nil)
        let y = noGrad { x * 2 }
        #expect(!y.requiresGrad && y.gradFn == nil)
        let z = noGrad { enableGrad { x * 2 } }
        #expect(z.requiresGrad && z.gradFn?.name == "MulBackward0" && !z.isLeaf)
        let d = (x * 2).detach()
        #expect(!d.requiresGrad && d.isLeaf)
        #expect(!Tensor([1, 2]).requiresGrad)
        let g = Tensor([2.0, 3.0])
        (x * x).backward(g)
        #expect(x.grad!.toArray(Double.self) == [4, 12])
        #expect(isGradEnabled)
    }

    @Test func secondOrderGradients() {
        let x = Tensor([1.0, 2.0]).requiresGrad_()
        let y = (x * x * x).sum()
        y.backward(createGraph: true)
        let g = x.grad!
        #expect(g.toArray(Double.self) == [3, 12])
        x.grad = nil
        g.sum().backward()
        #expect(x.grad!.toArray(Double.self) == [6, 12])
    }

    @Test func secondOrderThroughOutputBasedRules() {
        for (op, expected): ((Tensor) -> Tensor, (Double) -> Double) in [
            ({ $0.exp() }, { Foundation.exp($0) }),
            ({ $0.tanh() }, { x in let t = Foundation.tanh(x); return -2 * t * (1 - t * t) }),
            ({ $0.sqrt() }, { x in -0.25 * Foundation.pow(x, -1.5) }),
        ] {
            let x = Tensor([0.7, 1.3], dtype: .float64).requiresGrad_()
            op(x).sum().backward(createGraph: true)
            let g = x.grad!
            x.grad = nil
            g.sum().backward()
            let got = x.grad!.toArray(Double.self)
            for (i, v) in [0.7, 1.3].enumerated() { #expect(Swift.abs(got[i] - expected(v)) < 1e-9) }
        }
    }

    @Test func backwardTwiceMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0]).requiresGrad_()
            let y = (x * x).sum()
            y.backward()
            y.backward()
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("Trying to backward through the graph a second time"))
    }

    @Test func integerRequiresGradMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor([1, 2]).requiresGrad_()
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("only Tensors of floating point dtype can require gradients"))
    }

    @Test func inPlaceOnLeafMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0]).requiresGrad_()
            x += 1
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("a leaf Variable that requires grad is being used in an in-place operation."))
    }
}
