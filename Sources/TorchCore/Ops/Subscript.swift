/// Tensor subscripts, as PyTorch's `t[...]` and `t[...] = v`.
///
/// Integers, ranges, `.slice`, `...`/`.all`, `.ellipsis` and `.newAxis` give views that share
/// memory with the tensor (writes through them change it); a bool mask or an integer index
/// tensor selects a copy (advanced indexing, with NumPy's rules for several index tensors).
///
/// ```swift
/// let x = Tensor.arange(12).reshape(3, 4)
/// x[0]                  // tensor([0, 1, 2, 3])
/// x[-1, -1]             // tensor(11)
/// x[..., 1...]          // columns 1 to 3, a view
/// x[.slice(step: 2)]    // rows 0 and 2
/// x[x.gt(5)]            // tensor([ 6,  7,  8,  9, 10, 11])
/// x[0] = Tensor([9, 9, 9, 9]); x[1, 2] = 0; x[x.gt(8)] = -1
/// let v: Int = x[2, 3]  // one element as a Swift value
/// ```
///
/// `...` may appear among the first three entries (use `.all` elsewhere); Swift ranges cannot
/// run backwards, so write Python's `t[1:-1]` as `t[.slice(1, -1)]`.
///
/// Derivative: the gradient scattered back into a zero tensor of the input's shape, added up
/// where an index tensor repeats a position. Setters write in place, as PyTorch's: when the
/// tensor or the value requires grad, the tensor's `gradFn` becomes `CopySlices` (basic
/// entries) or `IndexPutBackward0` (index tensors), unless it is a leaf that requires grad.
extension Tensor {
    public subscript(_ i: any TensorIndexConvertible...) -> Tensor {
        get { indexed(i.map(\.tensorIndex)) }
        set { setIndexed(i.map(\.tensorIndex), newValue) }
    }

    public subscript(_ a: UnboundedRange, _ rest: any TensorIndexConvertible...) -> Tensor {
        get { indexed([.all] + rest.map(\.tensorIndex)) }
        set { setIndexed([.all] + rest.map(\.tensorIndex), newValue) }
    }

    public subscript(_ a: any TensorIndexConvertible, _ b: UnboundedRange, _ rest: any TensorIndexConvertible...) -> Tensor {
        get { indexed([a.tensorIndex, .all] + rest.map(\.tensorIndex)) }
        set { setIndexed([a.tensorIndex, .all] + rest.map(\.tensorIndex), newValue) }
    }

    public subscript(_ a: UnboundedRange, _ b: UnboundedRange, _ rest: any TensorIndexConvertible...) -> Tensor {
        get { indexed([.all, .all] + rest.map(\.tensorIndex)) }
        set { setIndexed([.all, .all] + rest.map(\.tensorIndex), newValue) }
    }

    public subscript(_ a: any TensorIndexConvertible, _ b: any TensorIndexConvertible, _ c: UnboundedRange,
                     _ rest: any TensorIndexConvertible...) -> Tensor {
        get { indexed([a.tensorIndex, b.tensorIndex, .all] + rest.map(\.tensorIndex)) }
        set { setIndexed([a.tensorIndex, b.tensorIndex, .all] + rest.map(\.tensorIndex), newValue) }
    }

    public subscript(_ a: UnboundedRange, _ b: any TensorIndexConvertible, _ c: UnboundedRange,
                     _ rest: any TensorIndexConvertible...) -> Tensor {
        get { indexed([.all, b.tensorIndex, .all] + rest.map(\.tensorIndex)) }
        set { setIndexed([.all, b.tensorIndex, .all] + rest.map(\.tensorIndex), newValue) }
    }

    public subscript(_ a: any TensorIndexConvertible, _ b: UnboundedRange, _ c: UnboundedRange,
                     _ rest: any TensorIndexConvertible...) -> Tensor {
        get { indexed([a.tensorIndex, .all, .all] + rest.map(\.tensorIndex)) }
        set { setIndexed([a.tensorIndex, .all, .all] + rest.map(\.tensorIndex), newValue) }
    }

