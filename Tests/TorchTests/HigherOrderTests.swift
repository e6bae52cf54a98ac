import Foundation
import Testing
import TorchCore
import TorchNN

/// `grad(outputs:inputs:)`, second-order gradients against PyTorch, and `gradgradcheck` over
/// every differentiable op.
@Suite struct HigherOrderTests {
    let f = Fixture("inplace_autograd")

    /// The issue's case: a gradient penalty through log-softmax.
    @Test func secondOrderThroughLogSoftmaxMatchesPyTorch() {
        let x = Tensor([[0.5, -1.0, 2.0]], dtype: .float64).requiresGrad_()
        (F.logSoftmax(x, dim: 1) * Tensor([[0.3, -0.7, 1.1]], dtype: .float64)).sum().backward(createGraph: true)
        let g = x.grad!
        x.grad = nil
        (g * g).sum().backward()
        expectClose(x.grad!, f["logsoftmax_gradgrad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func gradMatchesPyTorch() {
        let a = f["a"].requiresGrad_(), b = f["b"].requiresGrad_()
        let h = (a * b).tanh()
        let y = (h * h).sum() + b.pow(3).sum()
        let first = grad(outputs: [y], inputs: [a, b], createGraph: true)
        expectClose(first[0]!, f["grad_a"], rtol: 1e-10, atol: 1e-12)
        expectClose(first[1]!, f["grad_b"], rtol: 1e-10, atol: 1e-12)
        // .grad is left alone.
        #expect(a.grad == nil && b.grad == nil)
        let second = grad(outputs: [(first[0]! * first[0]!).sum() + first[1]!.sum()], inputs: [a], retainGraph: true)
        expectClose(second[0]!, f["gradgrad_a"], rtol: 1e-10, atol: 1e-12)
        // With respect to an intermediate result.
        expectClose(grad(outputs: [y], inputs: [h], retainGraph: true)[0]!, f["grad_h"], rtol: 1e-10, atol: 1e-12)
        // Several outputs, one with an explicit gradient and one with the implicit 1.
        let both = grad(outputs: [h.sum(dim: 1), y], inputs: [a], gradOutputs: [Tensor([1.0, -2.0], dtype: .float64), nil])
        expectClose(both[0]!, f["grad_two_outputs"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func gradAllowsUnusedInputsWhenAsked() {
        let x = Tensor([1.0, 2.0], dtype: .float64).requiresGrad_(), z = Tensor([3.0], dtype: .float64).requiresGrad_()
        let g = grad(outputs: [(x * x).sum()], inputs: [x, z], allowUnused: true)
        #expect(g[0]!.toArray(Double.self) == [2, 4] && g[1] == nil)
    }

    @Test func gradRefusesUnusedInputs() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0], dtype: .float64).requiresGrad_(), z = Tensor([3.0], dtype: .float64).requiresGrad_()
            _ = grad(outputs: [(x * x).sum()], inputs: [x, z])
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior."), "\(text)")
    }

    @Test func gradgradcheckCatchesAWrongSecondDerivative() {
        // A rule whose first derivative is right but whose recorded backward is not
        // differentiable in x: detach() hides x's dependence, as the old saved results did.
        let x = opLeaf([3], seed: 4)
        #expect(gradcheck({ $0[0].detach().exp() * 0 + $0[0].exp() }, inputs: [x]).passed)
        let r = gradgradcheck({ t in
            let y = t[0].exp()
            return y.detach() * t[0] - y.detach() * t[0].detach() + t[0].detach().exp()
        }, inputs: [x])
        #expect(!r.passed)
    }

    /// Each case is one op (or a few) on small float64 inputs; `gradgradcheck` must pass and the
    /// graph names what it covered.
    static func cases() -> [(String, ([Tensor]) -> Tensor, [Tensor])] {
        let a = opLeaf([2, 3], seed: 1), b = opLeaf([3], seed: 2), pa = opLeaf([2, 3], seed: 3, positive: true)
        let c = opLeaf([2, 3], seed: 5), m = opLeaf([3, 2], seed: 6), v = opLeaf([3], seed: 7)
        let img = opLeaf([1, 2, 4, 4], seed: 8), k = opLeaf([2, 2, 3, 3], seed: 9), bias = opLeaf([2], seed: 10)
        let batch = opLeaf([2, 2, 3], seed: 11), probs = Tensor([0.2, 0.7, 0.4, 0.9, 0.1, 0.5], shape: [2, 3], dtype: .float64).requiresGrad_()
        let mask = Tensor([true, false, true])
        let idx = Tensor([2, 0, 2] as [Int64])
        let labels = Tensor([2, 0] as [Int64])
        let seeded = { Generator(seed: 3) }
        return [
            ("arithmetic", { t in (t[0] + t[1]) * t[0] - t[1] / (t[2] + 1) + (2 - t[0]) + t[0] * 3 }, [a, b, pa]),
            ("pow", { t in t[2].pow(3) + t[2].pow(t[0]) + pow(2.0, t[0]) }, [a, b, pa]),
            ("maximum/minimum/remainder", { t in t[0].maximum(t[1]) * t[0].minimum(t[1]) + t[2].remainder(Tensor(scalar: 0.7, dtype: .float64)) + Tensor([1.3, 2.3, 3.3], dtype: .float64).remainder(t[1] * 0 + 2.5) }, [a, b, pa]),
            ("unary", { t in -t[1].abs() + t[2].sqrt() + t[2].rsqrt() + t[0].exp() + t[2].log() + t[2].log1p() + t[0].sin() + t[0].cos() }, [a, b, pa]),
            ("unary 2", { t in t[0].tanh() + t[0].sigmoid() + t[0].relu() * t[0] + (t[0].sign() + t[0].floor() + t[0].ceil() + t[0].round()) * t[0] }, [a]),
            ("clamp/where", { t in t[0].clamp(min: -0.5, max: 0.5) * t[0] + t[0].clamp(min: 0.1) * t[0] + t[0].clamp(max: 0.2) * t[0] + Tensor.where(mask, t[0], t[1]) * t[0] }, [a, b]),
            ("views", { t in
                let x = t[0]
                return x.reshape(3, 2).t().pow(2) + x.t().reshape(6).view(2, 3) * x + x.unsqueeze(dim: 0).squeeze() * x
                    + x.unsqueeze(dim: 1).squeeze(dim: 1).transpose(0, 1).permute(1, 0) * x + x.narrow(dim: 1, start: 1, length: 1) * x
                    + x.select(dim: 0, index: 1) * x + t[1].expand(2, 3) * x + x.clone() * x
            }, [a, b]),
            ("dtype conversion", { t in (t[0].to(dtype: .float32) * 0).to(dtype: .float64) * t[0] + t[0] * t[0] }, [a]),
            ("split/cat/stack", { t in
                let x = t[0]
                let parts = x.split(1, dim: 0), sized = x.split(sizes: [1, 2], dim: 1), rows = x.unbind(dim: 0)
                return Tensor.cat([parts[1], parts[0]], dim: 0) * x + Tensor.cat([sized[1], sized[0]], dim: 1) * x
                    + Tensor.stack([rows[1] * rows[0], rows[0]], dim: 0) * x
            }, [a]),
            ("sum/mean/prod", { t in (t[0].sum() * t[0] + t[0].sum(dim: 1, keepdim: true) * t[0] + t[0].mean() * t[0] + t[0].mean(dim: 0) * t[0]
                                      + t[0].prod() * t[0] + t[0].prod(dim: 1, keepdim: true)) }, [a]),
            ("max/min", { t in t[0].max() * t[0] + t[0].min() * t[0] + t[0].max(dim: 1, keepdim: true).values * t[0]
                                  + t[0].min(dim: 0).values * t[0] + t[0].amax(dim: 1, keepdim: true) * t[0] + t[0].amin(dims: [0]) * t[0] }, [a]),
            ("statistics", { t in t[0].std() * t[0] + t[0].var(dim: 1, keepdim: true) * t[0] + t[0].norm() * t[0]
                                     + t[0].norm(p: 3, dim: 0) * t[0] + t[0].logsumexp(dim: 1, keepdim: true) * t[0] }, [a]),
            ("cumulative", { t in t[0].cumsum(dim: 1) * t[0] + t[0].cumprod(dim: 0) * t[0] }, [a]),
            ("sort/topk", { t in t[0].sort(dim: 1).values * t[0] + t[0].topk(2, dim: 1).values.sum(dim: 1, keepdim: true) * t[0] }, [a]),
            ("indexing", { t in
                let x = t[0]
                return x.indexSelect(dim: 1, index: idx) * x + x.gather(dim: 1, index: Tensor([[1, 0, 1], [2, 2, 0]] as [[Int64]])) * x
                    + x[..., idx] * x + x.maskedSelect(Tensor([true, false, true], shape: [1, 3])).sum() * x
            }, [a]),
            ("scatter/masked fill", { t in
                let x = t[0], index = Tensor([[1], [2]] as [[Int64]])
                return x.scatter(dim: 1, index: index, src: t[1].reshape(1, 3).expand(2, 3)[..., ..<1] * x[..., ..<1]) * x
                    + x.scatter(dim: 1, index: index, value: 2.0) * x + x.scatterAdd(dim: 1, index: index, src: x[..., 1...2] * x[..., ..<1]) * x
                    + x.maskedFill(mask, value: 0.5) * x + x.maskedFill(mask, value: t[1].sum() * 1) * x
            }, [a, b]),
            ("matrix products", { t in t[0].mm(t[1]).pow(2).sum() * t[0] + t[0].mm(t[1]).addmm(t[0], t[1]).pow(2).sum() * t[0] + t[2].dot(t[2] * t[2]) * t[0] + t[3].bmm(t[3].transpose(1, 2)).sum() * t[0] }, [a, m, v, batch]),
            ("softmax", { t in t[0].softmax(dim: 1) * t[0] + t[0].logSoftmax(dim: 0) * t[0] }, [a]),
            ("activations", { t in
                let x = t[0]
                return F.leakyRelu(x, negativeSlope: 0.2) * x + F.elu(x) * x + F.gelu(x) * x + F.gelu(x, approximate: "tanh") * x
                    + F.silu(x) * x + F.softplus(x) * x + F.hardtanh(x * 2, minVal: -0.7, maxVal: 0.8) * x + x.erf() * x
            }, [a]),
            ("convolutions", { t in
                F.conv2d(t[0], weight: t[1], bias: t[2], padding: 1).pow(2).sum() + F.conv2d(t[0], weight: t[1], stride: 2).pow(2).sum()
                    + F.convTranspose2d(t[0][..., ..., ..<2, ..<2], weight: t[1], bias: t[2]).pow(2).sum()
                    + F.conv1d(t[0].reshape(1, 2, 16), weight: t[1][.all, .all, 0], padding: 1).pow(2).sum()
            }, [img, k, bias]),
            ("pooling", { t in F.maxPool2d(t[0] * t[0], kernelSize: 2).pow(2).sum() + F.avgPool2d(t[0], kernelSize: 2, stride: 1).pow(2).sum()
                                  + F.adaptiveAvgPool2d(t[0], outputSize: [3, 2]).pow(2).sum() }, [img]),
            ("padding and resampling", { t in
                let x = t[0]
                let padded = F.pad(x, pad: [1, -1, 2, 0], value: 0.5).pow(2).sum() + F.pad(x, pad: [2, 1, 1, 2], mode: .reflect).pow(2).sum()
                    + F.pad(x, pad: [-1, 2, 1, 1], mode: .replicate).pow(2).sum() + F.pad(x, pad: [1, 2, 2, -1], mode: .circular).pow(2).sum()
                let nearest = F.interpolate(x, scaleFactor: 1.7).pow(2).sum() + F.interpolate(x.flatten(startDim: 2), size: [9]).pow(2).sum()
                let bilinear = F.interpolate(x, size: [5, 3], mode: .bilinear).pow(2).sum()
                    + F.interpolate(x, scaleFactor: 1.5, mode: .bilinear, alignCorners: true).pow(2).sum()
                return padded + nearest + bilinear + F.adaptiveMaxPool2d(x * x, outputSize: [3, 2]).pow(2).sum()
                    + F.instanceNorm(x).pow(3).sum()
            }, [img]),
            ("normalization", { t in
                F.batchNorm(t[0], runningMean: nil, runningVar: nil, weight: t[1], bias: t[2], training: true).pow(2).sum()
                    + F.batchNorm(t[0], runningMean: Tensor([0.1, -0.2], dtype: .float64), runningVar: Tensor([0.5, 2.0], dtype: .float64),
                                  weight: t[1], bias: t[2]).pow(2).sum()
                    + F.layerNorm(t[0], normalizedShape: [4, 4]).pow(3).sum() + F.groupNorm(t[0], numGroups: 1, weight: t[1], bias: t[2]).pow(3).sum()
            }, [img, opLeaf([2], seed: 13, positive: true), opLeaf([2], seed: 12)]),
            ("losses", { t in
                F.mseLoss(t[0], t[1]) * t[0].sum() + F.smoothL1Loss(t[0], t[1] * 2) * t[0].sum() + F.huberLoss(t[0], t[1] * 0.3, delta: 0.5) * t[0].sum()
                    + F.binaryCrossEntropy(t[2], t[1].sigmoid()) * t[0].sum() + F.binaryCrossEntropyWithLogits(t[0], t[1].sigmoid()) * t[0].sum()
                    + F.nllLoss(t[0], labels) * t[0].sum() + F.crossEntropy(t[0], labels) * t[0].sum()
                    + F.nllLoss(t[0].reshape(1, 2, 3), Tensor([[1, 0, 1]] as [[Int64]])) * t[0].sum()
            }, [a, c, probs]),
            ("in-place", { t in
                let x = t[0], y = x * 1, z = x * 1, u = x * 1
                y.copy_(t[1] * t[1]); z[0] = t[1] * 2; u[Tensor([1] as [Int64])] = t[1].unsqueeze(dim: 0) * 3
                let filled = x * 1; filled.fill_(2.0)
                let zeroed = x * 1; zeroed.zero_()
                let sampled = [x * 1, x * 1, x * 1, x * 1, x * 1]
                sampled[0].uniform_(generator: seeded()); sampled[1].normal_(generator: seeded())
                sampled[2].bernoulli_(p: 0.5, generator: seeded()); sampled[3].random_(to: 4, generator: seeded())
                sampled[4].bernoulli_(probs, generator: seeded())
                return (y + z + u) * x + (filled + zeroed + sampled.reduce(x.zerosLike(), +)) * x
            }, [a, b]),
        ]
    }

    @Test func gradgradcheckPassesForEveryDifferentiableOp() throws {
        var covered = Set<String>()
        for (name, function, inputs) in Self.cases() {
            let r = gradgradcheck(function, inputs: inputs)
            #expect(r.passed, "\(name): \(r)")
            covered.formUnion(Self.graphNames(function, inputs))
        }
        let missing = try Self.gradFnNamesInSources().subtracting(covered).subtracting(Self.firstOrderOnly)
        #expect(missing.isEmpty, "ops without a gradgradcheck case: \(missing.sorted())")
    }

    /// Nodes with no double backward by design, each refusing a recorded backward with a
    /// clear error (tested where the op is): the fused float32 LSTM layer (PyTorch's oneDNN
    /// layer has none either; float64 LSTMs are composed and covered above).
    static let firstOrderOnly: Set<String> = ["MkldnnRnnLayerBackward0"]

    /// The names of the nodes in the graph of `function` and in that of its recorded gradients.
    static func graphNames(_ function: ([Tensor]) -> Tensor, _ inputs: [Tensor]) -> Set<String> {
        let y = function(inputs)
        let wrt = inputs.filter(\.requiresGrad)
        let grads = grad(outputs: [y], inputs: wrt, gradOutputs: [y.onesLike()], createGraph: true, allowUnused: true)
        var names = Set<String>()
        var stack = ([y] + grads.compactMap { $0 }).compactMap(\.gradFn)
        var seen = Set(stack.map(ObjectIdentifier.init))
        while let fn = stack.popLast() {
            names.insert(fn.name)
            for case let next? in fn.nextFunctions where seen.insert(ObjectIdentifier(next)).inserted { stack.append(next) }
        }
        return names
    }

    /// Every grad_fn name written in TorchCore's sources: each op records one of these.
    static func gradFnNamesInSources() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/TorchCore")
        let pattern = try NSRegularExpression(pattern: #""([A-Z][A-Za-z0-9]*Backward[A-Za-z0-9]*|CopySlices)""#)
        var names = Set<String>()
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                names.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(names.count > 50, "found \(names.count) names under \(root.path)")
        return names
    }
}
