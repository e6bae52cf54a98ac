/// Convolutions: `conv1d`, `conv2d` and `convTranspose2d`, with PyTorch's checks and messages.
/// Ungrouped convolutions take the fast paths in ConvolutionFastPaths.swift; the rest, and
/// backward passes that build a graph (double backward), are im2col + one BLAS product per
/// image (batched over the thread pool), written with tensor ops here.
///
/// Derivatives (one `ConvolutionBackward0` node for input, weight and bias): the input's
/// gradient is the transposed convolution of the output gradient with the weight, the
/// weight's is the correlation of the input with the output gradient, the bias's is the sum
/// of the output gradient over batch and positions.
extension Tensor {
    /// 2-D cross-correlation of a batched `[N, C, H, W]` or unbatched `[C, H, W]` input with
    /// `weight` `[O, C/groups, kH, kW]`, plus `bias` `[O]` (`torch.conv2d`).
    ///
    /// The output is `[N, O, H', W']` with `H' = ⌊(H + 2·padH - dilationH·(kH - 1) - 1) / strideH⌋ + 1`
    /// (likewise `W'`). `padding` is an int, a pair, `.same` or `.valid`.
    ///
    /// ```swift
    /// let x = Tensor.randn([10, 1, 28, 28]), w = Tensor.randn([6, 1, 5, 5])
    /// x.conv2d(weight: w).shape                     // [10, 6, 24, 24]
    /// x.conv2d(weight: w, padding: .same).shape     // [10, 6, 28, 28]
    /// ```
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: IntPair = 1, padding: ConvPadding = 0,
                       dilation: IntPair = 1, groups: Int = 1) -> Tensor {
        torchCheck(rank == 3 || rank == 4,
                   "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: \(shapeString(shape))")
        let batched = rank == 4 ? self : unsqueeze(dim: 0)
        let spec = ConvSpec(input: batched, weight: weight, bias: bias, stride: [stride.first, stride.second],
                            padding: padding, dilation: [dilation.first, dilation.second], groups: groups,
                            transposed: false, outputPadding: [0, 0])
        let out = spec.run(batched, weight, bias)
        return rank == 4 ? out : out.squeeze(dim: 0)
    }

    /// 1-D cross-correlation of a batched `[N, C, L]` or unbatched `[C, L]` input with
    /// `weight` `[O, C/groups, k]`, plus `bias` `[O]` (`torch.conv1d`).
    ///
    /// The output is `[N, O, L']` with `L' = ⌊(L + 2·padding - dilation·(k - 1) - 1) / stride⌋ + 1`.
    ///
    /// ```swift
    /// Tensor.randn([4, 2, 10]).conv1d(weight: Tensor.randn([3, 2, 3]), padding: 1).shape   // [4, 3, 10]
    /// ```
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: ConvPadding = 0,
                       dilation: Int = 1, groups: Int = 1) -> Tensor {
        torchCheck(rank == 2 || rank == 3,
                   "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: \(shapeString(shape))")
        let batched = rank == 3 ? self : unsqueeze(dim: 0)
        let pad: ConvPadding
        if case .explicit(let p) = padding { pad = .explicit(IntPair(p.first)) } else { pad = padding }
        let spec = ConvSpec(input: batched, weight: weight, bias: bias, stride: [stride], padding: pad,
                            dilation: [dilation], groups: groups, transposed: false, outputPadding: [0])
        let out = spec.run(batched, weight, bias)
        return rank == 3 ? out : out.squeeze(dim: 0)
    }

    /// 2-D transposed convolution ("deconvolution", the gradient of `conv2d` with respect to
    /// its input) of `[N, C, H, W]` or `[C, H, W]` with `weight` `[C, O/groups, kH, kW]`, plus
    /// `bias` `[O]` (`torch.conv_transpose2d`).
    ///
    /// The output is `[N, O, H', W']` with
    /// `H' = (H - 1)·strideH - 2·padH + dilationH·(kH - 1) + outputPaddingH + 1`.
    ///
    /// ```swift
    /// Tensor.randn([1, 4, 5, 5]).convTranspose2d(weight: Tensor.randn([4, 2, 3, 3]), stride: 2).shape  // [1, 2, 11, 11]
    /// ```
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: IntPair = 1, padding: IntPair = 0,
                                outputPadding: IntPair = 0, groups: Int = 1, dilation: IntPair = 1) -> Tensor {
        torchCheck(rank == 3 || rank == 4,
                   "Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: \(shapeString(shape))")
        let batched = rank == 4 ? self : unsqueeze(dim: 0)
        let spec = ConvSpec(input: batched, weight: weight, bias: bias, stride: [stride.first, stride.second],
                            padding: .explicit(padding), dilation: [dilation.first, dilation.second], groups: groups,
                            transposed: true, outputPadding: [outputPadding.first, outputPadding.second])
        let out = spec.run(batched, weight, bias)
        return rank == 4 ? out : out.squeeze(dim: 0)
    }
}

