/// The functional namespace, PyTorch's `torch.nn.functional`: stateless versions of the
/// layers (`F.linear`, `F.relu`, `F.maxPool2d`, `F.crossEntropy`, ...). Layers call into it.
///
/// ```swift
/// let y = F.relu(F.linear(x, weight: w, bias: b))
/// ```
public enum F {}
