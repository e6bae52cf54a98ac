import Testing
import TorchCore

/// Finite-difference checks of every backward rule of the indexing, joining, ordering,
/// cumulative and statistics ops, in float64, with non-contiguous inputs (made inside the
/// checked function) and repeated indices.
extension OpGradientTests {
    @Test func indexSelectAndGatherGradients() {
        let x = opLeaf([3, 4, 5], seed: 1)
        let dup = Tensor([2, 0, 2, 2] as [Int64])
        for dim in 0..<3 {
            checkOpGradient({ $0[0].indexSelect(dim: dim, index: dup.remainder(3)) }, [x])
            checkOpGradient({ $0[0].transpose(0, 2).indexSelect(dim: dim, index: dup.remainder(3)) * 2 }, [x])
        }
        checkOpGradient({ $0[0].indexSelect(dim: 1, index: Tensor([1, 1, 3] as [Int32])) }, [x])
        let gidx = Tensor([0, 0, 2, 1, 2, 2, 0, 1] as [Int64], shape: [2, 4])
        checkOpGradient({ $0[0].select(dim: 2, index: 1).gather(dim: 0, index: gidx.remainder(3)) }, [x])
        checkOpGradient({ $0[0].transpose(1, 2).gather(dim: 2, index: gidx.unsqueeze(dim: 0).expand(3, 2, 4)) }, [x])
        checkOpGradient({ $0[0].gather(dim: 1, index: gidx.remainder(2).reshape(2, 4, 1).expand(2, 4, 3)) }, [x])
        // Repeated indices accumulate: each column is picked twice.
        let v = opLeaf([1, 2, 3], [3])
        v.gather(dim: 0, index: Tensor([2, 2, 0, 2] as [Int64])).sum().backward()
        #expect(v.grad!.toArray(Double.self) == [1, 0, 3])
    }

    @Test func scatterGradients() {
        let x = opLeaf([3, 5], seed: 2), s = opLeaf([2, 4], seed: 3)
        // Distinct targets per row for scatter (repeated targets make its value ambiguous).
        let idx = Tensor([4, 0, 2, 1, 3, 1, 0, 4] as [Int64], shape: [2, 4])
        let dupIdx = Tensor([4, 4, 2, 4, 0, 0, 0, 1] as [Int64], shape: [2, 4])
        checkOpGradient({ $0[0].scatter(dim: 1, index: idx, src: $0[1]) }, [x, s])
        checkOpGradient({ $0[0].t().scatter(dim: 0, index: idx.t(), src: $0[1].t()) }, [x, s])
        checkOpGradient({ $0[0].scatter(dim: 1, index: idx[..., ..<3], src: $0[1]) }, [x, s])
        checkOpGradient({ $0[0].scatter(dim: 1, index: idx, value: 2.5) }, [x])
        checkOpGradient({ $0[0].scatterAdd(dim: 1, index: dupIdx, src: $0[1]) }, [x, s])
        checkOpGradient({ $0[0].t().scatterAdd(dim: 0, index: dupIdx.t(), src: $0[1].t() * 3) }, [x, s])
    }

    @Test func maskGradients() {
        let x = opLeaf([3, 4], seed: 4), v = opLeaf([1.5], []), row = Tensor([true, false, true, true])
        checkOpGradient({ $0[0].maskedFill($0[0].detach().gt(0), value: 0.25) }, [x])
        checkOpGradient({ $0[0].t().maskedFill(row.unsqueeze(dim: 1), value: -1.0) }, [x])
        checkOpGradient({ $0[0].maskedFill(row, value: $0[1]) }, [x, v])
        checkOpGradient({ $0[0].maskedSelect($0[0].detach().lt(0.3)) }, [x])
        checkOpGradient({ $0[0].t().maskedSelect(row.unsqueeze(dim: 1)) }, [x])
        // A broadcast mask selects each element of a broadcast input several times.
        let r = opLeaf([4], seed: 5)
        checkOpGradient({ $0[0].maskedSelect(Tensor([true, false, true], shape: [3, 1]).expand(3, 4)) }, [r])
    }

