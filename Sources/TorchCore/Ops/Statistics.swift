/// Spread and size: `var`, `std`, `norm` and `logsumexp`.
///
/// Derivatives: var: 2(x - mean)/(n - correction); std: that over 2·std; p-norm:
/// sign(x)|x|^(p-1)/‖x‖^(p-1); logsumexp: softmax(x).
extension Tensor {
    /// The variance of all elements, unbiased (divides by n - 1) unless `unbiased` is false.
    ///
    /// Floating dtypes only, as in PyTorch.
    /// ```swift
    /// Tensor([1.0, 2.0, 4.0]).var()               // tensor(2.3333)
    /// Tensor([1.0, 2.0, 4.0]).var(unbiased: false) // tensor(1.5556)
    /// ```
    public func `var`(unbiased: Bool = true) -> Tensor { moments(nil, unbiased ? 1 : 0, false, sqrt: false) }
    /// The variance of all elements, dividing by `max(0, n - correction)`.
    public func `var`(correction: Double) -> Tensor { moments(nil, correction, false, sqrt: false) }
    /// The variance along `dim`; `dim` is removed unless `keepdim` is true.
    public func `var`(dim: Int, unbiased: Bool = true, keepdim: Bool = false) -> Tensor {
        moments([dim], unbiased ? 1 : 0, keepdim, sqrt: false)
    }
    /// The variance along `dim`, dividing by `max(0, n - correction)`.
    public func `var`(dim: Int, keepdim: Bool = false, correction: Double) -> Tensor {
        moments([dim], correction, keepdim, sqrt: false)
    }
    /// The variance over several dimensions (all when `dims` is empty).
    public func `var`(dims: [Int], unbiased: Bool = true, keepdim: Bool = false) -> Tensor {
        moments(dims, unbiased ? 1 : 0, keepdim, sqrt: false)
    }
    /// The variance over several dimensions, dividing by `max(0, n - correction)`.
    public func `var`(dims: [Int], keepdim: Bool = false, correction: Double) -> Tensor {
        moments(dims, correction, keepdim, sqrt: false)
    }

    /// The standard deviation of all elements, unbiased unless `unbiased` is false.
    ///
    /// ```swift
    /// t.std()                          // over everything
    /// t.std(dim: 0, keepdim: true)     // per column, shape [1, n]
    /// t.std(dims: [0, 2], correction: 0)
    /// ```
    public func std(unbiased: Bool = true) -> Tensor { moments(nil, unbiased ? 1 : 0, false, sqrt: true) }
    /// The standard deviation of all elements, dividing by `max(0, n - correction)` inside the root.
    public func std(correction: Double) -> Tensor { moments(nil, correction, false, sqrt: true) }
    /// The standard deviation along `dim`.
    public func std(dim: Int, unbiased: Bool = true, keepdim: Bool = false) -> Tensor {
        moments([dim], unbiased ? 1 : 0, keepdim, sqrt: true)
    }
    /// The standard deviation along `dim` with a given `correction`.
    public func std(dim: Int, keepdim: Bool = false, correction: Double) -> Tensor {
        moments([dim], correction, keepdim, sqrt: true)
    }
    /// The standard deviation over several dimensions (all when `dims` is empty).
    public func std(dims: [Int], unbiased: Bool = true, keepdim: Bool = false) -> Tensor {
        moments(dims, unbiased ? 1 : 0, keepdim, sqrt: true)
    }
    /// The standard deviation over several dimensions with a given `correction`.
    public func std(dims: [Int], keepdim: Bool = false, correction: Double) -> Tensor {
        moments(dims, correction, keepdim, sqrt: true)
    }

