import Foundation

/// Resampling of the trailing spatial dims to a new size (`upsample_nearest1d/2d/3d`,
/// `upsample_bilinear2d`), with PyTorch's source indices and weights, so results match
/// `F.interpolate`.
///
/// Derivatives: both are linear in the input; the gradient of each output is added back into
/// the input elements it was read from, times the weight it was read with.
extension Tensor {
    /// Nearest-neighbour resampling of the last `outputSize.count` dims (1 to 3) of an input
    /// with two more (`[N, C, W]`, `[N, C, H, W]`, `[N, C, D, H, W]`): output index `o` reads
    /// input `min(⌊o·s⌋, in - 1)` with `s = 1/scale` when a positive scale is given, else
    /// `in/out` (in float32, as PyTorch).
    ///
    /// Derivative: each output's gradient added into the element it copied.
    ///
    /// ```swift
    /// Tensor([[[1.0, 2.0]]]).upsampleNearest(outputSize: [4], scales: [nil])   // [[[1, 1, 2, 2]]]
    /// ```
    package func upsampleNearest(outputSize: [Int], scales: [Double?]) -> Tensor {
        let k = outputSize.count
        torchCheck((1...3).contains(k) && rank == k + 2 && scales.count == k,
                   "upsample_nearest\(k)d: expected a \(k + 2)D input and \(k) output sizes, but got input \(shapeString(shape)) and output size \(shapeString(outputSize))")
        checkUpsampleSizes(outputSize)
        torchCheck(dtype.isFloatingPoint, "\"upsample_nearest\(k)d\" not implemented for '\(dtype.typeName)'")
        let steps = (0..<k).map { i -> (dim: Int, size: Int, index: Tensor) in
            let d = rank - k + i, n = shape[d], m = outputSize[i]
            let index = (0..<m).map { Int64(Tensor.nearestSource($0, in: n, out: m, scale: scales[i])) }
            return (d, n, Tensor(index, shape: [m], dtype: .int64))
        }
        let out = noGrad { steps.reduce(self) { x, step in x.indexSelect(dim: step.dim, index: step.index) } }
        if Tensor.needsGrad(self) {
            out.recordGrad("UpsampleNearest\(k)DBackward0", [self], saving: []) { g in
                [steps.reversed().reduce(g) { g, step in
                    var shape = g.shape
                    shape[step.dim] = step.size
                    return Tensor.indexAdded(g, into: shape, dim: step.dim, index: step.index)
                }]
            }
        }
        return out
    }

    /// Bilinear resampling of a `[N, C, H, W]` input to `outputSize` (`upsample_bilinear2d`).
    ///
    /// Output index `o` reads the two inputs around `o·(in - 1)/(out - 1)` with `alignCorners`,
    /// else around `max((o + 0.5)·s - 0.5, 0)` with `s = 1/scale` when a positive scale is
    /// given, else `in/out`; the weights are the distances to them. Rows are mixed first along
    /// the width, then along the height, as PyTorch's kernel does.
    ///
    /// Derivative: each output's gradient added into its four inputs, times their weights.
    ///
    /// ```swift
    /// Tensor([[[[0.0, 1.0]]]]).upsampleBilinear2d(outputSize: [1, 4], alignCorners: true, scales: [nil, nil])
    /// // [[[[0, 0.3333, 0.6667, 1]]]]
    /// ```
    package func upsampleBilinear2d(outputSize: [Int], alignCorners: Bool, scales: [Double?]) -> Tensor {
        torchCheck(rank == 4 && outputSize.count == 2 && scales.count == 2,
                   "upsample_bilinear2d: expected a 4D input and 2 output sizes, but got input \(shapeString(shape)) and output size \(shapeString(outputSize))")
        checkUpsampleSizes(outputSize)
        torchCheck(dtype.isFloatingPoint, "\"upsample_bilinear2d\" not implemented for '\(dtype.typeName)'")
        let compute = dtype.computeType
        let rows = Tensor.linearSources(in: shape[2], out: outputSize[0], alignCorners: alignCorners, scale: scales[0], dtype: compute)
        let cols = Tensor.linearSources(in: shape[3], out: outputSize[1], alignCorners: alignCorners, scale: scales[1], dtype: compute)
        let lowRow = rows.w0.reshape(-1, 1), highRow = rows.w1.reshape(-1, 1)
        let out = noGrad {
            let x = to(dtype: compute)
            let mixed = x.indexSelect(dim: 3, index: cols.i0) * cols.w0 + x.indexSelect(dim: 3, index: cols.i1) * cols.w1
            return (mixed.indexSelect(dim: 2, index: rows.i0) * lowRow + mixed.indexSelect(dim: 2, index: rows.i1) * highRow)
                .to(dtype: dtype)
        }
        if Tensor.needsGrad(self) {
            let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
            out.recordGrad("UpsampleBilinear2DBackward0", [self], saving: []) { [dtype = self.dtype] g in
                let g = g.to(dtype: compute), ow = outputSize[1]
                let mixed = Tensor.indexAdded(g * lowRow, into: [n, c, h, ow], dim: 2, index: rows.i0)
                    + Tensor.indexAdded(g * highRow, into: [n, c, h, ow], dim: 2, index: rows.i1)
                let gx = Tensor.indexAdded(mixed * cols.w0, into: [n, c, h, w], dim: 3, index: cols.i0)
                    + Tensor.indexAdded(mixed * cols.w1, into: [n, c, h, w], dim: 3, index: cols.i1)
                return [gx.to(dtype: dtype)]
            }
        }
        return out
    }