    public subscript(_ a: UnboundedRange, _ b: UnboundedRange, _ c: UnboundedRange,
                     _ rest: any TensorIndexConvertible...) -> Tensor {
        get { indexed([.all, .all, .all] + rest.map(\.tensorIndex)) }
        set { setIndexed([.all, .all, .all] + rest.map(\.tensorIndex), newValue) }
    }

    /// One element as a Swift value (`t[i, j].item()`), or a Swift value written into every
    /// selected element (`t[0] = 5`, `t[mask] = 0`).
    @_disfavoredOverload
    public subscript<S: TensorElement>(_ i: any TensorIndexConvertible...) -> S {
        get { indexed(i.map(\.tensorIndex)).item(S.self) }
        set { setIndexed(i.map(\.tensorIndex), scalar: newValue.scalarValue) }
    }

    /// `t[..., j] = 5` and its reading as a Swift value.
    @_disfavoredOverload
    public subscript<S: TensorElement>(_ a: UnboundedRange, _ rest: any TensorIndexConvertible...) -> S {
        get { indexed([.all] + rest.map(\.tensorIndex)).item(S.self) }
        set { setIndexed([.all] + rest.map(\.tensorIndex), scalar: newValue.scalarValue) }
    }

    /// `t[i, ...] = 5` and its reading as a Swift value.
    @_disfavoredOverload
    public subscript<S: TensorElement>(_ a: any TensorIndexConvertible, _ b: UnboundedRange,
                                       _ rest: any TensorIndexConvertible...) -> S {
        get { indexed([a.tensorIndex, .all] + rest.map(\.tensorIndex)).item(S.self) }
        set { setIndexed([a.tensorIndex, .all] + rest.map(\.tensorIndex), scalar: newValue.scalarValue) }
    }
}

extension Tensor {
    /// `self[items]`: a view for basic entries, a gathered copy when index tensors are present.
    func indexed(_ items: [TensorIndex]) -> Tensor {
        let (view, dims, indices) = applyBasicIndices(items)
        if dims.isEmpty { return view }
        let adv = noGrad { AdvancedIndex(view, dims: dims, indices: indices) }
        let out = Tensor(uninitializedShape: adv.resultShape, dtype: dtype)
        backend.index(adv.source, indices: adv.indices, into: out.permute(adv.resultOrder))
        if Tensor.needsGrad(view) {
            // The gradient goes back through the same permutations, accumulated where indices repeat.
            let order = dims + (0..<view.rank).filter { !dims.contains($0) }
            var inverse = order
            for (i, d) in order.enumerated() { inverse[d] = i }
            let sourceShape = adv.source.shape, advIndices = adv.indices, resultOrder = adv.resultOrder
            out.recordGrad("IndexBackward0", [view], saving: advIndices) { g in
                [Tensor.indexAccumulated(g.permute(resultOrder), into: sourceShape, indices: advIndices).permute(inverse)]
            }
        }
        return out
    }

    /// `self[items] = value`: `value` is broadcast to the selection and converted to this dtype.
    /// Recorded by autograd (as `CopySlices` for basic entries, `IndexPutBackward0` with index
    /// tensors) when this tensor or `value` requires grad.
    func setIndexed(_ items: [TensorIndex], _ value: Tensor) {
        writeInPlace("index_put_", [value], keepsSource: false, outOfPlace: { $0.indexPutResult(items, value) },
                     write: { writeIndexed(items, value) })
    }

    /// `self[items] = value` for a Swift value.
    func setIndexed(_ items: [TensorIndex], scalar: Scalar) {
        if items.count == 1, case .tensor(let m) = items[0].kind, m.dtype == .bool, m.shape == shape {
            maskedFill_(m, scalar: scalar)
            return
        }
        let value = Tensor(scalarValue: scalar, dtype: dtype)
        writeInPlace("index_put_", keepsSource: false, outOfPlace: { $0.indexPutResult(items, value) }, write: {
            let (view, dims, _) = noGrad { applyBasicIndices(items) }
            if dims.isEmpty { backend.fill(view, with: scalar) } else { writeIndexed(items, value) }
        })
    }