    private func moments(_ dims: [Int]?, _ correction: Double, _ keepdim: Bool, sqrt: Bool) -> Tensor {
        torchCheck(dtype.isFloatingPoint, "std and var only support floating point and complex dtypes")
        let name = sqrt ? "std" : "var"
        let ds = statDims(dims, op: name)
        let kept = (0..<rank).filter { !ds.contains($0) }
        let compute = dtype.computeType
        let out = Tensor(uninitializedShape: kept.map { shape[$0] }, dtype: compute)
        let result: Tensor = noGrad {
            backend.variance(to(dtype: compute).permute(kept + ds), reducedDims: ds.count, correction: correction, into: out)
            let r = (sqrt ? out.sqrt() : out).to(dtype: dtype)
            return keepdim ? r.reshape(keptDimShape(ds)) : r
        }
        guard Tensor.needsGrad(self) else { return result }
        // PyTorch's var_backward: 2/(n - correction) · g · (x - mean); std divides g by 2·std first.
        let dof = Double(ds.reduce(1) { $0 * shape[$1] }) - correction
        let whole = dims == nil || rank == 0
        return gradedReduction(result, sqrt ? "StdBackward0" : "VarBackward0", dims: ds, keepdim: keepdim) { g, x, y in
            if whole && dof == 0 { return g * Double.infinity }
            // Under createGraph the std is recomputed so that its own dependence on x is recorded.
            let scaled = sqrt ? g / ((GradMode.isEnabled ? x.moments(ds, correction, true, sqrt: true) : y) * 2) : g
            return (2.0 / dof) * scaled * (x - x.mean(dims: ds, keepdim: true))
        }
    }

    /// The p-norm of all elements (the Frobenius norm of a matrix for `p` = 2).
    ///
    /// `p` may be any float: 1 sums magnitudes, `.infinity` takes the largest magnitude,
    /// `-.infinity` the smallest, 0 counts nonzero elements. Floating dtypes only.
    /// ```swift
    /// Tensor([3.0, 4.0]).norm()          // tensor(5.)
    /// Tensor([3.0, -4.0]).norm(p: 1)     // tensor(7.)
    /// ```
    public func norm(p: Double = 2) -> Tensor { pNorm(p, dims: [], keepdim: false) }
    /// The p-norm along `dim`.
    public func norm(p: Double = 2, dim: Int, keepdim: Bool = false) -> Tensor { pNorm(p, dims: [dim], keepdim: keepdim) }
    /// The p-norm over several dimensions (all when `dims` is empty).
    public func norm(p: Double = 2, dims: [Int], keepdim: Bool = false) -> Tensor { pNorm(p, dims: dims, keepdim: keepdim) }

    private func pNorm(_ p: Double, dims: [Int], keepdim: Bool) -> Tensor {
        torchCheck(dtype.isFloatingPoint, "norm(): input dtype should be either floating point or complex. Got \(dtype.typeName) instead.")
        let ds = statDims(dims, op: "norm")
        let r: Tensor = noGrad { pNormValue(to(dtype: dtype.computeType), p, ds: ds, keepdim: keepdim).to(dtype: dtype) }
        guard Tensor.needsGrad(self) else { return r }
        return gradedReduction(r, "NormBackward1", dims: ds, keepdim: keepdim) { g, x, y in
            let norm = GradMode.isEnabled ? x.pNorm(p, dims: ds, keepdim: true) : y
            return Tensor.normGradient(g, x, norm, p: p, dims: ds)
        }
    }

    /// PyTorch's norm_backward: the derivative of the p-norm, with its subgradient 0 where the
    /// norm is 0 (and, for p < 1, where an element is 0); ties of the inf-norm share evenly.
    private static func normGradient(_ g: Tensor, _ x: Tensor, _ norm: Tensor, p: Double, dims ds: [Int]) -> Tensor {
        let normIsZero = norm.eq(0)
        switch p {
        case 0: return x.zerosLike(dtype: g.dtype)
        case 1: return x.sign() * g
        case 2: return g * (x / norm).maskedFill(normIsZero, value: 0)
        case .infinity, -.infinity:
            let a = x.abs()
            let mask = a.eq(norm).logicalOr(a.isnan()).to(dtype: g.dtype)
            return x.sign() * (g / mask.sum(dims: ds, keepdim: true) * mask)
        case ..<1:
            return x.sign() * x.abs().pow(p - 1).maskedFill(x.eq(0), value: 0) * g * norm.pow(1 - p)
        case ..<2:
            return x.sign() * x.abs().pow(p - 1) * (g / norm.pow(p - 1)).maskedFill(normIsZero, value: 0)
        default:
            return x * x.abs().pow(p - 2) * (g / norm.pow(p - 1)).maskedFill(normIsZero, value: 0)
        }
    }

