/// `Linear` under the name PyTorch gives `MultiheadAttention`'s output projection, so the
/// printout is PyTorch's.
open class NonDynamicallyQuantizableLinear: Linear {}

/// Attention over `numHeads` heads of `embedDim / numHeads` features each
/// (`torch.nn.MultiheadAttention`): `softmax(q·kᵀ/√d + mask)·v` per head, the heads joined
/// and projected by `out_proj`.
///
/// Parameters, in PyTorch's order: `in_proj_weight` `[3E, E]` (rows q | k | v) when key and
/// value have `embedDim` features, else `q_proj_weight` `[E, E]`, `k_proj_weight` `[E, kdim]`,
/// `v_proj_weight` `[E, vdim]`; `in_proj_bias` `[3E]` (with `bias`); `bias_k`, `bias_v`
/// `[1, 1, E]` (with `addBiasKV`); then `out_proj`. Initialized as PyTorch does: `out_proj`'s
/// `Linear` draws first, then Xavier-uniform input projections, zero biases, Xavier-normal
/// `bias_k`/`bias_v`.
///
/// - Shapes: query `[L, N, E]` (`[N, L, E]` with `batchFirst`, `[L, E]` unbatched), key
///   `[S, N, kdim]`, value `[S, N, vdim]` → output like the query and weights `[N, L, S]`
///   (averaged over heads) or `[N, heads, L, S]`.
/// - Masks: `keyPaddingMask` `[N, S]` and `attnMask` `[L, S]` or `[N·heads, L, S]`, bool (true:
///   **not allowed**) or float (added to the scores).
///
/// ```swift
/// let mha = MultiheadAttention(embedDim: 8, numHeads: 2)
/// let x = Tensor.randn([5, 3, 8])
/// let (out, weights) = mha(x, x, x)   // [5, 3, 8], [3, 5, 5]
/// ```
open class MultiheadAttention: ModuleBase {
    public let embedDim: Int
    public let numHeads: Int
    public let kdim: Int
    public let vdim: Int
    public let dropout: Double
    public let batchFirst: Bool
    public let addZeroAttn: Bool
    public let headDim: Int
    /// Whether key and value have `embedDim` features (one packed `in_proj_weight`).
    public var qkvSameEmbedDim: Bool { kdim == embedDim && vdim == embedDim }

    public var inProjWeight: Parameter? { getParameter("in_proj_weight") }
    public var inProjBias: Parameter? { getParameter("in_proj_bias") }
    public var biasK: Parameter? { getParameter("bias_k") }
    public var biasV: Parameter? { getParameter("bias_v") }
    public var outProj: NonDynamicallyQuantizableLinear { getSubmodule("out_proj") as! NonDynamicallyQuantizableLinear }

    public init(embedDim: Int, numHeads: Int, dropout: Double = 0, bias: Bool = true, addBiasKV: Bool = false,
                addZeroAttn: Bool = false, kdim: Int? = nil, vdim: Int? = nil, batchFirst: Bool = false,
                dtype: DType = DType.defaultFloat) {
        torchCheck(embedDim > 0 && numHeads > 0,
                   "embed_dim and num_heads must be greater than 0, got embed_dim=\(embedDim) and num_heads=\(numHeads) instead")
        torchCheck(embedDim % numHeads == 0, "embed_dim must be divisible by num_heads")
        self.embedDim = embedDim
        self.numHeads = numHeads
        self.kdim = kdim ?? embedDim
        self.vdim = vdim ?? embedDim
        self.dropout = dropout
        self.batchFirst = batchFirst
        self.addZeroAttn = addZeroAttn
        headDim = embedDim / numHeads
        super.init()
        let empty = { (shape: [Int]) in Parameter(Tensor.empty(shape, dtype: dtype)) }
        if qkvSameEmbedDim {
            registerParameter("in_proj_weight", empty([3 * embedDim, embedDim]))
        } else {
            registerParameter("q_proj_weight", empty([embedDim, embedDim]))
            registerParameter("k_proj_weight", empty([embedDim, self.kdim]))
            registerParameter("v_proj_weight", empty([embedDim, self.vdim]))
        }
        registerParameter("in_proj_bias", bias ? empty([3 * embedDim]) : nil)
        addModule("out_proj", NonDynamicallyQuantizableLinear(inFeatures: embedDim, outFeatures: embedDim, bias: bias, dtype: dtype))
        registerParameter("bias_k", addBiasKV ? empty([1, 1, embedDim]) : nil)
        registerParameter("bias_v", addBiasKV ? empty([1, 1, embedDim]) : nil)
        resetParameters()
    }

