/// Index ops: selecting, gathering and scattering along a dimension, and masks.
extension Tensor {
    /// The entries of `index` (a 1-D int64 or int32 tensor) along `dim` (`torch.index_select`).
    ///
    /// Shape: this tensor's shape with `dim` replaced by `index.numel`.
    /// Derivative: the gradient added back at `index` along `dim` (repeated indices accumulate).
    ///
    /// ```swift
    /// x.indexSelect(dim: 1, index: Tensor([0, 2]))   // columns 0 and 2
    /// ```
    public func indexSelect(dim: Int, index: Tensor) -> Tensor {
        torchCheck(index.rank <= 1, "index_select(): Index is supposed to be a vector")
        torchCheck(index.dtype == .int64 || index.dtype == .int32, "index_select(): Expected dtype int32 or int64 for index")
        if rank == 0 { return reshape([1]).indexSelect(dim: dim, index: index).reshape([]) }
        let d = normalizeDim(dim, rank, op: "index_select")
        let idx = index.to(dtype: .int64).reshape([-1])
        if idx.numel > 0 {
            let lo: Int64 = idx.min().item(), hi: Int64 = idx.max().item()
            torchCheck(lo >= 0 && hi < shape[d], "index out of range in self")
        }
        var outShape = shape
        outShape[d] = idx.numel
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        noGrad { backend.index(movedim(d, 0), indices: [idx], into: out.movedim(d, 0)) }
        if Tensor.needsGrad(self) {
            out.recordGrad("IndexSelectBackward0", [self], saving: [idx]) { [shape] g in [Tensor.indexAdded(g, into: shape, dim: d, index: idx)] }
        }
        return out
    }

    /// Values along `dim` picked by `index`: `out[i][j][k] = self[index[i][j][k]][j][k]` for
    /// `dim` 0, and so on (`torch.gather`).
    ///
    /// Shape: `index`'s, which has this tensor's rank and sizes no larger except along `dim`.
    /// Derivative: the gradient scattered-added back at `index` (`scatterAdd`).
    ///
    /// ```swift
    /// logits.gather(dim: 1, index: labels.unsqueeze(dim: 1))   // each row's label entry
    /// ```
    public func gather(dim: Int, index: Tensor) -> Tensor {
        let d = normalizeDim(dim, rank, op: "gather")
        torchCheck(index.dtype == .int64, "gather(): Expected dtype int64 for index")
        torchCheck(index.rank == rank || (rank == 0 && index.rank <= 1) || (index.rank == 0 && rank == 1),
                   "Index tensor must have the same number of dimensions as input tensor")
        if rank != index.rank || rank == 0 {
            return reshape([numel]).gather(dim: 0, index: index.reshape([index.numel])).reshape(index.shape)
        }
        for i in 0..<rank where i != d {
            torchCheck(index.shape[i] <= shape[i],
                       "Size does not match at dimension \(i) expected index \(shapeString(index.shape)) to be smaller than self \(shapeString(shape)) apart from dimension \(d)")
        }
        let out = Tensor(uninitializedShape: index.shape, dtype: dtype)
        if out.numel > 0 { backend.gather(self, dim: d, index: index, into: out) }
        if Tensor.needsGrad(self) {
            out.recordGrad("GatherBackward0", [self], saving: [index]) { [shape] g in
                [Tensor.zeros(shape, dtype: g.dtype).scatterAdd(dim: d, index: index, src: g)]
            }
        }
        return out
    }

    /// A copy with `src`'s values written at `index` along `dim`:
    /// `out[index[i][j]][j] = src[i][j]` for `dim` 0 (`torch.scatter`). Positions repeated in
    /// `index` get one of their values.
    ///
    /// Derivative: for `self`, the gradient with the written positions zeroed; for `src`, the
    /// gradient gathered at `index`.
    public func scatter(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        let out = noGrad { clone().scatter_(dim: dim, index: index, src: src) }
        if Tensor.needsGrad(self, src) {
            let d = normalizeDim(dim, rank, op: "scatter")
            out.recordGrad("ScatterBackward0", [self, src], saving: [index]) { [srcShape = src.shape] g in
                [g.scatter(dim: d, index: index, value: 0), Tensor.gatheredGradient(g, dim: d, index: index, srcShape: srcShape)]
            }
        }
        return out
    }