    @Test func subscriptGradients() {
        let x = opLeaf([3, 4, 5], seed: 6)
        let dup = Tensor([1, -1, 1] as [Int64])
        let subscripts: [(Tensor) -> Tensor] = [
            { $0[1] }, { $0[-1, 2] }, { $0[..., 1..<3] }, { $0[.slice(step: 2), .slice(-3, nil, step: 2)] },
            { $0[.newAxis, 0, .ellipsis, 2] }, { $0[.ellipsis, 1...] },
            { $0[dup] }, { $0[..., dup] }, { $0[dup, ..., dup.remainder(5)] }, { $0[dup, dup.remainder(4)] },
            { $0[0, dup, 1..<4] }, { $0[Tensor([[0, 1], [2, 2]] as [[Int64]])] },
            { $0[$0.detach().gt(0.2)] }, { $0[1, $0.detach()[1].lt(0)] }, { $0[..., Tensor([true, false, true, true])] },
            { $0[Tensor([true, false, true])][.slice(step: 2)] }, { $0.transpose(0, 2)[dup.remainder(5), 1..., dup] },
        ]
        for (i, s) in subscripts.enumerated() {
            let r = gradcheck({ s($0[0]) }, inputs: [x])
            #expect(r.passed, "subscript \(i): \(r)")
        }
        // Repeated positions accumulate.
        let v = opLeaf([1, 2, 3], [3])
        v[Tensor([2, 0, 2, -1] as [Int64])].sum().backward()
        #expect(v.grad!.toArray(Double.self) == [1, 0, 3])
    }

    @Test func joiningGradients() {
        let a = opLeaf([2, 3], seed: 7), b = opLeaf([4, 3], seed: 8), c = opLeaf([2, 3], seed: 9)
        checkOpGradient({ Tensor.cat([$0[0], $0[1], $0[0]], dim: 0) }, [a, b])
        checkOpGradient({ Tensor.cat([$0[0].t(), $0[1].t()], dim: 1) }, [a, b])
        checkOpGradient({ Tensor.cat([$0[0], Tensor.zeros([0]), Tensor.ones([1, 3], dtype: .float64)], dim: -2) }, [a])
        // Mixed dtypes: each input gets its gradient in its own dtype.
        let f32 = Tensor([1.0, 2.0], dtype: .float32).requiresGrad_(), f64 = opLeaf([3], [1])
        (Tensor.cat([f32, f64]) * Tensor([1.0, 2.0, 3.0], dtype: .float64)).sum().backward()
        #expect(f32.grad!.dtype == .float32 && f32.grad!.toArray(Float.self) == [1, 2] && f64.grad!.toArray(Double.self) == [3])
        for dim in [0, 1, 2, -1] {
            checkOpGradient({ Tensor.stack([$0[0], $0[1].t().t(), $0[0]], dim: dim) }, [a, c])
        }
        checkOpGradient({ Tensor.stack($0[1].split(3, dim: 0).map { $0.sum(dim: 0) }, dim: 0) }, [a, b])
        checkOpGradient({ i in Tensor.cat(i[1].split(sizes: [1, 3], dim: 0).reversed().map { $0 * 2 }, dim: 0) }, [a, b])
        checkOpGradient({ i in Tensor.cat(i[1].t().chunk(2, dim: 1).map { $0.exp() }, dim: 1) }, [a, b])
        checkOpGradient({ i in Tensor.stack(i[1].unbind(dim: 1).map { $0.sin() }, dim: 0) }, [a, b])
        // Only some pieces used: the others get zero gradient.
        checkOpGradient({ $0[1].unbind(dim: 0)[2] * 3 }, [a, b])
    }

    @Test func maxMinAmaxAminGradients() {
        let x = opLeaf([3, 4, 5], seed: 10)
        for dim in [0, 1, -1] {
            for keepdim in [false, true] {
                checkOpGradient({ $0[0].max(dim: dim, keepdim: keepdim).values }, [x])
                checkOpGradient({ $0[0].transpose(0, 2).min(dim: dim, keepdim: keepdim).values }, [x])
                checkOpGradient({ $0[0].amax(dim: dim, keepdim: keepdim) }, [x])
                checkOpGradient({ $0[0].transpose(1, 2).amin(dims: dim == 1 ? [1] : [dim, 1], keepdim: keepdim) }, [x])
            }
        }
        checkOpGradient({ $0[0].amax() + $0[0].amin(dims: [0, 2]).sum() }, [x])
        // Ties: max(dim:) sends everything to the returned (first) index, amax splits evenly.
        let t = opLeaf([1, 3, 3, 2, 5, 5, 5, 0], [2, 4])
        let m = t.max(dim: 1)
        #expect(m.indices.toArray(Int64.self) == [1, 0])
        (m.values * Tensor([1.0, 10.0], dtype: .float64)).sum().backward()
        #expect(t.grad!.toArray(Double.self) == [0, 1, 0, 0, 10, 0, 0, 0])
        t.grad = nil
        (t.amax(dim: 1, keepdim: true) * Tensor([[1.0], [9.0]], dtype: .float64)).sum().backward()
        #expect(t.grad!.toArray(Double.self) == [0, 0.5, 0.5, 0, 3, 3, 3, 0])
        t.grad = nil
        t.amin().backward()
        #expect(t.grad!.toArray(Double.self) == [0, 0, 0, 0, 0, 0, 0, 1])
        let s = opLeaf([7], [])
        s.max(dim: 0).values.backward()
        #expect(s.grad!.item(Double.self) == 1)
    }

