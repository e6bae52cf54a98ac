import Testing
import TorchCore

@Suite struct IndexingTests {
    let f = Fixture("indexing")

    @Test func basicSubscripts() {
        let x = f["x"]
        expectEqual(x[0], f["i0"])
        expectEqual(x[-1], f["im1"])
        expectEqual(x[-1, -1], f["im1m1"])
        expectEqual(x[1, 2, 3], f["i_1_2_3"])
        expectEqual(x[1..<3], f["r1_3"])
        expectEqual(x[1...2], f["c1_2"])
        expectEqual(x[1...], f["from1"])
        expectEqual(x[..<2], f["upto2"])
        expectEqual(x[...1], f["through1"])
        expectEqual(x[..., 1...], f["all_from1"])
        expectEqual(x[.all, 1...], f["all_from1"])
        expectEqual(x[..., ..., .slice(step: 2)], f["step2"])
        expectEqual(x[.all, .all, .slice(nil, nil, step: 2)], f["step2"])
        expectEqual(x[..., .slice(1, -1)], f["slice_neg"])
        expectEqual(x[.slice(-100, 100), .slice(2, 50)], f["slice_clamp"])
        expectEqual(x[.slice(2, 1)], f["slice_empty"])
        expectEqual(x[0, 1..<3, .slice(step: 2)], f["mixed"])
        expectEqual(x[.ellipsis, 0], f["ellipsis_0"])
        expectEqual(x[0, .ellipsis, 1..<3], f["ellipsis_mid"])
        expectEqual(x[.newAxis, 0], f["newaxis"])
        expectEqual(x[..., .newAxis, 2], f["newaxis_mid"])
        expectEqual(x[..., ..., (-3)...], f["through_neg"])
        expectEqual(x[..., ..., -3 ... -1], f["through_neg"])
        expectEqual(x[.all, .all, .slice(-3)], f["through_neg"])
        let s: Float = x[1, 2, 3]
        #expect(s == f["i_1_2_3"].item(Float.self))
    }

    @Test func subscriptsOnNonContiguousViews() {
        let xt = f["x"].transpose(0, 2)
        #expect(!xt.isContiguous)
        expectEqual(xt[1], f["xt_i"])
        expectEqual(xt[.slice(1, 4, step: 2), 1..., -1], f["xt_slice"])
        expectEqual(xt[.slice(step: 3), .slice(step: 2)], f["xt_step"])
        expectEqual(xt[xt.gt(0.5)], f["xt_mask"])
        expectEqual(xt[Tensor([4, 1]), 2...], f["xt_idx"])
        expectEqual(xt.gather(dim: 1, index: f["g1"].permute(2, 1, 0)[..., ..<4]), f["gather_t"])
        expectEqual(xt.gt(1).nonzero(), f["nonzero_t"])
    }

    @Test func basicSubscriptsAreViews() {
        let x = f["x"].clone()
        let row = x[1]
        #expect(row.storage === x.storage)
        row.fill_(3.0)
        expectEqual(x[1], Tensor.full([4, 5], Float(3)))
        let col = x[..., 2, .slice(step: 2)]
        #expect(col.storage === x.storage)
        col.fill_(-2.0)
        expectEqual(x[0, 2, .slice(step: 2)], Tensor.full([3], Float(-2)))
        expectEqual(x[0, 2, .slice(1, nil, step: 2)], f["x"][0, 2, .slice(1, nil, step: 2)])
        let whole = x[...]
        #expect(whole.storage === x.storage && whole.shape == x.shape)
        let picked = x[Tensor([0, 1])]
        picked.fill_(100.0)
        #expect(x.eq(100.0).any().item(Bool.self) == false)   // advanced indexing copies
    }