    /// The p-norm of `x` over `ds` (checked), unrecorded.
    private func pNormValue(_ x: Tensor, _ p: Double, ds: [Int], keepdim: Bool) -> Tensor {
        let r: Tensor
        switch p {
        case 2: r = (x * x).sum(dims: ds, keepdim: keepdim).sqrt()
        case 1: r = x.abs().sum(dims: ds, keepdim: keepdim)
        case 0: r = x.ne(0).sum(dims: ds, keepdim: keepdim).to(dtype: x.dtype)
        case .infinity, -.infinity:
            // An empty norm is 0 for +inf; PyTorch stops for -inf (no identity).
            if ds.contains(where: { shape[$0] == 0 }) || (ds.isEmpty && numel == 0) {
                torchCheck(p > 0, "linalg.vector_norm cannot compute the -inf norm on an empty tensor because the operation does not have an identity")
                r = x.abs().sum(dims: ds, keepdim: keepdim)
            } else {
                r = p > 0 ? x.abs().amax(dims: ds, keepdim: keepdim) : x.abs().amin(dims: ds, keepdim: keepdim)
            }
        default: r = x.abs().pow(p).sum(dims: ds, keepdim: keepdim).pow(1 / p)
        }
        return r
    }

    /// log Σ exp(x) along `dim`, computed stably by subtracting the maximum first.
    ///
    /// Integer inputs give the default float dtype. A row of all `-inf` gives `-inf`.
    /// ```swift
    /// logits.logsumexp(dim: 1, keepdim: true)   // the log-softmax normalizer
    /// ```
    public func logsumexp(dim: Int, keepdim: Bool = false) -> Tensor { logsumexp(dims: [dim], keepdim: keepdim) }

    /// log Σ exp(x) over several dimensions (all when `dims` is empty).
    public func logsumexp(dims: [Int], keepdim: Bool = false) -> Tensor {
        let ds = statDims(dims, op: "logsumexp")
        let resultDType = dtype.isFloatingPoint ? dtype : DType.defaultFloat
        let x = noGrad { to(dtype: resultDType.computeType) }
        if ds.contains(where: { shape[$0] == 0 }) {
            let outShape = keepdim ? keptDimShape(ds) : (0..<rank).filter { !ds.contains($0) }.map { shape[$0] }
            return Tensor.full(outShape, -Double.infinity, dtype: resultDType)
        }
        let result: Tensor = noGrad {
            let m = x.amax(dims: ds, keepdim: true)
            // An infinite max would give inf - inf = NaN; shifting by 0 there keeps ±inf exact.
            let shift = Tensor.where(m.abs().ne(Double.infinity), m, 0.0)
            let r = ((x - shift).exp().sum(dims: ds, keepdim: true).log() + shift).to(dtype: resultDType)
            return keepdim ? r : r.reshape((0..<rank).filter { !ds.contains($0) }.map { shape[$0] })
        }
        guard Tensor.needsGrad(self) else { return result }
        return gradedReduction(result, "LogsumexpBackward0", dims: ds, keepdim: keepdim) { g, x, y in
            g * (x - (GradMode.isEnabled ? x.logsumexp(dims: ds, keepdim: true) : y)).exp()
        }
    }

    /// `reductionDims`, also checking the dims given to a 0-dim tensor (which has none to reduce).
    func statDims(_ dims: [Int]?, op: String) -> [Int] {
        if rank == 0 {
            for d in dims ?? [] { _ = normalizeDim(d, 0, op: op) }
            return []
        }
        return reductionDims(dims, op: op)
    }
}
