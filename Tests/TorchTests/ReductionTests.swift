import Foundation
import Testing
import TorchCore

@Suite struct ReductionTests {
    let f = Fixture("reductions")
    /// The non-contiguous views the fixture script makes the same way.
    var ap: Tensor { f["a"].permute(2, 0, 1) }
    var mt: Tensor { f["m"].t() }

    @Test func existingReductions() {
        let a = f["a"], ti = f["ti"], b = f["b"], h = f["h"], i32 = f["i32"], m = f["m"]
        #expect(!ap.isContiguous)
        expectClose(a.sum(), f["sum_all"])
        expectClose(a.sum(dim: 1), f["sum_d1"])
        expectClose(a.sum(dim: -1, keepdim: true), f["sum_dneg_keep"])
        expectClose(a.sum(dims: [0, 2]), f["sum_dims02"])
        expectClose(a.sum(dims: [0, -1], keepdim: true), f["sum_dims02_keep"])
        expectClose(ap.sum(dim: 1), f["sum_perm_d1"])
        expectEqual(ti.sum(dim: 0), f["sum_int"])
        expectEqual(i32.sum(dim: 1), f["sum_i32"])
        expectEqual(b.sum(dim: 1), f["sum_bool"])
        expectEqual(b.sum(), f["sum_bool_all"])
        expectClose(h.sum(dim: 0), f["sum_half"], rtol: 1e-3)
        expectClose(a.mean(), f["mean_all"])
        expectClose(ap.mean(dims: [0, 1], keepdim: true), f["mean_dims"])
        expectClose(h.mean(dim: 1), f["mean_half"], rtol: 1e-3)
        expectClose(m.prod(dim: 1), f["prod_d1"])
        expectEqual(i32.prod(dim: 0), f["prod_int"])
        expectEqual(b.all(dim: 1), f["all_d1"])
        expectEqual(b.any(dim: 0), f["any_d0"])
        expectEqual(ti.all(), f["all_int"])
        expectEqual(a.max(), f["max_all"])
        expectEqual(ap.min(), f["min_all_perm"])
        expectEqual(f["fn"].max(), f["max_nan"])
        expectEqual(i32.min(), f["min_int"])
        expectEqual(b.max(), f["max_bool"])
    }

    @Test func maxMinAlongDim() {
        let cases: [(String, Tensor, Int, Bool)] = [
            ("a_d1", f["a"], 1, false), ("a_d1k", f["a"], 1, true), ("ap_dneg", ap, -1, false),
            ("mt_d0", mt, 0, true), ("ti_d1", f["ti"], 1, false), ("ti_d0", f["ti"], 0, false),
            ("fn_d1", f["fn"], 1, false), ("fn_d0", f["fn"], 0, true), ("b_d1", f["b"], 1, false),
            ("h_d0", f["h"], 0, false), ("i32_d1", f["i32"], 1, true),
        ]
        for (name, t, dim, keep) in cases {
            let mx = t.max(dim: dim, keepdim: keep), mn = t.min(dim: dim, keepdim: keep)
            expectEqual(mx.values, f["max_\(name)_values"])
            expectEqual(mx.indices, f["max_\(name)_indices"])
            expectEqual(mn.values, f["min_\(name)_values"])
            expectEqual(mn.indices, f["min_\(name)_indices"])
        }
    }

