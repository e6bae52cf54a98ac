/// Batch, layer and group normalization: (x - mean)/√(var + eps), then an optional
/// per-feature affine map. The variance used to normalize is the biased one.
///
/// Derivative (each normalizes over a set of dims with n elements, x̂ the normalized input,
/// ĝ = g·weight): dx = (1/σ)(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)); dweight = Σ g·x̂; dbias = Σ g.
extension Tensor {
    /// Batch normalization over every dim but the channel dim 1 of an `[N, C, ...]` input.
    ///
    /// In training, normalizes with the batch's statistics and, when given, updates
    /// `runningMean`/`runningVar` in place: `running = (1 - momentum)·running + momentum·stat`,
    /// with the unbiased variance stored. Otherwise normalizes with the running statistics.
    package func batchNorm(runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil, bias: Tensor? = nil,
                           training: Bool = false, momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
        torchCheck(rank >= 2, "batch_norm: expected 2D or higher input (got \(rank)D input)")
        let c = shape[1]
        for (name, t) in [("running_mean", runningMean), ("running_var", runningVar), ("weight", weight), ("bias", bias)] {
            if let t { torchCheck(t.numel == c, "\(name) should contain \(c) elements not \(t.numel)") }
        }
        let dims = [0] + Array(2..<rank)
        var statShape = Array(repeating: 1, count: rank)
        statShape[1] = c
        let x = to(dtype: dtype.computeType)
        let mean: Tensor, invstd: Tensor
        if training {
            let n = numel / Swift.max(c, 1)
            torchCheck(n > 1, "Expected more than 1 value per channel when training, got input size torch.Size(\(shapeString(shape)))")
            (mean, invstd) = noGrad {
                let m = x.mean(dims: dims, keepdim: true)
                let v = x.var(dims: dims, unbiased: false, keepdim: true)
                if let runningMean {
                    runningMean *= 1 - momentum
                    runningMean += (m * momentum).reshape(runningMean.shape).to(dtype: runningMean.dtype)
                }
                if let runningVar {
                    runningVar *= 1 - momentum
                    runningVar += (v * (momentum * Double(n) / Double(n - 1))).reshape(runningVar.shape).to(dtype: runningVar.dtype)
                }
                return (m, (v + eps).rsqrt())
            }
        } else {
            torchCheck(runningMean != nil, "running_mean must be defined in evaluation mode")
            torchCheck(runningVar != nil, "running_var must be defined in evaluation mode")
            (mean, invstd) = noGrad {
                (runningMean!.to(dtype: x.dtype).reshape(statShape), (runningVar!.to(dtype: x.dtype).reshape(statShape) + eps).rsqrt())
            }
        }
        return normalized(x, mean: mean, invstd: invstd, weight: weight, bias: bias, paramShape: statShape,
                          dims: training ? dims : nil, paramDims: dims, channelwise: true, eps: eps,
                          name: "NativeBatchNormBackward0")
    }

