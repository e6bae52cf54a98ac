/// Gradients of the selecting ops: the selected gradient added back into zeros at the
/// positions it came from. Written with `scatterAdd` (whose own backward is `gather`), so
/// they run on any backend and can be differentiated again; repeated positions accumulate.
extension Tensor {
    /// Zeros of `shape` with `g` added at `index` (1-D int64) along `dim`: the gradient of
    /// `indexSelect(dim:index:)`, whose result `g` has `shape` with `dim` resized to `index.numel`.
    static func indexAdded(_ g: Tensor, into shape: [Int], dim d: Int, index: Tensor) -> Tensor {
        var indexShape = [Int](repeating: 1, count: g.rank)
        indexShape[d] = index.numel
        return Tensor.zeros(shape, dtype: g.dtype)
            .scatterAdd(dim: d, index: index.reshape(indexShape).expand(g.shape), src: g)
    }

    /// Zeros of `shape` with `values` added at the positions the int64 `indices` (one per
    /// leading dimension of `shape`, all of one shape B, negative counting from the end) name:
    /// the gradient of advanced indexing. `values` has shape B followed by `shape`'s other
    /// dimensions.
    static func indexAccumulated(_ values: Tensor, into shape: [Int], indices: [Tensor]) -> Tensor {
        let k = indices.count
        let rest = Array(shape[k...])
        // One flat position over the leading k dimensions per element of B.
        let flat: Tensor = noGrad {
            var lin: Tensor?
            for (j, ix) in indices.enumerated() {
                let size = shape[j]
                let wrapped = Tensor.where(ix.lt(0), ix + size, ix)
                lin = lin.map { $0 * size + wrapped } ?? wrapped
            }
            return lin!.reshape([-1])
        }
        let n = flat.numel
        let index = flat.reshape([n] + rest.map { _ in 1 }).expand([n] + rest)
        let leading = shape[..<k].reduce(1, *)
        return Tensor.zeros([leading] + rest, dtype: values.dtype)
            .scatterAdd(dim: 0, index: index, src: values.reshape([n] + rest))
            .reshape(shape)
    }

    /// `g` (of `index`'s shape) gathered into a tensor of `shape`, which is at least as large in
    /// every dimension: zeros outside `index`'s extent. The gradient of a scatter's `src`.
    static func gatheredGradient(_ g: Tensor, dim d: Int, index: Tensor, srcShape: [Int]) -> Tensor {
        let picked = g.gather(dim: d, index: index)
        if srcShape == index.shape { return picked }
        return Tensor.scattered(picked, into: srcShape) { z in
            var region = z
            for (i, n) in index.shape.enumerated() { region = region.narrow(dim: i, start: 0, length: n) }
            return region
        }
    }
}
