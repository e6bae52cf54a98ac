import Foundation

/// Weight initialization, PyTorch's `torch.nn.init`. Every function fills its tensor in
/// place without recording gradients, draws from `generator` (the global one by default)
/// in PyTorch's order, so the same seed gives PyTorch's numbers, and returns the tensor.
///
/// ```swift
/// manualSeed(0)
/// let fc = Linear(inFeatures: 4, outFeatures: 3)
/// Init.xavierUniform_(fc.weight)
/// Init.zeros_(fc.bias!)
/// ```
public enum Init {
    /// Which fan the Kaiming functions scale by: `fanIn` keeps the variance of the forward
    /// pass, `fanOut` that of the backward pass.
    public enum FanMode: String, Sendable { case fanIn = "fan_in", fanOut = "fan_out" }

    /// The activations `calculateGain` knows (PyTorch's nonlinearity strings).
    public enum Nonlinearity: String, Sendable {
        case linear, conv1d, conv2d, conv3d
        case convTranspose1d = "conv_transpose1d", convTranspose2d = "conv_transpose2d", convTranspose3d = "conv_transpose3d"
        case sigmoid, tanh, relu
        case leakyRelu = "leaky_relu"
        case selu
    }

    /// The recommended scale of the weights for an activation (`calculate_gain`): 1 for
    /// linear, conv and sigmoid, 5/3 for tanh, √2 for relu, √(2/(1+slope²)) for leaky relu
    /// (`param` is the negative slope, 0.01 by default), 3/4 for selu.
    public static func calculateGain(_ nonlinearity: Nonlinearity, param: Double? = nil) -> Double {
        switch nonlinearity {
        case .linear, .conv1d, .conv2d, .conv3d, .convTranspose1d, .convTranspose2d, .convTranspose3d, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: 2.0.squareRoot()
        case .leakyRelu:
            // Python's `a ** 2` and `math.sqrt`, in this order, for PyTorch's exact bounds.
            (2.0 / (1 + Foundation.pow(param ?? 0.01, 2))).squareRoot()
        case .selu: 3.0 / 4
        }
    }

    /// The fan-in and fan-out of a weight of rank ≥ 2: `size(1)` and `size(0)` times the
    /// product of the remaining (kernel) dimensions.
    public static func fans(_ tensor: Tensor) -> (fanIn: Int, fanOut: Int) {
        torchCheck(tensor.rank >= 2, "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
        let receptive = tensor.shape.dropFirst(2).reduce(1, *)
        return (tensor.shape[1] * receptive, tensor.shape[0] * receptive)
    }

    /// Fills with values from U(a, b).
    @discardableResult
    public static func uniform_(_ tensor: Tensor, a: Double = 0, b: Double = 1, generator: Generator = .default) -> Tensor {
        noGrad { _ = tensor.detach().uniform_(from: a, to: b, generator: generator) }
        return tensor
    }

    /// Fills with values from N(mean, std²).
    @discardableResult
    public static func normal_(_ tensor: Tensor, mean: Double = 0, std: Double = 1, generator: Generator = .default) -> Tensor {
        noGrad { _ = tensor.detach().normal_(mean: mean, std: std, generator: generator) }
        return tensor
    }

    /// Fills with `value`.
    @discardableResult
    public static func constant_(_ tensor: Tensor, _ value: Double) -> Tensor {
        noGrad { _ = tensor.detach().fill_(value) }
        return tensor
    }

    /// Fills with ones.
    @discardableResult
    public static func ones_(_ tensor: Tensor) -> Tensor { constant_(tensor, 1) }

    /// Fills with zeros.
    @discardableResult
    public static func zeros_(_ tensor: Tensor) -> Tensor { constant_(tensor, 0) }

    /// Fills a 2-D tensor with the identity matrix (ones on the diagonal).
    @discardableResult
    public static func eye_(_ tensor: Tensor) -> Tensor {
        torchCheck(tensor.rank == 2, "Only tensors with 2 dimensions are supported")
        noGrad { _ = tensor.detach().copy_(Tensor.eye(tensor.shape[0], tensor.shape[1], dtype: tensor.dtype)) }
        return tensor
    }

    /// Glorot initialization: U(-a, a) with `a = gain·√(6/(fan_in + fan_out))`.
    @discardableResult
    public static func xavierUniform_(_ tensor: Tensor, gain: Double = 1, generator: Generator = .default) -> Tensor {
        let (fanIn, fanOut) = fans(tensor)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        let a = 3.0.squareRoot() * std
        return uniform_(tensor, a: -a, b: a, generator: generator)
    }

    /// Glorot initialization: N(0, std²) with `std = gain·√(2/(fan_in + fan_out))`.
    @discardableResult
    public static func xavierNormal_(_ tensor: Tensor, gain: Double = 1, generator: Generator = .default) -> Tensor {
        let (fanIn, fanOut) = fans(tensor)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        return normal_(tensor, mean: 0, std: std, generator: generator)
    }

    /// He initialization: U(-bound, bound) with `bound = gain·√(3/fan)`, the gain of
    /// `nonlinearity` with negative slope `a` (PyTorch's layers use `a: √5`).
    @discardableResult
    public static func kaimingUniform_(_ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn,
                                       nonlinearity: Nonlinearity = .leakyRelu, generator: Generator = .default) -> Tensor {
        if tensor.shape.contains(0) { return tensor }   // PyTorch warns and leaves it empty
        let std = calculateGain(nonlinearity, param: a) / Double(fan(tensor, mode)).squareRoot()
        let bound = 3.0.squareRoot() * std
        return uniform_(tensor, a: -bound, b: bound, generator: generator)
    }

    /// He initialization: N(0, std²) with `std = gain/√fan`.
    @discardableResult
    public static func kaimingNormal_(_ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn,
                                      nonlinearity: Nonlinearity = .leakyRelu, generator: Generator = .default) -> Tensor {
        if tensor.shape.contains(0) { return tensor }
        let std = calculateGain(nonlinearity, param: a) / Double(fan(tensor, mode)).squareRoot()
        return normal_(tensor, mean: 0, std: std, generator: generator)
    }

    private static func fan(_ tensor: Tensor, _ mode: FanMode) -> Int {
        let f = fans(tensor)
        return mode == .fanIn ? f.fanIn : f.fanOut
    }
}
