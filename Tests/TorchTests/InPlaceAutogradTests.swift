import Testing
import TorchCore
import TorchNN
import TorchOptim

/// Version counters and in-place ops under autograd, against PyTorch (Fixtures/inplace_autograd.json,
/// from scripts/fixtures/inplace_autograd.py).
@Suite struct InPlaceAutogradTests {
    let f = Fixture("inplace_autograd")

    /// Every in-place path, each writing into `a` after `(a * b).sum()` saved it.
    static let writePaths = [
        "+= in noGrad", "-=", "*=", "/=", "copy_", "fill_", "zero_", "subscript", "index subscript", "scalar subscript",
        "maskedFill_", "scatter_", "scatterAdd_", "uniform_", "normal_", "bernoulli_", "random_", "through a view",
        "relu inplace", "SGD step", "Adam step", "loadStateDict",
    ]

    @Test(arguments: writePaths.indices)
    func writingASavedTensorStopsBackward(_ index: Int) async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [index] in
            let a = Tensor([1.0, 2.0, 3.0], dtype: .float64)
            let b = Tensor.ones([3], dtype: .float64).requiresGrad_()
            var y = (a * b).sum()
            switch index {
            case 0: noGrad { a += 10 }
            case 1: a -= 1
            case 2: a *= 2
            case 3: a /= Tensor([2.0, 2.0, 2.0], dtype: .float64)
            case 4: a.copy_(Tensor.ones([3], dtype: .float64))
            case 5: a.fill_(1)
            case 6: a.zero_()
            case 7: a[0] = Tensor(scalar: 5.0, dtype: .float64)
            case 8: a[Tensor([1] as [Int64])] = Tensor([5.0], dtype: .float64)
            case 9: a[2] = 5.0
            case 10: a.maskedFill_(Tensor([true, false, false]), value: 0.0)
            case 11: a.scatter_(dim: 0, index: Tensor([0] as [Int64]), value: 7.0)
            case 12: a.scatterAdd_(dim: 0, index: Tensor([0] as [Int64]), src: Tensor([1.0], dtype: .float64))
            case 13: a.uniform_()
            case 14: a.normal_()
            case 15: a.bernoulli_(p: 0.5)
            case 16: a.random_(to: 5)
            case 17: a.narrow(dim: 0, start: 1, length: 2).fill_(0)
            case 18: _ = F.relu(a, inplace: true)
            case 19, 20:
                let p = Parameter(Tensor([1.0, 2.0, 3.0], dtype: .float64))
                y = (p * p).sum()
                p.grad = Tensor.ones([3], dtype: .float64)
                let optimizer: Optimizer = index == 19 ? SGD([p], lr: 0.1) : Adam([p], lr: 0.1)
                optimizer.step()
            default:
                let layer = Linear(inFeatures: 3, outFeatures: 2)
                y = layer(Tensor.ones([1, 3]).requiresGrad_()).sum()
                _ = try? layer.loadStateDict(Linear(inFeatures: 3, outFeatures: 2).stateDict())
            }
            y.backward()
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        let expected: String = index == 0 ? f.value("message_input")
            : "is at version 1; expected version 0 instead. Hint: MulBackward0 needs its values"
        // Initialization already wrote the layer's weight once.
        #expect(text.contains(index == 21 ? "is at version 2; expected version 1 instead. Hint: AddmmBackward0 needs its values" : expected),
                "\(Self.writePaths[index]): \(text)")
    }

    @Test func writingASavedOutputNamesIt() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0, 3.0], dtype: .float64).requiresGrad_()
            let y = x.exp()
            y += 1
            y.sum().backward()
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains(f.value("message_output", as: String.self)), "\(text)")
    }

    @Test func leafThatRequiresGradRefuses() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0, 3.0], dtype: .float64).requiresGrad_()
            x += 1
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains(f.value("message_leaf", as: String.self)), "\(text)")
    }

    /// swift-torch doesn't rebase views onto in-place changes, so it refuses them when recorded.
    @Test func recordedWriteIntoSharedMemoryRefuses() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0, 3.0], dtype: .float64).requiresGrad_()
            let y = x * 2
            let first = y[0]
            y += 1
            _ = first
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("add_: an in-place operation recorded by autograd needs the tensor to be the only one over its memory"), "\(text)")
    }

    /// In-place ops on non-leaves are recorded on the tensor and give PyTorch's gradients.
    @Test func inPlaceOnNonLeavesMatchesPyTorch() {
        let names: [String: String] = f.value("names")
        let cases: [(String, (Tensor, Tensor) -> Tensor)] = [
            ("relu_", { x, _ in let y = x * 2; _ = F.relu(y, inplace: true); return y }),
            ("mul_", { x, w in let y = x * 2; y *= w; return y }),
            ("add_", { x, w in let y = x * 2; y += w; return y }),
            ("div_", { x, w in let y = x * 2; y /= w; return y }),
            ("buf_mul_", { x, _ in let buf = Tensor([1.0, 2.0, 3.0], dtype: .float64); buf *= x; return buf }),
            ("copy_", { x, w in let y = x * 2; y.copy_(w * w); return y }),
            ("setitem", { x, w in let y = x * 2; y[0] = w[1] * 3; return y }),
            ("setitem_index", { x, w in let y = x * 2; y[Tensor([2, 0] as [Int64])] = w[..<2] * w[..<2]; return y }),
            ("setitem_scalar", { x, _ in let y = x.exp() * 1; y[1] = 5.0; return y }),
            ("masked_fill_", { x, w in let y = x * w; y.maskedFill_(Tensor([true, false, true]), value: 0.5); return y }),
            ("scatter_", { x, w in let y = x * 2; y.scatter_(dim: 0, index: Tensor([1] as [Int64]), src: w[2...] * 3); return y }),
            ("fill_", { x, w in let y = x * 2; y.fill_(4.0); return y + x * w }),
            ("leaky_relu_", { x, w in let y = x * w; _ = F.leakyRelu(y, negativeSlope: 0.1, inplace: true); return y }),
        ]
        for (name, build) in cases {
            let x = f["x"].requiresGrad_(), w = f["w"].requiresGrad_()
            let y = build(x, w)
            // PyTorch names the in-place leaky_relu_ LeakyReluBackward1; swift-torch reuses the op's node.
            if name != "leaky_relu_" {
                #expect(y.gradFn?.name == names[name]!.replacingOccurrences(of: "torch::autograd::", with: ""), "\(name)")
            }
            (y * Tensor([1.0, 2.0, 3.0], dtype: .float64)).sum().backward()
            expectClose(y.detach(), f[name + "_value"], rtol: 1e-12, atol: 1e-12)
            expectClose(x.grad ?? x.zerosLike(), f[name + "_x_grad"], rtol: 1e-12, atol: 1e-12)
            expectClose(w.grad ?? w.zerosLike(), f[name + "_w_grad"], rtol: 1e-12, atol: 1e-12)
        }
    }

    @Test func versionCountsEveryWrite() {
        let t = Tensor.zeros([4], dtype: .float32)
        #expect(t.version == 0)
        t += 1
        noGrad { t *= 2 }
        t[0] = 3.0
        t.narrow(dim: 0, start: 1, length: 2).fill_(5)
        #expect(t.version == 4)
        // Views share the counter; a copy has its own.
        let view = t.view(2, 2)
        view.zero_()
        #expect(t.version == 5 && view.version == 5 && t.clone().version == 0)
        // Reading and out-of-place ops don't count.
        _ = t + 1
        _ = t.sum()
        #expect(t.version == 5)
    }
}
