import Foundation

/// Where a ``DataLoader`` takes its sample indices from (`torch.utils.data.Sampler`).
///
/// Each iteration is one epoch: a sampler that shuffles draws a new order every time it is
/// iterated. `count` is the number of indices one iteration gives (`len(sampler)`).
///
/// ```swift
/// let sampler = RandomSampler(count: 5, generator: Generator(seed: 0))
/// Array(sampler)   // [4, 1, 2, 0, 3]... a new order on each pass
/// ```
public protocol Sampler: Sequence where Element == Int {
    /// How many indices one pass gives.
    var count: Int { get }
}

/// A sampler of index batches (`batch_sampler`): each element is the list of dataset
/// indices for one batch.
public protocol BatchSamplerProtocol: Sequence where Element == [Int] {
    /// How many batches one pass gives.
    var count: Int { get }
}

/// `0, 1, ..., count - 1` in order (`SequentialSampler`).
public struct SequentialSampler: Sampler {
    public let count: Int

    /// A sampler over `count` indices.
    public init(count: Int) { self.count = count }
    /// A sampler over every index of `dataset`.
    public init<D: Dataset>(_ dataset: D) { count = dataset.count }

    public func makeIterator() -> Range<Int>.Iterator { (0..<count).makeIterator() }
}

/// Indices in a random order (`RandomSampler`), a new order on each pass.
///
/// Without replacement, each pass is `randperm(n)` drawn from `generator`, repeated for
/// `numSamples > n`; with replacement, `randint(high: n)` in chunks of 32, both as PyTorch.
/// Without a generator, each pass seeds a fresh one from a 63-bit draw of the global
/// generator, as PyTorch does, so `manualSeed(s)` gives PyTorch's orders too.
///
/// ```swift
/// let g = Generator(seed: 42)
/// let sampler = RandomSampler(count: 10, generator: g)   // torch.randperm(10, generator=g) per pass
/// ```
public struct RandomSampler: Sampler {
    /// The number of dataset indices to draw from.
    public let datasetCount: Int
    /// Whether an index may come more than once in a pass.
    public let replacement: Bool
    /// Where the randomness comes from (`nil`: seeded from the global generator each pass).
    public let generator: TorchCore.Generator?
    /// How many indices one pass gives (`num_samples`; the dataset's size by default).
    public let count: Int

    public init(count n: Int, replacement: Bool = false, numSamples: Int? = nil, generator: TorchCore.Generator? = nil) {
        torchCheck(numSamples.map { $0 > 0 } ?? true,
                   "num_samples should be a positive integer value, but got num_samples=\(numSamples ?? 0)")
        datasetCount = n
        self.replacement = replacement
        self.generator = generator
        count = numSamples ?? n
    }

    /// A random sampler over every index of `dataset`.
    public init<D: Dataset>(_ dataset: D, replacement: Bool = false, numSamples: Int? = nil,
                            generator: TorchCore.Generator? = nil) {
        self.init(count: dataset.count, replacement: replacement, numSamples: numSamples, generator: generator)
    }

    /// One pass's indices.
    public func indices() -> [Int] {
        let g = generator ?? TorchCore.Generator(seed: UInt64(drawSeed(from: .default)))
        let n = datasetCount
        var out: [Int] = []
        out.reserveCapacity(count)
        if replacement {
            for _ in 0..<count / 32 { out += ints(Tensor.randint(high: n, [32], generator: g)) }
            out += ints(Tensor.randint(high: n, [count % 32], generator: g))
        } else if n > 0 {
            for _ in 0..<count / n { out += ints(Tensor.randperm(n, generator: g)) }
            out += ints(Tensor.randperm(n, generator: g)).prefix(count % n)
        }
        return out
    }

    public func makeIterator() -> IndexingIterator<[Int]> { indices().makeIterator() }
}

/// The given indices in a random order (`SubsetRandomSampler`): `indices[randperm(k)]`,
/// a new order each pass, drawn from `generator` (the global one when `nil`).
///
/// ```swift
/// let valid = SubsetRandomSampler(Array(50_000..<60_000), generator: Generator(seed: 0))
/// ```
public struct SubsetRandomSampler: Sampler {
    /// The indices to permute.
    public let indices: [Int]
    /// Where the permutation is drawn from (`nil`: the global generator).
    public let generator: TorchCore.Generator?

    public init(_ indices: [Int], generator: TorchCore.Generator? = nil) {
        self.indices = indices
        self.generator = generator
    }

    public var count: Int { indices.count }

    public func makeIterator() -> IndexingIterator<[Int]> {
        let perm = ints(Tensor.randperm(indices.count, generator: generator ?? TorchCore.Generator.default))
        return perm.map { indices[$0] }.makeIterator()
    }
}

