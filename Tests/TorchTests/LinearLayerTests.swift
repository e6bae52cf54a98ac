import Testing
import TorchCore
import TorchNN

private func expectGradcheck(_ f: @escaping ([Tensor]) -> Tensor, _ inputs: [Tensor],
                             sourceLocation: SourceLocation = #_sourceLocation) {
    let r = gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(r)", sourceLocation: sourceLocation)
}

private func leaf(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed)).requiresGrad_()
}

/// Linear, Bilinear, Embedding, Flatten and Unflatten against PyTorch: default
/// initialization for a seed, outputs and gradients for fixed weights, and gradient checks.
@Suite struct LinearLayerTests {
    let f = Fixture("nn_modules")

    func show(_ t: Tensor) -> String { withPrintOptions(PrintOptions()) { "\(t)" } }

    @Test func defaultInitializationMatchesPyTorch() {
        // resetParameters(generator:) draws what construction draws from the global generator,
        // so these are `torch.manual_seed(s); nn.Linear(...)`'s numbers.
        let fc = Linear(inFeatures: 4, outFeatures: 3)
        fc.resetParameters(generator: Generator(seed: 0))
        expectEqual(fc.weight.detach(), f["linear_seed0_weight"])
        expectEqual(fc.bias!.detach(), f["linear_seed0_bias"])
        let big = Linear(inFeatures: 192, outFeatures: 120, bias: false)
        big.resetParameters(generator: Generator(seed: 1))
        expectEqual(big.weight.detach().indexSelect(dim: 0, index: Tensor([0, 1, 119])), f["linear_192_120_seed1_rows"])
        expectClose(big.weight.detach().to(dtype: .float64).sum(), f["linear_192_120_seed1_sum"], rtol: 1e-12, atol: 1e-12)
        #expect(big.weight.abs().max().item(Double.self) < 1 / 192.0.squareRoot())
        let bl = Bilinear(in1Features: 3, in2Features: 2, outFeatures: 4)
        bl.resetParameters(generator: Generator(seed: 2))
        expectEqual(bl.weight.detach(), f["bilinear_seed2_weight"])
        expectEqual(bl.bias!.detach(), f["bilinear_seed2_bias"])
        let emb = Embedding(numEmbeddings: 5, embeddingDim: 3, paddingIdx: 1)
        emb.resetParameters(generator: Generator(seed: 3))
        expectEqual(emb.weight.detach(), f["embedding_seed3_weight"])
    }

    @Test func networkOutputsAndGradients() {
        final class SmallNet: Module {
            let fc1 = Linear(inFeatures: 6, outFeatures: 5)
            let fc2 = Linear(inFeatures: 5, outFeatures: 4)
            let out = Linear(inFeatures: 4, outFeatures: 2)
            override func forward(_ t: Tensor) -> Tensor { out(fc2(fc1(t).relu()).relu()) }
        }
        let net = SmallNet()
        let g = Generator(seed: 4)
        for layer in [net.fc1, net.fc2, net.out] { layer.resetParameters(generator: g) }
        let x = Tensor.arange(12, dtype: .float32).reshape(2, 6) / 10 - 0.5
        let y = net(x)
        expectClose(y, f["network_out"])
        y.sum().backward()
        expectClose(net.fc1.weight.grad!, f["network_fc1_weight_grad"])
        expectClose(net.out.bias!.grad!, f["network_out_bias_grad"])
    }

    @Test func linearOutputsAndGradients() {
        let fc = Linear(inFeatures: 4, outFeatures: 3)
        fc.weight = Parameter((Tensor.arange(12, dtype: .float32).reshape(3, 4) - 5) / 7)
        fc.bias = Parameter(Tensor([0.5, -0.25, 1.0], dtype: .float32))
        let x = ((Tensor.arange(24, dtype: .float32).reshape(2, 3, 4) - 11) / 5).requiresGrad_()
        let y = fc(x)
        expectClose(y, f["linear_out"])
        (y * y).sum().backward()
        expectClose(x.grad!, f["linear_x_grad"])
        expectClose(fc.weight.grad!, f["linear_w_grad"], rtol: 1e-5, atol: 1e-5)
        expectClose(fc.bias!.grad!, f["linear_b_grad"], rtol: 1e-5, atol: 1e-5)
        // Without bias, and on 1-D and 2-D inputs.
        let nb = Linear(inFeatures: 4, outFeatures: 3, bias: false)
        nb.weight = fc.weight
        #expect(nb.bias == nil && nb.parameters().count == 1)
        expectClose(nb(x.detach()[0]), y.detach()[0] - fc.bias!.detach())
        expectClose(nb(x.detach()[0, 1]), y.detach()[0, 1] - fc.bias!.detach())
    }

