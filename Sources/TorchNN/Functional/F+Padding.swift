extension F {
    /// How `F.pad` fills the added elements (PyTorch's `mode` strings).
    public enum PaddingMode: String, Sendable {
        /// `value` everywhere (`"constant"`); any number of dims.
        case constant
        /// The input mirrored at its edge, the edge itself not repeated (`"reflect"`).
        case reflect
        /// The edge element repeated (`"replicate"`).
        case replicate
        /// The input wrapped around (`"circular"`).
        case circular
    }

    /// Pads `input` (`torch.nn.functional.pad`). `pad` lists a (before, after) pair per padded
    /// dim starting from the last: `[left, right]` pads the last dim, `[left, right, top,
    /// bottom]` the last two. Negative pads crop.
    ///
    /// `.constant` pads any number of dims with `value`; `.reflect`, `.replicate` and
    /// `.circular` pad the last 1, 2 or 3 dims of an input with one or two more dims
    /// (`[C, W]` or `[N, C, W]` for one, and so on); they take no `value`.
    ///
    /// - Derivative: constant padding passes the gradient of the kept elements back (zeros for
    ///   cropped ones); the other modes add each output's gradient into the element it copies.
    ///
    /// ```swift
    /// let x = Tensor.arange(9, dtype: .float32).reshape(1, 1, 3, 3)
    /// F.pad(x, pad: [1, 1]).shape                       // [1, 1, 3, 5], zeros left and right
    /// F.pad(x, pad: [1, 1, 1, 1], mode: .reflect)       // [1, 1, 5, 5]
    /// F.pad(x, pad: [-1, 0])                            // crops the first column
    /// ```
    public static func pad(_ input: Tensor, pad: [Int], mode: PaddingMode = .constant, value: Double = 0) -> Tensor {
        torchCheck(mode == .constant || value == 0, "Padding mode \"\(mode.rawValue)\" doesn't take in value argument")
        switch mode {
        case .constant: return input.constantPadNd(pad, value: value)
        case .reflect: return input.reflectionPad(pad)
        case .replicate: return input.replicationPad(pad)
        case .circular: return input.circularPad(pad)
        }
    }
}