    /// Layer normalization over the trailing dims given by `normalizedShape`; `weight` and
    /// `bias` (when given) have that shape.
    package func layerNorm(normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) -> Tensor {
        let k = normalizedShape.count
        torchCheck(k >= 1 && rank >= k && Array(shape[(rank - k)...]) == normalizedShape,
                   "Given normalized_shape=\(shapeString(normalizedShape)), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(shapeString(shape))")
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t { torchCheck(t.shape == normalizedShape, "layer_norm: expected \(name) of shape \(shapeString(normalizedShape)), got \(shapeString(t.shape))") }
        }
        let dims = Array((rank - k)..<rank)
        let x = to(dtype: dtype.computeType)
        let (mean, invstd) = noGrad {
            (x.mean(dims: dims, keepdim: true), (x.var(dims: dims, unbiased: false, keepdim: true) + eps).rsqrt())
        }
        return normalized(x, mean: mean, invstd: invstd, weight: weight, bias: bias, paramShape: normalizedShape,
                          dims: dims, paramDims: Array(0..<(rank - k)), eps: eps, name: "NativeLayerNormBackward0")
    }

    /// Group normalization of an `[N, C, ...]` input: the channels are split into `numGroups`
    /// groups, each normalized over its channels and the spatial dims; `weight` and `bias`
    /// (when given) have shape `[C]`.
    package func groupNorm(numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) -> Tensor {
        torchCheck(rank >= 2, "group_norm: expected an input with at least 2 dims, got \(shapeString(shape))")
        let n = shape[0], c = shape[1]
        torchCheck(numGroups > 0 && c % numGroups == 0,
                   "Expected number of channels in input to be divisible by num_groups, but got input of shape \(shapeString(shape)) and num_groups=\(numGroups)")
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t { torchCheck(t.numel == c, "group_norm: expected \(name) to be a vector of size equal to the number of channels in input, but got \(name) of shape \(shapeString(t.shape)) and input of shape \(shapeString(shape))") }
        }
        var statShape = Array(repeating: 1, count: rank)
        statShape[1] = c
        // Normalize the [N, G, rest] view, then give the result back its shape for the affine map.
        let x = to(dtype: dtype.computeType)
        let grouped = x.reshape([n, numGroups, -1])
        let (mean, invstd) = noGrad {
            (grouped.mean(dim: 2, keepdim: true), (grouped.var(dim: 2, unbiased: false, keepdim: true) + eps).rsqrt())
        }
        return normalized(x, mean: mean, invstd: invstd, weight: weight, bias: bias, paramShape: statShape,
                          dims: [2], paramDims: [0] + Array(2..<rank), view: [n, numGroups, -1], eps: eps, name: "NativeGroupNormBackward0")
    }

    /// `(x - mean)·invstd·weight + bias`, recorded as one node named `name`. The statistics
    /// come from `x` seen as `view` (group norm's `[N, G, rest]`) over `dims` (nil when they
    /// are constants, as batch norm's in eval); `weight` and `bias` broadcast as `paramShape`
    /// and their gradients are summed over `paramDims`. With `channelwise` (batch norm: one
    /// statistic per channel of dim 1) a contiguous float32/float64 input takes one fused pass
    /// forward and one backward (`channelAffine`), `x̂` never materialized.
    private func normalized(_ x: Tensor, mean: Tensor, invstd: Tensor, weight: Tensor?, bias: Tensor?, paramShape: [Int],
                            dims: [Int]?, paramDims: [Int], view: [Int]? = nil, channelwise: Bool = false, eps: Double,
                            name: String) -> Tensor {
        let w = weight.map { $0.detach().reshape(paramShape).to(dtype: x.dtype) }
        let b = bias.map { $0.detach().reshape(paramShape).to(dtype: x.dtype) }
        if channelwise && x.isContiguous && dtype == x.dtype && (dtype == .float32 || dtype == .float64) && numel > 0 {
            return channelwiseNormalized(x, mean: mean, invstd: invstd, weight: weight, bias: bias, w: w, b: b,
                                         paramShape: paramShape, dims: dims, paramDims: paramDims, eps: eps, name: name)
        }
        let (xhat, out) = noGrad { () -> (Tensor, Tensor) in
            let xv = view.map { x.reshape($0) } ?? x
            let xhat = ((xv - mean) * invstd).reshape(x.shape)
            var y = xhat
            if let w { y = y * w }
            if let b { y = y + b }
            return (xhat, y.to(dtype: dtype))
        }
        let params = [weight, bias].compactMap { $0 }
        guard Tensor.needsGrad(self, weight ?? self, bias ?? self) else { return out }
        let inputShape = shape
        return out.recordGrad(name, [self] + params, saving: [self] + params) { [self] g in
            if GradMode.isEnabled {
                return recordedNormalization(g, x, mean: mean, invstd: invstd, weight: weight, bias: bias,
                                             paramShape: paramShape, dims: dims, view: view, eps: eps)
            }
            let gHat = w.map { g * $0 } ?? g
            var gx: Tensor
            if let dims {
                let gv = view.map { gHat.reshape($0) } ?? gHat, xv = view.map { xhat.reshape($0) } ?? xhat
                gx = invstd * (gv - gv.mean(dims: dims, keepdim: true) - xv * (gv * xv).mean(dims: dims, keepdim: true))
            } else {
                gx = gHat * invstd
            }
            var grads: [Tensor?] = [gx.reshape(inputShape)]
            // An empty dims list would sum everything: with no dims to sum over, keep the tensor.
            let sumParams = { (t: Tensor) in paramDims.isEmpty ? t : t.sum(dims: paramDims) }
            if let weight { grads.append(sumParams(g * xhat).reshape(weight.shape)) }
            if let bias { grads.append(sumParams(g).reshape(bias.shape)) }
            return grads
        }
    }

    /// A recorded backward (createGraph): the same normalization in differentiable ops.
    private func recordedNormalization(_ g: Tensor, _ x: Tensor, mean: Tensor, invstd: Tensor, weight: Tensor?, bias: Tensor?,
                                       paramShape: [Int], dims: [Int]?, view: [Int]?, eps: Double) -> [Tensor?] {
        let inputShape = shape, outDType = dtype
        return recordedPartials(g, [self] + [weight, bias].compactMap { $0 }) { t in
            let xc = t[0].to(dtype: x.dtype)
            let xv = view.map { xc.reshape($0) } ?? xc
            var y = dims.map { ds in
                (xv - xv.mean(dims: ds, keepdim: true)) * (xv.var(dims: ds, unbiased: false, keepdim: true) + eps).rsqrt()
            } ?? (xv - mean) * invstd
            y = y.reshape(inputShape)
            var next = 1
            if weight != nil { y = y * t[next].reshape(paramShape).to(dtype: x.dtype); next += 1 }
            if bias != nil { y = y + t[next].reshape(paramShape).to(dtype: x.dtype) }
            return y.to(dtype: outDType)
        }
    }

    /// `normalized` for batch norm's per-channel statistics: `y = x·scale[c] + shift[c]` with
    /// `scale = w·invstd`, `shift = b − mean·scale`, one pass. Its input gradient is one pass
    /// too: with `A = Σ g` and `B = Σ g·x̂ = invstd·(Σ g·x − mean·A)` over a channel's `M`
    /// elements, `dx = p·g + q·x + r` for `p = w·invstd`, `q = −p·invstd·B/M`,
    /// `r = −p·A/M − q·mean` (`q = r = 0` with constant statistics); `dw = B`, `db = A`.
    private func channelwiseNormalized(_ x: Tensor, mean: Tensor, invstd: Tensor, weight: Tensor?, bias: Tensor?,
                                       w: Tensor?, b: Tensor?, paramShape: [Int], dims: [Int]?, paramDims: [Int],
                                       eps: Double, name: String) -> Tensor {
        let n = shape[0], c = shape[1], rows = [n, c, numel / Swift.max(1, n * c)]
        let m = mean.reshape(c), inv = invstd.reshape(c), wc = w?.reshape(c)
        let scale = noGrad { wc.map { $0 * inv } ?? inv }
        let shift = noGrad { ((b?.reshape(c)).map { $0 - m * scale } ?? -(m * scale)).contiguous() }
        let out = Tensor(uninitializedShape: shape, dtype: dtype)
        backend.channelAffine(x.view(rows), scale: scale.contiguous(), shift: shift, plus: nil, scaledBy: nil,
                              into: out.view(rows))
        let params = [weight, bias].compactMap { $0 }
        guard Tensor.needsGrad(self, weight ?? self, bias ?? self) else { return out }
        return out.recordGrad(name, [self] + params, saving: [self] + params) { [self] g in
            if GradMode.isEnabled {
                return recordedNormalization(g, x, mean: mean, invstd: invstd, weight: weight, bias: bias,
                                             paramShape: paramShape, dims: dims, view: nil, eps: eps)
            }
            let gc = g.contiguous(), count = Double(rows[0] * rows[2])
            let sumG = gc.sum(dims: paramDims), sumGX = (gc * x).sum(dims: paramDims)
            let sumGHat = inv * (sumGX - m * sumG)
            let p = wc.map { $0 * inv } ?? inv
            let gx = Tensor(uninitializedShape: shape, dtype: dtype)
            if dims != nil {
                let q = -(p * inv * sumGHat) / count
                let r = -(p * sumG) / count - q * m
                backend.channelAffine(gc.view(rows), scale: p.contiguous(), shift: r.contiguous(), plus: x.view(rows),
                                      scaledBy: q.contiguous(), into: gx.view(rows))
            } else {
                backend.channelAffine(gc.view(rows), scale: p.contiguous(), shift: Tensor.zeros([c], dtype: dtype),
                                      plus: nil, scaledBy: nil, into: gx.view(rows))
            }
            var grads: [Tensor?] = [gx]
            if let weight { grads.append(sumGHat.reshape(weight.shape)) }
            if let bias { grads.append(sumG.reshape(bias.shape)) }
            return grads
        }
    }
}