/// One checked convolution over batched input, 1-D (`[N, C, L]`, run as 2-D with height 1)
/// or 2-D.
struct ConvSpec {
    let geometry: ConvGeometry
    let groups: Int
    let transposed: Bool
    let oneD: Bool
    let outShape: [Int]

    init(input: Tensor, weight: Tensor, bias: Tensor?, stride: [Int], padding: ConvPadding, dilation: [Int],
         groups: Int, transposed: Bool, outputPadding: [Int]) {
        let dims = stride.count
        let spatial = Array(input.shape.dropFirst(2))
        torchCheck(weight.rank == dims + 2,
                   "Expected \(dims + 2)-dimensional weight for \(dims + 2)-dimensional input \(shapeString(input.shape)), but got \(weight.rank)-dimensional weight of size \(shapeString(weight.shape)) instead")
        let kernel = Array(weight.shape.dropFirst(2))
        torchCheck(stride.allSatisfy { $0 > 0 }, "non-positive stride is not supported")
        torchCheck(dilation.allSatisfy { $0 > 0 }, "dilation should be greater than zero, but got \(shapeString(dilation))")
        torchCheck(groups > 0, "non-positive groups is not supported")
        var before: [Int], after: [Int]
        switch padding {
        case .explicit(let p):
            before = dims == 1 ? [p.first] : [p.first, p.second]
            after = before
            torchCheck(before.allSatisfy { $0 >= 0 }, "negative padding is not supported")
        case .valid:
            before = Array(repeating: 0, count: dims); after = before
        case .same:
            torchCheck(stride.allSatisfy { $0 == 1 }, "padding='same' is not supported for strided convolutions")
            // PyTorch pads the extra element of an odd total at the end.
            let total = (0..<dims).map { dilation[$0] * (kernel[$0] - 1) }
            before = total.map { $0 / 2 }
            after = (0..<dims).map { total[$0] - before[$0] }
        }
        let (inC, outC) = (input.shape[1], weight.shape[0])
        if transposed {
            torchCheck(inC == weight.shape[0],
                       "Given transposed=1, weight of size \(shapeString(weight.shape)), expected input\(shapeString(input.shape)) to have \(weight.shape[0]) channels, but got \(inC) channels instead")
            torchCheck(weight.shape[0] % groups == 0,
                       "Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size [\(shapeString(weight.shape))] instead")
            if let bias {
                torchCheck(bias.rank == 1 && bias.shape[0] == weight.shape[1] * groups,
                           "Given transposed=1, weight of size \(shapeString(weight.shape)), expected bias to be 1-dimensional with \(weight.shape[1] * groups) elements, but got bias of size \(shapeString(bias.shape)) instead")
            }
            let op = outputPadding
            torchCheck((0..<dims).allSatisfy { op[$0] >= 0 && (op[$0] < stride[$0] || op[$0] < dilation[$0]) },
                       dims == 2 ? "output padding must be smaller than either stride or dilation, but got output_padding_height: \(op[0]) output_padding_width: \(op[1]) stride_height: \(stride[0]) stride_width: \(stride[1]) dilation_height: \(dilation[0]) dilation_width: \(dilation[1])"
                                 : "output padding must be smaller than either stride or dilation")
        } else {
            torchCheck(outC % groups == 0,
                       "Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size [\(shapeString(weight.shape))] instead")
            torchCheck(inC == weight.shape[1] * groups,
                       "Given groups=\(groups), weight of size \(shapeString(weight.shape)), expected input\(shapeString(input.shape)) to have \(weight.shape[1] * groups) channels, but got \(inC) channels instead")
            if let bias {
                torchCheck(bias.rank == 1 && bias.shape[0] == outC,
                           "Given weight of size \(shapeString(weight.shape)), expected bias to be 1-dimensional with \(outC) elements, but got bias of size \(shapeString(bias.shape)) instead")
            }
            let padded = (0..<dims).map { spatial[$0] + before[$0] + after[$0] }
            let dilated = (0..<dims).map { dilation[$0] * (kernel[$0] - 1) + 1 }
            torchCheck((0..<dims).allSatisfy { padded[$0] >= dilated[$0] },
                       "Calculated padded input size per channel: (\(padded.map(String.init).joined(separator: " x "))). Kernel size: (\(dilated.map(String.init).joined(separator: " x "))). Kernel size can't be greater than actual input size")
        }
        Tensor.checkConvDTypes(input, weight, bias)

        // Everything as 2-D: a 1-D convolution is one with height 1.
        func two(_ a: [Int], _ fill: Int) -> [Int] { dims == 1 ? [fill, a[0]] : a }
        let s = two(stride, 1), d = two(dilation, 1), k = two(kernel, 1), b = two(before, 0), a = two(after, 0)
        let sp = two(spatial, 1), op = two(outputPadding, 0)
        let n = input.shape[0]
        if transposed {
            let out = (0..<2).map { (i: Int) -> Int in
                let span: Int = d[i] * (k[i] - 1) + op[i] + 1
                return (sp[i] - 1) * s[i] - 2 * b[i] + span
            }
            torchCheck(out.allSatisfy { $0 > 0 },
                       "Given input size per channel: (\(spatial.map(String.init).joined(separator: " x "))). Calculated output size per channel: (\(Array(out.suffix(dims)).map(String.init).joined(separator: " x "))). Output size is too small")
            let o = weight.shape[1] * groups
            geometry = ConvGeometry(channels: o, height: out[0], width: out[1], kernelH: k[0], kernelW: k[1],
                                    strideH: s[0], strideW: s[1], padH: b[0], padW: b[1],
                                    dilationH: d[0], dilationW: d[1], outH: sp[0], outW: sp[1])
            outShape = [n, o] + Array(out.suffix(dims))
        } else {
            let out = (0..<2).map { (i: Int) -> Int in
                let padded: Int = sp[i] + b[i] + a[i]
                return (padded - d[i] * (k[i] - 1) - 1) / s[i] + 1
            }
            geometry = ConvGeometry(channels: inC, height: sp[0], width: sp[1], kernelH: k[0], kernelW: k[1],
                                    strideH: s[0], strideW: s[1], padH: b[0], padW: b[1],
                                    dilationH: d[0], dilationW: d[1], outH: out[0], outW: out[1])
            outShape = [n, outC] + Array(out.suffix(dims))
        }
        self.groups = groups
        self.transposed = transposed
        self.oneD = dims == 1
    }