    @Test func setters() {
        let x = f["x"]
        var y = x.clone(); y[0] = Tensor.arange(5.0, dtype: .float32); expectEqual(y, f["set_row"])
        y = x.clone(); y[.all, 1] = 7.0; expectEqual(y, f["set_col_scalar"])
        y = x.clone(); y[..., 1] = 7.0; expectEqual(y, f["set_col_scalar"])
        y = x.clone(); y[1, 2, 3] = -1.0; expectEqual(y, f["set_elem"])
        y = x.clone(); y[.ellipsis, 1...] = Tensor.ones([4, 4]); expectEqual(y, f["set_ellipsis"])
        y = x.clone(); y[f["mask3"]] = 0.0; expectEqual(y, f["set_mask_scalar"])
        y = x.clone(); y[f["mask2"]] = Tensor.arange(5.0, dtype: .float32); expectEqual(y, f["set_mask2_row"])
        let n: Int = f["mask3"].sum().item()
        y = x.clone(); y[f["mask3"]] = Tensor.arange(Double(n), dtype: .float32); expectEqual(y, f["set_mask_values"])
        y = x.clone(); y[f["idx"][..<2]] = Tensor.zeros([5]); expectEqual(y, f["set_idx"])
        y = x.clone(); y[f["ia"], .all, Tensor([4, 0, 1])] = Tensor.arange(4.0, dtype: .float32)
        expectEqual(y, f["set_adv_nonadj"])
        let yi = Tensor.zeros([4, 3], dtype: .int32); yi[Tensor([1, 3])] = 2; expectEqual(yi, f["set_int_idx_scalar"])
        let yl = Tensor.zeros([4, 3], dtype: .int64); yl[1..., 1] = Tensor([1.7, -2.5, 3.9]); expectEqual(yl, f["set_convert"])
    }

    @Test func maskAndIndexSelection() {
        let x = f["x"]
        expectEqual(x[f["mask3"]], f["x_mask3"])
        expectEqual(x[f["mask2"]], f["x_mask2"])
        expectEqual(x[..., f["mask1"]], f["x_all_mask1"])
        expectEqual(x[f["idx"]], f["x_idx"])
        expectEqual(x[..., f["idx"]], f["x_all_idx"])
        expectEqual(x[.ellipsis, f["idx"]], f["x_last_idx"])
        expectEqual(x[..., f["idx2"]], f["x_all_idx2"])
        expectEqual(x[f["ia"], f["ib"]], f["x_ia_ib"])
        expectEqual(x[f["ia"], .all, Tensor([4, 0, 1])], f["x_ia_all_ib"])
        expectEqual(x[1, ..., f["idx"]], f["x_int_idx"])
        #expect(x[Tensor(true)].shape == [1, 3, 4, 5])
        #expect(x[Tensor(false)].shape == [0, 3, 4, 5])
    }

    @Test func indexOps() {
        let x = f["x"]
        expectEqual(x.indexSelect(dim: 0, index: Tensor([2, 0, 2])), f["index_select0"])
        expectEqual(x.indexSelect(dim: 1, index: Tensor([3, 1])), f["index_select1"])
        expectEqual(x.indexSelect(dim: -1, index: Tensor([4, 4, 0, 1] as [Int32])), f["index_select2"])
        expectEqual(x.gather(dim: 0, index: f["g0"]), f["gather0"])
        expectEqual(x.gather(dim: 1, index: f["g1"]), f["gather1"])
        expectEqual(x.gather(dim: 2, index: f["g2"]), f["gather2"])
        expectEqual(x.scatter(dim: 0, index: f["s0u"], src: f["src"]), f["scatter0"])
        expectClose(x.scatterAdd(dim: 0, index: f["s0"], src: f["src"]), f["scatter_add0"])
        expectClose(x.scatterAdd(dim: 1, index: f["s1"], src: f["src"]), f["scatter_add1"])
        expectEqual(x.scatter(dim: -1, index: f["s2"], src: f["src"]), f["scatter2"])
        expectEqual(Tensor.zeros([3, 10]).scatter(dim: 1, index: Tensor([[3], [0], [9]]), value: 1.0), f["scatter_value"])
        expectEqual(f["xi"].scatterAdd(dim: 1, index: Tensor([[0, 0, 1], [3, 3, 3], [2, 1, 0]]), src: Tensor.ones([3, 3], dtype: .int32)),
                    f["scatter_add_int"])
        let inPlace = x.clone()
        inPlace.scatterAdd_(dim: 1, index: f["s1"], src: f["src"])
        expectClose(inPlace, f["scatter_add1"])
        expectEqual(x.maskedFill(f["mask3"], value: -1.0), f["masked_fill"])
        expectEqual(x.maskedFill(f["mask1"].unsqueeze(dim: 1), value: 2.5), f["masked_fill_bcast"])
        expectEqual(Tensor([1, 2, 3]).maskedFill(Tensor([true, false, true]), value: 2.5), f["masked_fill_int"])
        expectEqual(x.maskedFill(f["mask3"], value: Tensor(-1.0)), f["masked_fill"])
        let filled = x.clone()
        filled.maskedFill_(f["mask3"], value: -1.0)
        expectEqual(filled, f["masked_fill"])
        expectEqual(x.maskedSelect(f["mask3"]), f["masked_select"])
        expectEqual(x.maskedSelect(f["mask1"].unsqueeze(dim: 1)), f["masked_select_bcast"])
        expectEqual(x.gt(0.5).nonzero(), f["nonzero"])
        expectEqual(f["nzi"].nonzero(), f["nonzero_int"])
    }

