/// The two fast ways to run an ungrouped, non-transposed convolution and its first-order
/// gradients; everything else (groups, transposed convolution, empty tensors, and a
/// backward pass that records a graph for double backward) takes the per-image path in
/// Convolution.swift.
///
/// - `direct`: inputs with few weights per output channel (`C·kh·kw`: the course's layers
///   have 25 and 150) and unit stride along the width: register-blocked SIMD kernels over
///   each image laid out once per kernel column (zeros where the convolution pads), so
///   nothing is unfolded into `C·kh·kw` rows; the bias gradient comes out of the weight
///   gradient's pass.
/// - `folded`: the batch folded into single products over the thread pool. im2col writes
///   the images' columns side by side (`cols [K, N·L]`), the output is `W [O, K] · cols`
///   laid out as `[N, O, H', W']` in the pass that adds the bias; backward lays the output
///   gradient out as `dY [O, N·L]` in one pass that also sums the bias gradient, the weight
///   gradient is the one reduction product `dY · colsᵀ`, the input gradient `Wᵀ · dY` folded
///   back by col2im.
extension ConvSpec {
    enum Path { case perImage, direct, folded }

    /// The largest `C·kh·kw` the direct kernels take (the course's second layer has 150); above
    /// it the folded products take over, as they measured faster than the first direct kernel
    /// (the crossover has not been measured again for the current ones).
    static let directWeightsLimit = 150

    func fastPath(_ x: Tensor, _ w: Tensor) -> Path {
        let g = geometry
        guard !transposed, groups == 1, x.numel > 0, w.numel > 0, g.windowCount > 0 else { return .perImage }
        if g.strideW == 1 && g.colRows <= Self.directWeightsLimit { return .direct }
        return .folded
    }

    /// `[N, C, H, W]` → `[N, O, H', W']` with the bias added; the unfolded columns
    /// `[K, N·L]` come back too when `keepCols` (the weight gradient reads them).
    func fastForward(_ path: Path, _ x: Tensor, _ w: Tensor, _ bias: Tensor?, keepCols: Bool) -> (Tensor, Tensor?) {
        let g = geometry, n = x.shape[0], o = w.shape[0]
        if path == .direct {
            let y = Tensor(uninitializedShape: [n, o, g.outH, g.outW], dtype: x.dtype)
            x.backend.directConv2d(x.contiguous(), w.contiguous(), bias: bias?.contiguous(), g, into: y)
            return (y, nil)
        }
        let k = g.colRows, l = g.windowCount
        let cols = sideBySide(x)
        let y = Tensor(uninitializedShape: [1, o, n * l], dtype: x.dtype)
        x.backend.batchedMatmul(w.reshape(1, o, k), cols.unsqueeze(dim: 0), into: y)
        let laidOut = y.view(o, n, l).permute(1, 0, 2)
        let out = bias.map { laidOut + $0.reshape(1, o, 1) } ?? laidOut.contiguous()
        return (out.reshape(n, o, g.outH, g.outW), keepCols ? cols : nil)
    }

    /// The input, weight and bias gradients of `fastForward`, without recording a graph.
    func fastBackward(_ path: Path, _ gy: Tensor, _ x: Tensor, _ w: Tensor, cols: Tensor?,
                      needX: Bool, needW: Bool, needB: Bool) -> (Tensor?, Tensor?, Tensor?) {
        let g = geometry, n = x.shape[0], o = w.shape[0], k = g.colRows, l = g.windowCount
        let gy = gy.contiguous(), dtype = gy.dtype, backend = gy.backend
        var gx: Tensor?, gw: Tensor?, gb: Tensor?
        if needB && (path == .folded ? !needX && !needW : !needW) { gb = gy.sum(dims: [0, 2, 3]) }
        let biasGrad = needB && gb == nil ? Tensor(uninitializedShape: [o], dtype: dtype) : nil
        switch path {
        case .perImage:
            preconditionFailure("the per-image path has its own backward")
        case .direct:
            if needW {
                let weightGrad = Tensor(uninitializedShape: w.shape, dtype: dtype)
                backend.directConv2dWeightGrad(x.contiguous(), gy, g, weightGrad: weightGrad, biasGrad: biasGrad)
                gw = weightGrad
            }
            if needX {
                let inputGrad = Tensor(uninitializedShape: x.shape, dtype: dtype)
                backend.directConv2dInputGrad(gy, w.contiguous(), g, into: inputGrad)
                gx = inputGrad
            }
        case .folded:
            guard needX || needW else { break }
            let dy = Tensor(uninitializedShape: [o, n * l], dtype: dtype)
            backend.channelsFirst(gy.view(n, o, l), into: dy, sums: biasGrad)
            if needW {
                let columns = cols ?? sideBySide(x)
                let weightGrad = Tensor(uninitializedShape: [1, o, k], dtype: dtype)
                backend.batchedMatmul(dy.unsqueeze(dim: 0), columns.t().unsqueeze(dim: 0), into: weightGrad)
                gw = weightGrad.view(w.shape)
            }
            if needX {
                let colGrad = Tensor(uninitializedShape: [1, k, n * l], dtype: dtype)
                backend.batchedMatmul(w.reshape(o, k).t().unsqueeze(dim: 0), dy.unsqueeze(dim: 0), into: colGrad)
                let perImage = colGrad.view(k, n, l).permute(1, 0, 2)
                gx = g.isIdentity ? perImage.reshape(x.shape) : perImage.col2im(g)
            }
        }
        return (gx, gw, gb ?? biasGrad)
    }

    /// The columns of every image side by side: `[K, N·L]`, image `i`'s windows in columns
    /// `i·L ..< (i+1)·L`.
    func sideBySide(_ x: Tensor) -> Tensor {
        let g = geometry, n = x.shape[0], l = g.windowCount
        let cols = Tensor(uninitializedShape: [g.colRows, n, l], dtype: x.dtype)
        x.backend.im2col(x.contiguous(), g, into: cols.permute(1, 0, 2))
        return cols.view(g.colRows, n * l)
    }
}
