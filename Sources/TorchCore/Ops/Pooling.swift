/// Pooling: `maxPool1d`, `maxPool2d` (with indices), `avgPool2d` and `adaptiveAvgPool2d`, with
/// PyTorch's output sizes (`ceilMode`), checks and messages.
///
/// Derivatives: max pooling routes each output's gradient to the input element it came from
/// (summed where windows overlap); average pooling spreads it evenly over the window, divided
/// by the same divisor as the forward pass.
extension Tensor {
    /// The largest value in each `kernelSize` window of `[N, C, H, W]` or `[C, H, W]` input
    /// (`torch.nn.functional.max_pool2d`); `stride` defaults to `kernelSize`.
    ///
    /// The output height is `⌊(H + 2·padH - dilationH·(kH - 1) - 1) / strideH⌋ + 1` (`⌈⌉` with
    /// `ceilMode`, as long as the last window starts inside the input or left padding); padding
    /// counts as -∞. Derivative: the gradient flows to each window's maximum.
    ///
    /// ```swift
    /// Tensor.randn([100, 6, 24, 24]).maxPool2d(kernelSize: 2, stride: 2).shape   // [100, 6, 12, 12]
    /// ```
    public func maxPool2d(kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, dilation: IntPair = 1,
                          ceilMode: Bool = false) -> Tensor {
        maxPool2dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                             ceilMode: ceilMode).values
    }

    /// `maxPool2d` and the position of each maximum as a flat int64 index `y·W + x` within its
    /// `H × W` plane (`max_pool2d(..., return_indices=True)`); with ties the first wins.
    ///
    /// ```swift
    /// let (values, indices) = Tensor([[[1.0, 4.0], [3.0, 2.0]]]).maxPool2dWithIndices(kernelSize: 2)
    /// // values: tensor([[[4.]]]), indices: tensor([[[1]]])
    /// ```
    public func maxPool2dWithIndices(kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                                     dilation: IntPair = 1, ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
        let stride = stride ?? kernelSize
        let (kh, kw) = kernelSize.pair, (sh, sw) = stride.pair, (ph, pw) = padding.pair, (dh, dw) = dilation.pair
        torchCheck(sh != 0 && sw != 0, "stride should not be zero")
        torchCheck(kh > 0 && kw > 0, "kernel size should be greater than zero, but got kH: \(kh) kW: \(kw)")
        torchCheck(sh > 0 && sw > 0, "stride should be greater than zero, but got dH: \(sh) dW: \(sw)")
        torchCheck(dh > 0 && dw > 0, "dilation should be greater than zero, but got dilationH: \(dh) dilationW: \(dw)")
        torchCheck((rank == 3 || rank == 4) && shape.dropFirst(rank - 3).allSatisfy({ $0 > 0 }),
                   "non-empty 3D or 4D (batch mode) tensor expected for input")
        torchCheck(dtype.isFloatingPoint, "\"max_pool2d\" not implemented for '\(dtype.typeName)'")
        let geometry = poolGeometry(kernel: (kh, kw), stride: (sh, sw), padding: (ph, pw), dilation: (dh, dw),
                                    ceilMode: ceilMode)
        let outShape = Array(shape.dropLast(2)) + [geometry.outH, geometry.outW]
        let compute = dtype.computeType
        let values = Tensor(uninitializedShape: outShape, dtype: compute)
        let indices = Tensor(uninitializedShape: outShape, dtype: .int64)
        if numel > 0 {
            let image = noGrad { to(dtype: compute).contiguous().reshape(1, geometry.channels, geometry.height, geometry.width) }
            backend.maxPool2d(image, geometry, values: values, indices: indices)
        }
        let out = noGrad { values.to(dtype: dtype) }
        if Tensor.needsGrad(self) {
            let planes = geometry.channels, plane = geometry.height * geometry.width
            out.recordGrad("MaxPool2DWithIndicesBackward0", [self], saving: []) { [shape = self.shape, dtype = self.dtype] g in
                guard !isGradEnabled else {
                    // A double backward needs the scatter as a tensor op.
                    let flat = Tensor.zeros([planes, plane], dtype: g.dtype)
                    let gx = flat.scatterAdd(dim: 1, index: indices.reshape(planes, -1), src: g.reshape(planes, -1))
                    return [gx.reshape(shape).to(dtype: dtype)]
                }
                let gx = Tensor(uninitializedShape: [1, planes, geometry.height, geometry.width], dtype: compute)
                g.backend.maxPool2dBackward(g.to(dtype: compute).contiguous(), indices: indices, geometry, into: gx)
                return [gx.reshape(shape).to(dtype: dtype)]
            }
        }
        return (out, indices)
    }

    /// The largest value in each window along the last dimension of `[N, C, L]` or `[C, L]`
    /// input (`torch.nn.functional.max_pool1d`); `stride` defaults to `kernelSize`.
    /// Derivative: the gradient flows to each window's maximum.
    ///
    /// ```swift
    /// Tensor([[1.0, 3.0, 2.0, 5.0]]).maxPool1d(kernelSize: 2)   // tensor([[3., 5.]])
    /// ```
    public func maxPool1d(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                          ceilMode: Bool = false) -> Tensor {
        maxPool1dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                             ceilMode: ceilMode).values
    }

    /// `maxPool1d` and the position of each maximum along the last dimension (int64).
    public func maxPool1dWithIndices(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                                     ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
        let stride = stride ?? kernelSize
        torchCheck(rank == 2 || rank == 3,
                   "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:\(shapeString(shape))")
        torchCheck(kernelSize > 0, "max_pool1d() kernel_size must be greater than zero, but got \(kernelSize)")
        torchCheck(stride > 0, "max_pool1d() stride must be greater than zero, but got \(stride)")
        torchCheck(padding >= 0, "max_pool1d() padding must be non-negative, but got \(padding)")
        torchCheck(padding <= kernelSize / 2,
                   "max_pool1d() padding should be at most half of kernel size, but got padding=\(padding) and kernel_size=\(kernelSize)")
        torchCheck(dilation > 0, "max_pool1d() dilation must be greater than zero, but got \(dilation)")
        let length = poolOutputSize(shape[rank - 1], kernel: kernelSize, pad: padding, stride: stride,
                                    dilation: dilation, ceilMode: ceilMode)
        torchCheck(length >= 0, "max_pool1d() Invalid computed output size: \(length)")
        if length == 0 || numel == 0 {
            let empty = Array(shape.dropLast()) + [length]
            return (Tensor.empty(empty, dtype: dtype), Tensor.empty(empty, dtype: .int64))
        }
        let r = unsqueeze(dim: -2).maxPool2dWithIndices(kernelSize: IntPair(1, kernelSize), stride: IntPair(1, stride),
                                                        padding: IntPair(0, padding), dilation: IntPair(1, dilation),
                                                        ceilMode: ceilMode)
        return (r.values.squeeze(dim: -2), r.indices.squeeze(dim: -2))
    }

    /// The mean of each `kernelSize` window of `[N, C, H, W]` or `[C, H, W]` input
    /// (`torch.nn.functional.avg_pool2d`); `stride` defaults to `kernelSize`.
    ///
    /// Padding counts as zeros and, with `countIncludePad` (the default), in the divisor;
    /// `divisorOverride` replaces the divisor. Output sizes as `maxPool2d`.
    /// Derivative: each output's gradient spread evenly over its window, over the same divisor.
    ///
    /// ```swift
    /// Tensor.ones([1, 4, 4]).avgPool2d(kernelSize: 2)   // [1, 2, 2], all ones
    /// ```
    public func avgPool2d(kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, ceilMode: Bool = false,
                          countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
        let stride = stride ?? kernelSize
        let (kh, kw) = kernelSize.pair, (sh, sw) = stride.pair, (ph, pw) = padding.pair
        torchCheck(sh != 0 && sw != 0, "stride should not be zero")
        torchCheck(kh > 0 && kw > 0, "kernel size should be greater than zero, but got kH: \(kh) kW: \(kw)")
        torchCheck(sh > 0 && sw > 0, "stride should be greater than zero, but got dH: \(sh) dW: \(sw)")
        torchCheck(divisorOverride != 0, "divisor must be not zero")
        torchCheck((rank == 3 || rank == 4) && shape.dropFirst(rank - 3).allSatisfy({ $0 > 0 }),
                   "non-empty 3D or 4D (batch mode) tensor expected for input")
        torchCheck(dtype.isFloatingPoint, "\"avg_pool2d\" not implemented for '\(dtype.typeName)'")
        let pooled = poolGeometry(kernel: (kh, kw), stride: (sh, sw), padding: (ph, pw), dilation: (1, 1), ceilMode: ceilMode)
        // Windows of single-channel planes, so each plane's columns are its own kernelArea rows.
        var geometry = pooled
        geometry.channels = 1
        let planes = pooled.channels, compute = dtype.computeType
        let divisor = Tensor.avgPoolDivisors(pooled, countIncludePad: countIncludePad, override: divisorOverride, dtype: compute)
        let outShape = Array(shape.dropLast(2)) + [pooled.outH, pooled.outW]
        let out = noGrad {
            let image = to(dtype: compute).reshape(planes, 1, pooled.height, pooled.width)
            let sums = planes == 0 ? Tensor.zeros([0, pooled.windowCount], dtype: compute) : image.im2col(geometry).sum(dim: 1)
            return (sums / divisor).reshape(outShape).to(dtype: dtype)
        }
        if Tensor.needsGrad(self) {
            out.recordGrad("AvgPool2DBackward0", [self], saving: []) { [shape = self.shape, dtype = self.dtype] g in
                let spread = (g.to(dtype: compute).reshape(planes, 1, -1) / divisor).expand(planes, geometry.kernelArea, geometry.windowCount)
                return [spread.col2im(geometry).reshape(shape).to(dtype: dtype)]
            }
        }
        return out
    }

    /// The mean over windows chosen so the output is `outputSize` (`adaptive_avg_pool2d`):
    /// output row `i` averages input rows `⌊i·H/oh⌋ ..< ⌈(i+1)·H/oh⌉`, likewise for columns.
    /// Input `[N, C, H, W]` or `[C, H, W]`. Derivative: each output's gradient spread evenly
    /// over its window.
    ///
    /// ```swift
    /// Tensor.randn([8, 64, 7, 7]).adaptiveAvgPool2d(outputSize: 1).shape   // [8, 64, 1, 1]
    /// ```
    public func adaptiveAvgPool2d(outputSize: IntPair) -> Tensor {
        torchCheck(rank == 3 || rank == 4, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got \(shapeString(shape))")
        for d in (rank - 3)..<rank where shape[d] == 0 {
            torchCheck(false, "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(shapeString(shape)) with dimension \(d) being empty")
        }
        let (oh, ow) = outputSize.pair
        torchCheck(oh >= 0 && ow >= 0, "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {\(oh), \(ow)}")
        torchCheck(dtype.isFloatingPoint, "\"adaptive_avg_pool2d_cpu\" not implemented for '\(dtype.typeName)'")
        // A global average is a mean, as in PyTorch (whose graph then shows MeanBackward1).
        if oh == 1 && ow == 1 { return mean(dims: [-2, -1], keepdim: true) }
        let h = shape[rank - 2], w = shape[rank - 1], compute = dtype.computeType
        // Averaging is separable: out = A_h · x · A_wᵀ with one row of 1/len per window.
        let ah = Tensor.adaptiveMatrix(out: oh, in: h, dtype: compute), aw = Tensor.adaptiveMatrix(out: ow, in: w, dtype: compute)
        let out = noGrad { ah.matmul(to(dtype: compute)).matmul(aw.t()).to(dtype: dtype) }
        if Tensor.needsGrad(self) {
            out.recordGrad("AdaptiveAvgPool2DBackward0", [self], saving: []) { [dtype = self.dtype] g in
                [ah.t().matmul(g.to(dtype: compute)).matmul(aw).to(dtype: dtype)]
            }
        }
        return out
    }

    /// The pooling windows over this `[..., H, W]` tensor's planes, after PyTorch's checks of
    /// padding and output size.
    private func poolGeometry(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int),
                              ceilMode: Bool) -> ConvGeometry {
        let (kh, kw) = kernel, (ph, pw) = padding
        torchCheck(ph >= 0 && pw >= 0, "pad must be non-negative, but got pad: \(ph)")
        torchCheck(ph <= kh / 2 && pw <= kw / 2,
                   "pad should be at most half of kernel size, but got pad=\(ph <= kh / 2 ? pw : ph) and kernel_size=\(ph <= kh / 2 ? kw : kh)")
        let h = shape[rank - 2], w = shape[rank - 1], planes = shape.dropLast(2).reduce(1, *)
        let oh = poolOutputSize(h, kernel: kh, pad: ph, stride: stride.0, dilation: dilation.0, ceilMode: ceilMode)
        let ow = poolOutputSize(w, kernel: kw, pad: pw, stride: stride.1, dilation: dilation.1, ceilMode: ceilMode)
        torchCheck(oh >= 1 && ow >= 1,
                   "Given input size: (\(shape[rank - 3])x\(h)x\(w)). Calculated output size: (\(shape[rank - 3])x\(oh)x\(ow)). Output size is too small")
        return ConvGeometry(channels: planes, height: h, width: w, kernelH: kh, kernelW: kw, strideH: stride.0,
                            strideW: stride.1, padH: ph, padW: pw, dilationH: dilation.0, dilationW: dilation.1,
                            outH: oh, outW: ow)
    }

    /// Each window's divisor for average pooling, `[outH·outW]`, as PyTorch computes it: the
    /// window clipped to the padded input (`countIncludePad`) or to the input itself.
    private static func avgPoolDivisors(_ g: ConvGeometry, countIncludePad: Bool, override: Int?, dtype: DType) -> Tensor {
        if let override { return Tensor.full([g.windowCount], Double(override), dtype: dtype) }
        func spans(_ out: Int, _ stride: Int, _ pad: Int, _ kernel: Int, _ size: Int) -> [Double] {
            (0..<out).map { o in
                let start = o * stride - pad, end = Swift.min(start + kernel, size + pad)
                if countIncludePad { return Double(end - start) }
                return Double(Swift.min(end, size) - Swift.max(start, 0))
            }
        }
        let rows = spans(g.outH, g.strideH, g.padH, g.kernelH, g.height)
        let cols = spans(g.outW, g.strideW, g.padW, g.kernelW, g.width)
        return Tensor(rows.flatMap { r in cols.map { r * $0 } }, shape: [g.windowCount], dtype: dtype)
    }

    /// `[out, in]`: row `i` holds `1/len` over input positions `⌊i·in/out⌋ ..< ⌈(i+1)·in/out⌉`.
    private static func adaptiveMatrix(out: Int, in size: Int, dtype: DType) -> Tensor {
        var m = [Double](repeating: 0, count: out * size)
        for i in 0..<out {
            let start = i * size / out, end = ((i + 1) * size + out - 1) / out
            for j in start..<end { m[i * size + j] = 1 / Double(end - start) }
        }
        return Tensor(m, shape: [out, size], dtype: dtype)
    }
}
