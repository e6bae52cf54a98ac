extension F {
    /// 2-D convolution (cross-correlation) over a batched `[N, C, H, W]` or unbatched
    /// `[C, H, W]` input (`torch.nn.functional.conv2d`).
    ///
    /// - Shapes: `weight` `[O, C/groups, kH, kW]`, `bias` `[O]`; the result is `[N, O, H', W']`
    ///   with `H' = ⌊(H + 2·padH - dilationH·(kH - 1) - 1) / strideH⌋ + 1`.
    /// - `padding`: an int, a pair, `.same` (stride 1 only) or `.valid`.
    /// - Derivative: `dx` is the transposed convolution of `dy` with `weight`, `dW` the
    ///   correlation of `x` with `dy`, `db` the sum of `dy` over batch and positions.
    ///
    /// ```swift
    /// let y = F.conv2d(images, weight: w, bias: b, stride: 1, padding: 2)   // [100, 6, 28, 28]
    /// ```
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: IntPair = 1,
                              padding: ConvPadding = 0, dilation: IntPair = 1, groups: Int = 1) -> Tensor {
        input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// 1-D convolution over `[N, C, L]` or `[C, L]` (`torch.nn.functional.conv1d`).
    ///
    /// - Shapes: `weight` `[O, C/groups, k]`, `bias` `[O]`; the result is `[N, O, L']` with
    ///   `L' = ⌊(L + 2·padding - dilation·(k - 1) - 1) / stride⌋ + 1`.
    /// - Derivative: as `conv2d`.
    ///
    /// ```swift
    /// F.conv1d(Tensor.randn([4, 2, 10]), weight: Tensor.randn([3, 2, 3]), padding: .same).shape   // [4, 3, 10]
    /// ```
    public static func conv1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
                              padding: ConvPadding = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
        input.conv1d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// 2-D transposed convolution of `[N, C, H, W]` or `[C, H, W]`
    /// (`torch.nn.functional.conv_transpose2d`), the gradient of `conv2d` for its input.
    ///
    /// - Shapes: `weight` `[C, O/groups, kH, kW]`, `bias` `[O]`; the result is `[N, O, H', W']`
    ///   with `H' = (H - 1)·strideH - 2·padH + dilationH·(kH - 1) + outputPaddingH + 1`.
    /// - Derivative: `dx` is the convolution of `dy` with `weight`; `dW`, `db` as `conv2d`'s.
    ///
    /// ```swift
    /// F.convTranspose2d(Tensor.randn([1, 4, 5, 5]), weight: Tensor.randn([4, 2, 3, 3]), stride: 2).shape  // [1, 2, 11, 11]
    /// ```
    public static func convTranspose2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: IntPair = 1,
                                       padding: IntPair = 0, outputPadding: IntPair = 0, groups: Int = 1,
                                       dilation: IntPair = 1) -> Tensor {
        input.convTranspose2d(weight: weight, bias: bias, stride: stride, padding: padding,
                              outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}
