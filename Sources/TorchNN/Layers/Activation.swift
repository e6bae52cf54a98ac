/// Python's `repr` of a float, as PyTorch prints module options: `1.0`, `0.01`, `1e-05`.
func pythonFloat(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    return "\(v)"
}

/// `, inplace=True` when set, as PyTorch's activations print it.
private func inplaceSuffix(_ inplace: Bool) -> String { inplace ? ", inplace=True" : "" }

/// max(x, 0) element-wise (`torch.nn.ReLU`). With `inplace: true` the result is also written
/// into the input when the input takes no part in autograd.
///
/// ```swift
/// let act = ReLU()
/// act(Tensor([-1.0, 2.0]))   // tensor([0., 2.], dtype=torch.float64)
/// ```
open class ReLU: Module {
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    open override func forward(_ input: Tensor) -> Tensor { F.relu(input, inplace: inplace) }
    open override func extraRepr() -> String { inplace ? "inplace=True" : "" }
}

/// x for x > 0, `negativeSlope`·x otherwise (`torch.nn.LeakyReLU`).
open class LeakyReLU: Module {
    public let negativeSlope: Double
    public let inplace: Bool
    public init(negativeSlope: Double = 0.01, inplace: Bool = false) {
        self.negativeSlope = negativeSlope
        self.inplace = inplace
        super.init()
    }
    open override func forward(_ input: Tensor) -> Tensor { F.leakyRelu(input, negativeSlope: negativeSlope, inplace: inplace) }
    open override func extraRepr() -> String { "negative_slope=\(pythonFloat(negativeSlope))" + inplaceSuffix(inplace) }
}

/// x for x > 0, α(eˣ - 1) otherwise (`torch.nn.ELU`).
open class ELU: Module {
    public let alpha: Double
    public let inplace: Bool
    public init(alpha: Double = 1, inplace: Bool = false) {
        self.alpha = alpha
        self.inplace = inplace
        super.init()
    }
    open override func forward(_ input: Tensor) -> Tensor { F.elu(input, alpha: alpha, inplace: inplace) }
    open override func extraRepr() -> String { "alpha=\(pythonFloat(alpha))" + inplaceSuffix(inplace) }
}

/// x·Φ(x), or its tanh approximation with `approximate: "tanh"` (`torch.nn.GELU`).
open class GELU: Module {
    public let approximate: String
    public init(approximate: String = "none") { self.approximate = approximate; super.init() }
    open override func forward(_ input: Tensor) -> Tensor { F.gelu(input, approximate: approximate) }
    open override func extraRepr() -> String { "approximate='\(approximate)'" }
}

/// x·σ(x) (`torch.nn.SiLU`).
open class SiLU: Module {
    public let inplace: Bool
    public init(inplace: Bool = false) { self.inplace = inplace; super.init() }
    open override func forward(_ input: Tensor) -> Tensor { F.silu(input, inplace: inplace) }
    open override func extraRepr() -> String { inplace ? "inplace=True" : "" }
}

/// Hyperbolic tangent (`torch.nn.Tanh`).
open class Tanh: Module {
    public override init() { super.init() }
    open override func forward(_ input: Tensor) -> Tensor { input.tanh() }
}

/// 1 / (1 + e⁻ˣ) (`torch.nn.Sigmoid`).
open class Sigmoid: Module {
    public override init() { super.init() }
    open override func forward(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// x clamped to [`minVal`, `maxVal`] (`torch.nn.Hardtanh`).
open class Hardtanh: Module {
    public let minVal: Double
    public let maxVal: Double
    public let inplace: Bool
    public init(minVal: Double = -1, maxVal: Double = 1, inplace: Bool = false) {
        torchCheck(maxVal > minVal, "Hardtanh: max_val must be larger than min_val")
        self.minVal = minVal
        self.maxVal = maxVal
        self.inplace = inplace
        super.init()
    }
    open override func forward(_ input: Tensor) -> Tensor { F.hardtanh(input, minVal: minVal, maxVal: maxVal, inplace: inplace) }
    open override func extraRepr() -> String { "min_val=\(pythonFloat(minVal)), max_val=\(pythonFloat(maxVal))" + inplaceSuffix(inplace) }
}

/// log(1 + e^(βx))/β, x itself where βx > `threshold` (`torch.nn.Softplus`).
open class Softplus: Module {
    public let beta: Double
    public let threshold: Double
    public init(beta: Double = 1, threshold: Double = 20) {
        self.beta = beta
        self.threshold = threshold
        super.init()
    }
    open override func forward(_ input: Tensor) -> Tensor { F.softplus(input, beta: beta, threshold: threshold) }
    open override func extraRepr() -> String {
        // PyTorch's defaults are the ints 1 and 20, printed without a decimal point.
        if beta == 1 && threshold == 20 { return "beta=1, threshold=20" }
        return "beta=\(pythonFloat(beta)), threshold=\(pythonFloat(threshold))"
    }
}

/// Softmax along `dim` (`torch.nn.Softmax`). With `dim` nil, PyTorch's legacy choice: dim 0
/// for 0-, 1- and 3-dimensional inputs, dim 1 otherwise.
///
/// ```swift
/// Softmax(dim: 1)(logits)   // rows sum to 1
/// ```
open class Softmax: Module {
    public let dim: Int?
    public init(dim: Int? = nil) { self.dim = dim; super.init() }
    open override func forward(_ input: Tensor) -> Tensor { F.softmax(input, dim: dim ?? implicitSoftmaxDim(input.rank)) }
    open override func extraRepr() -> String { "dim=\(dim.map(String.init) ?? "None")" }
}

/// Log-softmax along `dim` (`torch.nn.LogSoftmax`); `dim` nil as in `Softmax`.
open class LogSoftmax: Module {
    public let dim: Int?
    public init(dim: Int? = nil) { self.dim = dim; super.init() }
    open override func forward(_ input: Tensor) -> Tensor { F.logSoftmax(input, dim: dim ?? implicitSoftmaxDim(input.rank)) }
    open override func extraRepr() -> String { "dim=\(dim.map(String.init) ?? "None")" }
}

/// PyTorch's `_get_softmax_dim` for modules built without a `dim`.
private func implicitSoftmaxDim(_ rank: Int) -> Int { rank == 0 || rank == 1 || rank == 3 ? 0 : 1 }
