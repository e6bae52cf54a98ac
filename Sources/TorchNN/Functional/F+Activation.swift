extension F {
    /// max(x, 0) (`torch.nn.functional.relu`). Derivative: 1 where x > 0, else 0.
    ///
    /// `inplace: true` writes the result into `input` and returns it, as PyTorch's `relu_`: on
    /// a tensor in a graph its `gradFn` becomes the op's (a leaf that requires grad refuses).
    /// ```swift
    /// F.relu(Tensor([-1.0, 2.0]))   // tensor([0., 2.], dtype=torch.float64)
    /// ```
    public static func relu(_ input: Tensor, inplace: Bool = false) -> Tensor { written(input, inplace, "relu_", readsInput: false) { $0.relu() } }

    /// x for x > 0, `negativeSlope`·x otherwise (`leaky_relu`). Derivative: 1 or `negativeSlope`.
    public static func leakyRelu(_ input: Tensor, negativeSlope: Double = 0.01, inplace: Bool = false) -> Tensor {
        written(input, inplace, "leaky_relu_") { $0.leakyRelu(negativeSlope: negativeSlope) }
    }

    /// x for x > 0, α(eˣ - 1) otherwise (`elu`). Derivative: 1 or α·eˣ.
    public static func elu(_ input: Tensor, alpha: Double = 1, inplace: Bool = false) -> Tensor {
        written(input, inplace, "elu_") { $0.elu(alpha: alpha) }
    }

    /// x·Φ(x), Φ the standard normal CDF, or with `approximate: "tanh"` the approximation
    /// 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (`gelu`). Derivative: Φ(x) + x·φ(x).
    /// ```swift
    /// F.gelu(x)                         // exact
    /// F.gelu(x, approximate: "tanh")    // faster approximation
    /// ```
    public static func gelu(_ input: Tensor, approximate: String = "none") -> Tensor { input.gelu(approximate: approximate) }

    /// x·σ(x) (`silu`, swish). Derivative: σ(x)(1 + x(1 - σ(x))).
    public static func silu(_ input: Tensor, inplace: Bool = false) -> Tensor { written(input, inplace, "silu_") { $0.silu() } }

    /// x clamped to [`minVal`, `maxVal`] (`hardtanh`). Derivative: 1 strictly inside, else 0.
    public static func hardtanh(_ input: Tensor, minVal: Double = -1, maxVal: Double = 1, inplace: Bool = false) -> Tensor {
        written(input, inplace, "hardtanh_") { $0.hardtanh(minVal: minVal, maxVal: maxVal) }
    }

    /// 1 / (1 + e⁻ˣ) (`sigmoid`). Derivative: σ(x)(1 - σ(x)).
    public static func sigmoid(_ input: Tensor) -> Tensor { input.sigmoid() }

    /// Hyperbolic tangent (`tanh`). Derivative: 1 - tanh²x.
    public static func tanh(_ input: Tensor) -> Tensor { input.tanh() }

    /// log(1 + e^(βx))/β, reverting to x where βx > `threshold` (`softplus`). Derivative: σ(βx).
    public static func softplus(_ input: Tensor, beta: Double = 1, threshold: Double = 20) -> Tensor {
        input.softplus(beta: beta, threshold: threshold)
    }

    /// eˣ / Σ eˣ along `dim` (`softmax`), computed stably. Derivative: y·(g - Σ g·y).
    /// ```swift
    /// F.softmax(logits, dim: 1)      // [N, C] rows that sum to 1
    /// ```
    public static func softmax(_ input: Tensor, dim: Int, dtype: DType? = nil) -> Tensor { input.softmax(dim: dim, dtype: dtype) }

    /// log(softmax(x)) along `dim` (`log_softmax`), computed stably. Derivative: g - eʸ·Σ g.
    public static func logSoftmax(_ input: Tensor, dim: Int, dtype: DType? = nil) -> Tensor { input.logSoftmax(dim: dim, dtype: dtype) }

    /// `op(input)`, or with `inplace` the in-place op `name` writing it into `input`;
    /// `readsInput: false` for ops whose backward reads only their result.
    static func written(_ input: Tensor, _ inplace: Bool, _ name: String, readsInput: Bool = true,
                        _ op: (Tensor) -> Tensor) -> Tensor {
        inplace ? input.applyInPlace(name, keepsSource: readsInput, op) : op(input)
    }
}