    /// The convolution's output, recording `ConvolutionBackward0` when autograd needs it.
    func run(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?) -> Tensor {
        let x = noGrad { input.reshape(fourD(input.shape)) }, w = noGrad { weight.reshape(fourD(weight.shape)) }
        let path = fastPath(x, w), keepCols = Tensor.needsGrad(weight)
        let (y, cols) = noGrad { () -> (Tensor, Tensor?) in
            if path != .perImage { return fastForward(path, x, w, bias, keepCols: keepCols) }
            let (y, cols) = transposed ? (transposedForward(x, w), nil) : forward(x, w, keepCols: keepCols)
            if let bias { y += bias.reshape(1, -1, 1, 1) }
            return (y, cols)
        }
        let out = noGrad { y.reshape(outShape) }
        guard Tensor.needsGrad(input, weight) || (bias.map { Tensor.needsGrad($0) } ?? false) else { return out }
        let needX = input.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        out.recordGrad("ConvolutionBackward0", inputs, saving: [needW ? input : nil, needX ? weight : nil]) { [self] g in
            let g4 = g.reshape(fourD(g.shape)), x4 = input.reshape(fourD(input.shape)), w4 = weight.reshape(fourD(weight.shape))
            // The fast kernels record nothing: a graph for double backward takes the tensor ops.
            if path != .perImage && !isGradEnabled {
                let (gx, gw, gb) = fastBackward(path, g4, x4, w4, cols: cols, needX: needX, needW: needW, needB: needB)
                var grads: [Tensor?] = [gx?.reshape(input.shape), gw?.reshape(weight.shape)]
                if bias != nil { grads.append(gb) }
                return grads
            }
            // The folded path's columns are [K, N·L]; the per-image products read them as [N, K, L].
            let saved = path == .folded
                ? cols.map { $0.view(geometry.colRows, x4.shape[0], geometry.windowCount).permute(1, 0, 2) } : cols
            let (gx, gw) = transposed ? transposedBackward(g4, x4, w4, needX: needX, needW: needW)
                                      : backward(g4, x4, w4, cols: saved, needX: needX, needW: needW)
            var grads: [Tensor?] = [gx?.reshape(input.shape), gw?.reshape(weight.shape)]
            if bias != nil { grads.append(needB ? g4.sum(dims: [0, 2, 3]) : nil) }
            return grads
        }
        return out
    }

    private func fourD(_ shape: [Int]) -> [Int] { oneD ? [shape[0], shape[1], 1, shape[2]] : shape }

