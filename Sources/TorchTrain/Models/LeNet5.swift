import TorchCore
import TorchNN

/// LeNet-5 as PyTorch's "building models" tutorial writes it (class `LeNet` there): a 5×5
/// convolution to 6 channels, a 3×3 convolution to 16, each followed by ReLU and 2×2 max
/// pooling, then linear layers `16 * 6 * 6` → 120 → 84 → 10.
///
/// The tutorial's network reads 1×32×32 images (32 → 28 → 14 → 12 → 6). For 28×28 images
/// such as Fashion-MNIST's, `padding: 2` on the first convolution (the default, as in the
/// original LeNet-5, which padded 28×28 digits to 32×32) keeps every later size the same;
/// pass `padding: 0` for the tutorial's exact network on 32×32 inputs.
///
/// - Shapes: `[N, 1, 28, 28]` (padding 2) or `[N, 1, 32, 32]` (padding 0) → `[N, 10]`.
///
/// ```swift
/// LeNet5()(Tensor.zeros([2, 1, 28, 28])).shape             // [2, 10]
/// LeNet5(padding: 0)(Tensor.zeros([2, 1, 32, 32])).shape   // [2, 10]
/// ```
public final class LeNet5: Module {
    public let conv1: Conv2d
    public let conv2: Conv2d
    public let fc1: Linear
    public let fc2: Linear
    public let fc3: Linear

    /// A LeNet-5 whose first convolution pads each side of the image by `padding` pixels.
    public init(padding: Int = 2) {
        // Made in PyTorch's order, so a seed gives PyTorch's weights.
        conv1 = Conv2d(1, 6, 5, padding: .explicit(IntPair(padding)))
        conv2 = Conv2d(6, 16, 3)
        fc1 = Linear(16 * 6 * 6, 120)
        fc2 = Linear(120, 84)
        fc3 = Linear(84, 10)
        super.init()
    }

    public override var typeName: String { "LeNet" }

    public override func forward(_ x: Tensor) -> Tensor {
        var x = F.maxPool2d(F.relu(conv1(x)), kernelSize: 2)
        x = F.maxPool2d(F.relu(conv2(x)), kernelSize: 2)
        x = x.flatten(startDim: 1)
        x = F.relu(fc1(x))
        x = F.relu(fc2(x))
        return fc3(x)
    }
}
