import Foundation
import Testing
import TorchCore
import TorchNN

/// `sin(arange · scale)` in float64, then rounded: scripts/fixtures/common.py's `formula`.
private func formula(_ shape: [Int], _ scale: Double, dtype: DType = .float32) -> Tensor {
    (Tensor.arange(shape.reduce(1, *), dtype: .float64) * scale).sin().to(dtype: dtype).reshape(shape)
}

/// MultiheadAttention and scaledDotProductAttention against PyTorch
/// (scripts/fixtures/attention.py), and gradcheck/gradgradcheck in float64.
@Suite struct AttentionTests {
    let f = Fixture("attention")

    private enum Same { case none, qkv, kv }

    private func check(_ name: String, seed: UInt64, _ make: () -> MultiheadAttention, _ shapes: [[Int]], same: Same = .none,
                       keyPaddingMask: Tensor? = nil, needWeights: Bool = true, attnMask: Tensor? = nil,
                       averageAttnWeights: Bool = true, isCausal: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        let m = Generator.withDefault(Generator(seed: seed)) { make() }
        #expect(m.stateDict().keys == f.value("\(name)_keys", as: [String].self), sourceLocation: sourceLocation)
        #expect(m.description == f.value("\(name)_repr", as: String.self), sourceLocation: sourceLocation)
        for (key, p) in m.namedParameters() { expectClose(p, f["\(name)_param_\(key)"], sourceLocation: sourceLocation) }
        let q = formula(shapes[0], 0.37).requiresGrad_()
        let k = same == .qkv ? q : formula(shapes[1], 0.53).requiresGrad_()
        let v = same == .none ? formula(shapes[2], 0.71).requiresGrad_() : k
        let (out, w) = m(q, k, v, keyPaddingMask: keyPaddingMask, needWeights: needWeights, attnMask: attnMask,
                         averageAttnWeights: averageAttnWeights, isCausal: isCausal)
        let results = [out] + (w.map { [$0] } ?? [])
        var loss = Tensor(0, dtype: .float32)
        for (r, scale) in zip(results, [0.29, 0.31]) { loss = loss + (r * formula(r.shape, scale)).sum() }
        loss.backward()
        for (i, r) in results.enumerated() { expectClose(r, f["\(name)_result\(i)"], sourceLocation: sourceLocation) }
        expectClose(q.grad!, f["\(name)_grad_q"], sourceLocation: sourceLocation)
        if same != .qkv { expectClose(k.grad!, f["\(name)_grad_k"], sourceLocation: sourceLocation) }
        if same == .none { expectClose(v.grad!, f["\(name)_grad_v"], sourceLocation: sourceLocation) }
        for (key, p) in m.namedParameters() {
            expectClose(p.grad!, f["\(name)_grad_\(key)"], rtol: 1e-4, atol: 1e-5, sourceLocation: sourceLocation)
        }
    }

    @Test func selfAttention() {
        check("self", seed: 20, { MultiheadAttention(embedDim: 8, numHeads: 2) }, [[5, 3, 8]], same: .qkv)
    }

    @Test func masksBatchFirstWithoutWeights() {
        let kpm = Tensor([[false, false, false, true, true], [false, false, false, false, false], [false, true, false, false, false]])
        check("masked_batch_first", seed: 21, { MultiheadAttention(embedDim: 8, numHeads: 4, batchFirst: true) }, [[3, 5, 8]],
              same: .qkv, keyPaddingMask: kpm, needWeights: false, attnMask: formula([5, 5], 0.9))
    }

    @Test func separateProjectionsBiasKVZeroAttention() {
        // Bool true = not allowed: key j > i + 2.
        let blocked = Tensor.arange(6).unsqueeze(dim: 0).gt(Tensor.arange(4).unsqueeze(dim: 1) + 2)
        check("kdim_vdim", seed: 22,
              { MultiheadAttention(embedDim: 8, numHeads: 2, bias: false, addBiasKV: true, addZeroAttn: true, kdim: 5, vdim: 3) },
              [[4, 2, 8], [6, 2, 5], [6, 2, 3]], attnMask: blocked.unsqueeze(dim: 0).expand(4, 4, 6), averageAttnWeights: false)
    }

    @Test func crossAttentionKeyIsValue() {
        let kpm = Tensor([[false, false, false, false, false, true], [false, false, false, false, false, false]])
        check("cross", seed: 23, { MultiheadAttention(embedDim: 8, numHeads: 2) }, [[4, 2, 8], [6, 2, 8]], same: .kv, keyPaddingMask: kpm)
    }

    @Test func unbatchedCausal() {
        // PyTorch's generate_square_subsequent_mask(5): −∞ above the diagonal.
        let above = Tensor.arange(5).unsqueeze(dim: 0).gt(Tensor.arange(5).unsqueeze(dim: 1))
        check("unbatched_causal", seed: 24, { MultiheadAttention(embedDim: 8, numHeads: 2, addZeroAttn: true) }, [[5, 8]], same: .qkv,
              attnMask: Tensor.zeros([5, 5]).maskedFill(above, value: -Double.infinity), isCausal: true)
    }