    /// PyTorch's `_reset_parameters`: Xavier-uniform input projections, zero biases,
    /// Xavier-normal `bias_k` and `bias_v` (`out_proj`'s weight keeps its `Linear` draw).
    open func resetParameters(generator: Generator = .default) {
        if let w = inProjWeight {
            Init.xavierUniform_(w, generator: generator)
        } else {
            for name in ["q_proj_weight", "k_proj_weight", "v_proj_weight"] { Init.xavierUniform_(getParameter(name)!, generator: generator) }
        }
        if let b = inProjBias {
            Init.constant_(b, 0)
            if let ob = outProj.bias { Init.constant_(ob, 0) }
        }
        if let k = biasK { Init.xavierNormal_(k, generator: generator) }
        if let v = biasV { Init.xavierNormal_(v, generator: generator) }
    }

    /// Attends `query` to `key`/`value`; forward hooks see `[query, key, value, masks…]` and
    /// `[output, weights]` (or `[output]`).
    public func callAsFunction(_ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: Tensor? = nil,
                               needWeights: Bool = true, attnMask: Tensor? = nil, averageAttnWeights: Bool = true,
                               isCausal: Bool = false) -> (output: Tensor, weights: Tensor?) {
        let inputs = [query, key, value] + [keyPaddingMask, attnMask].compactMap { $0 }
        return callWithHooks(inputs, { a in
            let m = optionalInputs(a, from: 3, [keyPaddingMask, attnMask])
            return forward(a[0], a[1], a[2], keyPaddingMask: m[0], needWeights: needWeights, attnMask: m[1],
                           averageAttnWeights: averageAttnWeights, isCausal: isCausal)
        }, flatten: { [$0.output] + ($0.weights.map { [$0] } ?? []) }, rebuild: { ($0[0], $0.count > 1 ? $0[1] : nil) })
    }

    open func forward(_ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: Tensor? = nil, needWeights: Bool = true,
                      attnMask: Tensor? = nil, averageAttnWeights: Bool = true, isCausal: Bool = false) -> (output: Tensor, weights: Tensor?) {
        let batched = checkShapes(query, key, value, keyPaddingMask, attnMask)
        for (mask, name) in [(keyPaddingMask, "key_padding_mask"), (attnMask, "attn_mask")] {
            if let mask { torchCheck(mask.dtype == .bool || mask.dtype.isFloatingPoint, "only bool and floating types of \(name) are supported") }
        }
        torchCheck(!isCausal || attnMask != nil,
                   "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.")
        // Sequence first, batched: [L, N, E].
        func layout(_ t: Tensor) -> Tensor { batched ? (batchFirst ? t.transpose(0, 1) : t) : t.unsqueeze(dim: 1) }
        let (q0, k0, v0) = (layout(query), layout(key), layout(value))
        let (l, n, s0) = (q0.shape[0], q0.shape[1], k0.shape[0])
        torchCheck(q0.shape[2] == embedDim, "was expecting embedding dimension of \(embedDim), but got \(q0.shape[2])")
        let dtype = q0.dtype

        var (q, k, v) = project(query, key, value, q0, k0, v0)
        var mask = attnMask.map { additiveMask($0, dtype: dtype, allowedWhereTrue: false) }
        if let m = mask {
            if m.rank == 2 {
                torchCheck(m.shape == [l, s0], "The shape of the 2D attn_mask is torch.Size(\(shapeText(m.shape))), but should be \(tupleText([l, s0])).")
                mask = m.unsqueeze(dim: 0)
            } else {
                torchCheck(m.shape == [n * numHeads, l, s0],
                           "The shape of the 3D attn_mask is torch.Size(\(shapeText(m.shape))), but should be \(tupleText([n * numHeads, l, s0])).")
            }
        }
        var kpm = keyPaddingMask.map { additiveMask(batched ? $0 : $0.unsqueeze(dim: 0), dtype: dtype, allowedWhereTrue: false) }
        if let kpm { torchCheck(kpm.shape == [n, s0], "expecting key_padding_mask shape of \(tupleText([n, s0])), but got \(shapeText(kpm.shape))") }
        // One more key position for each of bias_k/bias_v and the zero attention, unmasked.
        func widened(_ m: Tensor?) -> Tensor? {
            m.map { Tensor.cat([$0, Tensor.zeros(Array($0.shape.dropLast()) + [1], dtype: $0.dtype)], dim: -1) }
        }
        if let bk = biasK, let bv = biasV {
            k = Tensor.cat([k, bk.expand(1, n, embedDim)])
            v = Tensor.cat([v, bv.expand(1, n, embedDim)])
            mask = widened(mask)
            kpm = widened(kpm)
        }
        // Heads: [N·heads, len, d], head h of batch b at row b·heads + h.
        func heads(_ t: Tensor) -> Tensor { t.reshape(t.shape[0], n * numHeads, headDim).transpose(0, 1) }
        q = heads(q); k = heads(k); v = heads(v)
        if addZeroAttn {
            k = Tensor.cat([k, Tensor.zeros([n * numHeads, 1, headDim], dtype: dtype)], dim: 1)
            v = Tensor.cat([v, Tensor.zeros([n * numHeads, 1, headDim], dtype: dtype)], dim: 1)
            mask = widened(mask)
            kpm = widened(kpm)
        }
        let s = k.shape[1]
        if let kpm {
            let expanded = kpm.view(n, 1, 1, s).expand(n, numHeads, 1, s).reshape(n * numHeads, 1, s)
            mask = mask.map { $0 + expanded } ?? expanded
        }
        let p = training ? dropout : 0
        var output: Tensor, weights: Tensor?
        if needWeights {
            let scores = q * (1 / Double(headDim)).squareRoot()
            var w = scores.bmm(k.transpose(1, 2))
            if let mask { w = mask + w }
            w = w.softmax(dim: -1)
            if p > 0 { w = F.dropout(w, p: p, training: true) }
            output = w.bmm(v)
            let perHead = w.view(n, numHeads, l, s)
            weights = averageAttnWeights ? perHead.mean(dim: 1) : perHead
        } else {
            // A mask shared by every batch entry and head broadcasts as it is.
            let m4 = mask.map { $0.shape[0] == 1 ? $0.view(1, 1, l, s) : $0.expand(n * numHeads, l, s).reshape(n, numHeads, l, s) }
            output = F.scaledDotProductAttention(q.view(n, numHeads, l, headDim), k.view(n, numHeads, s, headDim),
                                                 v.view(n, numHeads, s, headDim), attnMask: m4, dropoutP: p)
            output = output.view(n * numHeads, l, headDim)
        }
        output = output.transpose(0, 1).contiguous().view(l * n, embedDim)
        output = F.linear(output, weight: outProj.weight, bias: outProj.bias).view(l, n, embedDim)
        if !batched {
            output = output.squeeze(dim: 1)
            weights = weights?.squeeze(dim: 0)
        } else if batchFirst {
            output = output.transpose(0, 1)
        }
        return (output, weights)
    }

