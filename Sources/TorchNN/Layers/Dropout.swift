/// Zeroes each element with probability `p` in training mode, scaling the rest by 1/(1 - p);
/// the identity in evaluation mode (`torch.nn.Dropout`).
///
/// ```swift
/// let drop = Dropout(p: 0.2)
/// drop(x)          // training: about 20 % zeros
/// drop.eval()
/// drop(x)          // x itself
/// ```
open class Dropout: Module {
    public let p: Double
    public let inplace: Bool
    public init(p: Double = 0.5, inplace: Bool = false) {
        torchCheck(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.inplace = inplace
        super.init()
    }
    open override func forward(_ input: Tensor) -> Tensor { F.dropout(input, p: p, training: training, inplace: inplace) }
    open override func extraRepr() -> String { "p=\(pythonFloat(p)), inplace=\(inplace ? "True" : "False")" }
}

/// Zeroes whole channels of `[N, C, H, W]` inputs with probability `p` in training mode
/// (`torch.nn.Dropout2d`).
open class Dropout2d: Dropout {
    open override func forward(_ input: Tensor) -> Tensor { F.dropout2d(input, p: p, training: training, inplace: inplace) }
}
