/// Views: new shapes and strides over the same storage, no copying (reshape copies only
/// when the strides make a view impossible, as in PyTorch). Each view's derivative is the
/// inverse view (or, for `expand`, a sum) of the gradient.
extension Tensor {
    /// The same elements in a new shape; one size may be `-1` to be inferred.
    /// A view when the strides allow it, else a copy.
    ///
    /// ```swift
    /// t.reshape([1, 12]); t.reshape(-1, 4)
    /// ```
    public func reshape(_ shape: [Int]) -> Tensor {
        let target = inferShape(shape, op: "reshape")
        if let strides = viewStrides(for: target) {
            return viewGraded(Tensor(storage: storage, shape: target, strides: strides, offset: storageOffset, dtype: dtype),
                              "ViewBackward0") { [shape = self.shape] g in g.reshape(shape) }
        }
        let c = noGrad { clone() }
        return viewGraded(Tensor(storage: c.storage, shape: target, strides: contiguousStrides(target), dtype: dtype),
                          "UnsafeViewBackward0") { [shape = self.shape] g in g.reshape(shape) }
    }

    /// `reshape` with the sizes listed.
    public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

    /// The same elements in a new shape, always a view; stops when the strides do not allow one.
    public func view(_ shape: [Int]) -> Tensor {
        let target = inferShape(shape, op: "view")
        guard let strides = viewStrides(for: target) else {
            fatalError("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        }
        return viewGraded(Tensor(storage: storage, shape: target, strides: strides, offset: storageOffset, dtype: dtype),
                          "ViewBackward0") { [shape = self.shape] g in g.reshape(shape) }
    }

    /// `view` with the sizes listed.
    public func view(_ shape: Int...) -> Tensor { view(shape) }

    /// A view with `other`'s shape.
    public func viewAs(_ other: Tensor) -> Tensor { view(other.shape) }

    /// Replaces a `-1` in `shape` by the size that keeps `numel`, checking the total.
    private func inferShape(_ shape: [Int], op: String) -> [Int] {
        var out = shape
        let inferred = shape.indices.filter { shape[$0] == -1 }
        torchCheck(inferred.count <= 1, "\(op): only one dimension can be inferred")
        torchCheck(shape.allSatisfy { $0 >= -1 }, "\(op): invalid shape dimension in \(shapeString(shape))")
        let known = shape.filter { $0 != -1 }.reduce(1, *)
        if let i = inferred.first {
            torchCheck(known != 0 && numel % known == 0,
                         "\(op): shape '\(shapeString(shape))' is invalid for input of size \(numel)")
            out[i] = numel / known
        } else {
            torchCheck(known == numel, "\(op): shape '\(shapeString(shape))' is invalid for input of size \(numel)")
        }
        return out
    }

    /// Strides giving `target` as a view of this tensor, or nil when a copy is needed
    /// (PyTorch's `computeStride`: each run of merged old dimensions must be contiguous).
    private func viewStrides(for target: [Int]) -> [Int]? {
        if numel == 0 || isContiguous { return contiguousStrides(target) }
        var newStrides = [Int](repeating: 0, count: target.count)
        var viewD = target.count - 1
        var chunkBase = strides.last ?? 1
        var tensorNumel = 1, viewNumel = 1
        for d in Swift.stride(from: rank - 1, through: 0, by: -1) {
            tensorNumel *= shape[d]
            if d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase) {
                while viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1) {
                    newStrides[viewD] = viewNumel * chunkBase
                    viewNumel *= target[viewD]
                    viewD -= 1
                }
                if viewNumel != tensorNumel { return nil }
                if d > 0 {
                    chunkBase = strides[d - 1]
                    tensorNumel = 1
                    viewNumel = 1
                }
            }
        }
        return viewD == -1 ? newStrides : nil
    }

