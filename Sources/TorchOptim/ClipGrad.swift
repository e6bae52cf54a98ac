/// Scales the gradients of `parameters` in place so that their combined norm is at most
/// `maxNorm` (`torch.nn.utils.clip_grad_norm_`), and returns that norm before clipping.
///
/// The norm is taken over all gradients together, as if concatenated into one vector;
/// `normType` may be `.infinity` (the largest magnitude). Gradients are multiplied by
/// `min(1, maxNorm / (total + 1e-6))`. Parameters without a gradient are skipped; with none
/// at all the result is `tensor(0.)`.
///
/// ```swift
/// loss.backward()
/// let norm = clipGradNorm_(network.parameters(), maxNorm: 1.0)
/// optimizer.step()
/// ```
@discardableResult
public func clipGradNorm_(_ parameters: [Tensor], maxNorm: Double, normType: Double = 2.0) -> Tensor {
    let grads = parameters.compactMap(\.grad)
    if grads.isEmpty { return Tensor.zeros([]) }
    return noGrad {
        let total: Tensor
        if normType == .infinity {
            let norms = grads.map { $0.detach().abs().max() }
            total = norms.count == 1 ? norms[0] : Tensor.stack(norms).max()
        } else {
            total = Tensor.stack(grads.map { $0.detach().norm(p: normType) }).norm(p: normType)
        }
        let coef = (maxNorm / (total + 1e-6)).clamp(max: 1.0)
        for g in grads { g *= coef.to(dtype: g.dtype) }
        return total
    }
}

/// Clamps every gradient of `parameters` into `[-clipValue, clipValue]` in place
/// (`torch.nn.utils.clip_grad_value_`). Parameters without a gradient are skipped.
///
/// ```swift
/// clipGradValue_(network.parameters(), clipValue: 0.5)
/// ```
public func clipGradValue_(_ parameters: [Tensor], clipValue: Double) {
    noGrad {
        for p in parameters {
            guard let g = p.grad else { continue }
            g.copy_(g.clamp(min: -clipValue, max: clipValue))
        }
    }
}
