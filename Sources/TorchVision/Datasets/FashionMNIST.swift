import Foundation
import TorchData

/// Zalando's Fashion-MNIST: 28×28 grayscale pictures of clothes in 10 classes, 60000 for
/// training and 10000 for testing (`torchvision.datasets.FashionMNIST`).
///
/// The files are read from `root`, in Debian's flat layout (`<root>/train-images-idx3-ubyte.gz`,
/// what `apt-get install dataset-fashion-mnist` installs) or torchvision's
/// (`<root>/FashionMNIST/raw/train-images-idx3-ubyte[.gz]`). There is no download. All images
/// are loaded at once into ``data``; `transform` runs when a sample is read, as in torchvision.
///
/// A sample is `(image, label)`: without a transform the image is a uint8 `[28, 28]` view of
/// ``data``; with `ToTensor()` it is float32 `[1, 28, 28]` in [0, 1].
///
/// ```swift
/// let train = try FashionMNIST(root: FashionMNIST.defaultRoot, train: true,
///                              transform: Compose([ToTensor()]))
/// train.count                      // 60000
/// let (image, label) = train[0]    // [1, 28, 28], 9
/// train.classes[label]             // "Ankle boot"
/// ```
public struct FashionMNIST: Dataset, Sendable, CustomStringConvertible {
    /// torchvision's class names, in label order.
    public static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// The environment variable that overrides ``defaultRoot``.
    public static let rootVariable = "FASHION_MNIST_ROOT"

    /// `$FASHION_MNIST_ROOT` when set, else `/usr/share/datasets/fashion-mnist` (where Debian's
    /// `dataset-fashion-mnist` package puts the files).
    public static var defaultRoot: String {
        ProcessInfo.processInfo.environment[rootVariable] ?? "/usr/share/datasets/fashion-mnist"
    }

    static let files = MNISTFiles(
        dataset: "Fashion-MNIST", folder: "FashionMNIST",
        hint: "Install Debian's package with `apt-get install dataset-fashion-mnist` (or run scripts/setup), "
            + "or set \(rootVariable) (or pass root:) to a folder holding the four IDX files, "
            + "flat or in torchvision's FashionMNIST/raw layout.")

    /// The folder the files were read from.
    public let root: String
    /// Whether this is the training set (60000 samples) or the test set (10000).
    public let train: Bool
    /// All images, uint8 `[N, 28, 28]`.
    public let data: Tensor
    /// All labels, int64 `[N]`.
    public let targets: Tensor
    /// Applied to each image when a sample is read.
    public let transform: (any Transform)?
    /// Applied to each label when a sample is read.
    public let targetTransform: (@Sendable (Int) -> Int)?
    private let labels: [Int]

    /// Loads the training or test set from `root`.
    ///
    /// - Throws: ``DatasetError`` when a file is missing (the message says how to install
    ///   the data), truncated or malformed.
    public init(root: String = FashionMNIST.defaultRoot, train: Bool = true, transform: (any Transform)? = nil,
                targetTransform: (@Sendable (Int) -> Int)? = nil) throws(DatasetError) {
        (data, targets, labels) = try Self.files.load(root: root, train: train)
        self.root = root
        self.train = train
        self.transform = transform
        self.targetTransform = targetTransform
    }

    /// The class names, in label order.
    public var classes: [String] { Self.classes }
    /// Each class name's label (`class_to_idx`).
    public var classToIdx: [String: Int] {
        Dictionary(uniqueKeysWithValues: Self.classes.enumerated().map { ($1, $0) })
    }

    public var count: Int { labels.count }

    /// Sample `index`: the image (through `transform`) and its label (through `targetTransform`).
    public subscript(index: Int) -> (Tensor, Int) {
        mnistSample(data, labels, index, "FashionMNIST", transform, targetTransform)
    }

    public var description: String {
        mnistDescription("FashionMNIST", count: count, root: root, train: train, transform: transform)
    }
}

/// Yann LeCun's MNIST handwritten digits: 28×28 grayscale, 60000 for training and 10000 for
/// testing (`torchvision.datasets.MNIST`).
///
/// Same layout and semantics as ``FashionMNIST``: `<root>/train-images-idx3-ubyte[.gz]` or
/// `<root>/MNIST/raw/train-images-idx3-ubyte[.gz]`; no download.
///
/// ```swift
/// let test = try MNIST(root: "data", train: false, transform: ToTensor())
/// test.count   // 10000
/// ```
public struct MNIST: Dataset, Sendable, CustomStringConvertible {
    /// torchvision's class names, in label order.
    public static let classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
                                 "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    /// The environment variable that overrides ``defaultRoot``.
    public static let rootVariable = "MNIST_ROOT"

    /// `$MNIST_ROOT` when set, else `/usr/share/datasets/mnist`.
    public static var defaultRoot: String {
        ProcessInfo.processInfo.environment[rootVariable] ?? "/usr/share/datasets/mnist"
    }

    static let files = MNISTFiles(
        dataset: "MNIST", folder: "MNIST",
        hint: "MNIST has no Debian package: copy the four IDX files (train-images-idx3-ubyte.gz, "
            + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into the root "
            + "(flat or in torchvision's MNIST/raw layout), and set \(rootVariable) or pass root: to point there.")

    /// The folder the files were read from.
    public let root: String
    /// Whether this is the training set (60000 samples) or the test set (10000).
    public let train: Bool
    /// All images, uint8 `[N, 28, 28]`.
    public let data: Tensor
    /// All labels, int64 `[N]`.
    public let targets: Tensor
    /// Applied to each image when a sample is read.
    public let transform: (any Transform)?
    /// Applied to each label when a sample is read.
    public let targetTransform: (@Sendable (Int) -> Int)?
    private let labels: [Int]

    /// Loads the training or test set from `root`.
    ///
    /// - Throws: ``DatasetError`` when a file is missing, truncated or malformed.
    public init(root: String = MNIST.defaultRoot, train: Bool = true, transform: (any Transform)? = nil,
                targetTransform: (@Sendable (Int) -> Int)? = nil) throws(DatasetError) {
        (data, targets, labels) = try Self.files.load(root: root, train: train)
        self.root = root
        self.train = train
        self.transform = transform
        self.targetTransform = targetTransform
    }

    /// The class names, in label order.
    public var classes: [String] { Self.classes }
    /// Each class name's label (`class_to_idx`).
    public var classToIdx: [String: Int] {
        Dictionary(uniqueKeysWithValues: Self.classes.enumerated().map { ($1, $0) })
    }

    public var count: Int { labels.count }

    /// Sample `index`: the image (through `transform`) and its label (through `targetTransform`).
    public subscript(index: Int) -> (Tensor, Int) {
        mnistSample(data, labels, index, "MNIST", transform, targetTransform)
    }

    public var description: String {
        mnistDescription("MNIST", count: count, root: root, train: train, transform: transform)
    }
}