    /// Writes `value` at `items` without autograd or version bookkeeping (the callers do both).
    private func writeIndexed(_ items: [TensorIndex], _ value: Tensor) {
        let (view, dims, indices) = noGrad { applyBasicIndices(items) }
        if dims.isEmpty {
            backend.copy(noGrad { value.expand(view.shape) }, into: view)
            return
        }
        let adv = AdvancedIndex(view, dims: dims, indices: indices)
        let target = adv.resultShape
        var v = value
        while v.rank > target.count && v.shape[0] == 1 { v = v.squeeze(dim: 0) }
        let fits = v.rank <= target.count
            && zip(v.shape.reversed(), target.reversed()).allSatisfy { $0 == $1 || $0 == 1 }
        torchCheck(fits, "shape mismatch: value tensor of shape \(shapeString(value.shape)) cannot be broadcast to indexing result of shape \(shapeString(target))")
        noGrad { backend.indexPut(adv.source, indices: adv.indices, values: v.to(dtype: dtype).expand(target).permute(adv.resultOrder)) }
    }

    /// A copy of this tensor with `value` written at `items`, recorded for autograd: the
    /// gradient passes to this tensor except where written, and to `value` from there.
    private func indexPutResult(_ items: [TensorIndex], _ value: Tensor) -> Tensor {
        let out = noGrad { clone() }
        out.writeIndexed(items, value)
        guard Tensor.needsGrad(self, value) else { return out }
        let written = Tensor.zeros(shape, dtype: .bool)
        written.writeIndexed(items, Tensor(true))
        let indexTensors = items.compactMap { if case .tensor(let t) = $0.kind { t } else { nil } }
        let basic = indexTensors.isEmpty
        return out.recordGrad(basic ? "CopySlices" : "IndexPutBackward0", [self, value], saving: indexTensors) { g in
            [Tensor.where(written, Tensor.zeros([], dtype: g.dtype), g), g.indexed(items)]
        }
    }

    /// Applies the integer, slice, ellipsis and new-axis entries as a view, and turns index and
    /// mask tensors into int64 index tensors for dimensions of that view.
    func applyBasicIndices(_ items: [TensorIndex]) -> (view: Tensor, dims: [Int], indices: [Tensor]) {
        var consumed = 0, ellipses = 0
        for item in items {
            consumed += item.kind.consumedDims
            if case .ellipsis = item.kind { ellipses += 1 }
        }
        torchCheck(ellipses <= 1, "an index can only have a single ellipsis")
        torchCheck(rank > 0 || consumed == 0,
                   "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        torchCheck(consumed <= rank, "too many indices for tensor of dimension \(rank)")
        var result = self
        var dim = 0, sourceDim = 0
        var dims: [Int] = [], indices: [Tensor] = []
        for item in items {
            switch item.kind {
            case .index(let i):
                let size = result.shape[dim]
                torchCheck(i >= -size && i < size, "index \(i) is out of bounds for dimension \(sourceDim) with size \(size)")
                result = result.select(dim: dim, index: i)
                sourceDim += 1
            case let .slice(start, end, inclusive, step):
                let (s, n) = TensorIndex.Kind.sliceBounds(start: start, end: end, inclusive: inclusive, step: step, size: result.shape[dim])
                result = result.sliced(dim: dim, start: s, end: n == 0 ? s : s + (n - 1) * step + 1, step: step)
                dim += 1
                sourceDim += 1
            case .ellipsis:
                dim += rank - consumed
                sourceDim += rank - consumed
            case .newAxis:
                result = result.unsqueeze(dim: dim)
                dim += 1
            case .tensor(let t) where t.dtype == .bool || t.dtype == .uint8:
                if t.rank == 0 {
                    result = result.unsqueeze(dim: dim)
                    dims.append(dim)
                    indices.append(t.item(Bool.self) ? Tensor([Int64(0)]) : Tensor.empty([0], dtype: .int64))
                    dim += 1
                    continue
                }
                for j in 0..<t.rank {
                    torchCheck(t.shape[j] == result.shape[dim + j],
                               "The shape of the mask \(shapeString(t.shape)) at index \(j) does not match the shape of the indexed tensor \(shapeString(result.shape)) at index \(dim + j)")
                }
                // A mask over dimensions that merge into one (a contiguous run) selects by one
                // flat index instead of one per dimension.
                if t.rank > 1, let merged = result.mergingDims(dim, count: t.rank) {
                    result = Tensor.needsGrad(result) ? result.reshape(merged.shape) : merged
                    dims.append(dim)
                    indices.append(t.reshape([-1]).nonzero().select(dim: 1, index: 0))
                    dim += 1
                    sourceDim += t.rank
                    continue
                }
                let nz = t.nonzero()
                for j in 0..<t.rank {
                    dims.append(dim + j)
                    indices.append(nz.select(dim: 1, index: j))
                }
                dim += t.rank
                sourceDim += t.rank
            case .tensor(let t):
                torchCheck(t.dtype.isIntegral, "tensors used as indices must be long, byte or bool tensors")
                dims.append(dim)
                indices.append(t.to(dtype: .int64))
                dim += 1
                sourceDim += 1
            }
        }
        return (result, dims, indices)
    }
}

extension Tensor {

