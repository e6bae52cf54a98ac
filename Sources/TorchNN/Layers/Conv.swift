import Foundation

/// What every convolution layer shares (PyTorch's `_ConvNd`): channels, window options,
/// the `weight` and optional `bias` parameters, PyTorch's initialization and printing.
///
/// The weight is `[outChannels, inChannels/groups, *kernel]` for a convolution and
/// `[inChannels, outChannels/groups, *kernel]` for a transposed one. Both parameters start
/// as PyTorch's `reset_parameters` draws them: the weight by `kaimingUniform_(a: √5)`, i.e.
/// U(-1/√fan_in, 1/√fan_in), then the bias from the same range, from the global generator.
open class ConvNd: Module {
    public let inChannels: Int
    public let outChannels: Int
    /// The kernel size per spatial dimension.
    public let kernelSize: [Int]
    public let stride: [Int]
    public let padding: ConvPadding
    public let dilation: [Int]
    public let outputPadding: [Int]
    public let groups: Int
    /// Only `"zeros"` is supported.
    public let paddingMode: String
    public let transposed: Bool

    /// The convolution kernel.
    public var weight: Parameter {
        get { registeredParameters[0].value! }
        set { registerParameter("weight", newValue) }
    }

    /// The `[outChannels]` bias, or nil when created with `bias: false`.
    public var bias: Parameter? {
        get { registeredParameters[1].value }
        set { registerParameter("bias", newValue) }
    }

    init(inChannels: Int, outChannels: Int, kernelSize: [Int], stride: [Int], padding: ConvPadding, dilation: [Int],
         transposed: Bool, outputPadding: [Int], groups: Int, bias: Bool, paddingMode: String, dtype: DType) {
        torchCheck(groups > 0, "groups must be a positive integer")
        torchCheck(inChannels % groups == 0, "in_channels must be divisible by groups")
        torchCheck(outChannels % groups == 0, "out_channels must be divisible by groups")
        if padding == .same {
            torchCheck(stride.allSatisfy { $0 == 1 }, "padding='same' is not supported for strided convolutions")
        }
        torchCheck(paddingMode == "zeros",
                   "padding_mode '\(paddingMode)' is not supported: only 'zeros' is (PyTorch also has 'reflect', 'replicate' and 'circular')")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.outputPadding = outputPadding
        self.groups = groups
        self.paddingMode = paddingMode
        super.init()
        let shape = transposed ? [inChannels, outChannels / groups] + kernelSize : [outChannels, inChannels / groups] + kernelSize
        registerParameter("weight", Parameter(Tensor.empty(shape, dtype: dtype)))
        registerParameter("bias", bias ? Parameter(Tensor.empty([outChannels], dtype: dtype)) : nil)
        resetParameters()
    }

    /// Redraws the parameters as PyTorch's `reset_parameters` does: weight by
    /// `kaimingUniform_(a: √5)`, bias from U(-1/√fan_in, 1/√fan_in).
    open func resetParameters() {
        Init.kaimingUniform_(weight, a: 5.0.squareRoot())
        if let bias {
            let fanIn = Init.fans(weight).fanIn
            if fanIn != 0 {
                let bound = 1 / Double(fanIn).squareRoot()
                Init.uniform_(bias, a: -bound, b: bound)
            }
        }
    }

    /// PyTorch's text: `1, 6, kernel_size=(5, 5), stride=(1, 1)` plus the options that differ
    /// from their defaults.
    open override func extraRepr() -> String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(tupleText(kernelSize)), stride=\(tupleText(stride))"
        switch padding {
        case .explicit(let p):
            let values = kernelSize.count == 1 ? [p.first] : [p.first, p.second]
            if values.contains(where: { $0 != 0 }) { s += ", padding=\(tupleText(values))" }
        case .same: s += ", padding=same"
        case .valid: s += ", padding=valid"
        }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(tupleText(dilation))" }
        if outputPadding.contains(where: { $0 != 0 }) { s += ", output_padding=\(tupleText(outputPadding))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=False" }
        if paddingMode != "zeros" { s += ", padding_mode=\(paddingMode)" }
        return s
    }
}

/// A Python tuple's text: `(5, 5)`, or `(3,)` for one element.
func tupleText(_ values: [Int]) -> String {
    values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
}

