import TorchNN

/// The ready models by the names the `swifttorch` command uses.
///
/// ```swift
/// let network = Models.modelNamed("cnn-bn")!     // a CourseBatchNormNetwork
/// Models.names                                   // ["cnn", "cnn-bn", "cnn-sequential", "lenet5", "mlp"]
/// ```
public enum Models {
    /// Every name ``modelNamed(_:)`` knows, in a fixed order.
    public static let names = ["cnn", "cnn-bn", "cnn-sequential", "lenet5", "mlp"]

    /// A new, freshly initialized model for 1×28×28 inputs and 10 classes:
    /// `"cnn"` (``CourseNetwork``), `"cnn-bn"` (``CourseBatchNormNetwork``),
    /// `"cnn-sequential"` (``courseSequential(batchNorm:)``), `"lenet5"` (``LeNet5`` with
    /// padding 2) or `"mlp"` (``MLP``, 784 → 128 → 10); `nil` for any other name.
    public static func modelNamed(_ name: String) -> Module? {
        switch name {
        case "cnn": return CourseNetwork()
        case "cnn-bn": return CourseBatchNormNetwork()
        case "cnn-sequential": return courseSequential()
        case "lenet5": return LeNet5()
        case "mlp": return MLP()
        default: return nil
        }
    }
}