    @Test func longRowsTiesAndNaNs() {
        let lr = f["lr"]
        for op in ["max", "min"] {
            let r = op == "max" ? lr.max(dim: 1) : lr.min(dim: 1)
            expectEqual(r.values, f["\(op)_lr_values"])
            expectEqual(r.indices, f["\(op)_lr_indices"])
            let rt = op == "max" ? lr.t().max(dim: 0) : lr.t().min(dim: 0)
            expectEqual(rt.values, f["\(op)_lrt_values"])
            expectEqual(rt.indices, f["\(op)_lrt_indices"])
        }
        let head = lr.narrow(dim: 1, start: 0, length: 96)
        expectEqual(head.topk(4, dim: 1).values, f["topk_lr_values"])
        for (i, row) in [0, 2, 4].enumerated() {
            expectEqual(head.select(dim: 0, index: row).topk(4).indices, f["topk_lr_rows024_indices"].select(dim: 0, index: i))
        }
        expectEqual(lr.select(dim: 0, index: 3).topk(5, largest: false).values, f["topk_lr_small_values"])
        let selected = lr.flatten().narrow(dim: 0, start: 0, length: 300).topk(17, largest: false)
        expectEqual(selected.values, f["topk_select_values"])
        expectEqual(selected.indices, f["topk_select_indices"])
        let s = lr.sort(dim: 1, descending: true, stable: true)
        expectEqual(s.values, f["sort_lr_values"])
        expectEqual(s.indices, f["sort_lr_indices"])
    }

    @Test func rowsLongerThanABlock() {
        let wr = f["wr"]
        expectEqual(wr.max(dim: 1).indices, f["max_wr_indices"])
        expectEqual(wr.min(dim: 1).indices, f["min_wr_indices"])
        expectEqual(wr.argmax(), f["argmax_wr"])
    }

    /// A row long enough to be split over threads must agree with the one-thread strided scan.
    @Test func longRowSplitOverThreads() {
        let x = (Tensor.randn([300_000]) * 4).round()   // many ties of the largest value
        let strided = Tensor.zeros([300_000, 2])
        strided.select(dim: 1, index: 0).copy_(x)
        let column = strided.select(dim: 1, index: 0)
        #expect(x.argmax().item(Int64.self) == column.argmax(dim: 0).item(Int64.self))
        #expect(x.argmin().item(Int64.self) == column.argmin(dim: 0).item(Int64.self))
    }

    @Test func argmaxArgminAmaxAmin() {
        expectEqual(f["a"].argmax(), f["argmax_a"])
        expectEqual(ap.argmin(), f["argmin_ap"])
        expectEqual(f["ti"].argmax(), f["argmax_ti"])
        expectEqual(f["fn"].argmin(), f["argmin_fn"])
        expectEqual(ap.argmax(dim: 2), f["argmax_ap_d2"])
        expectEqual(mt.argmin(dim: 1, keepdim: true), f["argmin_mt_d1k"])
        expectEqual(f["fn"].argmax(dim: 1), f["argmax_fn_d1"])
        expectEqual(f["ti"].argmin(dim: -1), f["argmin_ti_dneg"])
        expectEqual(f["h"].argmax(dim: 1), f["argmax_h_d1"])
        expectEqual(f["a"].amax(dims: [0, 2]), f["amax_a_dims"])
        expectEqual(ap.amin(dim: 1, keepdim: true), f["amin_ap_d1k"])
        expectEqual(f["fn"].amax(dim: 1), f["amax_fn_d1"])
        expectEqual(f["b"].amin(dim: 0), f["amin_b_d0"])
        expectEqual(f["i32"].amax(dims: [0, 1]), f["amax_i32_all"])
        expectEqual(Tensor(3.5).max(dim: 0).indices, Tensor(0))
    }

    @Test func varianceAndStd() {
        let a = f["a"]
        expectClose(a.var(), f["var_all"])
        expectClose(a.std(), f["std_all"])
        expectClose(a.var(unbiased: false), f["var_biased_all"])
        expectClose(a.var(dim: 1), f["var_d1"])
        expectClose(a.std(dim: 1, unbiased: false, keepdim: true), f["std_d1_keep_biased"])
        expectClose(ap.std(dims: [0, 2]), f["std_ap_dims"])
        expectClose(mt.var(dim: 0), f["var_mt_d0"])
        expectClose(a.var(dims: [0, 1], correction: 2), f["var_dims_corr2"])
        expectClose(a.std(dim: -1, keepdim: true, correction: 0), f["std_dneg_corr0_keep"])
        expectClose(f["h"].std(dim: 1), f["std_h_d1"], rtol: 1e-3)
        expectClose(Tensor([[1.5], [2.0]], dtype: .float32).var(dim: 1), f["var_single"])
        expectClose((f["m"] + 1e4).std(dim: 1), f["std_offset"], rtol: 1e-4)
    }