    /// PyTorch's check that the spatial input and output sizes are positive.
    private func checkUpsampleSizes(_ outputSize: [Int]) {
        let k = outputSize.count, inSizes = Array(shape.suffix(k))
        let letters = Array(["D", "H", "W"].suffix(k))
        func sizes(_ values: [Int]) -> String { zip(letters, values).map { "\($0): \($1)" }.joined(separator: ", ") }
        torchCheck(inSizes.allSatisfy { $0 > 0 } && outputSize.allSatisfy { $0 > 0 },
                   "Input and output sizes should be greater than 0, but got input (\(sizes(inSizes))) output (\(sizes(outputSize)))")
    }

    /// The input index nearest-neighbour resampling reads for output index `o`
    /// (PyTorch's `nearest_idx`, whose scale and product are float32).
    static func nearestSource(_ o: Int, in n: Int, out m: Int, scale: Double?) -> Int {
        if m == n { return o }
        if m == 2 * n { return o >> 1 }
        let s: Float = if let scale, scale > 0 { Float(1.0 / scale) } else { Float(n) / Float(m) }
        return Swift.min(Int(floorf(Float(o) * s)), n - 1)
    }

    /// For each output index of linear resampling, the two input indices it reads and their
    /// weights (PyTorch's `compute_source_index_and_lambda`); weights in `dtype`.
    static func linearSources(in n: Int, out m: Int, alignCorners: Bool, scale: Double?, dtype: DType)
        -> (i0: Tensor, i1: Tensor, w0: Tensor, w1: Tensor) {
        var i0 = [Int64](repeating: 0, count: m), i1 = i0
        var w1 = [Double](repeating: 0, count: m)
        let ratio: Double = if alignCorners {
            m > 1 ? Double(n - 1) / Double(m - 1) : 0
        } else if let scale, scale > 0 {
            1.0 / scale
        } else {
            Double(n) / Double(m)
        }
        // The ratio is rounded to the weights' precision first, as PyTorch's opmath_t.
        let r = dtype == .float64 ? ratio : Double(Float(ratio))
        for o in 0..<m {
            guard m != n else { i0[o] = Int64(o); i1[o] = Int64(o); continue }
            let real = alignCorners ? r * Double(o) : Swift.max(r * (Double(o) + 0.5) - 0.5, 0)
            let index = Swift.min(Int(real), n - 1)
            i0[o] = Int64(index)
            i1[o] = Int64(index + (index < n - 1 ? 1 : 0))
            w1[o] = Swift.min(Swift.max(real - Double(index), 0), 1)
        }
        let high = Tensor(w1, shape: [m], dtype: dtype)
        return (Tensor(i0, shape: [m], dtype: .int64), Tensor(i1, shape: [m], dtype: .int64), 1 - high, high)
    }
}