    @Test func joining() {
        let a = f["a23"], b = f["b23"], c = f["c24"]
        expectEqual(Tensor.cat([a, b, a]), f["cat0"])
        expectEqual(Tensor.cat([a, c], dim: 1), f["cat1"])
        expectEqual(Tensor.cat([a, c], dim: -1), f["cat_neg"])
        expectEqual(Tensor.cat([a.t(), b.t()], dim: 1), f["cat_t"])
        expectEqual(Tensor.cat([f["i23"], f["u13"]]), f["cat_int_uint8"])
        expectEqual(Tensor.cat([f["i23"], Tensor.zeros([0]), f["u13"]]), f["cat_legacy_empty"])
        expectEqual(Tensor.cat([f["i23"], f["h13"]]), f["cat_int_half"])
        expectEqual(Tensor.cat([Tensor([true]), Tensor([false, true])]), f["cat_bool"])
        expectEqual(Tensor.stack([a, b]), f["stack0"])
        expectEqual(Tensor.stack([a, b, a], dim: 1), f["stack1"])
        expectEqual(Tensor.stack([a, b], dim: -1), f["stack2"])
        expectEqual(Tensor.stack([f["i23"], a.to(dtype: .float64)]), f["stack_mixed"])
    }

    @Test func splitting() {
        let x = f["x"]
        let s = x.split(2, dim: 1)
        #expect(s.count == 2)
        for (k, t) in s.enumerated() { expectEqual(t, f["split2_d1_\(k)"]) }
        let sz = x.split(sizes: [1, 3, 1], dim: -1)
        #expect(sz.count == 3)
        for (k, t) in sz.enumerated() { expectEqual(t, f["split_sizes_\(k)"]) }
        let c2 = x.chunk(2)
        #expect(c2.count == 2)
        for (k, t) in c2.enumerated() { expectEqual(t, f["chunk2_\(k)"]) }
        let c3 = x.chunk(3, dim: 2)
        #expect(c3.count == 3)
        for (k, t) in c3.enumerated() { expectEqual(t, f["chunk3_d2_\(k)"]) }
        let u = x.unbind(dim: 1)
        #expect(u.count == 4)
        for (k, t) in u.enumerated() { expectEqual(t, f["unbind1_\(k)"]) }
        #expect(s[0].storage === x.storage && u[1].storage === x.storage)
    }

    @Test func longSubscriptsTypeCheck() {
        // Mixed subscripts must type-check quickly; this file builds with a per-expression limit.
        let t = Tensor.zeros([2, 3, 4, 5, 6])
        let a = t[0, 1..<3, ..., .slice(1, -1, step: 2), .newAxis, 2...]
        let b = t[..., 1...2, .ellipsis, ..<4, -1]
        let c = t[1, -1, 0..<2, .all, .slice(step: 3)]
        t[0, 1..<3, ..., .slice(1, -1, step: 2), 2...] = Tensor.ones([2, 4, 2, 4])
        t[1, 2, 3, 4, 5] = 9
        #expect(a.shape == [2, 4, 2, 1, 4] && b.shape == [2, 2, 4, 4] && c.shape == [2, 5, 2])
        #expect(t.sum().item(Double.self) == 73)
    }

