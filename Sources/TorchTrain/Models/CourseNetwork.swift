import TorchCore
import TorchNN

/// The course's convolutional network for Fashion-MNIST (`Network` in the course): two
/// 5×5 convolutions with max pooling, then three linear layers.
///
/// - Shapes: `[N, 1, 28, 28]` → `[N, 10]` (logits); the feature maps go
///   28 → 24 → 12 → 8 → 4, so `fc1` sees `12 * 4 * 4` features.
///
/// It prints as the course's `print(network)` does (the class is named `Network` there) and
/// initializes as PyTorch does, so `Generator.withDefault(Generator(seed: 0)) { CourseNetwork() }`
/// holds `torch.manual_seed(0); Network()`'s weights.
///
/// ```swift
/// let network = CourseNetwork()
/// print(network)                                  // Network(\n  (conv1): Conv2d(1, 6, ...
/// network(Tensor.zeros([2, 1, 28, 28])).shape     // [2, 10]
/// ```
public final class CourseNetwork: Module {
    public let conv1 = Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)
    public let conv2 = Conv2d(inChannels: 6, outChannels: 12, kernelSize: 5)
    public let fc1 = Linear(inFeatures: 12 * 4 * 4, outFeatures: 120)
    public let fc2 = Linear(inFeatures: 120, outFeatures: 60)
    public let out = Linear(inFeatures: 60, outFeatures: 10)

    public override init() { super.init() }

    public override var typeName: String { "Network" }

    public override func forward(_ t: Tensor) -> Tensor {
        var t = F.maxPool2d(F.relu(conv1(t)), kernelSize: 2, stride: 2)
        t = F.maxPool2d(F.relu(conv2(t)), kernelSize: 2, stride: 2)
        t = F.relu(fc1(t.reshape(-1, 12 * 4 * 4)))
        t = F.relu(fc2(t))
        return out(t)
    }
}
