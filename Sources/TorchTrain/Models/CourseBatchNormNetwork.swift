import TorchCore
import TorchNN

/// The course network with batch normalization (lesson 16): `BatchNorm2d(6)` on the first
/// convolution's pooled output and `BatchNorm1d(120)` on the first linear layer's
/// activations, in the course's order:
///
/// conv1 → relu → maxpool → bn1 → conv2 → relu → maxpool → flatten → fc1 → relu → bn2 →
/// fc2 → relu → out
///
/// - Shapes: `[N, 1, 28, 28]` → `[N, 10]`. In training mode the batch needs more than one
///   sample (batch statistics); call `eval()` to use the running statistics.
///
/// Its weights are drawn in the same order as ``CourseNetwork``'s (batch norm draws
/// nothing), so the same seed gives both networks the same convolution and linear weights.
///
/// ```swift
/// let network = CourseBatchNormNetwork()
/// network(Tensor.randn([4, 1, 28, 28])).shape   // [4, 10]
/// ```
public final class CourseBatchNormNetwork: Module {
    public let conv1 = Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)
    public let bn1 = BatchNorm2d(numFeatures: 6)
    public let conv2 = Conv2d(inChannels: 6, outChannels: 12, kernelSize: 5)
    public let fc1 = Linear(inFeatures: 12 * 4 * 4, outFeatures: 120)
    public let bn2 = BatchNorm1d(numFeatures: 120)
    public let fc2 = Linear(inFeatures: 120, outFeatures: 60)
    public let out = Linear(inFeatures: 60, outFeatures: 10)

    public override init() { super.init() }

    public override func forward(_ t: Tensor) -> Tensor {
        var t = bn1(F.maxPool2d(F.relu(conv1(t)), kernelSize: 2, stride: 2))
        t = F.maxPool2d(F.relu(conv2(t)), kernelSize: 2, stride: 2)
        t = bn2(F.relu(fc1(t.flatten(startDim: 1))))
        t = F.relu(fc2(t))
        return out(t)
    }
}
