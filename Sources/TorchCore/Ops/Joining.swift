/// Joining tensors (`cat`, `stack`) and splitting them into views (`split`, `chunk`, `unbind`).
extension Tensor {
    /// The tensors joined along an existing dimension (`torch.cat`).
    ///
    /// All tensors have the same rank and sizes except along `dim`; the result dtype is the
    /// promotion of all of theirs. A 1-D empty tensor (`Tensor.zeros([0])`) is skipped, as in
    /// PyTorch. Derivative: the gradient split back along `dim`.
    ///
    /// ```swift
    /// Tensor.cat([t1, t2], dim: 1)   // [2, 3] and [2, 4] -> [2, 7]
    /// ```
    public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        torchCheck(!tensors.isEmpty, "torch.cat(): expected a non-empty list of Tensors")
        for (i, t) in tensors.enumerated() {
            torchCheck(t.rank > 0, "zero-dimensional tensor (at position \(i)) cannot be concatenated")
        }
        let dtype = tensors.dropFirst().reduce(tensors[0].dtype) { DType.promoteTypes($0, $1.dtype) }
        let skipped = { (t: Tensor) in t.rank == 1 && t.shape[0] == 0 }
        guard let ref = tensors.first(where: { !skipped($0) }) else {
            return Tensor(uninitializedShape: [0], dtype: dtype)
        }
        let d = normalizeDim(dim, ref.rank, op: "cat")
        var total = 0
        for (i, t) in tensors.enumerated() where !skipped(t) {
            torchCheck(t.rank == ref.rank, "Tensors must have same number of dimensions: got \(ref.rank) and \(t.rank)")
            for k in 0..<ref.rank where k != d {
                torchCheck(t.shape[k] == ref.shape[k],
                           "Sizes of tensors must match except in dimension \(d). Expected size \(ref.shape[k]) but got size \(t.shape[k]) for tensor number \(i) in the list.")
            }
            total += t.shape[d]
        }
        var shape = ref.shape
        shape[d] = total
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        var offset = 0
        for t in tensors where !skipped(t) && t.shape[d] > 0 {
            out.backend.copy(t, into: out.narrow(dim: d, start: offset, length: t.shape[d]))
            offset += t.shape[d]
        }
        if GradMode.isEnabled && tensors.contains(where: { $0.requiresGrad }) {
            let sizes = tensors.map { skipped($0) ? nil : $0.shape[d] }
            out.recordGrad("CatBackward0", tensors, saving: []) { g in
                var start = 0
                return sizes.map { n in
                    guard let n else { return nil }
                    defer { start += n }
                    return g.narrow(dim: d, start: start, length: n)
                }
            }
        }
        return out
    }

    /// The tensors, all of one shape, joined along a new dimension `dim` (`torch.stack`).
    ///
    /// Derivative: the gradient unbound along `dim`.
    ///
    /// ```swift
    /// Tensor.stack([a, b, c])          // three [2] tensors -> [3, 2]
    /// Tensor.stack([a, b, c], dim: 1)  // -> [2, 3]
    /// ```
    public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        torchCheck(!tensors.isEmpty, "stack expects a non-empty TensorList")
        let shape = tensors[0].shape
        for (i, t) in tensors.enumerated().dropFirst() {
            torchCheck(t.shape == shape,
                       "stack expects each tensor to be equal size, but got \(shapeString(shape)) at entry 0 and \(shapeString(t.shape)) at entry \(i)")
        }
        let d = normalizeDim(dim, shape.count + 1, op: "stack")
        let dtype = tensors.dropFirst().reduce(tensors[0].dtype) { DType.promoteTypes($0, $1.dtype) }
        var outShape = shape
        outShape.insert(tensors.count, at: d)
        let out = Tensor(uninitializedShape: outShape, dtype: dtype)
        if out.numel > 0 {
            for (i, t) in tensors.enumerated() { out.backend.copy(t, into: out.select(dim: d, index: i)) }
        }
        if GradMode.isEnabled && tensors.contains(where: { $0.requiresGrad }) {
            out.recordGrad("StackBackward0", tensors, saving: []) { g in (0..<tensors.count).map { g.select(dim: d, index: $0) } }
        }
        return out
    }

    /// Views of consecutive pieces of `size` along `dim`; the last may be smaller (`torch.split`).
    ///
    /// Derivative: the gradients joined back with `cat`.
    ///
    /// ```swift
    /// Tensor.arange(5).split(2)   // [tensor([0, 1]), tensor([2, 3]), tensor([4])]
    /// ```
    public func split(_ size: Int, dim: Int = 0) -> [Tensor] {
        torchCheck(rank > 0, "split expects at least a 1-dimensional tensor")
        let d = normalizeDim(dim, rank, op: "split")
        let n = shape[d]
        torchCheck(size >= 0, "split expects split_size be non-negative, but got split_size=\(size)")
        torchCheck(size > 0 || n == 0, "split_size can only be 0 if dimension size is 0, but got dimension size of \(n)")
        let pieces = size == 0 ? 1 : Swift.max((n + size - 1) / size, 1)
        return (0..<pieces).map { i in piece(dim: d, start: i * size, length: Swift.min(size, n - i * size), "SplitBackward0") }
    }

    /// Views of pieces of the given `sizes` along `dim`, which must add up to its size
    /// (`torch.split` with a list, `split_with_sizes`).
    public func split(sizes: [Int], dim: Int = 0) -> [Tensor] {
        torchCheck(rank > 0, "split expects at least a 1-dimensional tensor")
        let d = normalizeDim(dim, rank, op: "split_with_sizes")
        torchCheck(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[d],
                   "split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(d)), but got split_sizes=\(shapeString(sizes))")
        var start = 0
        return sizes.map { s in
            defer { start += s }
            return piece(dim: d, start: start, length: s, "SplitWithSizesBackward0")
        }
    }

    /// At most `chunks` views of equal size (the last may be smaller) along `dim` (`torch.chunk`).
    ///
    /// ```swift
    /// Tensor.zeros([5]).chunk(3)   // sizes 2, 2, 1
    /// ```
    public func chunk(_ chunks: Int, dim: Int = 0) -> [Tensor] {
        torchCheck(rank > 0, "chunk expects at least a 1-dimensional tensor")
        torchCheck(chunks > 0, "chunk expects `chunks` to be greater than 0, got: \(chunks)")
        let d = normalizeDim(dim, rank, op: "chunk")
        let n = shape[d]
        if n == 0 { return Array(repeating: self, count: chunks) }
        return split((n + chunks - 1) / chunks, dim: d)
    }

    /// The slices along `dim`, each with that dimension removed, as views (`torch.unbind`).
    ///
    /// Derivative: the gradients stacked back along `dim`.
    public func unbind(dim: Int = 0) -> [Tensor] {
        torchCheck(rank > 0, "Dimension specified as \(dim) but tensor has no dimensions")
        let d = normalizeDim(dim, rank, op: "unbind")
        return (0..<shape[d]).map { i in
            var s = shape, st = strides
            s.remove(at: d); st.remove(at: d)
            return viewGraded(Tensor(storage: storage, shape: s, strides: st, offset: storageOffset + i * strides[d], dtype: dtype),
                              "UnbindBackward0") { [shape] g in Tensor.padded(g.unsqueeze(dim: d), to: shape, dim: d, start: i) }
        }
    }

    /// The view of `length` elements from `start` along `d`, recorded as a piece of a split
    /// (`name`), whose gradient is padded back with zeros.
    private func piece(dim d: Int, start: Int, length: Int, _ name: String) -> Tensor {
        var s = shape
        s[d] = length
        return viewGraded(Tensor(storage: storage, shape: s, strides: strides, offset: storageOffset + start * strides[d], dtype: dtype),
                          name) { [shape] g in Tensor.padded(g, to: shape, dim: d, start: start) }
    }

    /// `g` placed at `start` along `d` in zeros of `shape`, by `cat`, so that it can be
    /// differentiated again.
    static func padded(_ g: Tensor, to shape: [Int], dim d: Int, start: Int) -> Tensor {
        if g.shape == shape { return g }
        var before = shape, after = shape
        before[d] = start
        after[d] = shape[d] - start - g.shape[d]
        return cat([Tensor.zeros(before, dtype: g.dtype), g, Tensor.zeros(after, dtype: g.dtype)], dim: d)
    }
}
