extension F {
    /// `softmax(q·kᵀ·scale + mask)·v` over the last two dimensions
    /// (`torch.nn.functional.scaled_dot_product_attention`, its math path).
    ///
    /// A bool `attnMask` marks the positions that **take part** (true) — the opposite of
    /// `MultiheadAttention`'s masks; a float mask is added to the scores. `isCausal` lets each
    /// query see only keys at or before its position (and excludes `attnMask`). `scale`
    /// defaults to `1/√(q's last dimension)`. A query whose keys are all masked gets zeros.
    ///
    /// - Shapes: `query [..., L, E]`, `key [..., S, E]`, `value [..., S, Ev]` → `[..., L, Ev]`.
    ///
    /// Derivative: through the composition (products, softmax, dropout).
    public static func scaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor? = nil,
                                                 dropoutP: Double = 0, isCausal: Bool = false, scale: Double? = nil) -> Tensor {
        torchCheck(query.rank >= 2 && key.rank >= 2 && value.rank >= 2,
                   "scaled_dot_product_attention: query, key and value must have at least 2 dimensions")
        torchCheck(!(isCausal && attnMask != nil), "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
        let (l, s) = (query.shape[query.rank - 2], key.shape[key.rank - 2])
        let factor = scale ?? 1 / Double(query.shape[query.rank - 1]).squareRoot()
        var scores = (query * factor).matmul(key.transpose(-2, -1))
        var mask = attnMask.map { additiveMask($0, dtype: query.dtype, allowedWhereTrue: true) }
        if isCausal { mask = additiveMask(causalMask(l, s), dtype: query.dtype, allowedWhereTrue: true) }
        var dead: Tensor?
        if let m = mask {
            scores = scores + m
            // Rows whose keys are all masked (found on the mask, which broadcasts: smaller than
            // the scores): softmax them from 0s, then zero them.
            let allMasked = m.eq(-Double.infinity).all(dim: -1, keepdim: true)
            if allMasked.any().item(Bool.self) {
                dead = allMasked
                scores = Tensor.where(allMasked, Tensor.zeros([], dtype: scores.dtype), scores)
            }
        }
        var weights = scores.softmax(dim: -1)
        if let dead { weights = Tensor.where(dead, Tensor.zeros([], dtype: weights.dtype), weights) }
        if dropoutP > 0 { weights = dropout(weights, p: dropoutP, training: true) }
        return weights.matmul(value)
    }
}

/// `[l, s]` bool: query `i` may see key `j ≤ i`.
func causalMask(_ l: Int, _ s: Int) -> Tensor {
    Tensor.arange(l).unsqueeze(dim: 1).ge(Tensor.arange(s).unsqueeze(dim: 0))
}

/// A mask as scores to add: a bool mask gives 0 where a position takes part and −∞ where it
/// doesn't (`allowedWhereTrue` says which truth value takes part); a float mask is itself.
func additiveMask(_ mask: Tensor, dtype: DType, allowedWhereTrue: Bool) -> Tensor {
    guard mask.dtype == .bool else { return mask.to(dtype: dtype) }
    let blocked = allowedWhereTrue ? mask.logicalNot() : mask
    return Tensor.zeros(mask.shape, dtype: dtype).maskedFill(blocked, value: -Double.infinity)
}