    static let errorMessages = [
        "index 5 is out of bounds for dimension 0 with size 3",
        "index 7 is out of bounds for dimension 1 with size 4",
        "index -4 is out of bounds for dimension 0 with size 3",
        "too many indices for tensor of dimension 2",
        "an index can only have a single ellipsis",
        "step must be greater than zero",
        "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0",
        "tensors used as indices must be long, byte or bool tensors",
        "index 5 is out of bounds for dimension 0 with size 4",
        "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]",
        "shape mismatch: value tensor of shape [3, 4] cannot be broadcast to indexing result of shape [2, 4]",
        "invalid index of a 0-dim tensor",
        "index 5 is out of bounds for dimension 0 with size 3",
        "gather(): Expected dtype int64 for index",
        "Size does not match at dimension 1 expected index [2, 5] to be smaller than self [3, 4] apart from dimension 0",
        "Expected index [2, 5] to be smaller than self [3, 4] apart from dimension 0 and to be smaller size than src [3, 5]",
        "scatter(): Expected self.dtype to be equal to src.dtype",
        "index 7 is out of bounds for dimension 0 with size 3",
        "index out of range in self",
        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).",
        "torch.cat(): expected a non-empty list of Tensors",
        "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.",
        "Tensors must have same number of dimensions: got 2 and 1",
        "zero-dimensional tensor (at position 0) cannot be concatenated",
        "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1",
        "split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), but got split_sizes=[1, 1]",
        "chunk expects `chunks` to be greater than 0, got: 0",
        "Dimension specified as 0 but tensor has no dimensions",
    ]

    @Test(arguments: errorMessages.indices)
    func errors(_ index: Int) async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [index] in
            let x = Tensor.zeros([3, 4])
            switch index {
            case 0: _ = x[5]
            case 1: _ = x[..., 7]
            case 2: _ = x[-4]
            case 3: _ = x[0, 0, 0]
            case 4: _ = x[.ellipsis, .ellipsis]
            case 5: _ = x[.slice(step: -1)]
            case 6: _ = x[Tensor([true, false])]
            case 7: _ = x[Tensor([1.0])]
            case 8: _ = x[..., Tensor([5])]
            case 9: _ = x[Tensor([0, 1]), Tensor([0, 1, 2])]
            case 10: x[Tensor([0, 1])] = Tensor.zeros([3, 4])
            case 11: _ = Tensor(3.0)[0]
            case 12: _ = x.gather(dim: 0, index: Tensor([[5]]))
            case 13: _ = x.gather(dim: 0, index: Tensor([[1]] as [[Int32]]))
            case 14: _ = x.gather(dim: 0, index: Tensor.zeros([2, 5], dtype: .int64))
            case 15: _ = x.scatter(dim: 0, index: Tensor.zeros([2, 5], dtype: .int64), src: Tensor.zeros([3, 5]))
            case 16: _ = x.scatter(dim: 0, index: Tensor.zeros([2, 3], dtype: .int64), src: Tensor.zeros([3, 5], dtype: .float64))
            case 17: _ = x.scatterAdd(dim: 0, index: Tensor([[7]]), src: Tensor.zeros([3, 5]))
            case 18: _ = x.indexSelect(dim: 0, index: Tensor([7]))
            case 19: _ = x.maskedFill(x.gt(0), value: Tensor([1.0]))
            case 20: _ = Tensor.cat([])
            case 21: _ = Tensor.cat([Tensor.zeros([2, 3]), Tensor.zeros([3, 3])], dim: 1)
            case 22: _ = Tensor.cat([x, Tensor.zeros([4])])
            case 23: _ = Tensor.cat([Tensor(1.0), Tensor(2.0)])
            case 24: _ = Tensor.stack([Tensor.zeros([2]), Tensor.zeros([3])])
            case 25: _ = x.split(sizes: [1, 1])
            case 26: _ = x.chunk(0)
            default: _ = Tensor(1.0).unbind()
            }
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains(Self.errorMessages[index]), "\(text)")
    }
}