    @Test func norms() {
        let a = f["a"], m = f["m"]
        expectClose(a.norm(), f["norm_all"])
        expectClose(m.norm(), f["norm_fro_m"])
        expectClose(mt.norm(dims: [0, 1]), f["norm_mt_fro_dims"])
        expectClose(a.norm(p: 1, dim: 1), f["norm_p1_d1"])
        expectClose(a.norm(p: .infinity), f["norm_inf"])
        expectClose(mt.norm(p: -.infinity, dim: 0), f["norm_ninf_d0"])
        expectClose(ap.norm(p: 3, dim: 2, keepdim: true), f["norm_p3_d2_keep"])
        expectClose(m.norm(p: 0.5), f["norm_p05"], rtol: 1e-4)
        expectClose(Tensor([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]], dtype: .float32).norm(p: 0, dim: 1), f["norm_p0_d1"])
        expectClose(m.norm(p: -1, dim: 1), f["norm_pm1_d1"])
        expectClose(f["h"].norm(), f["norm_h"], rtol: 1e-3)
    }

    @Test func logsumexpStable() {
        let a = f["a"]
        expectClose(a.logsumexp(dim: 1), f["lse_d1"])
        expectClose(ap.logsumexp(dim: -1, keepdim: true), f["lse_ap_dneg_keep"])
        expectClose(a.logsumexp(dims: [0, 2]), f["lse_dims"])
        expectClose(f["big"].logsumexp(dim: 1), f["lse_big"])
        expectClose(f["ti"].logsumexp(dim: 1), f["lse_int"])
    }

    @Test func cumulative() {
        expectClose(f["a"].cumsum(dim: 1), f["cumsum_d1"])
        expectClose(ap.cumsum(dim: 0), f["cumsum_ap_d0"])
        expectClose(mt.cumsum(dim: -1), f["cumsum_mt_dneg"])
        expectEqual(f["i32"].cumsum(dim: 1), f["cumsum_i32"])
        expectEqual(f["b"].cumsum(dim: 0), f["cumsum_bool"])
        expectClose(f["m"].cumprod(dim: 1), f["cumprod_m_d1"])
        expectEqual(f["i32"].cumprod(dim: 0), f["cumprod_int_d0"])
        expectClose(f["fn"].cumsum(dim: 1), f["cumsum_fn_d1"])
    }

    @Test func bincount() {
        let bc = f["bc"], bw = f["bw"]
        expectEqual(bc.bincount(), f["bincount"])
        expectEqual(bc.bincount(minlength: 10), f["bincount_minlength"])
        expectClose(bc.bincount(weights: bw), f["bincount_wf32"])
        expectClose(bc.bincount(weights: bw.to(dtype: .float64)), f["bincount_wf64"])
        expectEqual(bc.bincount(weights: Tensor.arange(7)), f["bincount_wint"])
        expectEqual(bc.to(dtype: .uint8).bincount(), f["bincount_u8"])
        expectEqual(Tensor([Int64](), shape: [0]).bincount(minlength: 3), Tensor([0, 0, 0]))
    }

    @Test func sortArgsortTopk() {
        let sf = f["sf"], ti = f["ti"]
        let cases: [(String, (values: Tensor, indices: Tensor))] = [
            ("sf", sf.sort(stable: true)), ("sf_desc", sf.sort(descending: true, stable: true)),
            ("sf_d0", sf.sort(dim: 0, stable: true)), ("ti", ti.sort(dim: 1, stable: true)),
            ("ti_desc_d0", ti.sort(dim: 0, descending: true, stable: true)), ("ap_d1", ap.sort(dim: 1, stable: true)),
            ("mt_desc", mt.sort(descending: true, stable: true)), ("b", f["b"].sort(dim: 1, stable: true)),
            ("h", f["h"].sort(dim: 0, descending: true, stable: true)),
        ]
        for (name, r) in cases {
            expectEqual(r.values, f["sort_\(name)_values"])
            expectEqual(r.indices, f["sort_\(name)_indices"])
        }
        expectEqual(ti.argsort(dim: 1, descending: true), f["argsort_ti_desc"])
        expectEqual(ap.argsort(dim: 0), f["argsort_ap_d0"])
        let fn = Tensor([3.0, .nan, 1.0, 2.0], dtype: .float32)
        let topks: [(String, (values: Tensor, indices: Tensor))] = [
            ("a", f["a"].topk(3)), ("a_small_d0", f["a"].topk(2, dim: 0, largest: false)),
            ("ap_d1", ap.topk(2, dim: 1)), ("mt", mt.topk(4, dim: 1)),
            ("fn", fn.topk(2)), ("fn_small", fn.topk(3, largest: false)),
        ]
        for (name, r) in topks {
            expectEqual(r.values, f["topk_\(name)_values"])
            expectEqual(r.indices, f["topk_\(name)_indices"])
        }
    }

    @Test func unique() {
        let u = f["u"].unique(returnInverse: true, returnCounts: true)
        expectEqual(u.values, f["unique_u_values"])
        expectEqual(u.inverse!, f["unique_u_inverse"])
        expectEqual(u.counts!, f["unique_u_counts"])
        let uf = f["uf"].unique(returnCounts: true)
        expectEqual(uf.values, f["unique_uf_values"])
        expectEqual(uf.counts!, f["unique_uf_counts"])
        #expect(uf.inverse == nil)
        let ub = f["b"].unique(returnInverse: true)
        expectEqual(ub.values, f["unique_b_values"])
        expectEqual(ub.inverse!, f["unique_b_inverse"])
    }

    // MARK: error messages

    private func stderr(_ r: ExitTest.Result?) -> String { String(decoding: r?.standardErrorContent ?? [], as: UTF8.self) }

    @Test func dimOutOfRange() async {
        let r1 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([[1, 2], [3, 4]]).max(dim: 2) }
        #expect(stderr(r1).contains("Dimension out of range (expected to be in range of [-2, 1], but got 2)"))
        let r2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([1, 2]).sum(dim: 3) }
        #expect(stderr(r2).contains("Dimension out of range (expected to be in range of [-1, 0], but got 3)"))
    }

    @Test func meanOfInt() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([1, 2]).mean() }
        #expect(stderr(r).contains("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long"))
    }

    @Test func stdOfInt() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([1, 2]).std() }
        #expect(stderr(r).contains("std and var only support floating point and complex dtypes"))
    }

    @Test func bincountOfNegative() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([1, -2, 2]).bincount() }
        #expect(stderr(r).contains("bincount only supports 1-d non-negative integral inputs."))
    }

    @Test func bincountWeightsLength() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([1, 2, 2]).bincount(weights: Tensor([1.0, 2.0])) }
        #expect(stderr(r).contains("weights should be 1-d and have the same length as input"))
    }

    @Test func maxOverEmptyDim() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor.zeros([2, 0]).max(dim: 1) }
        #expect(stderr(r).contains("max(): Expected reduction dim 1 to have non-zero size."))
    }

    @Test func argmaxOfBool() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([true, false]).argmax() }
        #expect(stderr(r).contains("\"argmax_cpu\" not implemented for 'Bool'"))
    }

    @Test func topkOutOfRange() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([3.0, 1.0]).topk(3) }
        #expect(stderr(r).contains("selected index k out of range"))
    }

    @Test func normOfInt() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Tensor([1, 2]).norm() }
        #expect(stderr(r).contains("norm(): input dtype should be either floating point or complex. Got Long instead."))
    }
}
