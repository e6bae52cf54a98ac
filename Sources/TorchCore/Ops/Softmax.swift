/// Softmax and log-softmax along a dimension, computed stably (the maximum is subtracted
/// first) by one dedicated kernel.
///
/// Derivatives: softmax: y·(g - Σ g·y); log-softmax: g - eʸ·Σ g (sums along `dim`).
extension Tensor {
    /// eˣ / Σ eˣ along `dim`: each slice along `dim` becomes a probability distribution.
    ///
    /// Same shape as the input; `dtype` converts the input first (as PyTorch's `dtype=`).
    /// ```swift
    /// let probs = logits.softmax(dim: 1)     // [N, C], rows sum to 1
    /// ```
    public func softmax(dim: Int, dtype: DType? = nil) -> Tensor { softmaxed(dim: dim, dtype: dtype, log: false) }

    /// log(softmax(x)) along `dim`, computed as x - max - log Σ e^(x - max) so it stays finite
    /// where softmax would underflow to 0.
    ///
    /// ```swift
    /// let logProbs = logits.logSoftmax(dim: 1)
    /// ```
    public func logSoftmax(dim: Int, dtype: DType? = nil) -> Tensor { softmaxed(dim: dim, dtype: dtype, log: true) }

    private func softmaxed(dim: Int, dtype target: DType?, log: Bool) -> Tensor {
        let name = log ? "log_softmax" : "softmax"
        let input = target.map { to(dtype: $0) } ?? self
        torchCheck(input.dtype.isFloatingPoint,
                   "\(name): \"\(name)_lastdim_kernel_impl\" not implemented for '\(input.dtype.typeName)'")
        let d = normalizeDim(dim, Swift.max(rank, 1), op: name)
        let compute = input.dtype.computeType
        let x = input.to(dtype: compute).contiguous()
        let out = Tensor(uninitializedShape: shape, dtype: compute)
        if numel > 0 { backend.softmax(rank == 0 ? x.reshape([1]) : x, dim: d, log: log, into: rank == 0 ? out.reshape([1]) : out) }
        let result = out.to(dtype: input.dtype)
        guard Tensor.needsGrad(self) else { return result }
        let keep = rank == 0 ? [] : [d]
        if log {
            return result.recordGradUsingResult("LogSoftmaxBackward0", [self], saving: []) { g, y in
                [g - y.exp() * g.sum(dims: keep, keepdim: true)]
            }
        }
        return result.recordGradUsingResult("SoftmaxBackward0", [self], saving: []) { g, y in
            [y * (g - (g * y).sum(dims: keep, keepdim: true))]
        }
    }
}
