import TorchCore
import TorchData
import TorchVision

/// The first `count` images of a Fashion-MNIST set with a transform applied when a sample
/// is read: what the trainer's loaders read. Several of these can share one loaded set.
///
/// ```swift
/// let test = try FashionMNIST(train: false)
/// let images = LabeledImages(test, count: 500, transform: ToTensor())
/// let (image, label) = images[0]       // float32 [1, 28, 28], 9
/// ```
public struct LabeledImages: Dataset, Sendable {
    /// The whole loaded set (without a transform of its own).
    public let base: FashionMNIST
    /// The number of images used, from the first.
    public let count: Int
    /// Applied to each uint8 `[28, 28]` image.
    public let transform: any Transform

    /// The first `count` images of `base` (all when `nil`, at most all).
    public init(_ base: FashionMNIST, count: Int? = nil, transform: any Transform = ToTensor()) {
        self.base = base
        self.count = min(count ?? base.count, base.count)
        self.transform = transform
    }

    public subscript(index: Int) -> (Tensor, Int) {
        let (image, label) = base[index]
        return (transform(image), label)
    }

    /// Image `index` as stored: uint8 `[28, 28]`, for pictures.
    public func rawImage(_ index: Int) -> Tensor { base[index].0 }

    /// The labels of the images used, int64 `[count]`.
    public var targets: Tensor { base.targets.narrow(dim: 0, start: 0, length: count) }
}

/// The training and test images of a run, with the transform its settings ask for.
///
/// ```swift
/// let data = try TrainingData.fashionMNIST(limit: 2000, testLimit: 500)
/// let normalized = data.normalized(true)      // ToTensor then Normalize(0.2860, 0.3530)
/// ```
public struct TrainingData: Sendable {
    /// The training images.
    public let train: LabeledImages
    /// The test images.
    public let test: LabeledImages
    /// The mean and standard deviation of every training image's pixels (in 0...1), over the
    /// whole training set (0.2860 and 0.3530): what ``normalized(_:)`` normalizes with.
    /// Computed when first asked for by ``normalized(_:)``, or given.
    public let statistics: (mean: Double, std: Double)?
    /// Whether the images are normalized.
    public let isNormalized: Bool

    /// Loads Fashion-MNIST from `root`: the first `limit` training images (all when `nil`)
    /// and the first `testLimit` test images (all when `nil`). Throws `DatasetError` when
    /// the files are missing or damaged; its message says how to install them.
    public static func fashionMNIST(root: String = FashionMNIST.defaultRoot, limit: Int? = nil,
                                    testLimit: Int? = nil, normalize: Bool = false) throws -> TrainingData {
        let train = try FashionMNIST(root: root, train: true)
        let test = try FashionMNIST(root: root, train: false)
        return TrainingData(train: LabeledImages(train, count: limit), test: LabeledImages(test, count: testLimit),
                            statistics: nil, isNormalized: false).normalized(normalize)
    }

    init(train: LabeledImages, test: LabeledImages, statistics: (mean: Double, std: Double)?, isNormalized: Bool) {
        self.train = train
        self.test = test
        self.statistics = statistics
        self.isNormalized = isNormalized
    }

    /// The same images with (`true`) or without normalization: `ToTensor()`, then
    /// `Normalize(mean: [statistics.mean], std: [statistics.std])` when normalized.
    public func normalized(_ on: Bool) -> TrainingData {
        let stats = on ? statistics ?? meanAndStd(of: train.base.data) : statistics
        return normalized(with: on ? stats : nil, statistics: stats)
    }

    /// The same images normalized with a given mean and std (as a checkpoint saved them).
    public func normalized(mean: Double, std: Double) -> TrainingData {
        normalized(with: (mean, std), statistics: (mean, std))
    }

    private func normalized(with normalization: (mean: Double, std: Double)?, statistics: (mean: Double, std: Double)?) -> TrainingData {
        let transform = Self.transform(normalize: normalization)
        return TrainingData(train: LabeledImages(train.base, count: train.count, transform: transform),
                            test: LabeledImages(test.base, count: test.count, transform: transform),
                            statistics: statistics, isNormalized: normalization != nil)
    }

    /// The same sets cut to the first `limit` training and `testLimit` test images.
    public func limited(_ limit: Int?, testLimit: Int?) -> TrainingData {
        TrainingData(train: LabeledImages(train.base, count: limit, transform: train.transform),
                     test: LabeledImages(test.base, count: testLimit, transform: test.transform),
                     statistics: statistics, isNormalized: isNormalized)
    }

    /// `ToTensor()`, followed by `Normalize` with `normalize`'s mean and std when given.
    public static func transform(normalize: (mean: Double, std: Double)?) -> any Transform {
        guard let normalize else { return ToTensor() }
        return Compose([ToTensor(), Normalize(mean: [normalize.mean], std: [normalize.std])])
    }
}