/// 2-D convolution layer (`torch.nn.Conv2d`).
///
/// - Shapes: input `[N, inChannels, H, W]` or `[inChannels, H, W]` → output
///   `[N, outChannels, H', W']`, `H' = ⌊(H + 2·padH - dilationH·(kH - 1) - 1) / strideH⌋ + 1`.
///
/// ```swift
/// manualSeed(0)
/// let conv1 = Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)   // PyTorch's weights for seed 0
/// print(conv1)                                    // Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
/// conv1(Tensor.zeros([100, 1, 28, 28])).shape     // [100, 6, 24, 24]
/// ```
open class Conv2d: ConvNd {
    /// - Parameters:
    ///   - kernelSize, stride, dilation: an int or a pair (`5`, `[3, 5]`).
    ///   - padding: an int, a pair, `.same` or `.valid` (default 0).
    ///   - groups: blocked connections from input to output channels (default 1).
    ///   - bias: whether to learn an additive bias (default true).
    ///   - paddingMode: `"zeros"` (the only mode supported).
    public init(inChannels: Int, outChannels: Int, kernelSize: IntPair, stride: IntPair = 1, padding: ConvPadding = 0,
                dilation: IntPair = 1, groups: Int = 1, bias: Bool = true, paddingMode: String = "zeros",
                dtype: DType = DType.defaultFloat) {
        super.init(inChannels: inChannels, outChannels: outChannels, kernelSize: [kernelSize.first, kernelSize.second],
                   stride: [stride.first, stride.second], padding: padding, dilation: [dilation.first, dilation.second],
                   transposed: false, outputPadding: [0, 0], groups: groups, bias: bias, paddingMode: paddingMode,
                   dtype: dtype)
    }

    /// `Conv2d(1, 6, 5)`: channels and kernel size in PyTorch's positional order.
    public convenience init(_ inChannels: Int, _ outChannels: Int, _ kernelSize: IntPair, stride: IntPair = 1,
                            padding: ConvPadding = 0, dilation: IntPair = 1, groups: Int = 1, bias: Bool = true,
                            paddingMode: String = "zeros", dtype: DType = DType.defaultFloat) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                  padding: padding, dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode, dtype: dtype)
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.conv2d(input, weight: weight, bias: bias, stride: IntPair(stride[0], stride[1]), padding: padding,
                 dilation: IntPair(dilation[0], dilation[1]), groups: groups)
    }
}

/// 1-D convolution layer (`torch.nn.Conv1d`).
///
/// - Shapes: input `[N, inChannels, L]` or `[inChannels, L]` → output `[N, outChannels, L']`,
///   `L' = ⌊(L + 2·padding - dilation·(k - 1) - 1) / stride⌋ + 1`.
///
/// ```swift
/// let conv = Conv1d(inChannels: 4, outChannels: 6, kernelSize: 3, padding: 1)
/// conv(Tensor.zeros([2, 4, 10])).shape   // [2, 6, 10]
/// ```
open class Conv1d: ConvNd {
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: ConvPadding = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, paddingMode: String = "zeros",
                dtype: DType = DType.defaultFloat) {
        super.init(inChannels: inChannels, outChannels: outChannels, kernelSize: [kernelSize], stride: [stride],
                   padding: padding, dilation: [dilation], transposed: false, outputPadding: [0], groups: groups,
                   bias: bias, paddingMode: paddingMode, dtype: dtype)
    }

    /// `Conv1d(4, 6, 3)`: channels and kernel size in PyTorch's positional order.
    public convenience init(_ inChannels: Int, _ outChannels: Int, _ kernelSize: Int, stride: Int = 1,
                            padding: ConvPadding = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
                            paddingMode: String = "zeros", dtype: DType = DType.defaultFloat) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                  padding: padding, dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode, dtype: dtype)
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.conv1d(input, weight: weight, bias: bias, stride: stride[0], padding: padding, dilation: dilation[0],
                 groups: groups)
    }
}

/// 2-D transposed convolution layer (`torch.nn.ConvTranspose2d`), the gradient of `Conv2d`
/// with respect to its input: upsamples by `stride`.
///
/// - Shapes: input `[N, inChannels, H, W]` → output `[N, outChannels, H', W']`,
///   `H' = (H - 1)·strideH - 2·padH + dilationH·(kH - 1) + outputPaddingH + 1`.
///
/// ```swift
/// let up = ConvTranspose2d(inChannels: 8, outChannels: 4, kernelSize: 2, stride: 2)
/// up(Tensor.zeros([1, 8, 7, 7])).shape   // [1, 4, 14, 14]
/// ```
open class ConvTranspose2d: ConvNd {
    public init(inChannels: Int, outChannels: Int, kernelSize: IntPair, stride: IntPair = 1, padding: IntPair = 0,
                outputPadding: IntPair = 0, groups: Int = 1, bias: Bool = true, dilation: IntPair = 1,
                paddingMode: String = "zeros", dtype: DType = DType.defaultFloat) {
        super.init(inChannels: inChannels, outChannels: outChannels, kernelSize: [kernelSize.first, kernelSize.second],
                   stride: [stride.first, stride.second], padding: .explicit(IntPair(padding.first, padding.second)),
                   dilation: [dilation.first, dilation.second], transposed: true,
                   outputPadding: [outputPadding.first, outputPadding.second], groups: groups, bias: bias,
                   paddingMode: paddingMode, dtype: dtype)
    }

    open override func forward(_ input: Tensor) -> Tensor {
        guard case .explicit(let p) = padding else { fatalError("ConvTranspose2d: padding must be explicit") }
        return F.convTranspose2d(input, weight: weight, bias: bias, stride: IntPair(stride[0], stride[1]), padding: p,
                                 outputPadding: IntPair(outputPadding[0], outputPadding[1]), groups: groups,
                                 dilation: IntPair(dilation[0], dilation[1]))
    }
}
