extension F {
    /// Cross-entropy between logits and targets (`cross_entropy`): log-softmax over the class
    /// dim, then the negative log-likelihood.
    ///
    /// - Shapes: `input` `[N, C]`, `[N, C, d1, ...]` or `[C]`; `target` int64 class indices
    ///   `[N]` / `[N, d1, ...]` / `[]`, or class probabilities of the input's shape.
    /// - `weight` (`[C]`) weighs each class; targets equal to `ignoreIndex` are skipped; `.mean`
    ///   divides by the total weight of the counted targets; `labelSmoothing` mixes the target
    ///   with the uniform distribution.
    /// - Derivative: softmax(x) - onehot(t), weighted (and divided for `.mean`).
    /// ```swift
    /// let loss = F.crossEntropy(network(images), labels)
    /// ```
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    reduction: Reduction = .mean, labelSmoothing: Double = 0) -> Tensor {
        Tensor.crossEntropy(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, labelSmoothing: labelSmoothing)
    }

    /// Negative log-likelihood of log-probabilities `input` at the class indices `target`
    /// (`nll_loss`); shapes, `weight` and `ignoreIndex` as in `crossEntropy`.
    /// Derivative: -w[t] at each target class, 0 elsewhere.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                               reduction: Reduction = .mean) -> Tensor {
        Tensor.nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
    }

    /// Squared error (`mse_loss`); input and target broadcast. Derivative: 2(x - t).
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        Tensor.mseLoss(input, target, reduction: reduction)
    }

    /// Absolute error (`l1_loss`). Derivative: sign(x - t).
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        Tensor.l1Loss(input, target, reduction: reduction)
    }

    /// 0.5d²/β where |d| < β, else |d| - 0.5β (`smooth_l1_loss`). Derivative: d/β inside, sign(d) outside.
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, beta: Double = 1) -> Tensor {
        Tensor.smoothL1Loss(input, target, reduction: reduction, beta: beta)
    }

    /// 0.5d² where |d| < δ, else δ(|d| - 0.5δ) (`huber_loss`). Derivative: clamp(d, -δ, δ).
    public static func huberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, delta: Double = 1) -> Tensor {
        Tensor.huberLoss(input, target, reduction: reduction, delta: delta)
    }

    /// Binary cross-entropy of probabilities `input` against `target` (same shape), each log
    /// clamped at -100 (`binary_cross_entropy`). Derivative: w(x - t)/(x(1 - x)).
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) -> Tensor {
        Tensor.binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
    }

    /// Binary cross-entropy on logits, with the sigmoid fused in stably
    /// (`binary_cross_entropy_with_logits`); `posWeight` weighs positives per class.
    /// Derivative: w((p·t + 1 - t)σ(x) - p·t).
    /// ```swift
    /// let loss = F.binaryCrossEntropyWithLogits(logits, labels.to(dtype: .float32))
    /// ```
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        Tensor.binaryCrossEntropyWithLogits(input, target, weight: weight, posWeight: posWeight, reduction: reduction)
    }

    /// Kullback-Leibler divergence, `input` holding log-probabilities (`kl_div`): Σ t(log t - x),
    /// or with `logTarget` Σ eᵗ(t - x). `.batchmean` divides the sum by the batch size (the
    /// mathematical KL divergence); `.mean` divides by the element count, as PyTorch does.
    /// Derivative: -t (or -eᵗ).
    public static func klDiv(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, logTarget: Bool = false) -> Tensor {
        Tensor.klDiv(input, target, reduction: reduction, logTarget: logTarget)
    }
}
