import TorchNN

/// The course network as a `Sequential` (lesson 15), with named layers so its parameters
/// are named as ``CourseNetwork``'s (`conv1.weight`, …, `out.bias`) and the two load each
/// other's checkpoints.
///
/// The layers are made in the same order as ``CourseNetwork``'s, so with the same seed both
/// hold the same weights and give the same outputs.
///
/// - Shapes: `[N, 1, 28, 28]` → `[N, 10]`.
///
/// ```swift
/// let a = Generator.withDefault(Generator(seed: 1)) { CourseNetwork() }
/// let b = Generator.withDefault(Generator(seed: 1)) { courseSequential() }
/// // a(images) and b(images) are equal
/// ```
public func courseSequential(batchNorm: Bool = false) -> Sequential {
    var layers: [(String, Module)] = [
        ("conv1", Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)),
        ("relu1", ReLU()),
        ("pool1", MaxPool2d(kernelSize: 2, stride: 2)),
    ]
    if batchNorm { layers.append(("bn1", BatchNorm2d(numFeatures: 6))) }
    layers += [
        ("conv2", Conv2d(inChannels: 6, outChannels: 12, kernelSize: 5)),
        ("relu2", ReLU()),
        ("pool2", MaxPool2d(kernelSize: 2, stride: 2)),
        ("flatten", Flatten(startDim: 1)),
        ("fc1", Linear(inFeatures: 12 * 4 * 4, outFeatures: 120)),
        ("relu3", ReLU()),
    ]
    if batchNorm { layers.append(("bn2", BatchNorm1d(numFeatures: 120))) }
    layers += [
        ("fc2", Linear(inFeatures: 120, outFeatures: 60)),
        ("relu4", ReLU()),
        ("out", Linear(inFeatures: 60, outFeatures: 10)),
    ]
    return Sequential(layers)
}
