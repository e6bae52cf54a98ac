/// Adaptive max pooling: windows chosen so the output has a given size, as PyTorch's
/// `adaptive_max_pool2d` chooses them.
///
/// Derivative: each output's gradient goes to the input element that was its window's maximum.
extension Tensor {
    /// The largest value in windows chosen so the output is `outputSize`
    /// (`torch.nn.functional.adaptive_max_pool2d`): output row `i` covers input rows
    /// `⌊i·H/oh⌋ ..< ⌈(i+1)·H/oh⌉`, likewise for columns. Input `[N, C, H, W]` or `[C, H, W]`.
    ///
    /// Derivative: the gradient flows to each window's maximum.
    ///
    /// ```swift
    /// Tensor.randn([8, 64, 7, 7]).adaptiveMaxPool2d(outputSize: 2).shape   // [8, 64, 2, 2]
    /// ```
    public func adaptiveMaxPool2d(outputSize: IntPair) -> Tensor {
        adaptiveMaxPool2dWithIndices(outputSize: outputSize).values
    }

    /// `adaptiveMaxPool2d` and the position of each maximum as a flat int64 index `y·W + x`
    /// within its `H × W` plane (`adaptive_max_pool2d(..., return_indices=True)`); with ties the
    /// first wins.
    ///
    /// ```swift
    /// let (values, indices) = Tensor([[[1.0, 4.0, 2.0]]]).adaptiveMaxPool2dWithIndices(outputSize: [1, 2])
    /// // values: tensor([[[4., 4.]]]), indices: tensor([[[1, 1]]])
    /// ```
    public func adaptiveMaxPool2dWithIndices(outputSize: IntPair) -> (values: Tensor, indices: Tensor) {
        torchCheck(rank == 3 || rank == 4, "adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: \(shapeString(shape))")
        for d in 1..<rank where shape[d] == 0 {
            torchCheck(false, "adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(shapeString(shape)) with dimension \(d) being empty")
        }
        let (oh, ow) = outputSize.pair
        let outShape = Array(shape.dropLast(2)) + [oh, ow]
        if let negative = [oh, ow].first(where: { $0 < 0 }) {
            torchCheck(false, "Trying to create tensor with negative dimension \(negative): \(shapeString(outShape))")
        }
        torchCheck(dtype.isFloatingPoint, "\"adaptive_max_pool2d\" not implemented for '\(dtype.typeName)'")
        let h = shape[rank - 2], w = shape[rank - 1], planes = numel / (h * w)
        if oh == 0 || ow == 0 || planes == 0 {
            return (Tensor.zeros(outShape, dtype: dtype), Tensor.zeros(outShape, dtype: .int64))
        }
        let windows = Tensor.adaptiveMaxWindows(out: (oh, ow), in: (h, w))
        let (values, indices) = noGrad { () -> (Tensor, Tensor) in
            let x = to(dtype: dtype.computeType).reshape(planes, h * w)
            let gathered = x.gather(dim: 1, index: windows.positions.reshape(1, -1).expand(planes, windows.positions.numel))
            let best = gathered.reshape(planes, oh * ow, windows.area).max(dim: 2)
            let positions = windows.positions.expand(planes, oh * ow, windows.area)
                .gather(dim: 2, index: best.indices.unsqueeze(dim: 2)).squeeze(dim: 2)
            return (best.values.reshape(outShape).to(dtype: dtype), positions.reshape(outShape))
        }
        if Tensor.needsGrad(self) {
            values.recordGrad("AdaptiveMaxPool2DBackward0", [self], saving: [indices]) { [shape = self.shape] g in
                let flat = Tensor.zeros([planes, h * w], dtype: g.dtype)
                return [flat.scatterAdd(dim: 1, index: indices.reshape(planes, -1), src: g.reshape(planes, -1)).reshape(shape)]
            }
        }
        return (values, indices)
    }

    /// The flat input positions `[oh·ow, area]` of each adaptive window, padded to the largest
    /// window's `area` by repeating the window's last row and column (which leaves the
    /// maximum, and its first position, unchanged).
    private static func adaptiveMaxWindows(out: (Int, Int), in size: (Int, Int)) -> (positions: Tensor, area: Int) {
        func spans(_ out: Int, _ n: Int) -> [Range<Int>] {
            (0..<out).map { i in (i * n / out)..<(((i + 1) * n + out - 1) / out) }
        }
        let rows = spans(out.0, size.0), cols = spans(out.1, size.1)
        let kh = rows.map(\.count).max()!, kw = cols.map(\.count).max()!
        var positions = [Int64]()
        positions.reserveCapacity(out.0 * out.1 * kh * kw)
        for r in rows {
            for c in cols {
                for a in 0..<kh {
                    for b in 0..<kw {
                        let y = Swift.min(r.lowerBound + a, r.upperBound - 1), x = Swift.min(c.lowerBound + b, c.upperBound - 1)
                        positions.append(Int64(y * size.1 + x))
                    }
                }
            }
        }
        return (Tensor(positions, shape: [out.0 * out.1, kh * kw], dtype: .int64), kh * kw)
    }
}