    @Test func dropoutOnTheWeightsDrawsAsPyTorch() {
        let m = Generator.withDefault(Generator(seed: 25)) { MultiheadAttention(embedDim: 8, numHeads: 2, dropout: 0.5) }
        let x = formula([5, 3, 8], 0.37)
        let (out, w) = Generator.withDefault(Generator(seed: 26)) { m(x, x, x) }
        expectClose(out, f["dropout_output"])
        expectClose(w!, f["dropout_weights"])
    }

    @Test func scaledDotProductAttention() {
        let keep = formula([4, 6], 1.3).gt(-0.5)
        for (name, run) in [("sdpa_bool", { (q: Tensor, k: Tensor, v: Tensor) in F.scaledDotProductAttention(q, k, v, attnMask: keep) }),
                            ("sdpa_causal", { F.scaledDotProductAttention($0, $1, $2, isCausal: true, scale: 0.3) })] {
            let q = formula([2, 2, 4, 3], 0.37).requiresGrad_(), k = formula([2, 2, 6, 3], 0.53).requiresGrad_()
            let v = formula([2, 2, 6, 5], 0.71).requiresGrad_()
            let out = run(q, k, v)
            (out * formula(out.shape, 0.29)).sum().backward()
            expectClose(out, f["\(name)_out"])
            expectClose(q.grad!, f["\(name)_grad_q"])
            expectClose(k.grad!, f["\(name)_grad_k"])
            expectClose(v.grad!, f["\(name)_grad_v"])
        }
    }

    @Test func fullyMaskedRows() {
        // As PyTorch 2.x: NaN through the weights path, zeros (then out_proj's bias) without weights.
        let m = MultiheadAttention(embedDim: 4, numHeads: 1)
        let x = formula([3, 1, 4], 0.37)
        let mask = Tensor([[false, false, false], [true, true, true], [false, true, false]])
        let (withWeights, _) = m(x, x, x, attnMask: mask)
        let (without, _) = m(x, x, x, needWeights: false, attnMask: mask)
        #expect(withWeights[1].isnan().all().item(Bool.self))
        expectClose(without[1, 0], m.outProj.bias!.detach())
        expectClose(without[0], withWeights[0])
    }

    @Test func gradcheckInFloat64() {
        let mha = MultiheadAttention(embedDim: 4, numHeads: 2, addBiasKV: true, kdim: 3, vdim: 2, dtype: .float64)
        let q = formula([3, 2, 4], 0.37, dtype: .float64).requiresGrad_()
        let k = formula([5, 2, 3], 0.53, dtype: .float64).requiresGrad_(), v = formula([5, 2, 2], 0.71, dtype: .float64).requiresGrad_()
        let kpm = Tensor([[false, false, false, false, true], [false, false, false, false, false]])
        let w = mha.getParameter("k_proj_weight")!
        let fn = { (t: [Tensor]) in
            let (out, weights) = mha(t[0], t[1], t[2], keyPaddingMask: kpm)
            return out.sum(dim: 0) + weights!.sum(dim: 1).sum()
        }
        for r in [gradcheck(fn, inputs: [q, k, v, w]), gradgradcheck(fn, inputs: [q, k, v, w])] { #expect(r.passed, "\(r)") }
        let sdpa = { (t: [Tensor]) in F.scaledDotProductAttention(t[0], t[1], t[2], isCausal: true) }
        let (a, b, c) = (formula([2, 3, 2], 0.3, dtype: .float64).requiresGrad_(), formula([2, 3, 2], 0.5, dtype: .float64).requiresGrad_(),
                         formula([2, 3, 2], 0.7, dtype: .float64).requiresGrad_())
        for r in [gradcheck(sdpa, inputs: [a, b, c]), gradgradcheck(sdpa, inputs: [a, b, c])] { #expect(r.passed, "\(r)") }
    }

    static let errorMessages = [
        "embed_dim must be divisible by num_heads",
        "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found 2-D and 3-D tensors respectively",
        "only bool and floating types of attn_mask are supported",
        "Need attn_mask if specifying the is_causal hint.",
        "The shape of the 2D attn_mask is torch.Size([4, 5]), but should be (5, 5).",
        "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True",
    ]

    @Test(arguments: errorMessages.indices)
    func errors(_ index: Int) async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [index] in
            let x = Tensor.zeros([5, 2, 8])
            switch index {
            case 0: _ = MultiheadAttention(embedDim: 8, numHeads: 3)
            case 1: _ = MultiheadAttention(embedDim: 8, numHeads: 2)(x, Tensor.zeros([5, 8]), x)
            case 2: _ = MultiheadAttention(embedDim: 8, numHeads: 2)(x, x, x, attnMask: Tensor.zeros([5, 5], dtype: .int64))
            case 3: _ = MultiheadAttention(embedDim: 8, numHeads: 2)(x, x, x, isCausal: true)
            case 4: _ = MultiheadAttention(embedDim: 8, numHeads: 2)(x, x, x, attnMask: Tensor.zeros([4, 5]))
            default: _ = F.scaledDotProductAttention(x, x, x, attnMask: Tensor.zeros([2, 2]), isCausal: true)
            }
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains(Self.errorMessages[index]), "\(text)")
    }
}
