/// Classification losses: negative log-likelihood and cross-entropy over a class dimension
/// (dim 1 of `[N, C]` or `[N, C, d1, ...]`, dim 0 of an unbatched `[C]`).
///
/// Derivative of nll: -w[t] at the target class of each sample (divided by Σ w[t] for the
/// mean), 0 elsewhere; cross-entropy is log-softmax followed by nll.
extension Tensor {
    /// -w[t]·input[n, t] for each sample; `ignoreIndex` targets count neither in the loss nor
    /// in the mean's denominator (Σ w[t] over the counted targets).
    package static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                reduction: Reduction = .mean) -> Tensor {
        checkReduction(reduction, "nll_loss")
        let c = checkClassTargets(input, target, weight: weight)
        let m = target.numel
        let classesLast: Tensor = switch input.rank {
        case 1: input.reshape([1, c])
        case 2: input
        default: input.movedim(1, -1).reshape([-1, c])
        }
        let flat = target.reshape([m])
        let counted = flat.ne(ignoreIndex)
        let safe = Tensor.where(counted, flat, Int64(0))
        checkTargetBounds(flat, classes: c, ignoreIndex: ignoreIndex)
        let dtype = input.dtype
        let (perSample, sampleWeight) = noGrad { () -> (Tensor, Tensor) in
            let picked = classesLast.gather(dim: 1, index: safe.unsqueeze(dim: 1)).reshape([m])
            var w = counted.to(dtype: dtype)
            if let weight { w = w * weight.to(dtype: dtype).indexSelect(dim: 0, index: safe) }
            return (-(w * picked), w)
        }
        let totalWeight = reduction == .mean ? sampleWeight.sum() : nil
        let out: Tensor = switch reduction {
        case .none: perSample.reshape(target.shape)
        case .sum: perSample.sum()
        default: perSample.sum() / totalWeight!
        }
        guard Tensor.needsGrad(input) else { return out }
        var movedShape = input.shape
        if input.rank > 2 { movedShape.append(movedShape.remove(at: 1)) }
        let inputRank = input.rank
        return out.recordGrad(input.rank >= 3 ? "NllLoss2DBackward0" : "NllLossBackward0", [input], saving: []) { g in
            let perSampleGrad: Tensor = switch reduction {
            case .none: g.reshape([m])
            case .sum: g.expand([m])
            // With every target ignored the mean is 0/0 = NaN, but PyTorch's gradient is 0.
            default: Tensor.where(totalWeight!.eq(0), Tensor.zeros([], dtype: g.dtype), g / totalWeight!).expand([m])
            }
            let src = (-(sampleWeight * perSampleGrad)).unsqueeze(dim: 1)
            let gx = Tensor.zeros([m, c], dtype: g.dtype).scatter(dim: 1, index: safe.unsqueeze(dim: 1), src: src)
            return [inputRank > 2 ? gx.reshape(movedShape).movedim(-1, 1) : gx.reshape(movedShape)]
        }
    }

    /// Cross-entropy of logits `input` against class indices (int64, the input's shape without
    /// the class dim) or class probabilities (the input's shape, floating): log-softmax over
    /// the class dim, then the negative log-likelihood. `labelSmoothing` mixes the target with
    /// the uniform distribution.
    package static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                     reduction: Reduction = .mean, labelSmoothing: Double = 0) -> Tensor {
        checkReduction(reduction, "cross_entropy")
        torchCheck(labelSmoothing >= 0 && labelSmoothing <= 1,
                   "label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)")
        torchCheck(input.rank >= 1, "cross_entropy: expected an input with at least 1 dimension (the classes), got a 0-dim tensor")
        if input.rank == 2, target.rank == 1, target.dtype == .int64, weight == nil, labelSmoothing == 0, reduction != .none,
           input.dtype == .float32 || input.dtype == .float64 {
            return classCrossEntropy(input, target, ignoreIndex: ignoreIndex, reduction: reduction)
        }
        let classDim = input.rank == 1 ? 0 : 1
        let c = input.shape[classDim]
        let logp = input.logSoftmax(dim: classDim)
        var weightShape = Array(repeating: 1, count: input.rank)
        weightShape[classDim] = c
        if input.shape == target.shape {
            torchCheck(target.dtype.isFloatingPoint,
                       "Expected floating point type for target with class probabilities, got \(target.dtype.typeName)")
            if let weight {
                torchCheck(weight.numel == c, "weight tensor should be defined either for all \(c) classes or no classes but got weight tensor of shape: \(shapeString(weight.shape))")
            }
            let t = labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / Double(c) : target
            var products = logp * t
            if let weight { products = products * weight.reshape(weightShape) }
            switch reduction {
            case .none: return -products.sum(dim: classDim)
            case .sum: return -products.sum()
            default: return -products.sum() / Double(input.numel / Swift.max(c, 1))
            }
        }
        let nll = nllLoss(logp, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        guard labelSmoothing > 0 else { return nll }
        let ignored = target.eq(ignoreIndex)
        var smooth = weight.map { -(logp * $0.reshape(weightShape)).sum(dim: classDim) } ?? -logp.sum(dim: classDim)
        smooth = smooth.maskedFill(ignored, value: 0.0)
        let smoothReduced: Tensor
        switch reduction {
        case .none: smoothReduced = smooth
        case .sum: smoothReduced = smooth.sum()
        default:
            let counted = ignored.logicalNot()
            if let weight {
                let safe = Tensor.where(counted, target, Int64(0)).reshape([-1])
                smoothReduced = smooth.sum() / (weight.indexSelect(dim: 0, index: safe) * counted.reshape([-1]).to(dtype: weight.dtype)).sum()
            } else {
                smoothReduced = smooth.sum() / counted.sum().to(dtype: smooth.dtype)
            }
        }
        return (1 - labelSmoothing) * nll + smoothReduced * (labelSmoothing / Double(c))
    }

    /// Checks the shapes and dtypes of class-index targets as PyTorch does; returns the class count.
    /// The common case, a batch of logits against class indices, in two kernels forward
    /// (log-softmax, then the picked sum) and one backward (softmax minus one-hot), recorded as
    /// one `NllLossBackward0` on the logits; a double backward differentiates the same rule
    /// written with tensor ops.
    private static func classCrossEntropy(_ input: Tensor, _ target: Tensor, ignoreIndex: Int, reduction: Reduction) -> Tensor {
        let c = checkClassTargets(input, target, weight: nil)
        let logp = noGrad { input.logSoftmax(dim: 1) }, targets = target.contiguous()
        let (sum, count, bad) = input.backend.classNLL(logp, targets: targets, ignoreIndex: ignoreIndex)
        if let bad { torchCheck(false, "Target \(bad) is out of bounds.") }
        // With every target ignored the mean is 0/0 = NaN, as in PyTorch.
        let value = reduction == .sum ? sum : sum / Double(count)
        let out = Tensor(scalarValue: .double(value), dtype: input.dtype)
        guard Tensor.needsGrad(input) else { return out }
        // PyTorch's gradient is 0 when no target counts.
        let divisor = reduction == .sum ? 1 : Double(Swift.max(count, 1))
        return out.recordGrad("NllLossBackward0", [input], saving: [input, target]) { g in
            guard !isGradEnabled else {
                let counted = targets.ne(ignoreIndex)
                let onehot = Tensor.zeros([targets.numel, c], dtype: g.dtype)
                    .scatter(dim: 1, index: Tensor.where(counted, targets, Int64(0)).unsqueeze(dim: 1), value: 1.0)
                return [(input.softmax(dim: 1) - onehot) * counted.unsqueeze(dim: 1).to(dtype: g.dtype) * (g / divisor)]
            }
            let gx = Tensor(uninitializedShape: input.shape, dtype: logp.dtype)
            g.backend.crossEntropyBackward(logp, targets: targets, ignoreIndex: ignoreIndex,
                                           gradient: g.to(dtype: logp.dtype).contiguous(), divisor: divisor, into: gx)
            return [gx]
        }
    }

    private static func checkClassTargets(_ input: Tensor, _ target: Tensor, weight: Tensor?) -> Int {
        torchCheck(target.dtype == .int64, "expected scalar type Long but found \(target.dtype.typeName)")
        torchCheck(input.rank >= 1, "input tensor should be 1D or 2D")
        if input.rank >= 2 && target.rank >= 1 {
            torchCheck(input.shape[0] == target.shape[0],
                       "Expected input batch_size (\(input.shape[0])) to match target batch_size (\(target.shape[0])).")
        }
        switch input.rank {
        case 1:
            torchCheck(target.rank == 0, "size mismatch (got input: \(shapeString(input.shape)), target: \(shapeString(target.shape)))")
        case 2:
            torchCheck(target.rank <= 1, "0D or 1D target tensor expected, multi-target not supported")
        default:
            var expected = input.shape
            expected.remove(at: 1)
            torchCheck(target.shape == expected,
                       "size mismatch (got input: \(shapeString(input.shape)) , target: \(shapeString(target.shape))")
        }
        let c = input.shape[input.rank == 1 ? 0 : 1]
        if let weight {
            torchCheck(weight.numel == c, "weight tensor should be defined either for all \(c) classes or no classes but got weight tensor of shape: \(shapeString(weight.shape))")
        }
        return c
    }

    /// Stops at the first target outside [0, classes) that is not `ignoreIndex`.
    private static func checkTargetBounds(_ flat: Tensor, classes: Int, ignoreIndex: Int) {
        let values: [Int64] = flat.toArray()
        for v in values where v != Int64(ignoreIndex) && (v < 0 || v >= Int64(classes)) {
            torchCheck(false, "Target \(v) is out of bounds.")
        }
    }
}
