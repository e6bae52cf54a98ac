/// Running sums and products along a dimension.
///
/// Derivatives: cumsum: the reversed cumulative sum of the gradient; cumprod: Σ_{j≥i}
/// grad_j · out_j / x_i (computed without dividing when x has zeros).
extension Tensor {
    /// The running sum along `dim`: `out[i] = x[0] + … + x[i]`. Same shape as the input.
    ///
    /// Integers and bools sum in int64, as in PyTorch, unless `dtype` is given.
    /// ```swift
    /// Tensor([1, 2, 3]).cumsum(dim: 0)   // tensor([1, 3, 6])
    /// ```
    public func cumsum(dim: Int, dtype: DType? = nil) -> Tensor { scanned(.sum, dim: dim, dtype: dtype, name: "cumsum") }

    /// The running product along `dim`: `out[i] = x[0] · … · x[i]`. Same shape as the input.
    public func cumprod(dim: Int, dtype: DType? = nil) -> Tensor { scanned(.prod, dim: dim, dtype: dtype, name: "cumprod") }

    private func scanned(_ op: ScanOp, dim: Int, dtype requested: DType?, name: String) -> Tensor {
        let d = normalizeDim(dim, rank, op: name)
        let result = requested ?? (dtype.isFloatingPoint ? dtype : .int64)
        let compute = result == .bool ? DType.int64 : result.computeType
        let out = Tensor(uninitializedShape: shape, dtype: compute)
        let y: Tensor = noGrad {
            if numel > 0 {
                let src = to(dtype: compute)
                backend.scan(op, rank == 0 ? src : src.movedim(d, -1), into: rank == 0 ? out : out.movedim(d, -1))
            }
            return out.to(dtype: result)
        }
        guard result.isFloatingPoint && Tensor.needsGrad(self) else { return y }
        if op == .sum {
            return y.recordGrad("CumsumBackward0", [self], saving: []) { g in [Tensor.reversedCumsum(g, dim: d)] }
        }
        return y.recordGradUsingResult("CumprodBackward0", [self], saving: [self]) { [self] g, saved in
            [Tensor.cumprodGradient(g, self, saved, dim: d)]
        }
    }

    /// Σ_{j ≥ i} g_j along `d`: the cumulative sum taken from the end.
    static func reversedCumsum(_ g: Tensor, dim d: Int) -> Tensor {
        guard g.rank > 0, g.shape[d] > 1 else { return g }
        let n = g.shape[d]
        let reversed = Tensor.arange(Int64(n - 1), -1, step: -1)
        return g.indexSelect(dim: d, index: reversed).cumsum(dim: d).indexSelect(dim: d, index: reversed)
    }

    /// The gradient of `y = x.cumprod(dim: d)`: Σ_{j≥i} g_j·y_j / x_i, computed without dividing
    /// by zero. Before a slice's first zero the division is safe; at the first zero the product
    /// skips that element; after it every term holds the zero, so the gradient is 0.
    static func cumprodGradient(_ g: Tensor, _ x: Tensor, _ y: Tensor, dim d: Int) -> Tensor {
        if x.numel <= 1 || x.shape[d] == 1 { return g }
        let summed = reversedCumsum(g * y, dim: d)
        let isZero = x.eq(0)
        guard isZero.any().item(Bool.self) else { return summed / x }
        let zerosSoFar = isZero.cumsum(dim: d)
        let before = zerosSoFar.eq(0)
        let first = isZero.logicalAnd(zerosSoFar.eq(1))
        let skipping = Tensor.where(first, x.onesLike(), x).cumprod(dim: d)
        let atFirst = reversedCumsum(g * skipping, dim: d)
        let zero = Tensor.zeros([], dtype: summed.dtype)
        return Tensor.where(before, summed / Tensor.where(before, x, 1.0), Tensor.where(first, atFirst, zero))
    }
}
