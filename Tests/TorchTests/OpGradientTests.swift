import Testing
import TorchCore

/// Random float64 leaves for gradient checks, from a private generator.
func opLeaf(_ shape: [Int], seed: UInt64, positive: Bool = false) -> Tensor {
    let t = Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed))
    return (positive ? t.abs() + 0.5 : t).requiresGrad_()
}

/// A float64 leaf with the given values.
func opLeaf(_ values: [Double], _ shape: [Int]) -> Tensor {
    Tensor(values, shape: shape, dtype: .float64).requiresGrad_()
}

func checkOpGradient(_ f: @escaping ([Tensor]) -> Tensor, _ inputs: [Tensor],
                     sourceLocation: SourceLocation = #_sourceLocation) {
    let r = gradcheck(f, inputs: inputs)
    #expect(r.passed, "\(r)", sourceLocation: sourceLocation)
}

/// The gradient of `f(x).sum()` at `x`.
func opGradient(_ f: (Tensor) -> Tensor, at x: Tensor) -> Tensor {
    let leaf = x.detach().clone().requiresGrad_()
    f(leaf).sum().backward()
    return leaf.grad!
}

/// Checks double backward: the Hessian-vector product H·v of `f(x).sum()` from
/// `backward(createGraph: true)` against central differences of the first gradient along `v`.
func expectSecondOrder(_ f: @escaping (Tensor) -> Tensor, at x0: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
    let v = Tensor.randn(x0.shape, dtype: .float64, generator: Generator(seed: 99))
    let x = x0.detach().clone().requiresGrad_()
    f(x).sum().backward(createGraph: true)
    guard let g = x.grad, g.requiresGrad else {
        Issue.record("the first gradient was not recorded for double backward", sourceLocation: sourceLocation)
        return
    }
    x.grad = nil
    (g * v).sum().backward()
    let eps = 1e-6
    let numeric = (opGradient(f, at: x0.detach() + v * eps) - opGradient(f, at: x0.detach() - v * eps)) / (2 * eps)
    expectClose(x.grad!, numeric, rtol: 1e-4, atol: 1e-6, sourceLocation: sourceLocation)
}

@Suite struct OpGradientTests {
    let f = Fixture("opgradients")

