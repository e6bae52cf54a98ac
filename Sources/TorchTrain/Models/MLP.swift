import TorchCore
import TorchNN

/// A multilayer perceptron for flattened images: `Flatten`, then linear layers with ReLU
/// between them, `inFeatures` → each of `hiddenFeatures` → `outFeatures`.
///
/// - Shapes: `[N, *]` with `inFeatures` elements per sample (e.g. `[N, 1, 28, 28]`) →
///   `[N, outFeatures]`.
///
/// ```swift
/// let mlp = MLP()                                      // 784 → 128 → 10
/// let deep = MLP(hiddenFeatures: [256, 64])            // 784 → 256 → 64 → 10
/// mlp(Tensor.zeros([2, 1, 28, 28])).shape              // [2, 10]
/// ```
public final class MLP: Module {
    public let flatten = Flatten(startDim: 1)
    /// The linear layers and activations, named `"0"`, `"1"`, … as in PyTorch's `Sequential`.
    public let layers: Sequential

    /// An MLP with the given layer widths (at least one hidden layer is usual, none is
    /// allowed: then it is a single linear layer).
    public init(inFeatures: Int = 784, hiddenFeatures: [Int] = [128], outFeatures: Int = 10) {
        let widths = [inFeatures] + hiddenFeatures + [outFeatures]
        var modules: [Module] = []
        for i in 0..<(widths.count - 1) {
            if i > 0 { modules.append(ReLU()) }
            modules.append(Linear(inFeatures: widths[i], outFeatures: widths[i + 1]))
        }
        layers = Sequential(modules)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor { layers(flatten(x)) }
}
