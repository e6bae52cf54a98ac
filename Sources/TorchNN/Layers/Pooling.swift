/// 2-D max pooling layer (`torch.nn.MaxPool2d`); `stride` defaults to `kernelSize`.
///
/// Prints its options as given: `MaxPool2d(kernelSize: 2)` prints `kernel_size=2, stride=2`,
/// `kernelSize: [2, 2]` prints `(2, 2)`. With `returnIndices`, `forwardWithIndices` also gives
/// the positions of the maxima (for `MaxUnpool2d`-style uses); `forward` gives the values.
///
/// - Shapes: `[N, C, H, W]` or `[C, H, W]` → `[N, C, H', W']`,
///   `H' = ⌊(H + 2·padH - dilationH·(kH - 1) - 1) / strideH⌋ + 1` (rounded up with `ceilMode`).
///
/// ```swift
/// let pool = MaxPool2d(kernelSize: 2, stride: 2)
/// print(pool)   // MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
/// ```
open class MaxPool2d: Module {
    public let kernelSize: IntPair
    public let stride: IntPair
    public let padding: IntPair
    public let dilation: IntPair
    public let returnIndices: Bool
    public let ceilMode: Bool

    public init(kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, dilation: IntPair = 1,
                returnIndices: Bool = false, ceilMode: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.returnIndices = returnIndices
        self.ceilMode = ceilMode
        super.init()
    }

    /// `MaxPool2d(3)`: the window size positionally, as in PyTorch.
    public convenience init(_ kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, dilation: IntPair = 1,
                            returnIndices: Bool = false, ceilMode: Bool = false) {
        self.init(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                  returnIndices: returnIndices, ceilMode: ceilMode)
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The pooled values and the flat index of each maximum within its plane (int64).
    public func forwardWithIndices(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        F.maxPool2dWithIndices(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                               ceilMode: ceilMode)
    }

    open override func extraRepr() -> String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding), dilation=\(dilation), ceil_mode=\(ceilMode ? "True" : "False")"
    }
}

/// 1-D max pooling layer (`torch.nn.MaxPool1d`); `stride` defaults to `kernelSize`.
///
/// - Shapes: `[N, C, L]` or `[C, L]` → `[N, C, L']`.
///
/// ```swift
/// MaxPool1d(kernelSize: 2)(Tensor([[1.0, 3.0, 2.0, 5.0]]))   // tensor([[3., 5.]])
/// ```
open class MaxPool1d: Module {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let dilation: Int
    public let returnIndices: Bool
    public let ceilMode: Bool

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                returnIndices: Bool = false, ceilMode: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.returnIndices = returnIndices
        self.ceilMode = ceilMode
        super.init()
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.maxPool1d(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// The pooled values and the index of each maximum along the last dimension (int64).
    public func forwardWithIndices(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        F.maxPool1dWithIndices(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                               ceilMode: ceilMode)
    }

    open override func extraRepr() -> String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding), dilation=\(dilation), ceil_mode=\(ceilMode ? "True" : "False")"
    }
}

/// 2-D average pooling layer (`torch.nn.AvgPool2d`); `stride` defaults to `kernelSize`.
///
/// - Shapes: `[N, C, H, W]` or `[C, H, W]` → `[N, C, H', W']`, sized as `MaxPool2d`'s.
///
/// ```swift
/// print(AvgPool2d(kernelSize: 2, stride: 2))   // AvgPool2d(kernel_size=2, stride=2, padding=0)
/// ```
open class AvgPool2d: Module {
    public let kernelSize: IntPair
    public let stride: IntPair
    public let padding: IntPair
    public let ceilMode: Bool
    public let countIncludePad: Bool
    public let divisorOverride: Int?

    public init(kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        super.init()
    }

    open override func forward(_ input: Tensor) -> Tensor {
        F.avgPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                    countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    open override func extraRepr() -> String { "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding)" }
}

/// 2-D adaptive average pooling layer (`torch.nn.AdaptiveAvgPool2d`): averages over windows
/// sized so the output is `outputSize` whatever the input size.
///
/// - Shapes: `[N, C, H, W]` or `[C, H, W]` → `[N, C, oh, ow]`.
///
/// ```swift
/// let gap = AdaptiveAvgPool2d(outputSize: [1, 1])
/// print(gap)                                   // AdaptiveAvgPool2d(output_size=(1, 1))
/// gap(Tensor.zeros([8, 64, 7, 7])).shape       // [8, 64, 1, 1]
/// ```
open class AdaptiveAvgPool2d: Module {
    public let outputSize: IntPair

    public init(outputSize: IntPair) {
        self.outputSize = outputSize
        super.init()
    }

    open override func forward(_ input: Tensor) -> Tensor { F.adaptiveAvgPool2d(input, outputSize: outputSize) }

    open override func extraRepr() -> String { "output_size=\(outputSize)" }
}

/// 2-D adaptive max pooling layer (`torch.nn.AdaptiveMaxPool2d`): the maximum over windows
/// sized so the output is `outputSize` whatever the input size. With `returnIndices`,
/// `forwardWithIndices` also gives the positions of the maxima; `forward` gives the values.
///
/// - Shapes: `[N, C, H, W]` or `[C, H, W]` → `[N, C, oh, ow]`.
///
/// ```swift
/// let pool = AdaptiveMaxPool2d(outputSize: [2, 2])
/// print(pool)                                   // AdaptiveMaxPool2d(output_size=(2, 2))
/// pool(Tensor.zeros([8, 64, 7, 7])).shape       // [8, 64, 2, 2]
/// ```
open class AdaptiveMaxPool2d: Module {
    public let outputSize: IntPair
    public let returnIndices: Bool

    public init(outputSize: IntPair, returnIndices: Bool = false) {
        self.outputSize = outputSize
        self.returnIndices = returnIndices
        super.init()
    }

    /// Pools to `outputSize`, as PyTorch's positional `AdaptiveMaxPool2d(2)`.
    public convenience init(_ outputSize: IntPair, returnIndices: Bool = false) {
        self.init(outputSize: outputSize, returnIndices: returnIndices)
    }

    open override func forward(_ input: Tensor) -> Tensor { F.adaptiveMaxPool2d(input, outputSize: outputSize) }

    /// The pooled values and the flat index of each maximum within its plane (int64).
    public func forwardWithIndices(_ input: Tensor) -> (values: Tensor, indices: Tensor) {
        F.adaptiveMaxPool2dWithIndices(input, outputSize: outputSize)
    }

    open override func extraRepr() -> String { "output_size=\(outputSize)" }
}