    @Test func indexingMatchesPyTorch() {
        let x = f["smooth"].requiresGrad_()
        let idx = Tensor([0, 0, 5, 1, 2, 2, 3, 3, 3, 5, 4, 0] as [Int64], shape: [4, 3])
        var loss = x.gather(dim: 1, index: idx).pow(2).sum()
        loss = loss + x.indexSelect(dim: 1, index: Tensor([0, 2, 2, 5] as [Int64])).sin().sum()
        loss = loss + x[Tensor([0, 0, 3] as [Int64])][..., 1..<4].exp().mean()
        loss = loss + x[1..., Tensor([1, 1, -1] as [Int64])].pow(3).sum()
        loss = loss + x[x.gt(0.5)].pow(2).sum()
        loss = loss + x.maskedFill(x.gt(0.5), value: 0.0).cumsum(dim: 1).pow(2).sum()
        loss = loss + x.maskedSelect(x.lt(0)).abs().sum()
        loss = loss + x[.slice(step: 2), .slice(1, nil, step: 2)].t().reshape(-1).pow(2).sum()
        expectClose(loss.detach(), f["indexing_loss"], rtol: 1e-12, atol: 1e-12)
        loss.backward()
        expectClose(x.grad!, f["indexing_grad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func scatterMatchesPyTorch() {
        let x = f["smooth"].requiresGrad_(), s = f["weights"].narrow(dim: 1, start: 0, length: 4).contiguous().requiresGrad_()
        let sidx = Tensor([0, 5, 2, 3, 1, 1, 4, 0, 5, 2, 2, 1] as [Int64], shape: [3, 4])
        let top = x[..<3]
        let z = top.scatter(dim: 1, index: sidx[..., ..<2], src: s[..., ..<2]) * 2 + top.scatterAdd(dim: 1, index: sidx, src: s).pow(2)
        let loss = z.sum() + x[1...].scatter(dim: 1, index: sidx, value: 0.5).pow(2).sum()
        expectClose(loss.detach(), f["scatter_loss"], rtol: 1e-12, atol: 1e-12)
        loss.backward()
        expectClose(x.grad!, f["scatter_x_grad"], rtol: 1e-10, atol: 1e-12)
        expectClose(s.grad!, f["scatter_src_grad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func joiningMatchesPyTorch() {
        let x = f["smooth"].requiresGrad_(), w = f["weights"].requiresGrad_()
        var loss = (Tensor.cat([x, w], dim: 0).pow(2).sum(dim: 0) * Tensor.stack([x[0], w[1]], dim: 1).sum(dim: 1)).sum()
        for (i, p) in x.split(2, dim: 1).enumerated() { loss = loss + (p * Double(i + 1)).sum() }
        for r in w.unbind(dim: 0) { loss = loss + r.exp().sum() }
        loss = loss + x.chunk(3, dim: 0)[1].pow(2).sum() + x.split(sizes: [1, 5], dim: 1)[1].sin().sum()
        expectClose(loss.detach(), f["joining_loss"], rtol: 1e-12, atol: 1e-12)
        loss.backward()
        expectClose(x.grad!, f["joining_x_grad"], rtol: 1e-10, atol: 1e-12)
        expectClose(w.grad!, f["joining_w_grad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func orderingWithTiesMatchesPyTorch() {
        let x = f["base"].requiresGrad_(), weights = f["weights"]
        let wt = Tensor.arange(1.0, 7.0, dtype: .float64)
        var loss = (x.sort(dim: 1).values * wt).sum()
        loss = loss + (x.sort(dim: 0, descending: true).values * weights[0, ..<4].unsqueeze(dim: 1)).sum()
        loss = loss + (x.topk(2, dim: 0).values * Tensor([[1.0], [3.0]], dtype: .float64)).sum()
        loss = loss + (x.max(dim: 1).values * Tensor([1.0, 2, 3, 4], dtype: .float64)).sum()
        loss = loss + x.min(dim: 0, keepdim: true).values.pow(2).sum() + x.amax(dim: 1).pow(2).sum()
        loss = loss + x.amin(dims: [0, 1]) * 3 + x.amax(dim: 0, keepdim: true).sum() + x.max() * 5
        expectClose(loss.detach(), f["ordering_loss"], rtol: 1e-12, atol: 1e-12)
        loss.backward()
        expectClose(x.grad!, f["ordering_grad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func cumulativeWithZerosMatchesPyTorch() {
        let x = f["base"].requiresGrad_(), weights = f["weights"]
        let w = Tensor.cat([weights, weights], dim: 0)[..<4]
        var loss = (x.cumprod(dim: 1) * w).sum() + (x.cumprod(dim: 0) * 0.5).pow(2).sum()
        loss = loss + x.cumsum(dim: 0).pow(2).sum() + x.prod(dim: 1).sum() + x[..., 1...].prod()
        expectClose(loss.detach(), f["cumulative_loss"], rtol: 1e-12, atol: 1e-12)
        loss.backward()
        expectClose(x.grad!, f["cumulative_grad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func statisticsMatchPyTorch() {
        let x = f["smooth"].requiresGrad_()
        var loss = x.var(dim: 1).sum() + x.std(dim: 0, correction: 0).pow(2).sum() + x.var() + x.std()
        loss = loss + x.std(dims: [0, 1], correction: 2) + x.norm(p: 3, dim: 1).sum() + x.norm() + x.norm(p: 1)
        loss = loss + x.norm(p: .infinity, dim: 0).sum() + x.norm(p: 1.5, dim: 1, keepdim: true).sum()
        loss = loss + x.norm(p: 0.5) + x.logsumexp(dim: 1).sum() + x.logsumexp(dims: [0, 1])
        expectClose(loss.detach(), f["statistics_loss"], rtol: 1e-12, atol: 1e-12)
        loss.backward()
        expectClose(x.grad!, f["statistics_grad"], rtol: 1e-10, atol: 1e-12)
    }

    @Test func normAtZeroUsesPyTorchsSubgradient() {
        let z = Tensor.zeros([2, 3], dtype: .float64).requiresGrad_()
        let loss = z.norm() + z.norm(p: 1) + z.norm(p: 3) + z.norm(p: .infinity, dim: 1).sum() + z.norm(p: 1.5) + z.norm(dim: 0).sum()
        loss.backward()
        expectEqual(z.grad!, f["norm_zero_grad"])
        // p < 1: the zero elements get 0 rather than inf · 0.
        let y = opLeaf([0, 2, 0], [3])
        y.norm(p: 0.5).backward()
        #expect(y.grad!.toArray(Double.self).map { $0.isFinite } == [true, true, true])
        #expect(y.grad!.toArray(Double.self)[0] == 0)
    }

    @Test func gradFnNamesMatchPyTorch() {
        let names: [String: String] = f.value("names")
        let a = opLeaf([3, 4], seed: 1)
        let i = Tensor([0, 2, 2] as [Int64])
        let ours: [String: () -> Tensor] = [
            "index_select": { a.indexSelect(dim: 1, index: i) },
            "gather": { a.gather(dim: 1, index: Tensor([0, 1, 1, 1, 3, 0] as [Int64], shape: [3, 2])) },
            "scatter": { a.scatter(dim: 1, index: Tensor([0, 1, 3] as [Int64], shape: [3, 1]), src: a[..., ..<1]) },
            "scatter_value": { a.scatter(dim: 1, index: Tensor([0, 1, 3] as [Int64], shape: [3, 1]), value: 1.0) },
            "scatter_add": { a.scatterAdd(dim: 1, index: Tensor([0, 1, 3] as [Int64], shape: [3, 1]), src: a[..., ..<1]) },
            "masked_fill": { a.maskedFill(a.gt(0), value: 0.0) },
            "masked_fill_tensor": { a.maskedFill(a.gt(0), value: Tensor(scalar: 0.0, dtype: .float64)) },
            "masked_select": { a.maskedSelect(a.gt(0)) },
            "select": { a[0] }, "slice": { a[1...] }, "slice_all": { a[...] }, "slice_step": { a[..., .slice(step: 2)] },
            "newaxis": { a[.newAxis] }, "index": { a[i] }, "mask": { a[a.gt(0)] }, "ellipsis": { a[.ellipsis, 1] },
            "index_after_select": { a[0, i] },
            "cat": { Tensor.cat([a, a]) }, "stack": { Tensor.stack([a, a]) }, "split": { a.split(2)[0] },
            "chunk": { a.chunk(2)[1] }, "unbind": { a.unbind()[0] }, "split_sizes": { a.split(sizes: [1, 3], dim: 1)[0] },
            "max_dim": { a.max(dim: 1).values }, "min_dim": { a.min(dim: 1).values }, "amax": { a.amax(dim: 1) },
            "amin": { a.amin(dim: 1) }, "var": { a.var() }, "var_dim": { a.var(dim: 1) }, "std": { a.std() },
            "std_dim": { a.std(dim: 1, correction: 0) }, "norm": { a.norm() }, "norm_p": { a.norm(p: 3, dim: 1) },
            "norm_inf": { a.norm(p: .infinity) }, "logsumexp": { a.logsumexp(dim: 1) },
            "cumsum": { a.cumsum(dim: 1) }, "cumprod": { a.cumprod(dim: 1) }, "sort": { a.sort(dim: 1).values },
            "topk": { a.topk(2).values },
        ]
        #expect(Set(ours.keys) == Set(names.keys))
        for (key, make) in ours { #expect(make().gradFn?.name == names[key], "\(key)") }
        // Indices, comparisons and nonzero are not differentiable.
        #expect(!a.max(dim: 1).indices.requiresGrad && !a.sort().indices.requiresGrad && !a.argmax(dim: 0).requiresGrad)
        #expect(!a.gt(0).requiresGrad && !a.nonzero().requiresGrad && !a.topk(1).indices.requiresGrad)
        #expect(noGrad { a.gather(dim: 0, index: Tensor([[0, 1, 2, 0]] as [[Int64]])) }.gradFn == nil)
    }
}

/// In-place writes inside `noGrad` and into tensors outside any graph (the autograd cases are
/// in InPlaceAutogradTests).
extension OpGradientTests {
    @Test func inPlaceWritesAllowedInsideNoGrad() {
        let x = Tensor.zeros([2, 3], dtype: .float64).requiresGrad_()
        noGrad {
            x.fill_(2)
            x[0] = Tensor.ones([3], dtype: .float64)
            x[Tensor([1] as [Int64]), 2] = Tensor(scalar: 5.0, dtype: .float64)
            x.copy_(x * 2)
            x.maskedFill_(x.gt(9), value: -1.0)
        }
        #expect(x.toArray(Double.self) == [2, 2, 2, 4, 4, -1])
        #expect(x.requiresGrad && x.isLeaf)
        // Tensors outside the graph are written as usual with grad mode on.
        let y = Tensor.zeros([3], dtype: .float64)
        y[1] = Tensor(scalar: 3.0, dtype: .float64)
        y.copy_(y + 1)
        #expect(y.toArray(Double.self) == [1, 4, 1])
    }
}