    /// `[N, C, H, W]` → `[N, O, H', W']`: per group, `W_g [O/G, K] @ cols_g [K, H'·W']` for each image.
    private func forward(_ x: Tensor, _ w: Tensor, keepCols: Bool) -> (Tensor, Tensor?) {
        let g = geometry, n = x.shape[0], o = w.shape[0]
        let cols = unfold(x)
        let k = w.shape[1] * g.kernelArea, l = g.windowCount
        let y = groups == 1
            ? w.reshape(o, k).matmul(cols)
            : w.reshape(groups, o / groups, k).matmul(cols.view(n, groups, k, l))
        return (y.reshape(n, o, g.outH, g.outW), keepCols ? cols : nil)
    }

    /// Gradients of `forward` for the input (`Wᵀ @ dy`, folded back) and the weight
    /// (`Σ_n dy @ colsᵀ`), written with tensor ops so they differentiate again.
    private func backward(_ gy: Tensor, _ x: Tensor, _ w: Tensor, cols saved: Tensor?, needX: Bool, needW: Bool)
        -> (Tensor?, Tensor?) {
        let g = geometry, n = x.shape[0], o = w.shape[0], k = w.shape[1] * g.kernelArea, l = g.windowCount
        let gyg = gy.reshape(n, groups, o / groups, l)
        var gx: Tensor?, gw: Tensor?
        if needX {
            let gcols = groups == 1
                ? w.reshape(o, k).t().matmul(gy.reshape(n, o, l))
                : w.reshape(groups, o / groups, k).transpose(1, 2).matmul(gyg).reshape(n, groups * k, l)
            gx = g.isIdentity ? gcols.reshape(x.shape) : gcols.col2im(g)
        }
        if needW {
            // Saved columns, unless a double backward needs them as a function of the input.
            let cols = (isGradEnabled && x.requiresGrad) || saved == nil ? unfold(x) : saved!
            gw = groups == 1
                ? gy.reshape(n, o, l).matmul(cols.transpose(1, 2)).sum(dim: 0)
                : gyg.matmul(cols.view(n, groups, k, l).transpose(2, 3)).sum(dim: 0)
        }
        return (gx, gw)
    }

    /// `[N, C, H, W]` → `[N, O, H', W']`: per group, `W_gᵀ [O/G·k·k, C/G] @ x_g`, folded into the output.
    private func transposedForward(_ x: Tensor, _ w: Tensor) -> Tensor {
        let g = geometry, n = x.shape[0], c = x.shape[1], l = g.windowCount
        let kt = w.shape[1] * g.kernelArea, cg = c / groups
        let cols = groups == 1
            ? w.reshape(c, kt).t().matmul(x.reshape(n, c, l))
            : w.reshape(groups, cg, kt).transpose(1, 2).matmul(x.reshape(n, groups, cg, l)).reshape(n, groups * kt, l)
        return g.isIdentity ? cols.reshape(n, g.channels, g.height, g.width) : cols.col2im(g)
    }

    private func transposedBackward(_ gy: Tensor, _ x: Tensor, _ w: Tensor, needX: Bool, needW: Bool) -> (Tensor?, Tensor?) {
        let g = geometry, n = x.shape[0], c = x.shape[1], l = g.windowCount
        let kt = w.shape[1] * g.kernelArea, cg = c / groups
        let gcols = unfold(gy).view(n, groups, kt, l)
        var gx: Tensor?, gw: Tensor?
        if needX { gx = w.reshape(groups, cg, kt).matmul(gcols).reshape(x.shape) }
        if needW { gw = x.reshape(n, groups, cg, l).matmul(gcols.transpose(2, 3)).sum(dim: 0) }
        return (gx, gw)
    }

    /// im2col of a 4-D image, or a plain view when the windows are the image itself.
    private func unfold(_ image: Tensor) -> Tensor {
        geometry.isIdentity ? image.reshape(image.shape[0], geometry.colRows, geometry.windowCount) : image.im2col(geometry)
    }
}

extension Tensor {
    /// Convolution needs one floating dtype for input, weight and bias, as PyTorch's CPU kernel.
    static func checkConvDTypes(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?) {
        torchCheck(input.dtype == .float32 || input.dtype == .float64,
                   "\"slow_conv2d_cpu\" not implemented for '\(input.dtype.typeName)'")
        torchCheck(weight.dtype == input.dtype, "expected scalar type \(input.dtype.typeName) but found \(weight.dtype.typeName)")
        if let bias {
            torchCheck(bias.dtype == input.dtype, "expected scalar type \(input.dtype.typeName) but found \(bias.dtype.typeName)")
        }
    }
}