    @Test func varStdGradients() {
        let x = opLeaf([3, 4, 5], seed: 11)
        checkOpGradient({ $0[0].var() + $0[0].std() }, [x])
        checkOpGradient({ $0[0].var(unbiased: false) * $0[0].std(correction: 2) }, [x])
        for dim in [0, 1, -1] {
            for keepdim in [false, true] {
                checkOpGradient({ $0[0].var(dim: dim, keepdim: keepdim) }, [x])
                checkOpGradient({ $0[0].transpose(0, 1).std(dim: dim, unbiased: false, keepdim: keepdim) }, [x])
                checkOpGradient({ $0[0].std(dims: dim == 0 ? [0, 2] : [dim, 0], keepdim: keepdim, correction: 0) }, [x])
            }
        }
        checkOpGradient({ $0[0].var(dims: [0, 2], correction: 2) }, [x])
        checkOpGradient({ $0[0].std(dims: [2, 1], keepdim: true, correction: 1.5) }, [x])
    }

    @Test func normGradients() {
        let x = opLeaf([3, 4, 5], seed: 12)
        for p in [2, 1, 3, 1.5, 0.5, -1, Double.infinity, -Double.infinity] {
            checkOpGradient({ $0[0].norm(p: p) }, [x])
            checkOpGradient({ $0[0].transpose(0, 2).norm(p: p, dim: 1) }, [x])
            checkOpGradient({ $0[0].norm(p: p, dims: [0, 2], keepdim: true) }, [x])
        }
        // p = 0 counts nonzeros: zero gradient.
        let y = opLeaf([3, 4], seed: 13)
        y.norm(p: 0).backward()
        #expect(y.grad!.toArray(Double.self) == [Double](repeating: 0, count: 12))
        // Norm of a row of zeros next to a nonzero row.
        checkOpGradient({ ($0[0] * Tensor([[0.0], [1.0], [1.0]], dtype: .float64)).norm(dim: 1) }, [y])
    }

    @Test func logsumexpGradients() {
        let x = opLeaf([3, 4, 5], seed: 14)
        checkOpGradient({ $0[0].logsumexp(dims: []) }, [x])
        for dim in [0, 1, -1] {
            checkOpGradient({ $0[0].logsumexp(dim: dim) }, [x])
            checkOpGradient({ $0[0].transpose(0, 2).logsumexp(dims: dim == 1 ? [1] : [dim, 1], keepdim: true) }, [x])
        }
        // Large values stay finite.
        let big = opLeaf([1000, 1000, 990], [3])
        big.logsumexp(dim: 0).backward()
        #expect(big.grad!.toArray(Double.self).allSatisfy { $0.isFinite })
    }

