import Torch
import TorchVision

/// Fashion-MNIST's training or test set as the course loads it (`ToTensor` by default),
/// cut to its first `limit` images when `limit` is given.
///
/// ```swift
/// let trainSet = try fashionMNIST(train: true, limit: args.limit)
/// let testSet = try fashionMNIST(train: false, limit: args.testLimit)
/// ```
///
/// - Throws: `DatasetError` when the files are missing or damaged; ``runExample(_:)``
///   prints its message and exits with status 2.
public func fashionMNIST(train: Bool = true, limit: Int?,
                         transform: (any Transform)? = ToTensor()) throws -> Subset<FashionMNIST> {
    let dataset = try FashionMNIST(train: train, transform: transform)
    let count = min(limit ?? dataset.count, dataset.count)
    return Subset(dataset, indices: Array(0..<count))
}