    /// A copy with `value` written at `index` along `dim` (`torch.scatter` with a scalar).
    ///
    /// ```swift
    /// Tensor.zeros([3, 10]).scatter(dim: 1, index: labels.unsqueeze(dim: 1), value: 1)   // one-hot
    /// ```
    public func scatter<S: TensorElement>(dim: Int, index: Tensor, value: S) -> Tensor {
        let out = noGrad { clone().scatter_(dim: dim, index: index, value: value) }
        if Tensor.needsGrad(self) {
            let d = normalizeDim(dim, rank, op: "scatter")
            out.recordGrad("ScatterBackward1", [self], saving: [index]) { g in [g.scatter(dim: d, index: index, value: 0)] }
        }
        return out
    }

    /// A copy with `src`'s values added at `index` along `dim`:
    /// `out[index[i][j]][j] += src[i][j]` for `dim` 0 (`torch.scatter_add`).
    ///
    /// Derivative: for `self`, the gradient; for `src`, the gradient gathered at `index`.
    public func scatterAdd(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        let out = noGrad { clone().scatterAdd_(dim: dim, index: index, src: src) }
        if Tensor.needsGrad(self, src) {
            let d = normalizeDim(dim, rank, op: "scatter_add")
            out.recordGrad("ScatterAddBackward0", [self, src], saving: [index]) { [srcShape = src.shape] g in
                [g, Tensor.gatheredGradient(g, dim: d, index: index, srcShape: srcShape)]
            }
        }
        return out
    }

    /// `scatter` in place (`scatter_`); returns this tensor.
    @discardableResult
    public func scatter_(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        writeInPlace("scatter_", [src], keepsSource: false, outOfPlace: { $0.scatter(dim: dim, index: index, src: src) },
                     write: { _ = scattered(dim: dim, index: index, src: src, accumulate: false, op: "scatter") })
        return self
    }

    /// `scatter(dim:index:value:)` in place (`scatter_`); returns this tensor.
    @discardableResult
    public func scatter_<S: TensorElement>(dim: Int, index: Tensor, value: S) -> Tensor {
        let src = Tensor(scalarValue: value.scalarValue, dtype: dtype).expand(index.shape)
        writeInPlace("scatter_", keepsSource: false, outOfPlace: { $0.scatter(dim: dim, index: index, value: value) },
                     write: { _ = scattered(dim: dim, index: index, src: src, accumulate: false, op: "scatter") })
        return self
    }

    /// `scatterAdd` in place (`scatter_add_`); returns this tensor.
    @discardableResult
    public func scatterAdd_(dim: Int, index: Tensor, src: Tensor) -> Tensor {
        writeInPlace("scatter_add_", [src], keepsSource: false, outOfPlace: { $0.scatterAdd(dim: dim, index: index, src: src) },
                     write: { _ = scattered(dim: dim, index: index, src: src, accumulate: true, op: "scatter_add") })
        return self
    }

    private func scattered(dim: Int, index: Tensor, src: Tensor, accumulate: Bool, op: String) -> Tensor {
        let d = normalizeDim(dim, rank, op: op)
        torchCheck(index.dtype == .int64, "\(op)(): Expected dtype int64 for index")
        torchCheck(src.dtype == dtype, "\(op)(): Expected self.dtype to be equal to src.dtype")
        torchCheck(index.rank == rank, "Index tensor must have the same number of dimensions as self tensor")
        torchCheck(src.rank == rank, "Index tensor must have the same number of dimensions as src tensor")
        for i in 0..<rank {
            torchCheck(index.shape[i] <= src.shape[i] && (i == d || index.shape[i] <= shape[i]),
                       "Expected index \(shapeString(index.shape)) to be smaller than self \(shapeString(shape)) apart from dimension \(d) and to be smaller size than src \(shapeString(src.shape))")
        }
        if index.numel == 0 { return self }
        let srcView = Tensor(storage: src.storage, shape: index.shape, strides: src.strides, offset: src.storageOffset, dtype: src.dtype)
        let compute = dtype == .bool ? DType.int64 : dtype.computeType
        if accumulate && compute != dtype {
            let acc = to(dtype: compute)
            backend.scatter(acc, dim: d, index: index, src: srcView.to(dtype: compute), accumulate: true)
            backend.copy(acc, into: self)
        } else {
            backend.scatter(self, dim: d, index: index, src: srcView, accumulate: accumulate)
        }
        return self
    }

    /// A copy with `value` where `mask` is true (`torch.masked_fill`); `mask` is a bool tensor
    /// broadcast with this one (the result has the broadcast shape).
    ///
    /// Derivative: the gradient with the masked positions zeroed.
    ///
    /// ```swift
    /// scores.maskedFill(padding, value: -Double.infinity)
    /// ```
    public func maskedFill<S: TensorElement>(_ mask: Tensor, value: S) -> Tensor {
        maskedFilled(mask, Tensor(scalarValue: value.scalarValue, dtype: dtype), valueInput: nil)
    }

