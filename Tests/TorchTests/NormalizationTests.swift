import Testing
import TorchCore
import TorchNN

@Suite struct NormalizationTests {
    let f = Fixture("functional")

    @Test func batchNormTrainingUpdatesRunningStats() {
        let bx = f["bn_x"]
        let rm = Tensor.zeros([3]), rv = Tensor.ones([3])
        let w = f["bn_w"], b = f["bn_b"]
        for i in 0..<2 {
            _ = F.batchNorm(bx[i], runningMean: rm, runningVar: rv, weight: w, bias: b, training: true)
            expectClose(rm, f["bn_rm\(i)"])
            expectClose(rv, f["bn_rv\(i)"])
        }
        let x = bx[2].clone().requiresGrad_(), wl = w.clone().requiresGrad_(), bl = b.clone().requiresGrad_()
        let out = F.batchNorm(x, runningMean: rm, runningVar: rv, weight: wl, bias: bl, training: true)
        expectClose(rm, f["bn_rm2"])
        expectClose(rv, f["bn_rv2"])
        expectClose(out.detach(), f["bn_train_out"], rtol: 1e-5, atol: 1e-5)
        #expect(out.gradFn?.name == "NativeBatchNormBackward0")
        out.backward(f["bn_gw"])
        expectClose(x.grad!, f["bn_train_gx"], rtol: 1e-4, atol: 1e-5)
        expectClose(wl.grad!, f["bn_train_gw"], rtol: 1e-4, atol: 1e-5)
        expectClose(bl.grad!, f["bn_train_gb"], rtol: 1e-4, atol: 1e-5)
        expectMatchesFixture(f, "bn_eval", [bx[0], w, b], upstream: f["bn_gw"], rtol: 1e-5, atol: 1e-5) {
            F.batchNorm($0[0], runningMean: rm, runningVar: rv, weight: $0[1], bias: $0[2], training: false)
        }
    }

    @Test func batchNormModuleCumulativeAverageAndEval() {
        let m = BatchNorm1d(numFeatures: 3, momentum: nil)
        let x = f["bn1d_x"]
        for i in 0..<2 { expectClose(m(x[i]).detach(), f["bn1d_out\(i)"], rtol: 1e-5, atol: 1e-5) }
        expectClose(m.runningMean!, f["bn1d_rm"])
        expectClose(m.runningVar!, f["bn1d_rv"])
        expectEqual(m.numBatchesTracked!, f["bn1d_nbt"])
        m.eval()
        expectClose(m(x[0]), f["bn1d_eval"], rtol: 1e-5, atol: 1e-5)
        let plain = BatchNorm1d(numFeatures: 3, affine: false, trackRunningStats: false)
        expectClose(plain(f["bn1d3_x"]), f["bn1d3_out"], rtol: 1e-5, atol: 1e-5)
        #expect(plain.namedBuffers().isEmpty && plain.parameters().isEmpty)
    }

