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
        if numel > 0 {
            let src = to(dtype: compute)
            backend.scan(op, rank == 0 ? src : src.movedim(d, -1), into: rank == 0 ? out : out.movedim(d, -1))
        }
        return out.to(dtype: result)
    }
}
