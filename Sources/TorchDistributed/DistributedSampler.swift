import TorchCore
import TorchData

/// Each rank's share of a dataset's indices (`torch.utils.data.distributed.DistributedSampler`),
/// in PyTorch's exact order.
///
/// One pass: `randperm(count)` from a generator seeded with `seed + epoch` (or `0..<count`
/// without `shuffle`), padded with its own first indices up to a multiple of `numReplicas`
/// (or cut down to one with `dropLast`), then every `numReplicas`-th index from `rank`. Call
/// `setEpoch(_:)` before each epoch, or every epoch repeats the same order. A class, as in
/// PyTorch: the loader holding it sees `setEpoch`.
///
/// ```swift
/// let sampler = DistributedSampler(count: 10, numReplicas: 3, rank: 1, seed: 0)
/// Array(sampler)   // [1, 3, 8, 4], as PyTorch
/// let loader = DataLoader(train, batchSize: 50, sampler: sampler)
/// for epoch in 0..<epochs { sampler.setEpoch(epoch); for batch in loader { ... } }
/// ```
public final class DistributedSampler: Sampler, @unchecked Sendable {
    /// The dataset's size.
    public let datasetCount: Int
    /// How many ranks share the dataset (`num_replicas`).
    public let numReplicas: Int
    /// This sampler's rank.
    public let rank: Int
    /// Whether each epoch draws a new order.
    public let shuffle: Bool
    /// The seed, the same on every rank.
    public let seed: UInt64
    /// Whether the tail that doesn't divide evenly is dropped rather than padded.
    public let dropLast: Bool
    /// Indices one pass gives this rank (`num_samples`, `len(sampler)`).
    public let count: Int
    /// The epoch `setEpoch` last stored.
    public private(set) var epoch = 0

    /// A sampler over `count` indices; `numReplicas` and `rank` default to the default process
    /// group's size and rank.
    public init(count n: Int, numReplicas: Int? = nil, rank: Int? = nil, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false) {
        let replicas = numReplicas ?? Distributed.worldSize, rank = rank ?? Distributed.rank
        torchCheck(replicas >= 1, "DistributedSampler: num_replicas must be at least 1, got \(replicas)")
        torchCheck((0..<replicas).contains(rank), "Invalid rank \(rank), rank should be in the interval [0, \(replicas - 1)]")
        (datasetCount, self.numReplicas, self.rank, self.shuffle, self.seed, self.dropLast) = (n, replicas, rank, shuffle, seed, dropLast)
        // PyTorch: ceil((n - R) / R) when dropping an uneven tail, else ceil(n / R).
        count = dropLast && n % replicas != 0 ? (n - 1) / replicas : (n + replicas - 1) / replicas
    }

    /// A sampler over every index of `dataset`.
    public convenience init<D: Dataset>(_ dataset: D, numReplicas: Int? = nil, rank: Int? = nil, shuffle: Bool = true, seed: UInt64 = 0,
                                        dropLast: Bool = false) {
        self.init(count: dataset.count, numReplicas: numReplicas, rank: rank, shuffle: shuffle, seed: seed, dropLast: dropLast)
    }

    /// The total over all ranks (`total_size`).
    public var totalSize: Int { count * numReplicas }

    /// Sets the epoch whose order the next pass gives (`set_epoch`).
    public func setEpoch(_ epoch: Int) { self.epoch = epoch }

    /// This rank's indices for the current epoch.
    public func indices() -> [Int] {
        let n = datasetCount
        var order = shuffle
            ? Tensor.randperm(n, generator: TorchCore.Generator(seed: seed &+ UInt64(bitPattern: Int64(epoch)))).toArray(Int64.self).map { Int($0) }
            : Array(0..<n)
        if dropLast {
            order = Array(order.prefix(totalSize))
        } else if totalSize > n, n > 0 {
            let padding = totalSize - n
            order += (0..<padding).map { order[$0 % n] }
        }
        return Array(stride(from: rank, to: order.count, by: numReplicas).map { order[$0] })
    }

    public func makeIterator() -> IndexingIterator<[Int]> { indices().makeIterator() }
}
