/// How a loss combines its per-element values (PyTorch's `reduction=` strings).
public enum Reduction: String, Sendable, CustomStringConvertible {
    /// No reduction: one loss per element (or per sample for classification losses).
    case none
    /// The mean (classification losses divide by the total weight of the counted targets).
    case mean
    /// The sum.
    case sum
    /// The sum divided by the batch size (`klDiv` only).
    case batchmean

    public var description: String { rawValue }
}

/// Regression and binary losses. Each is one node named as PyTorch's (`MseLossBackward0`, ...)
/// unless PyTorch composes it too (`l1Loss`, `klDiv`).
///
/// Derivatives (d = input - target): mse 2d; smooth L1 d/β inside β, sign(d) outside; Huber
/// clamp(d, -δ, δ); BCE w(x - t)/(x(1 - x)); BCE with logits w((p·t + 1 - t)σ(x) - p·t).
extension Tensor {
    /// Mean (or summed) squared error; input and target broadcast together.
    package static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        elementwiseLoss(input, target, reduction, "mse_loss", "MseLossBackward0") { x, t in
            let d = x - t
            return d * d
        } derivatives: { x, t in
            let d = 2 * (x - t)
            return (d, -d)
        }
    }

    /// Mean (or summed) absolute error: `|input - target|`, composed of `abs` and the reduction.
    package static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        checkReduction(reduction, "l1_loss")
        return reduce((input - target).abs(), reduction)
    }

    /// 0.5·d²/β where |d| < β, |d| - 0.5β elsewhere (plain L1 for β = 0).
    package static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, beta: Double = 1) -> Tensor {
        torchCheck(beta >= 0, "smooth_l1_loss does not support negative values for beta.")
        return elementwiseLoss(input, target, reduction, "smooth_l1_loss", "SmoothL1LossBackward0") { x, t in
            let d = x - t, z = d.abs()
            return beta == 0 ? z : Tensor.where(z.lt(beta), 0.5 * d * d / beta, z - 0.5 * beta)
        } derivatives: { x, t in
            let d = x - t
            let g = beta == 0 ? d.sign() : Tensor.where(d.abs().lt(beta), d / beta, d.sign())
            return (g, -g)
        }
    }

    /// 0.5·d² where |d| < δ, δ(|d| - 0.5δ) elsewhere.
    package static func huberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, delta: Double = 1) -> Tensor {
        torchCheck(delta > 0, "huber_loss does not support non-positive values for delta.")
        return elementwiseLoss(input, target, reduction, "huber_loss", "HuberLossBackward0") { x, t in
            let d = x - t, z = d.abs()
            return Tensor.where(z.lt(delta), 0.5 * d * d, delta * (z - 0.5 * delta))
        } derivatives: { x, t in
            let g = (x - t).clamp(min: -delta, max: delta)
            return (g, -g)
        }
    }

    /// -w·(t·log x + (1 - t)·log(1 - x)) for probabilities `input` in [0, 1]; each log is
    /// clamped at -100 as PyTorch does, so a 0 or 1 input gives a finite loss.
    package static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                           reduction: Reduction = .mean) -> Tensor {
        torchCheck(input.shape == target.shape,
                   "Using a target size (torch.Size(\(shapeString(target.shape)))) that is different to the input size (torch.Size(\(shapeString(input.shape)))) is deprecated. Please ensure they have the same size.")
        let inRange = noGrad { input.ge(0).logicalAnd(input.le(1)).all().item(Bool.self) }
        torchCheck(inRange, "all elements of input should be between 0 and 1")
        let w = weight?.detach()
        return elementwiseLoss(input, target, reduction, "binary_cross_entropy", "BinaryCrossEntropyBackward0",
                               alsoReading: [weight]) { x, t in
            let l = -(t * x.log().clamp(min: -100.0) + (1 - t) * (1 - x).log().clamp(min: -100.0))
            return w.map { l * $0 } ?? l
        } derivatives: { x, t in
            let gx = (x - t) / ((1 - x) * x).clamp(min: 1e-12)
            let gt = (1 - x).log().clamp(min: -100.0) - x.log().clamp(min: -100.0)
            return (w.map { gx * $0 } ?? gx, w.map { gt * $0 } ?? gt)
        }
    }

    /// Binary cross-entropy on logits: σ and the log are fused as
    /// (1 - t)·x + (1 + (p - 1)t)·log(1 + e⁻ˣ), stable for any x; `posWeight` (p) weighs the
    /// positive term, `weight` each element.
    package static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                     posWeight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        torchCheck(input.shape == target.shape,
                   "Target size (torch.Size(\(shapeString(target.shape)))) must be the same as input size (torch.Size(\(shapeString(input.shape))))")
        let w = weight?.detach(), pw = posWeight?.detach()
        // log(1 + e⁻ˣ) without overflow: m + log(e⁻ᵐ + e^(-x-m)) with m = max(-x, 0).
        func softplusNeg(_ x: Tensor) -> Tensor {
            let m = (-x).clamp(min: 0.0)
            return ((-m).exp() + (-x - m).exp()).log() + m
        }
        return elementwiseLoss(input, target, reduction, "binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
                               alsoReading: [weight, posWeight]) { x, t in
            let logWeight = pw.map { ($0 - 1) * t + 1 }
            let sp = softplusNeg(x)
            let l = (1 - t) * x + (logWeight.map { $0 * sp } ?? sp)
            return w.map { l * $0 } ?? l
        } derivatives: { x, t in
            let gx: Tensor, gt: Tensor
            if let pw {
                let pt = pw * t
                gx = (pt + 1 - t) * x.sigmoid() - pt
                gt = -x + (pw - 1) * softplusNeg(x)
            } else {
                gx = x.sigmoid() - t
                gt = -x
            }
            return (w.map { gx * $0 } ?? gx, w.map { gt * $0 } ?? gt)
        }
    }

    /// Kullback-Leibler divergence with `input` holding log-probabilities: t·(log t - x)
    /// (0 where t = 0), or eᵗ·(t - x) for `logTarget`. Composed of tensor ops, as in PyTorch.
    package static func klDiv(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, logTarget: Bool = false) -> Tensor {
        let l: Tensor
        if logTarget {
            l = target.exp() * (target - input)
        } else {
            let xlogy = Tensor.where(target.eq(0), Tensor.zeros([], dtype: target.dtype), target * target.log())
            l = xlogy - target * input
        }
        if reduction == .batchmean {
            return input.rank == 0 ? l.sum() : l.sum() / Double(input.shape[0])
        }
        return reduce(l, reduction)
    }

    static func checkReduction(_ reduction: Reduction, _ name: String) {
        torchCheck(reduction != .batchmean, "\(name): batchmean is not a valid value for reduction")
    }

    /// `reduction` applied to per-element losses.
    static func reduce(_ l: Tensor, _ reduction: Reduction) -> Tensor {
        switch reduction {
        case .none: return l
        case .sum: return l.sum()
        case .mean, .batchmean: return l.mean()
        }
    }

    /// A loss computed element-wise on broadcast `input` and `target` and then reduced, recorded
    /// as one node; `derivatives` gives d loss/d input and d loss/d target per element.
    private static func elementwiseLoss(_ input: Tensor, _ target: Tensor, _ reduction: Reduction, _ name: String, _ gradName: String,
                                        alsoReading: [Tensor?] = [],
                                        loss: (Tensor, Tensor) -> Tensor,
                                        derivatives: @escaping (Tensor, Tensor) -> (Tensor, Tensor)) -> Tensor {
        checkReduction(reduction, name)
        let x = input.detach(), t = target.detach()
        let out = noGrad { reduce(loss(x, t), reduction) }
        guard Tensor.needsGrad(input, target) else { return out }
        let shape = broadcastShapes(input.shape, target.shape, op: name)
        let count = Double(shape.reduce(1, *))
        let needTarget = target.requiresGrad
        return out.recordGrad(gradName, [input, target], saving: [input, target] + alsoReading) { g in
            let ge = reduction == .none ? g : (reduction == .sum ? g : g / count).expand(shape)
            let (dx, dt) = derivatives(input, target)
            return [ge * dx, needTarget ? ge * dt : nil]
        }
    }
}