    /// `maskedFill` with the value in a 0-dimensional tensor; its derivative is the sum of the
    /// gradient over the masked positions.
    public func maskedFill(_ mask: Tensor, value: Tensor) -> Tensor {
        checkMaskedFillValue(value)
        return maskedFilled(mask, noGrad { value.to(dtype: dtype) }, valueInput: value)
    }

    /// `maskedFill` in place (`masked_fill_`); `mask` must broadcast to this tensor's shape.
    @discardableResult
    public func maskedFill_<S: TensorElement>(_ mask: Tensor, value: S) -> Tensor {
        maskedFill_(mask, scalar: value.scalarValue)
    }

    /// `maskedFill` in place with the value in a 0-dimensional tensor.
    @discardableResult
    public func maskedFill_(_ mask: Tensor, value: Tensor) -> Tensor {
        checkMaskedFillValue(value)
        writeInPlace("masked_fill_", [value], keepsSource: false, outOfPlace: { $0.maskedFill(mask, value: value) },
                     write: { fillMasked(mask, value.item()) })
        return self
    }

    @discardableResult
    func maskedFill_(_ mask: Tensor, scalar: Scalar) -> Tensor {
        writeInPlace("masked_fill_", keepsSource: false,
                     outOfPlace: { $0.maskedFilled(mask, Tensor(scalarValue: scalar, dtype: dtype), valueInput: nil) },
                     write: { fillMasked(mask, scalar) })
        return self
    }

    private func fillMasked(_ mask: Tensor, _ scalar: Scalar) {
        checkMask(mask)
        let v = Tensor(scalarValue: scalar, dtype: dtype)
        backend.select(mask.to(dtype: .bool).expand(shape), v.expand(shape), self, into: self)
    }

    /// `where(mask, value, self)`, recorded as PyTorch's masked_fill; `valueInput` is the
    /// user's value tensor (which may require grad), nil for a Swift value.
    private func maskedFilled(_ mask: Tensor, _ value: Tensor, valueInput: Tensor?) -> Tensor {
        checkMask(mask)
        let out = noGrad { Tensor.where(mask, value, self) }
        if let v = valueInput, Tensor.needsGrad(self, v) {
            out.recordGrad("MaskedFillBackward1", [self, v], saving: [mask]) { g in
                let zero = Tensor.zeros([], dtype: g.dtype)
                return [Tensor.where(mask, zero, g), Tensor.where(mask, g, zero).sum()]
            }
        } else if Tensor.needsGrad(self) {
            out.recordGrad("MaskedFillBackward0", [self], saving: [mask]) { g in [Tensor.where(mask, Tensor.zeros([], dtype: g.dtype), g)] }
        }
        return out
    }

    private func checkMask(_ mask: Tensor) {
        torchCheck(mask.dtype == .bool || mask.dtype == .uint8,
                   "masked_fill_ only supports boolean masks, but got mask with dtype \(mask.dtype.name)")
    }

    private func checkMaskedFillValue(_ value: Tensor) {
        torchCheck(value.rank == 0,
                   "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with \(value.rank) dimension(s).")
    }

    /// The elements where the bool `mask` (broadcast with this tensor) is true, as a 1-D tensor
    /// (`torch.masked_select`).
    ///
    /// Derivative: the gradient scattered back to the selected positions.
    public func maskedSelect(_ mask: Tensor) -> Tensor {
        torchCheck(mask.dtype == .bool, "masked_select: expected BoolTensor for mask")
        let b = broadcastShapes(mask.shape, shape, op: "masked_select")
        if b.isEmpty { return reshape([1]).maskedSelect(mask.reshape([1])) }
        let out = noGrad { expand(b).indexed([TensorIndex(.tensor(mask.expand(b)))]) }
        if Tensor.needsGrad(self) {
            out.recordGrad("MaskedSelectBackward0", [self], saving: [mask]) { g in
                let positions = noGrad { mask.expand(b).reshape([-1]).nonzero().reshape([-1]) }
                return [Tensor.indexAccumulated(g, into: [b.reduce(1, *)], indices: [positions]).reshape(b)]
            }
        }
        return out
    }

    /// The coordinates of the nonzero elements, one row per element in row-major order, as an
    /// int64 tensor of shape `[count, rank]` (`torch.nonzero`).
    ///
    /// ```swift
    /// Tensor([[0, 1], [2, 0]]).nonzero()   // tensor([[0, 1], [1, 0]])
    /// ```
    public func nonzero() -> Tensor {
        backend.nonzero(self)
    }
}
