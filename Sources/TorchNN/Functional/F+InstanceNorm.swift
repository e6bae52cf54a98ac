extension F {
    /// Instance normalization (`torch.nn.functional.instance_norm`): each channel of each
    /// sample of an `[N, C, ...]` input normalized over its own spatial dims,
    /// (x - mean)/√(var + eps)·weight + bias, with `weight` and `bias` of shape `[C]`.
    ///
    /// With `useInputStats` (the default) each instance's mean and biased variance normalize
    /// and the running statistics, when given, are updated in place with their mean over the
    /// batch: `running = (1 - momentum)·running + momentum·stat`, the variance stored
    /// unbiased. Otherwise the running statistics normalize.
    ///
    /// - Derivative: batch norm's, per instance (this is batch norm of the `[1, N·C, ...]`
    ///   view, as in PyTorch).
    ///
    /// ```swift
    /// let y = F.instanceNorm(images)   // each image's channels to mean 0, variance 1
    /// ```
    public static func instanceNorm(_ input: Tensor, runningMean: Tensor? = nil, runningVar: Tensor? = nil,
                                    weight: Tensor? = nil, bias: Tensor? = nil, useInputStats: Bool = true,
                                    momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
        torchCheck(input.rank >= 2, "instance_norm: expected 2D or higher input (got \(input.rank)D input)")
        if useInputStats {
            torchCheck(input.shape.dropFirst(2).reduce(1, *) != 1,
                       "Expected more than 1 spatial element when training, got input size torch.Size(\(shapeText(input.shape)))")
        } else {
            torchCheck(runningMean != nil && runningVar != nil,
                       "Expected running_mean and running_var to be defined when use_input_stats is false")
        }
        let n = input.shape[0], c = input.shape[1]
        for (name, t) in [("running_mean", runningMean), ("running_var", runningVar), ("weight", weight), ("bias", bias)] {
            if let t { torchCheck(t.numel == c, "\(name) should contain \(c) elements not \(t.numel)") }
        }
        // One batch-norm channel per (sample, channel); parameters and statistics repeat per sample.
        func repeated(_ t: Tensor?) -> Tensor? { t.map { $0.reshape(1, c).expand(n, c).reshape(n * c) } }
        let mean = noGrad { repeated(runningMean) }, variance = noGrad { repeated(runningVar) }
        var instances = input.shape
        instances.replaceSubrange(0..<2, with: [1, n * c])
        let out = F.batchNorm(input.reshape(instances), runningMean: mean, runningVar: variance,
                              weight: repeated(weight), bias: repeated(bias), training: useInputStats,
                              momentum: momentum, eps: eps)
        if useInputStats {
            noGrad {
                if let runningMean, let mean { runningMean.copy_(mean.reshape(n, c).mean(dim: 0)) }
                if let runningVar, let variance { runningVar.copy_(variance.reshape(n, c).mean(dim: 0)) }
            }
        }
        return out.view(input.shape)
    }

    /// `[2, 3]` as Python lists it.
    private static func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