/// Indices drawn with probability proportional to `weights` (`WeightedRandomSampler`).
///
/// With replacement each index is an independent draw (inverse of the cumulative weights
/// at a uniform float64); without, `numSamples` distinct indices by weighted random keys
/// (`u^(1/w)`, largest first). Repeatable for a seed, but not PyTorch's exact numbers.
///
/// ```swift
/// // Balance two classes whose counts are 900 and 100:
/// let w = labels.map { $0 == 0 ? 1.0 / 900 : 1.0 / 100 }
/// let sampler = WeightedRandomSampler(weights: w, numSamples: 1000, generator: Generator(seed: 0))
/// ```
public struct WeightedRandomSampler: Sampler {
    /// The (unnormalized, non-negative) weight of each index.
    public let weights: [Double]
    /// Whether an index may come more than once in a pass.
    public let replacement: Bool
    /// Where the randomness comes from (`nil`: the global generator).
    public let generator: TorchCore.Generator?
    /// How many indices one pass gives.
    public let count: Int

    public init(weights: [Double], numSamples: Int, replacement: Bool = true, generator: TorchCore.Generator? = nil) {
        torchCheck(numSamples > 0, "num_samples should be a positive integer value, but got num_samples=\(numSamples)")
        torchCheck(weights.allSatisfy { $0 >= 0 && $0.isFinite }, "multinomial: invalid probability distribution (sum of probabilities <= 0 or negative/infinite entries)")
        torchCheck(weights.contains { $0 > 0 }, "multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
        torchCheck(replacement || numSamples <= weights.lazy.filter({ $0 > 0 }).count,
                   "multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        self.weights = weights
        self.replacement = replacement
        self.generator = generator
        count = numSamples
    }

    public func makeIterator() -> IndexingIterator<[Int]> {
        let g = generator ?? TorchCore.Generator.default
        if replacement {
            var cumulative = [Double](repeating: 0, count: weights.count)
            var total = 0.0
            for (i, w) in weights.enumerated() { total += w; cumulative[i] = total }
            let u = Tensor.rand([count], dtype: .float64, generator: g).toArray(Double.self)
            return u.map { x -> Int in
                let target = x * total
                var lo = 0, hi = cumulative.count - 1
                while lo < hi {   // first index whose running total exceeds the target
                    let mid = (lo + hi) / 2
                    if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
                }
                while weights[lo] == 0 && lo > 0 { lo -= 1 }   // land on a positive weight
                return lo
            }.makeIterator()
        }
        let u = Tensor.rand([weights.count], dtype: .float64, generator: g).toArray(Double.self)
        var keys = [Double](repeating: -.infinity, count: weights.count)
        for i in weights.indices where weights[i] > 0 { keys[i] = Foundation.log(u[i]) / weights[i] }
        let order = keys.indices.sorted { (a: Int, b: Int) -> Bool in
            keys[a] > keys[b] || (keys[a] == keys[b] && a < b)
        }
        return Array(order.prefix(count)).makeIterator()
    }
}

/// Groups another sampler's indices into batches (`BatchSampler`): lists of `batchSize`,
/// the last one shorter unless `dropLast`.
///
/// ```swift
/// Array(BatchSampler(SequentialSampler(count: 10), batchSize: 3, dropLast: false))
/// // [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
/// ```
public struct BatchSampler: BatchSamplerProtocol {
    /// Where the indices come from.
    public let sampler: any Sampler
    public let batchSize: Int
    public let dropLast: Bool

    public init(_ sampler: any Sampler, batchSize: Int, dropLast: Bool) {
        torchCheck(batchSize > 0, "batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        self.sampler = sampler
        self.batchSize = batchSize
        self.dropLast = dropLast
    }

    /// The number of batches a pass gives.
    public var count: Int {
        dropLast ? sampler.count / batchSize : (sampler.count + batchSize - 1) / batchSize
    }

    public func makeIterator() -> IndexingIterator<[[Int]]> {
        let all = passIndices(sampler)
        var batches: [[Int]] = []
        batches.reserveCapacity(all.count / batchSize + 1)
        var start = 0
        while start < all.count {
            let end = Swift.min(start + batchSize, all.count)
            if end - start < batchSize && dropLast { break }
            batches.append(Array(all[start..<end]))
            start = end
        }
        return batches.makeIterator()
    }
}

private func passIndices<S: Sampler>(_ sampler: S) -> [Int] { Array(sampler) }

/// PyTorch's `torch.empty((), dtype=torch.int64).random_(generator=g).item()`: 64 bits
/// reduced to [0, 2^63).
func drawSeed(from generator: TorchCore.Generator) -> Int64 {
    Tensor.empty([], dtype: .int64).random_(generator: generator).item(Int64.self)
}

func ints(_ t: Tensor) -> [Int] { t.toArray(Int64.self).map { Int($0) } }