    @Test func cumulativeGradients() {
        let x = opLeaf([3, 4, 5], seed: 15)
        for dim in [0, 1, -1] {
            checkOpGradient({ $0[0].cumsum(dim: dim) }, [x])
            checkOpGradient({ $0[0].transpose(0, 2).cumsum(dim: dim) * 2 }, [x])
            checkOpGradient({ $0[0].cumprod(dim: dim) }, [x])
            checkOpGradient({ $0[0].transpose(1, 2).cumprod(dim: dim) }, [x])
        }
        // A requested dtype: the gradient comes back in the input's.
        let h = opLeaf([1, 2, 3], [3])
        h.cumsum(dim: 0, dtype: .float32).sum().backward()
        #expect(h.grad!.dtype == .float64 && h.grad!.toArray(Double.self) == [3, 2, 1])
        // Zeros: none, one, two (adjacent and apart), first and last positions.
        let rows: [Double] = [0, 2, 3, -1, 1.5,   2, 0, 3, 0, 1.5,   2, 0, 0, -1, 1.5,   2, -2, 3, -1, 0,   1, 2, 0.5, -1, 3]
        let z = opLeaf(rows, [5, 5])
        checkOpGradient({ $0[0].cumprod(dim: 1) }, [z])
        checkOpGradient({ $0[0].cumprod(dim: 0) }, [z])
        checkOpGradient({ $0[0].t().cumprod(dim: 1) }, [z])
        checkOpGradient({ $0[0].cumprod(dim: 0) }, [opLeaf([0], [1])])
        // prod with zeros (its rule lives with the reductions).
        checkOpGradient({ $0[0].prod(dim: 1) }, [z])
        checkOpGradient({ $0[0].prod(dim: 0, keepdim: true) }, [z])
        checkOpGradient({ $0[0][1...].prod() }, [z])
        checkOpGradient({ $0[0][..., 3...].prod() }, [z])
        checkOpGradient({ $0[0][1..<2].prod() }, [z])
    }

    @Test func sortTopkGradients() {
        let x = opLeaf([3, 4, 5], seed: 17)
        for dim in [0, 1, -1] {
            for descending in [false, true] {
                checkOpGradient({ $0[0].sort(dim: dim, descending: descending).values }, [x])
                checkOpGradient({ $0[0].transpose(0, 2).topk(2, dim: dim, largest: descending).values }, [x])
            }
        }
        checkOpGradient({ $0[0].sort(dim: 0).values }, [opLeaf([2.5], [])])
        checkOpGradient({ $0[0].topk(0, dim: 1).values.sum() + $0[0].sum() }, [x])
    }

    @Test func secondOrderGradients() {
        let x = Tensor.randn([3, 4], dtype: .float64, generator: Generator(seed: 18))
        let idx = Tensor([2, 0, 2, 1, 1, 3, 0, 0] as [Int64], shape: [2, 4])
        expectSecondOrder({ $0.gather(dim: 0, index: idx.remainder(3)).pow(3) }, at: x)
        expectSecondOrder({ $0.indexSelect(dim: 1, index: Tensor([3, 3, 0] as [Int64])).pow(3) }, at: x)
        expectSecondOrder({ $0[Tensor([2, 0, 2] as [Int64])].pow(3) }, at: x)
        expectSecondOrder({ $0[1..., .slice(step: 2)].pow(3) }, at: x)
        expectSecondOrder({ $0.sin().scatterAdd(dim: 1, index: idx.remainder(3), src: $0.pow(2)).pow(2) }, at: x)
        expectSecondOrder({ $0.scatter(dim: 1, index: Tensor([[0], [3], [1]] as [[Int64]]), src: $0.sin()).pow(2) }, at: x)
        expectSecondOrder({ $0.maskedFill($0.gt(0), value: 1.0).pow(3) }, at: x)
        expectSecondOrder({ Tensor.cat([$0, $0.sin()], dim: 1).pow(3) }, at: x)
        expectSecondOrder({ Tensor.stack($0.unbind(dim: 1), dim: 0).pow(3) + $0.split(3, dim: 1)[1].pow(3).sum() }, at: x)
        expectSecondOrder({ $0.max(dim: 1).values.pow(3).sum() + $0.amax(dim: 0).pow(3).sum() }, at: x)
        expectSecondOrder({ $0.sort(dim: 1).values.pow(3) + $0.topk(2, dim: 0).values.sin().sum() }, at: x)
        expectSecondOrder({ $0.cumsum(dim: 1).pow(3) + $0.cumprod(dim: 0) * 2 }, at: x)
        expectSecondOrder({ $0.var(dim: 1) * $0.std(dim: 0).sum() }, at: x)
        expectSecondOrder({ $0.norm(dim: 1).sum() + $0.norm(p: 3) + $0.norm(p: 1.5, dim: 0).sum() }, at: x)
        expectSecondOrder({ $0.logsumexp(dim: 1) * 2 }, at: x)
        expectSecondOrder({ $0.maskedSelect($0.gt(0)).pow(3) }, at: x)
    }
}
