import TorchNN

/// The ready models by the names the `swifttorch` command uses.
///
/// ```swift
/// let network = Models.modelNamed("cnn-bn")!     // a CourseBatchNormNetwork
/// Models.names              // ["cnn", "cnn-bn", "cnn-sequential", "lenet5", "mlp", "char-lstm", "char-transformer"]
/// ```
public enum Models {
    /// Every name ``modelNamed(_:)`` knows, in a fixed order: the image models, then the
    /// character models.
    public static let names = imageModelNames + characterModelNames
    /// The models of 1×28×28 images and 10 classes (what ``Trainer`` trains).
    public static let imageModelNames = ["cnn", "cnn-bn", "cnn-sequential", "lenet5", "mlp"]
    /// The byte-level language models (what ``TextTrainer`` trains).
    public static let characterModelNames = ["char-lstm", "char-transformer"]

    /// A new, freshly initialized model: for 1×28×28 inputs and 10 classes,
    /// `"cnn"` (``CourseNetwork``), `"cnn-bn"` (``CourseBatchNormNetwork``),
    /// `"cnn-sequential"` (``courseSequential(batchNorm:)``), `"lenet5"` (``LeNet5`` with
    /// padding 2) or `"mlp"` (``MLP``, 784 → 128 → 10); for bytes, `"char-lstm"`
    /// (``CharLSTM``) or `"char-transformer"` (``CharTransformer``); `nil` for any other name.
    public static func modelNamed(_ name: String) -> Module? {
        switch name {
        case "char-lstm": return CharLSTM()
        case "char-transformer": return CharTransformer()
        case "cnn": return CourseNetwork()
        case "cnn-bn": return CourseBatchNormNetwork()
        case "cnn-sequential": return courseSequential()
        case "lenet5": return LeNet5()
        case "mlp": return MLP()
        default: return nil
        }
    }
}