    /// The query, key and value projections (`[len, N, E]` each), as PyTorch splits them:
    /// one product when the three are the same tensor, two when key is value.
    private func project(_ query: Tensor, _ key: Tensor, _ value: Tensor, _ q: Tensor, _ k: Tensor, _ v: Tensor) -> (Tensor, Tensor, Tensor) {
        let e = embedDim
        let b = inProjBias?.chunk(3)
        guard let w = inProjWeight else {
            return (F.linear(q, weight: getParameter("q_proj_weight")!, bias: b?[0]),
                    F.linear(k, weight: getParameter("k_proj_weight")!, bias: b?[1]),
                    F.linear(v, weight: getParameter("v_proj_weight")!, bias: b?[2]))
        }
        if query === key && key === value {
            let all = F.linear(q, weight: w, bias: inProjBias).chunk(3, dim: -1)
            return (all[0], all[1], all[2])
        }
        if key === value {
            let kv = F.linear(k, weight: w.narrow(dim: 0, start: e, length: 2 * e), bias: inProjBias?.narrow(dim: 0, start: e, length: 2 * e)).chunk(2, dim: -1)
            return (F.linear(q, weight: w.narrow(dim: 0, start: 0, length: e), bias: b?[0]), kv[0], kv[1])
        }
        let ws = w.chunk(3)
        return (F.linear(q, weight: ws[0], bias: b?[0]), F.linear(k, weight: ws[1], bias: b?[1]), F.linear(v, weight: ws[2], bias: b?[2]))
    }

    /// PyTorch's `_mha_shape_check`; whether the query is batched.
    private func checkShapes(_ query: Tensor, _ key: Tensor, _ value: Tensor, _ kpm: Tensor?, _ mask: Tensor?) -> Bool {
        switch query.rank {
        case 3:
            torchCheck(key.rank == 3 && value.rank == 3,
                       "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found \(key.rank)-D and \(value.rank)-D tensors respectively")
            if let kpm { torchCheck(kpm.rank == 2, "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found \(kpm.rank)-D tensor instead") }
            if let mask { torchCheck(mask.rank == 2 || mask.rank == 3, "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found \(mask.rank)-D tensor instead") }
            return true
        case 2:
            torchCheck(key.rank == 2 && value.rank == 2,
                       "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found \(key.rank)-D and \(value.rank)-D tensors respectively")
            if let kpm { torchCheck(kpm.rank == 1, "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found \(kpm.rank)-D tensor instead") }
            if let mask { torchCheck(mask.rank == 2 || mask.rank == 3, "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found \(mask.rank)-D tensor instead") }
            return false
        default:
            torchCheck(false, "query should be unbatched 2D or batched 3D tensor but received \(query.rank)-D query tensor")
            return false
        }
    }
}