    /// A view with dimensions `start..<start+count` merged into one, or nil when their
    /// strides do not allow it.
    func mergingDims(_ start: Int, count: Int) -> Tensor? {
        for d in start..<(start + count - 1) where strides[d] != strides[d + 1] * shape[d + 1] {
            return nil
        }
        let end = start + count
        let merged = shape[start..<end].reduce(1, *)
        return Tensor(storage: storage, shape: Array(shape[..<start]) + [merged] + Array(shape[end...]),
                      strides: Array(strides[..<start]) + [strides[end - 1]] + Array(strides[end...]),
                      offset: storageOffset, dtype: dtype)
    }
}

/// NumPy's advanced indexing of `view` by int64 `indices` along `dims`: the index tensors
/// broadcast to one shape B, and the result has B in place of the indexed dimensions when
/// they are adjacent, else first.
struct AdvancedIndex {
    /// The view with the indexed dimensions moved first, in order.
    let source: Tensor
    /// The index tensors, expanded to B.
    let indices: [Tensor]
    /// The shape of `view[indices]`.
    let resultShape: [Int]
    /// Permutation taking a tensor of `resultShape` to B followed by the other dimensions.
    let resultOrder: [Int]

    init(_ view: Tensor, dims: [Int], indices: [Tensor]) {
        var b = indices[0].shape
        for t in indices.dropFirst() {
            guard let s = AdvancedIndex.broadcast(b, t.shape) else {
                fatalError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                           + indices.map { shapeString($0.shape) }.joined(separator: ", "))
            }
            b = s
        }
        let rest = (0..<view.rank).filter { !dims.contains($0) }
        source = view.permute(dims + rest)
        self.indices = indices.map { $0.expand(b) }
        let adjacent = zip(dims, dims.dropFirst()).allSatisfy { $1 == $0 + 1 }
        if adjacent {
            let p = dims[0]
            resultShape = Array(view.shape[..<p]) + b + Array(view.shape[(dims[dims.count - 1] + 1)...])
            resultOrder = Array(p..<(p + b.count)) + Array(0..<p) + Array((p + b.count)..<resultShape.count)
        } else {
            resultShape = b + rest.map { view.shape[$0] }
            resultOrder = Array(0..<resultShape.count)
        }
    }

    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            guard da == db || da == 1 || db == 1 else { return nil }
            out[i] = da == 1 ? db : da
        }
        return out
    }
}