    /// The course's Linear example (lesson "Linear layers in depth").
    @Test func linearLayerOutputs() {
        let inFeatures = Tensor([1, 2, 3, 4], dtype: .float32)
        let weightMatrix = Tensor([[1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 6]], dtype: .float32)
        #expect(show(weightMatrix.matmul(inFeatures)) == "tensor([30., 40., 50.])")
        let fc = Linear(inFeatures: 4, outFeatures: 3, bias: false)
        fc.weight = Parameter(weightMatrix)
        let y = fc(inFeatures)
        // PyTorch 1.13 prints grad_fn=<SqueezeBackward3> (its in-place squeeze in matmul).
        #expect(show(y).hasPrefix("tensor([30., 40., 50.], grad_fn=<SqueezeBackward"))
        // With a bias the course shows random values, e.g.
        // "tensor([30.0261, 40.1404, 49.7643], grad_fn=<AddBackward0>)": check the suffix only.
        let fcb = Linear(inFeatures: 4, outFeatures: 3)
        fcb.weight = Parameter(weightMatrix)
        #expect(show(fcb(inFeatures)).hasSuffix(", grad_fn=<AddBackward0>)"))
        // print(nn.Parameter(torch.tensor([1., 2.]))) in PyTorch 1.13 (the course's conv1.weight
        // listing is hand-indented):
        #expect("\(Parameter(Tensor([1, 2], dtype: .float32)))" == "Parameter containing:\ntensor([1., 2.], requires_grad=True)")
    }

    @Test func bilinearOutputsAndGradients() {
        let bl = Bilinear(in1Features: 3, in2Features: 2, outFeatures: 4)
        bl.weight = Parameter((Tensor.arange(24, dtype: .float32).reshape(4, 3, 2) - 12) / 9)
        bl.bias = Parameter(Tensor([0.1, -0.2, 0.3, -0.4], dtype: .float32))
        let x1 = ((Tensor.arange(15, dtype: .float32).reshape(5, 3) - 7) / 4).requiresGrad_()
        let x2 = ((Tensor.arange(10, dtype: .float32).reshape(5, 2) - 4) / 3).requiresGrad_()
        let y = bl(x1, x2)
        expectClose(y, f["bilinear_out"])
        (y * y).sum().backward()
        expectClose(x1.grad!, f["bilinear_x1_grad"], rtol: 1e-5, atol: 1e-5)
        expectClose(x2.grad!, f["bilinear_x2_grad"], rtol: 1e-5, atol: 1e-5)
        expectClose(bl.weight.grad!, f["bilinear_w_grad"], rtol: 1e-5, atol: 1e-5)
        expectClose(bl.bias!.grad!, f["bilinear_b_grad"], rtol: 1e-5, atol: 1e-5)
        // Leading dimensions beyond one batch dimension.
        let y3 = bl(x1.detach().reshape(5, 1, 3), x2.detach().reshape(5, 1, 2))
        expectClose(y3, y.detach().reshape(5, 1, 4))
    }

    @Test func embeddingOutputsAndGradients() {
        let emb = Embedding(numEmbeddings: 5, embeddingDim: 3, paddingIdx: 1)
        emb.weight = Parameter((Tensor.arange(15, dtype: .float32).reshape(5, 3) - 7) / 3)
        let idx = Tensor([[0, 1, 4], [1, 4, 2]])
        let y = emb(idx)
        expectEqual(y, f["embedding_out"])
        (y * Tensor.arange(18, dtype: .float32).reshape(2, 3, 3)).sum().backward()
        expectEqual(emb.weight.grad!, f["embedding_w_grad"])
        // int32 indices and no padding row.
        let plain = Embedding(numEmbeddings: 5, embeddingDim: 3, weight: emb.weight.detach())
        expectEqual(plain(Tensor([4, 1], dtype: .int32)), emb.weight.detach().indexSelect(dim: 0, index: Tensor([4, 1])))
        #expect(noGrad { emb(idx) }.gradFn == nil)
    }

    @Test func flattenAndUnflatten() {
        let x = Tensor.arange(24, dtype: .float32).reshape(2, 3, 4)
        #expect(Flatten()(x).shape == [2, 12])
        #expect(Flatten(startDim: 0, endDim: 1)(x).shape == [6, 4])
        #expect(Unflatten(dim: 1, unflattenedSize: [3, 1])(x).shape == [2, 3, 1, 4])
        #expect(Unflatten(dim: -1, unflattenedSize: [2, -1])(x).shape == [2, 3, 2, 2])
        #expect(Identity()(x) === x)
    }

    @Test func gradcheckLinear() {
        expectGradcheck({ F.linear($0[0], weight: $0[1], bias: $0[2]) }, [leaf([2, 3, 4], seed: 1), leaf([5, 4], seed: 2), leaf([5], seed: 3)])
        expectGradcheck({ F.linear($0[0], weight: $0[1]) }, [leaf([4], seed: 4), leaf([3, 4], seed: 5)])
    }

    @Test func gradcheckBilinear() {
        expectGradcheck({ F.bilinear($0[0], $0[1], weight: $0[2], bias: $0[3]) },
                        [leaf([3, 2], seed: 6), leaf([3, 4], seed: 7), leaf([5, 2, 4], seed: 8), leaf([5], seed: 9)])
    }

    @Test func gradcheckEmbedding() {
        let idx = Tensor([[0, 2, 2], [3, 1, 0]])
        expectGradcheck({ F.embedding(idx, weight: $0[0]) }, [leaf([4, 3], seed: 10)])
        // With paddingIdx the padding row's gradient is zero by design, not the derivative:
        // embeddingOutputsAndGradients checks it against PyTorch instead.
    }

    @Test func linearShapeMismatchMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Linear(inFeatures: 190, outFeatures: 120)(Tensor.zeros([4, 192]))
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("mat1 and mat2 shapes cannot be multiplied (4x192 and 190x120)"))
    }

    @Test func embeddingIndexDTypeMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Embedding(numEmbeddings: 3, embeddingDim: 2)(Tensor([1.0]))
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int"))
    }
}
