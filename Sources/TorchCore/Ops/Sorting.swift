/// Ordering along a dimension: `sort`, `argsort` and `topk`.
///
/// NaN sorts as the largest value, as in PyTorch. Equal elements keep their original order
/// (every sort here is stable), and `topk` lists equal values by index.
/// Derivatives: the gradient scattered back through the returned indices; argsort has none.
extension Tensor {
    /// The elements sorted along `dim`, with the indices (int64) they came from.
    ///
    /// ```swift
    /// let (values, indices) = Tensor([3.0, 1.0, 2.0]).sort()
    /// // values: tensor([1., 2., 3.]), indices: tensor([1, 2, 0])
    /// ```
    /// `stable` is accepted for PyTorch's signature; sorting is always stable.
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = false) -> (values: Tensor, indices: Tensor) {
        let d = normalizeDim(dim, rank, op: "sort")
        return sortedPrefix(dim: d, k: rank == 0 ? 1 : shape[d], descending: descending, gradName: "SortBackward0")
    }

    /// The indices that sort the elements along `dim` (`sort(...).indices`).
    public func argsort(dim: Int = -1, descending: Bool = false, stable: Bool = false) -> Tensor {
        sort(dim: dim, descending: descending, stable: stable).indices
    }

    /// The `k` largest (or, with `largest: false`, smallest) elements along `dim` and their indices.
    ///
    /// Results are in sorted order (largest first, or smallest first); `sorted: false` is
    /// accepted for PyTorch's signature and gives the same order.
    /// ```swift
    /// let top2 = probs.topk(2, dim: 1)   // top2.values, top2.indices: [batch, 2]
    /// ```
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true) -> (values: Tensor, indices: Tensor) {
        let d = normalizeDim(dim, rank, op: "topk")
        torchCheck(k >= 0 && k <= (rank == 0 ? 1 : shape[d]), "topk: selected index k out of range")
        return sortedPrefix(dim: d, k: k, descending: largest, gradName: "TopkBackward0")
    }

    /// The first `k` elements along `d` of the sorted order, as (values, indices).
    private func sortedPrefix(dim d: Int, k: Int, descending: Bool, gradName: String) -> (values: Tensor, indices: Tensor) {
        let compute = dtype == .bool ? DType.int64 : dtype.computeType
        var outShape = shape
        if rank > 0 { outShape[d] = k }
        let values = Tensor(uninitializedShape: outShape, dtype: compute)
        let indices = Tensor(uninitializedShape: outShape, dtype: .int64)
        if numel > 0 && k > 0 {
            let src = noGrad { to(dtype: compute).detach() }
            if rank == 0 {
                backend.sort(src.reshape([1]), descending: descending, values: values.reshape([1]), indices: indices.reshape([1]))
            } else {
                backend.sort(src.movedim(d, -1), descending: descending,
                             values: values.movedim(d, -1), indices: indices.movedim(d, -1))
            }
        }
        let result = values.to(dtype: dtype)
        if Tensor.needsGrad(self) {
            // Each value's gradient goes back to the position it came from.
            result.recordGrad(gradName, [self], saving: []) { [shape, rank] g in
                rank == 0 ? [g.reshape(shape)] : [Tensor.zeros(shape, dtype: g.dtype).scatterAdd(dim: d, index: indices, src: g)]
            }
        }
        return (values: result, indices: indices)
    }
}
