extension F {
    /// Zeroes each element with probability `p` and scales the rest by 1/(1 - p) while
    /// `training` (`dropout`); the input is returned unchanged otherwise. The mask comes from
    /// the global generator as PyTorch's does: after `manualSeed(s)` it matches PyTorch's.
    /// Derivative: the same scaled mask.
    /// ```swift
    /// let y = F.dropout(x, p: 0.2, training: model.training)
    /// ```
    public static func dropout(_ input: Tensor, p: Double = 0.5, training: Bool = true, inplace: Bool = false) -> Tensor {
        written(input, inplace && training, "dropout_", readsInput: false) { $0.dropout(p: p, training: training) }
    }

    /// Zeroes whole channels of an `[N, C, H, W]` input (one draw per sample and channel) with
    /// probability `p`, scaling the rest by 1/(1 - p) (`dropout2d`). A 3-D input is taken as
    /// `[N, C, L]`, as PyTorch 1.13 does.
    public static func dropout2d(_ input: Tensor, p: Double = 0.5, training: Bool = true, inplace: Bool = false) -> Tensor {
        written(input, inplace && training, "feature_dropout_", readsInput: false) { $0.featureDropout(p: p, training: training) }
    }
}
