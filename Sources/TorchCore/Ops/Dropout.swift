/// Dropout: zeroes elements (or whole channels) with probability `p` during training and
/// scales the rest by 1/(1 - p), drawing its mask from the generator as PyTorch's CPU
/// dropout does, so a seeded run gives PyTorch's masks.
///
/// Derivative: the same mask, scaled (the result is `input * mask`, recorded as `MulBackward0`).
extension Tensor {
    /// Zeroes each element with probability `p` and scales the others by 1/(1 - p); returns
    /// the input itself when `training` is false or `p` is 0.
    package func dropout(p: Double = 0.5, training: Bool = true, generator: Generator = .default) -> Tensor {
        checkDropoutProbability(p)
        return dropped(p: p, training: training, noiseShape: shape, generator: generator)
    }

    /// Zeroes whole channels (`[N, C, ...]` input: one draw per `(n, c)`) with probability
    /// `p`, scaling the rest by 1/(1 - p) (`feature_dropout`, behind `dropout2d`).
    package func featureDropout(p: Double = 0.5, training: Bool = true, generator: Generator = .default) -> Tensor {
        checkDropoutProbability(p)
        torchCheck(rank >= 2, "Feature dropout requires at least 2 dimensions in the input")
        return dropped(p: p, training: training, noiseShape: [shape[0], shape[1]] + Array(repeating: 1, count: rank - 2), generator: generator)
    }

    private func checkDropoutProbability(_ p: Double) {
        torchCheck(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
    }

    private func dropped(p: Double, training: Bool, noiseShape: [Int], generator: Generator) -> Tensor {
        if p == 0 || !training || numel == 0 { return self }
        if p == 1 { return self * Tensor.zeros([], dtype: dtype) }
        // One pass: the kept elements get 1/(1 - p) as they are drawn, the value `bernoulli_`
        // then `/= 1 - p` leave in this dtype.
        let scale = noGrad { (Tensor.ones([], dtype: dtype) / (1 - p)).to(dtype: .float64).item(Double.self) }
        let noise = Tensor.empty(noiseShape, dtype: dtype)
        noise.sample(.bernoulli(p: 1 - p, value: scale), generator: generator)
        return self * noise
    }
}