    /// Removes every size-1 dimension.
    public func squeeze() -> Tensor {
        let keep = shape.indices.filter { shape[$0] != 1 }
        return viewGraded(Tensor(storage: storage, shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] },
                                 offset: storageOffset, dtype: dtype), "SqueezeBackward0") { [shape] g in g.reshape(shape) }
    }

    /// Removes dimension `dim` if its size is 1 (otherwise returns the tensor unchanged).
    public func squeeze(dim: Int) -> Tensor {
        if rank == 0 { return self }
        let d = normalizeDim(dim, rank, op: "squeeze")
        guard shape[d] == 1 else { return self }
        var s = shape, st = strides
        s.remove(at: d); st.remove(at: d)
        return viewGraded(Tensor(storage: storage, shape: s, strides: st, offset: storageOffset, dtype: dtype),
                          "SqueezeBackward1") { [shape] g in g.reshape(shape) }
    }

    /// Inserts a size-1 dimension at `dim` (negative counts from the end of the result).
    public func unsqueeze(dim: Int) -> Tensor {
        let d = normalizeDim(dim, rank + 1, op: "unsqueeze")
        var s = shape, st = strides
        s.insert(1, at: d)
        st.insert(d < rank ? strides[d] * shape[d] : 1, at: d)
        return viewGraded(Tensor(storage: storage, shape: s, strides: st, offset: storageOffset, dtype: dtype),
                          "UnsqueezeBackward0") { [shape] g in g.reshape(shape) }
    }

    /// Merges dimensions `startDim...endDim` into one.
    ///
    /// ```swift
    /// batch.flatten(startDim: 1)   // [3, 1, 4, 4] -> [3, 16]
    /// ```
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if rank == 0 { return reshape([1]) }
        let s = normalizeDim(startDim, rank, op: "flatten"), e = normalizeDim(endDim, rank, op: "flatten")
        torchCheck(s <= e, "flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e { return self }
        let merged = shape[s...e].reduce(1, *)
        return reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Reorders the dimensions: result dimension i is this tensor's dimension `dims[i]`.
    public func permute(_ dims: [Int]) -> Tensor {
        torchCheck(dims.count == rank,
                     "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(dims.count)")
        let d = dims.map { normalizeDim($0, rank, op: "permute") }
        torchCheck(Set(d).count == d.count, "permute: repeated dim in \(dims)")
        return permuted(d, gradName: "PermuteBackward0")
    }

    /// The view with dimensions in `order` (already checked), recorded under `gradName`.
    private func permuted(_ order: [Int], gradName: String) -> Tensor {
        let out = Tensor(storage: storage, shape: order.map { shape[$0] }, strides: order.map { strides[$0] },
                         offset: storageOffset, dtype: dtype)
        var inverse = order
        for (i, d) in order.enumerated() { inverse[d] = i }
        return viewGraded(out, gradName) { g in g.permute(inverse) }
    }

    /// `permute` with the dimensions listed.
    public func permute(_ dims: Int...) -> Tensor { permute(dims) }

    /// Swaps two dimensions.
    public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
        let a = normalizeDim(dim0, rank, op: "transpose"), b = normalizeDim(dim1, rank, op: "transpose")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return permuted(order, gradName: "TransposeBackward0")
    }

    /// The transpose of a matrix (a 0-D or 1-D tensor is returned as is).
    public func t() -> Tensor {
        torchCheck(rank <= 2, "t() expects a tensor with <= 2 dimensions, but self is \(rank)D")
        return rank < 2 ? self : permuted([1, 0], gradName: "TBackward0")
    }

    /// Moves dimension `source` to position `destination`.
    public func movedim(_ source: Int, _ destination: Int) -> Tensor {
        let s = normalizeDim(source, rank, op: "movedim"), d = normalizeDim(destination, rank, op: "movedim")
        var order = Array(0..<rank)
        order.remove(at: s)
        order.insert(s, at: d)
        return permute(order)
    }

    /// The elements `start..<start+length` along `dim`, as a view.
    public func narrow(dim: Int, start: Int, length: Int) -> Tensor {
        torchCheck(rank > 0, "narrow() cannot be applied to a 0-dim tensor.")
        let d = normalizeDim(dim, rank, op: "narrow")
        let s = start < 0 ? start + shape[d] : start
        torchCheck(s >= 0 && s <= shape[d], "narrow: start (\(start)) out of range for dimension \(d) of size \(shape[d])")
        torchCheck(length >= 0 && s + length <= shape[d], "narrow: start (\(s)) + length (\(length)) exceeds dimension size (\(shape[d])).")
        var newShape = shape
        newShape[d] = length
        return viewGraded(Tensor(storage: storage, shape: newShape, strides: strides, offset: storageOffset + s * strides[d], dtype: dtype),
                          "SliceBackward0") { [shape] g in Tensor.scattered(g, into: shape) { $0.narrow(dim: d, start: s, length: length) } }
    }

    /// The slice at `index` along `dim`, with that dimension removed, as a view.
    public func select(dim: Int, index: Int) -> Tensor {
        torchCheck(rank > 0, "select() cannot be applied to a 0-dim tensor.")
        let d = normalizeDim(dim, rank, op: "select")
        torchCheck(index >= -shape[d] && index < shape[d],
                     "select(): index \(index) out of range for tensor of size \(shapeString(shape)) at dimension \(d)")
        let i = index < 0 ? index + shape[d] : index
        var s = shape, st = strides
        s.remove(at: d); st.remove(at: d)
        return viewGraded(Tensor(storage: storage, shape: s, strides: st, offset: storageOffset + i * strides[d], dtype: dtype),
                          "SelectBackward0") { [shape] g in Tensor.scattered(g, into: shape, name: "SelectBackwardBackward0") { $0.select(dim: d, index: i) } }
    }

    /// A view taking every `step`-th element of `start..<end` along `dim` (Python's `t[start:end:step]`).
    func sliced(dim d: Int, start: Int, end: Int, step: Int) -> Tensor {
        torchCheck(step > 0, "slice step must be positive")
        let count = end > start ? (end - start + step - 1) / step : 0
        var s = shape, st = strides
        s[d] = count
        st[d] = strides[d] * step
        return viewGraded(Tensor(storage: storage, shape: s, strides: st, offset: storageOffset + start * strides[d], dtype: dtype),
                          "SliceBackward0") { [shape] g in Tensor.scattered(g, into: shape) { $0.sliced(dim: d, start: start, end: end, step: step) } }
    }

    /// Records a view's backward when autograd needs it.
    func viewGraded(_ out: Tensor, _ name: String, _ rule: @escaping (Tensor) -> Tensor) -> Tensor {
        guard Tensor.needsGrad(self) else { return out }
        return out.recordGrad(name, [self], saving: []) { g in [rule(g)] }
    }

    /// Zeros of `shape` with `g` written into the part `region` selects: the gradient of a
    /// view that picks out that part.
    static func scattered(_ g: Tensor, into shape: [Int], name: String = "SliceBackwardBackward0",
                          _ region: @escaping (Tensor) -> Tensor) -> Tensor {
        let z = Tensor.zeros(shape, dtype: g.dtype)
        noGrad { region(z).copy_(g) }
        // Recorded under createGraph, so that double backward flows through: its gradient is the view of it.
        if Tensor.needsGrad(g) { z.recordGrad(name, [g], saving: []) { gg in [region(gg)] } }
        return z
    }
}
