extension F {
    /// The largest value in each window of `[N, C, H, W]` or `[C, H, W]`
    /// (`torch.nn.functional.max_pool2d`); `stride` defaults to `kernelSize`.
    ///
    /// - Shapes: the result is `[N, C, H', W']`, `H' = ⌊(H + 2·padH - dilationH·(kH - 1) - 1) / strideH⌋ + 1`
    ///   (rounded up with `ceilMode`).
    /// - Derivative: each output's gradient goes to the input element that was its maximum.
    ///
    /// ```swift
    /// let t = F.maxPool2d(F.relu(conv1(images)), kernelSize: 2, stride: 2)   // [100, 6, 12, 12]
    /// ```
    public static func maxPool2d(_ input: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                                 dilation: IntPair = 1, ceilMode: Bool = false) -> Tensor {
        input.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// `maxPool2d` and the flat index `y·W + x` of each maximum within its plane
    /// (`max_pool2d(..., return_indices=True)`), as int64.
    ///
    /// ```swift
    /// let (values, indices) = F.maxPool2dWithIndices(x, kernelSize: 2)
    /// ```
    public static func maxPool2dWithIndices(_ input: Tensor, kernelSize: IntPair, stride: IntPair? = nil,
                                            padding: IntPair = 0, dilation: IntPair = 1,
                                            ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
        input.maxPool2dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                                   ceilMode: ceilMode)
    }

    /// The largest value in each window along the last dimension of `[N, C, L]` or `[C, L]`
    /// (`torch.nn.functional.max_pool1d`); `stride` defaults to `kernelSize`.
    ///
    /// - Derivative: each output's gradient goes to its window's maximum.
    ///
    /// ```swift
    /// F.maxPool1d(Tensor([[1.0, 3.0, 2.0, 5.0]]), kernelSize: 2)   // tensor([[3., 5.]])
    /// ```
    public static func maxPool1d(_ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0,
                                 dilation: Int = 1, ceilMode: Bool = false) -> Tensor {
        input.maxPool1d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    /// `maxPool1d` and the index of each maximum along the last dimension (int64).
    public static func maxPool1dWithIndices(_ input: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0,
                                            dilation: Int = 1, ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
        input.maxPool1dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                                   ceilMode: ceilMode)
    }

    /// The mean of each window of `[N, C, H, W]` or `[C, H, W]` (`torch.nn.functional.avg_pool2d`);
    /// `stride` defaults to `kernelSize`.
    ///
    /// - Padding counts as zeros; with `countIncludePad` it also counts in the divisor, and
    ///   `divisorOverride` replaces the divisor.
    /// - Derivative: each output's gradient spread evenly over its window (same divisor).
    ///
    /// ```swift
    /// F.avgPool2d(Tensor.ones([1, 4, 4]), kernelSize: 2)   // [1, 2, 2], all ones
    /// ```
    public static func avgPool2d(_ input: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                                 ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
        input.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
                        countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }

    /// The mean over windows sized so the output is `outputSize`
    /// (`torch.nn.functional.adaptive_avg_pool2d`); `1` gives a global average.
    ///
    /// - Derivative: each output's gradient spread evenly over its window.
    ///
    /// ```swift
    /// F.adaptiveAvgPool2d(features, outputSize: 1).flatten(startDim: 1)   // [N, C]
    /// ```
    public static func adaptiveAvgPool2d(_ input: Tensor, outputSize: IntPair) -> Tensor {
        input.adaptiveAvgPool2d(outputSize: outputSize)
    }

    /// The maximum over windows sized so the output is `outputSize`
    /// (`torch.nn.functional.adaptive_max_pool2d`): output row `i` covers input rows
    /// `⌊i·H/oh⌋ ..< ⌈(i+1)·H/oh⌉`, likewise for columns.
    ///
    /// - Shapes: `[N, C, H, W]` or `[C, H, W]` → `[N, C, oh, ow]`.
    /// - Derivative: each output's gradient goes to its window's maximum.
    ///
    /// ```swift
    /// F.adaptiveMaxPool2d(features, outputSize: 1).flatten(startDim: 1)   // [N, C]
    /// ```
    public static func adaptiveMaxPool2d(_ input: Tensor, outputSize: IntPair) -> Tensor {
        input.adaptiveMaxPool2d(outputSize: outputSize)
    }

    /// `adaptiveMaxPool2d` and the flat index `y·W + x` of each maximum within its plane
    /// (`adaptive_max_pool2d(..., return_indices=True)`), as int64.
    ///
    /// ```swift
    /// let (values, indices) = F.adaptiveMaxPool2dWithIndices(x, outputSize: [2, 3])
    /// ```
    public static func adaptiveMaxPool2dWithIndices(_ input: Tensor, outputSize: IntPair) -> (values: Tensor, indices: Tensor) {
        input.adaptiveMaxPool2dWithIndices(outputSize: outputSize)
    }
}