    @Test func batchNormStateAndPrinting() {
        let bn = BatchNorm2d(numFeatures: 6)
        #expect(bn.description == "BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)")
        #expect(BatchNorm1d(numFeatures: 120).description == "BatchNorm1d(120, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)")
        #expect(BatchNorm2d(numFeatures: 6, momentum: nil, affine: false, trackRunningStats: false).description
                == "BatchNorm2d(6, eps=1e-05, momentum=None, affine=False, track_running_stats=False)")
        #expect(bn.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(bn.namedBuffers().map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        #expect(bn.numBatchesTracked!.dtype == .int64 && bn.numBatchesTracked!.shape == [])
        _ = bn(Tensor.randn([2, 6, 3, 3]))
        _ = bn(Tensor.randn([2, 6, 3, 3]))
        #expect(bn.numBatchesTracked!.item(Int64.self) == 2)
        #expect(LayerNorm(3).description == "LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=True)")
        #expect(LayerNorm(3, bias: false).description == "LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=False)")
        #expect(LayerNorm(3, bias: false).stateDict().keys == ["weight"])
        #expect(LayerNorm(normalizedShape: [2, 3], elementwiseAffine: false).description == "LayerNorm((2, 3), eps=1e-05, elementwise_affine=False, bias=False)")
        #expect(GroupNorm(numGroups: 2, numChannels: 6).description == "GroupNorm(2, 6, eps=1e-05, affine=True)")
    }

    @Test func layerAndGroupNormMatchPyTorch() {
        expectMatchesFixture(f, "ln", [f["ln_x"], f["ln_w"], f["ln_b"]], upstream: f["ln_gw"], rtol: 1e-4, atol: 1e-5) {
            F.layerNorm($0[0], normalizedShape: [3, 4], weight: $0[1], bias: $0[2])
        }
        expectMatchesFixture(f, "ln_last", [f["ln_x"]], upstream: f["ln_gw"], rtol: 1e-4, atol: 1e-5) {
            LayerNorm(4)($0[0])
        }
        expectMatchesFixture(f, "gn", [f["gn_x"], f["gn_w"], f["gn_b"]], upstream: f["gn_gw"], rtol: 1e-4, atol: 1e-5) {
            F.groupNorm($0[0], numGroups: 3, weight: $0[1], bias: $0[2])
        }
        expectMatchesFixture(f, "gn_plain", [f["gn_x"]], upstream: f["gn_gw"], rtol: 1e-4, atol: 1e-5) {
            GroupNorm(numGroups: 2, numChannels: 6, affine: false)($0[0])
        }
    }

    @Test func gradients() {
        let x = fnLeaf([4, 3, 2], seed: 21), w = fnLeaf([3], seed: 22), b = fnLeaf([3], seed: 23)
        expectFnGradcheck([x, w, b]) { F.batchNorm($0[0], runningMean: nil, runningVar: nil, weight: $0[1], bias: $0[2], training: true) }
        let rm = Tensor([0.1, -0.2, 0.3], dtype: .float64), rv = Tensor([0.5, 1.5, 2.0], dtype: .float64)
        expectFnGradcheck([x, w, b]) { F.batchNorm($0[0], runningMean: rm, runningVar: rv, weight: $0[1], bias: $0[2], training: false) }
        let lw = fnLeaf([3, 2], seed: 24), lb = fnLeaf([3, 2], seed: 25)
        expectFnGradcheck([x, lw, lb]) { F.layerNorm($0[0], normalizedShape: [3, 2], weight: $0[1], bias: $0[2]) }
        expectFnGradcheck([fnLeaf([5], seed: 26)]) { F.layerNorm($0[0], normalizedShape: [5]) }
        let gx = fnLeaf([2, 4, 3], seed: 27), gw = fnLeaf([4], seed: 28), gb = fnLeaf([4], seed: 29)
        expectFnGradcheck([gx, gw, gb]) { F.groupNorm($0[0], numGroups: 2, weight: $0[1], bias: $0[2]) }
    }

    @Test func batchNormNeedsMoreThanOneValuePerChannel() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.batchNorm(Tensor.ones([1, 3]), runningMean: nil, runningVar: nil, training: true)
        }
        #expect(fnStderr(r).contains("Expected more than 1 value per channel when training, got input size torch.Size([1, 3])"))
    }

    @Test func batchNorm2dChecksRank() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = BatchNorm2d(numFeatures: 3)(Tensor.ones([2, 3, 4]))
        }
        #expect(fnStderr(r).contains("expected 4D input (got 3D input)"))
    }

    @Test func layerNormChecksShape() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.layerNorm(Tensor.ones([2, 4]), normalizedShape: [3])
        }
        #expect(fnStderr(r).contains("Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 4]"))
    }

    @Test func groupNormChecksGroups() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = F.groupNorm(Tensor.ones([2, 3, 4]), numGroups: 2)
        }
        #expect(fnStderr(r).contains("Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 3, 4] and num_groups=2"))
    }
}
