/// A map-style dataset (`torch.utils.data.Dataset`): `count` samples, read by index.
///
/// Most datasets load or compute their samples eagerly and throw from their initializer
/// when they can't. One whose reads can fail (files read lazily, say) implements
/// `sample(at:)` as a throwing read: the ``DataLoader`` reads through it, and the error
/// reaches the caller of `try loader.forEach` or `loader.batches()` as a thrown error,
/// from worker threads too. The ``DataLoader`` may read samples from several
/// threads at once (`numWorkers > 0`), so `subscript` must be safe to call concurrently:
/// reading immutable storage (tensors, arrays) is.
///
/// ```swift
/// struct Squares: Dataset {
///     var count: Int { 10 }
///     subscript(index: Int) -> (Tensor, Int) { (Tensor([Float(index * index)]), index % 2) }
/// }
/// for (x, y) in DataLoader(Squares(), batchSize: 4) { print(x.shape, y) }   // [4, 1] ...
/// ```
public protocol Dataset<Sample> {
    /// What one index gives: often `(Tensor, Int)` (an image and its label).
    associatedtype Sample
    /// The number of samples (`len(dataset)`).
    var count: Int { get }
    /// The sample at `index`, for `0 <= index < count`.
    subscript(index: Int) -> Sample { get }
    /// The sample at `index`, throwing when it can't be read; what the ``DataLoader`` calls.
    /// Defaults to the subscript.
    func sample(at index: Int) throws -> Sample
}

/// An iterable-style dataset (`torch.utils.data.IterableDataset`): a stream of samples with
/// no random access, such as lines read from a file or generated data.
///
/// Any `Sequence` can be marked as one; ``IterableDataLoader`` batches it in order.
///
/// ```swift
/// struct Counter: IterableDataset {
///     func makeIterator() -> some IteratorProtocol<Tensor> {
///         (0..<5).lazy.map { Tensor([Float($0)]) }.makeIterator()
///     }
/// }
/// ```
public protocol IterableDataset<Element>: Sequence {}

extension Dataset {
    public func sample(at index: Int) throws -> Sample { self[index] }

    /// Whether the dataset has no samples.
    public var isEmpty: Bool { count == 0 }

    func checkIndex(_ index: Int, _ type: String) {
        torchCheck(index >= 0 && index < count,
                   "\(type): index \(index) is out of range for a dataset of \(count) samples")
    }
}

/// Samples taken from tensors along their first dimension (`TensorDataset`): sample `i` is
/// `tensors[k][i]` for each tensor `k`.
///
/// Two tensors give `(Tensor, Tensor)` samples (inputs and targets); any number, through
/// `init(tensors:)`, give `[Tensor]` samples. All tensors must have the same size in
/// dimension 0.
///
/// ```swift
/// let data = TensorDataset(Tensor.randn([100, 3]), Tensor.randint(high: 2, [100]))
/// let (x, y) = data[0]              // x: [3], y: [] (a 0-dim tensor)
/// let all = TensorDataset(tensors: [a, b, c])
/// all[5].count                       // 3
/// ```
public struct TensorDataset<Sample>: Dataset, @unchecked Sendable {
    /// The tensors, all with the same size in dimension 0.
    public let tensors: [Tensor]
    private let make: @Sendable ([Tensor], Int) -> Sample
    public let count: Int

    private init(checking tensors: [Tensor], make: @escaping @Sendable ([Tensor], Int) -> Sample) {
        torchCheck(!tensors.isEmpty, "TensorDataset: at least one tensor required")
        torchCheck(tensors.allSatisfy { $0.rank > 0 }, "TensorDataset: tensors must have at least one dimension")
        let n = tensors[0].shape[0]
        torchCheck(tensors.allSatisfy { $0.shape[0] == n }, "Size mismatch between tensors")
        self.tensors = tensors
        self.make = make
        count = n
    }

    public subscript(index: Int) -> Sample {
        checkIndex(index, "TensorDataset")
        return make(tensors, index)
    }
}

extension TensorDataset where Sample == (Tensor, Tensor) {
    /// A dataset of `(inputs[i], targets[i])` pairs.
    public init(_ inputs: Tensor, _ targets: Tensor) {
        self.init(checking: [inputs, targets]) { t, i in (t[0].select(dim: 0, index: i), t[1].select(dim: 0, index: i)) }
    }
}

extension TensorDataset where Sample == [Tensor] {
    /// A dataset whose sample `i` is `[t[i] for t in tensors]`.
    public init(tensors: [Tensor]) {
        self.init(checking: tensors) { t, i in t.map { $0.select(dim: 0, index: i) } }
    }
}

extension TensorDataset where Sample == Tensor {
    /// A dataset whose sample `i` is `tensor[i]`.
    public init(_ tensor: Tensor) {
        self.init(checking: [tensor]) { t, i in t[0].select(dim: 0, index: i) }
    }
}

/// The samples of `dataset` at `indices`, in that order (`torch.utils.data.Subset`).
///
/// ```swift
/// let firstHundred = Subset(train, indices: Array(0..<100))
/// ```
public struct Subset<Base: Dataset>: Dataset {
    public typealias Sample = Base.Sample
    /// The whole dataset.
    public let dataset: Base
    /// Which samples of `dataset` this subset holds.
    public let indices: [Int]

    public init(_ dataset: Base, indices: [Int]) {
        self.dataset = dataset
        self.indices = indices
    }

    public var count: Int { indices.count }

    public subscript(index: Int) -> Sample {
        checkIndex(index, "Subset")
        return dataset[indices[index]]
    }

    public func sample(at index: Int) throws -> Sample {
        checkIndex(index, "Subset")
        return try dataset.sample(at: indices[index])
    }
}

extension Subset: @unchecked Sendable {}

/// Datasets one after another (`torch.utils.data.ConcatDataset`): indices run through the
/// first dataset, then the second, and so on.
///
/// ```swift
/// let both = ConcatDataset([train, test])   // 70000 Fashion-MNIST samples
/// ```
public struct ConcatDataset<Sample>: Dataset, @unchecked Sendable {
    /// The datasets joined.
    public let datasets: [any Dataset<Sample>]
    /// The running totals of their sizes (`cumulative_sizes`).
    public let cumulativeSizes: [Int]

    public init(_ datasets: [any Dataset<Sample>]) {
        torchCheck(!datasets.isEmpty, "ConcatDataset: datasets should not be an empty iterable")
        self.datasets = datasets
        var total = 0
        cumulativeSizes = datasets.map { total += $0.count; return total }
    }

    public var count: Int { cumulativeSizes.last ?? 0 }

    public subscript(index: Int) -> Sample {
        let (d, i) = locate(index)
        return datasets[d][i]
    }

    public func sample(at index: Int) throws -> Sample {
        let (d, i) = locate(index)
        return try datasets[d].sample(at: i)
    }

    /// Which dataset holds `index`, and the index within it.
    private func locate(_ index: Int) -> (Int, Int) {
        checkIndex(index, "ConcatDataset")
        // The first dataset whose running total passes `index` (bisect_right).
        var lo = 0, hi = cumulativeSizes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeSizes[mid] <= index { lo = mid + 1 } else { hi = mid }
        }
        return (lo, index - (lo == 0 ? 0 : cumulativeSizes[lo - 1]))
    }
}
