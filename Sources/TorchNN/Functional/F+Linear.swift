extension F {
    /// Applies the affine map `y = x Wᵀ + b` (`torch.nn.functional.linear`).
    ///
    /// - Shapes: `input` `[*, in]`, `weight` `[out, in]`, `bias` `[out]`; the result is `[*, out]`.
    /// - Derivative: `dx = dy W`, `dW = dyᵀ x`, `db = Σ dy` over the leading dimensions.
    ///
    /// ```swift
    /// let y = F.linear(Tensor.ones([2, 4]), weight: Tensor.ones([3, 4]))   // [2, 3], all 4
    /// ```
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        torchCheck(weight.rank == 2, "linear: weight must be 2-D, got \(weight.rank)-D")
        let inF = weight.shape[1]
        torchCheck(input.rank >= 1 && input.shape[input.rank - 1] == inF,
                   "linear: mat1 and mat2 shapes cannot be multiplied (\(input.rank >= 1 ? input.shape.dropLast().reduce(1, *) : 1)x\(input.shape.last ?? 0) and \(inF)x\(weight.shape[0]))")
        // A batch with a bias is one product starting from the bias (AddmmBackward0, as PyTorch).
        if input.rank == 2, let bias { return bias.addmm(input, weight.t()) }
        let out: Tensor
        switch input.rank {
        case 1: out = input.matmul(weight.t())
        case 2: out = input.mm(weight.t())
        default:
            // Fold the leading dimensions into one so the product is a single GEMM.
            let lead = Array(input.shape.dropLast())
            out = input.reshape(-1, inF).mm(weight.t()).reshape(lead + [weight.shape[0]])
        }
        guard let bias else { return out }
        return out + bias
    }

    /// Applies the bilinear map `y[n, o] = Σᵢⱼ x1[n, i] W[o, i, j] x2[n, j] + b[o]`
    /// (`torch.nn.functional.bilinear`).
    ///
    /// - Shapes: `input1` `[*, in1]`, `input2` `[*, in2]` (same leading dimensions), `weight`
    ///   `[out, in1, in2]`, `bias` `[out]`; the result is `[*, out]`.
    /// - Derivative: `dx1[n, i] = Σₒⱼ dy[n, o] W[o, i, j] x2[n, j]`, symmetrically for `x2`,
    ///   `dW[o, i, j] = Σₙ dy[n, o] x1[n, i] x2[n, j]`.
    public static func bilinear(_ input1: Tensor, _ input2: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        torchCheck(weight.rank == 3, "bilinear(): weight must be 3-D, got \(weight.rank)-D")
        torchCheck(input1.rank == input2.rank, "bilinear(): input dimensions do not match: got \(input1.rank) and \(input2.rank)")
        torchCheck(input1.rank >= 1, "bilinear(): input must have at least one dimension")
        let lead = Array(input1.shape.dropLast())
        torchCheck(lead == Array(input2.shape.dropLast()),
                   "bilinear(): input batch dimensions do not match: got \(shapeText(lead)) and \(shapeText(Array(input2.shape.dropLast())))")
        let (outF, in1, in2) = (weight.shape[0], weight.shape[1], weight.shape[2])
        torchCheck(input1.shape.last! == in1, "bilinear(): input1 size does not match weight size: got \(input1.shape.last!) but expected \(in1)")
        torchCheck(input2.shape.last! == in2, "bilinear(): input2 size does not match weight size: got \(input2.shape.last!) but expected \(in2)")
        let x1 = input1.reshape(-1, in1), x2 = input2.reshape(-1, in2)
        // x1 · W as one GEMM: [N, in1] x [in1, out * in2], then contract with x2 over in2.
        let w = weight.permute(1, 0, 2).reshape(in1, outF * in2)
        var y = (x1.mm(w).reshape(-1, outF, in2) * x2.unsqueeze(dim: 1)).sum(dim: 2)
        if let bias { y = y + bias }
        return y.reshape(lead + [outF])
    }

    /// Looks up rows of `weight` by index (`torch.nn.functional.embedding`).
    ///
    /// - Shapes: `input` integer indices of any shape `[*]`, `weight` `[num, dim]`; the result
    ///   is `[*, dim]`.
    /// - Derivative: the rows of `dW` at the looked-up indices accumulate the output gradient,
    ///   except the row `paddingIdx`, whose gradient is zero.
    /// - `maxNorm`: first, every looked-up row whose `normType`-norm is above it is scaled
    ///   in place (without gradient) by `maxNorm / (norm + 1e-7)`, as PyTorch does; other rows
    ///   are untouched.
    ///
    /// ```swift
    /// let w = Tensor.arange(6, dtype: .float32).reshape(3, 2)
    /// F.embedding(Tensor([2, 0]), weight: w)   // tensor([[4., 5.], [0., 1.]])
    /// ```
    public static func embedding(_ input: Tensor, weight: Tensor, paddingIdx: Int? = nil, maxNorm: Double? = nil,
                                 normType: Double = 2) -> Tensor {
        torchCheck(input.dtype == .int64 || input.dtype == .int32,
                   "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(input.dtype) instead (while checking arguments for embedding)")
        torchCheck(weight.rank == 2, "'weight' must be 2-D")
        let num = weight.shape[0]
        var pad = paddingIdx
        if let p = pad {
            torchCheck(p < num && p >= -num, "Padding_idx must be within num_embeddings")
            pad = p < 0 ? p + num : p
        }
        if let maxNorm { renormRows(weight, input.reshape(-1), maxNorm: maxNorm, normType: normType) }
        var rows = weight.indexSelect(dim: 0, index: input.reshape(-1))
        if let pad, weight.requiresGrad && isGradEnabled {
            // Same values, but the padding row's lookups pass no gradient to the weight.
            let keep = input.reshape(-1, 1).ne(Int64(pad))
            rows = Tensor.where(keep, rows, rows.detach())
        }
        return rows.reshape(input.shape + [weight.shape[1]])
    }

    /// `embedding_renorm_`: the rows at `indices` with a norm above `maxNorm`, scaled down in place.
    static func renormRows(_ weight: Tensor, _ indices: Tensor, maxNorm: Double, normType: Double) {
        noGrad {
            let w = weight.detach()
            let rows = w.indexSelect(dim: 0, index: indices)
            let norms = rows.abs().pow(normType).sum(dim: 1, keepdim: true).pow(1 / normType)
            let scale = Tensor.where(norms.gt(maxNorm), maxNorm / (norms + 1e-7), Tensor.ones([], dtype: w.dtype))
            w[indices] = rows * scale
        }
    }
}
