/// Reductions that report where the extreme is: `max(dim:)`/`min(dim:)` with indices,
/// `argmax`/`argmin`, and `amax`/`amin` over several dimensions.
///
/// With ties the first index wins and a NaN counts as the extreme, as on PyTorch's CPU.
/// Derivatives: max/min/amax/amin route the gradient to the chosen element (amax/amin
/// split it evenly between ties); argmax/argmin have none.
extension Tensor {
    /// The largest values along `dim` and their indices (int64).
    ///
    /// Shape: `dim` is removed, or kept with size 1 when `keepdim` is true.
    /// ```swift
    /// let m = Tensor([[1, 5, 5], [3, 3, 1]])
    /// m.max(dim: 1).values   // tensor([5, 3])
    /// m.max(dim: 1).indices  // tensor([1, 0])
    /// ```
    public func max(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremeAlong(.max, dim: dim, keepdim: keepdim, name: "max")
    }

    /// The smallest values along `dim` and their indices (int64). See `max(dim:keepdim:)`.
    public func min(dim: Int, keepdim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremeAlong(.min, dim: dim, keepdim: keepdim, name: "min")
    }

    /// The index of the largest element of the flattened tensor, as a 0-dim int64 tensor.
    public func argmax() -> Tensor { argExtreme(.max, name: "argmax") }
    /// The index of the smallest element of the flattened tensor, as a 0-dim int64 tensor.
    public func argmin() -> Tensor { argExtreme(.min, name: "argmin") }

    /// The indices of the largest values along `dim` (int64).
    ///
    /// ```swift
    /// preds.argmax(dim: 1).eq(labels).sum()   // correct predictions in a batch
    /// ```
    public func argmax(dim: Int, keepdim: Bool = false) -> Tensor {
        checkArgDType("argmax")
        return extremeAlong(.max, dim: dim, keepdim: keepdim, name: "argmax", wantValues: false).indices
    }

    /// The indices of the smallest values along `dim` (int64).
    public func argmin(dim: Int, keepdim: Bool = false) -> Tensor {
        checkArgDType("argmin")
        return extremeAlong(.min, dim: dim, keepdim: keepdim, name: "argmin", wantValues: false).indices
    }

    /// The largest value over `dims` (all dimensions when empty), without indices.
    public func amax(dims: [Int] = [], keepdim: Bool = false) -> Tensor { extremeOver(.max, dims, keepdim, name: "amax") }
    /// `amax` over one dimension.
    public func amax(dim: Int, keepdim: Bool = false) -> Tensor { amax(dims: [dim], keepdim: keepdim) }
    /// The smallest value over `dims` (all dimensions when empty), without indices.
    public func amin(dims: [Int] = [], keepdim: Bool = false) -> Tensor { extremeOver(.min, dims, keepdim, name: "amin") }
    /// `amin` over one dimension.
    public func amin(dim: Int, keepdim: Bool = false) -> Tensor { amin(dims: [dim], keepdim: keepdim) }

    private func checkArgDType(_ name: String) {
        torchCheck(dtype != .bool, "\"\(name)_cpu\" not implemented for 'Bool'")
    }

    /// The dtype the index kernel reads: bools and small ints go through int64, half floats through float32.
    private var indexComputeType: DType { dtype == .bool ? .int64 : dtype.computeType }

    private func extremeAlong(_ op: IndexReductionOp, dim: Int, keepdim: Bool, name: String,
                              wantValues: Bool = true) -> (values: Tensor, indices: Tensor) {
        let d = normalizeDim(dim, rank, op: name)
        let gradName = op == .max ? "MaxBackward0" : "MinBackward0"
        if rank == 0 {
            let values = wantValues ? noGrad { clone() } : self
            if wantValues && Tensor.needsGrad(self) { values.recordGrad(gradName, [self], saving: []) { g in [g] } }
            return (values: values, indices: Tensor(scalarValue: .int(0), dtype: .int64))
        }
        torchCheck(shape[d] > 0, "\(name)(): Expected reduction dim \(d) to have non-zero size.")
        var outShape = shape
        outShape.remove(at: d)
        let compute = indexComputeType
        let indices = Tensor(uninitializedShape: outShape, dtype: .int64)
        let values = wantValues ? Tensor(uninitializedShape: outShape, dtype: compute) : nil
        if numel > 0 {
            noGrad { backend.indexReduce(op, to(dtype: compute).movedim(d, -1), values: values, indices: indices) }
        }
        let shapeOut = keepdim ? keptDimShape([d]) : outShape
        let result = values.map { $0.to(dtype: dtype).reshape(shapeOut) } ?? indices
        if wantValues && Tensor.needsGrad(self) {
            // The whole gradient goes to the index returned (the first of tied extremes).
            let keptShape = keptDimShape([d]), at = indices.reshape(keptShape)
            result.recordGrad(gradName, [self], saving: []) { [shape] g in
                [Tensor.zeros(shape, dtype: g.dtype).scatterAdd(dim: d, index: at, src: g.reshape(keptShape))]
            }
        }
        return (values: result, indices: indices.reshape(shapeOut))
    }

    private func argExtreme(_ op: IndexReductionOp, name: String) -> Tensor {
        checkArgDType(name)
        torchCheck(numel > 0, "\(name)(): Expected reduction dim to be specified for input.numel() == 0.")
        let indices = Tensor(uninitializedShape: [], dtype: .int64)
        backend.indexReduce(op, to(dtype: indexComputeType).reshape([numel]), values: nil, indices: indices)
        return indices
    }

    private func extremeOver(_ op: ReductionOp, _ dims: [Int], _ keepdim: Bool, name: String) -> Tensor {
        let ds = rank == 0 ? [] : reductionDims(dims, op: name)
        if dims.isEmpty {
            torchCheck(numel > 0, "\(name)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        }
        for d in ds { torchCheck(shape[d] > 0, "\(name)(): Expected reduction dim \(d) to have non-zero size.") }
        let out = reduced(op, dims: ds, keepdim: keepdim, resultDType: dtype, name: name)
        // The gradient is shared evenly among the elements equal to the extreme.
        return gradedReduction(out, op == .max ? "AmaxBackward0" : "AminBackward0", dims: ds, keepdim: keepdim) { g, x, y in
            let mask = x.eq(y).to(dtype: g.dtype)
            return g * mask / mask.sum(dims: ds, keepdim: true)
        }
    }
}
