extension F {
    /// Batch normalization of an `[N, C, ...]` input over every dim but channel dim 1
    /// (`batch_norm`): (x - mean)/√(var + eps)·weight + bias.
    ///
    /// With `training`, the batch's statistics normalize (biased variance) and the running
    /// statistics, when given, are updated in place: `running = (1 - momentum)·running +
    /// momentum·stat`, the variance stored unbiased. Otherwise the running statistics normalize.
    /// Derivative: (w/σ)(g - mean(g) - x̂·mean(g·x̂)) in training, w·g/σ in eval.
    /// ```swift
    /// let y = F.batchNorm(x, runningMean: mean, runningVar: variance, training: true)
    /// ```
    public static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool = false, momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
        input.batchNorm(runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                        training: training, momentum: momentum, eps: eps)
    }

    /// Layer normalization over the trailing `normalizedShape` dims (`layer_norm`); `weight`
    /// and `bias` have shape `normalizedShape`. Derivative: as batch norm's, per sample.
    /// ```swift
    /// F.layerNorm(x, normalizedShape: [x.shape.last!])
    /// ```
    public static func layerNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) -> Tensor {
        input.layerNorm(normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }

    /// Group normalization of an `[N, C, ...]` input with the channels split into `numGroups`
    /// groups (`group_norm`); `weight` and `bias` have shape `[C]`.
    public static func groupNorm(_ input: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) -> Tensor {
        input.groupNorm(numGroups: numGroups, weight: weight, bias: bias, eps: eps)
    }
}
