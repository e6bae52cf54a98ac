/// Batches of a dataset, for a training loop (`torch.utils.data.DataLoader`).
///
/// Each pass (each `for` loop) is one epoch: the batch sampler gives lists of indices, the
/// samples at those indices are read from the dataset and collated into a batch. With
/// `shuffle`, each pass draws a new order from `generator` (the global generator when
/// `nil`), exactly as PyTorch does: the same seed gives PyTorch's batches.
///
/// With `numWorkers > 0`, worker threads fetch and collate batches ahead of the loop (at
/// most `prefetchFactor * numWorkers` at a time); batches still arrive in sampler order and
/// are the same as with `numWorkers: 0`. The dataset's `subscript` and `collate` then run
/// on those threads, so they must only read shared state.
///
/// Samples of type `Tensor`, `[Tensor]`, `[String: Tensor]`, `(Tensor, Int)`,
/// `(Tensor, Tensor)` and `(Tensor, Double)` are collated by ``defaultCollate(_:)-(Tensor)``;
/// pass `collate:` for other samples or other batching.
///
/// ```swift
/// let loader = DataLoader(trainSet, batchSize: 100, shuffle: true, generator: Generator(seed: 0))
/// loader.count                       // 600 batches for 60000 samples
/// for (images, labels) in loader {   // images [100, 1, 28, 28], labels [100] (int64)
///     ...
/// }
/// try loader.forEach { images, labels in ... }   // the same, rethrowing collation errors
/// ```
///
/// A `for` loop can't throw: if a batch fails (say, a `collate` closure throws), the plain
/// `for` loop stops the program with the error and a hint to use `forEach` or `batches()`,
/// which throw the error to the caller instead.
public struct DataLoader<D: Dataset, Batch>: Sequence {
    /// The dataset batches are read from.
    public let dataset: D
    /// Samples per batch (`nil` when a custom `batchSampler` decides).
    public let batchSize: Int?
    /// Whether the last, short batch is dropped.
    public let dropLast: Bool
    /// Worker threads that prefetch batches (0: batches are made in the loop's thread).
    public let numWorkers: Int
    /// Batches each worker prepares ahead.
    public let prefetchFactor: Int
    /// The generator for shuffling and worker seeds (`nil`: the global one).
    public let generator: TorchCore.Generator?
    /// Where the index lists of the batches come from.
    public let batchSampler: any BatchSamplerProtocol
    private let collate: ([D.Sample]) throws -> Batch

    /// A loader with a custom collate function, which turns a list of samples into a batch.
    ///
    /// - Parameters:
    ///   - batchSize: samples per batch (1 by default, as PyTorch).
    ///   - shuffle: a new random order each pass (a ``RandomSampler`` on `generator`).
    ///   - sampler: the order of indices; excludes `shuffle`.
    ///   - batchSampler: lists of indices per batch; excludes `batchSize`, `shuffle`,
    ///     `sampler` and `dropLast`.
    ///   - numWorkers: worker threads (0: none).
    ///   - collate: makes a batch of samples; may throw.
    ///   - dropLast: drop the last batch when it is short.
    ///   - generator: the generator shuffling draws from.
    ///   - prefetchFactor: batches each worker prepares ahead (2).
    ///
    /// ```swift
    /// let loader = DataLoader(words, batchSize: 8, collate: { samples in samples.joined(separator: " ") })
    /// ```
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: (any BatchSamplerProtocol)? = nil, numWorkers: Int = 0,
                collate: @escaping ([D.Sample]) throws -> Batch, dropLast: Bool = false,
                generator: TorchCore.Generator? = nil, prefetchFactor: Int = 2) {
        torchCheck(numWorkers >= 0,
                   "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        torchCheck(prefetchFactor > 0, "prefetch_factor option should be a positive integer")
        torchCheck(!(shuffle && sampler != nil), "sampler option is mutually exclusive with shuffle")
        if let batchSampler {
            torchCheck(batchSize == 1 && !shuffle && sampler == nil && !dropLast,
                       "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            self.batchSampler = batchSampler
            self.batchSize = nil
        } else {
            let indices: any Sampler = sampler
                ?? (shuffle ? RandomSampler(count: dataset.count, generator: generator)
                            : SequentialSampler(count: dataset.count))
            self.batchSampler = BatchSampler(indices, batchSize: batchSize, dropLast: dropLast)
            self.batchSize = batchSize
        }
        self.dataset = dataset
        self.dropLast = dropLast
        self.numWorkers = numWorkers
        self.prefetchFactor = prefetchFactor
        self.generator = generator
        self.collate = collate
    }

    /// The number of batches in a pass (`len(loader)`).
    public var count: Int { batchSampler.count }

    /// Starts a pass whose `next()` throws a failed batch's error (the thread-safe way to
    /// see errors; a `for` loop stops the program instead).
    ///
    /// ```swift
    /// var batches = loader.batches()
    /// while let (x, y) = try batches.next() { ... }
    /// ```
    public func batches() -> ThrowingIterator {
        // As PyTorch, each pass first draws a base seed (worker seeds) from the generator,
        // then the sampler draws its order.
        let baseSeed = drawSeed(from: generator ?? .default)
        let lists = passBatches(batchSampler)
        return ThrowingIterator(pipeline: BatchPipeline(
            dataset: dataset, batches: lists, collate: collate,
            numWorkers: numWorkers, prefetchFactor: prefetchFactor, baseSeed: baseSeed))
    }

    /// Runs `body` on each batch of one pass, throwing the first error from a batch or from
    /// `body` (workers stop when it throws).
    public func forEach(_ body: (Batch) throws -> Void) throws {
        var iterator = batches()
        while let batch = try iterator.next() { try body(batch) }
    }

    public func makeIterator() -> Iterator { Iterator(inner: batches()) }

    /// One pass's batches; `next()` throws a batch's error.
    public struct ThrowingIterator {
        let pipeline: BatchPipeline<D, Batch>
        /// The next batch, or `nil` at the end of the pass.
        public mutating func next() throws -> Batch? { try pipeline.nextBatch() }
    }

    /// One pass's batches for a `for` loop; a failed batch stops the program with its error.
    public struct Iterator: IteratorProtocol {
        var inner: ThrowingIterator
        public mutating func next() -> Batch? {
            do {
                return try inner.next()
            } catch {
                torchCheck(false, "DataLoader: a batch failed: \(error). A for-in loop can't throw; "
                    + "use `try loader.forEach { ... }` or `loader.batches()` to catch the error.")
                return nil
            }
        }
    }
}

private func passBatches<B: BatchSamplerProtocol>(_ sampler: B) -> [[Int]] { Array(sampler) }

// MARK: Default collation

extension DataLoader where D.Sample == (Tensor, Int), Batch == (Tensor, Tensor) {
    /// A loader of `(input, label)` samples: batches of stacked inputs and int64 labels.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: (any BatchSamplerProtocol)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: TorchCore.Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: defaultCollate, dropLast: dropLast, generator: generator,
                  prefetchFactor: prefetchFactor)
    }
}

extension DataLoader where D.Sample == (Tensor, Tensor), Batch == (Tensor, Tensor) {
    /// A loader of `(input, target)` tensor samples: both stacked.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: (any BatchSamplerProtocol)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: TorchCore.Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: defaultCollate, dropLast: dropLast, generator: generator,
                  prefetchFactor: prefetchFactor)
    }
}

extension DataLoader where D.Sample == (Tensor, Double), Batch == (Tensor, Tensor) {
    /// A loader of `(input, value)` samples: stacked inputs and float64 targets.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: (any BatchSamplerProtocol)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: TorchCore.Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: defaultCollate, dropLast: dropLast, generator: generator,
                  prefetchFactor: prefetchFactor)
    }
}

extension DataLoader where D.Sample == Tensor, Batch == Tensor {
    /// A loader of tensor samples: batches stacked along a new first dimension.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: (any BatchSamplerProtocol)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: TorchCore.Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: defaultCollate, dropLast: dropLast, generator: generator,
                  prefetchFactor: prefetchFactor)
    }
}

extension DataLoader where D.Sample == [Tensor], Batch == [Tensor] {
    /// A loader of tensor-list samples, collated position by position.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: (any BatchSamplerProtocol)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: TorchCore.Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: defaultCollate, dropLast: dropLast, generator: generator,
                  prefetchFactor: prefetchFactor)
    }
}

extension DataLoader where D.Sample == [String: Tensor], Batch == [String: Tensor] {
    /// A loader of dictionary samples, collated key by key.
    public init(_ dataset: D, batchSize: Int = 1, shuffle: Bool = false, sampler: (any Sampler)? = nil,
                batchSampler: (any BatchSamplerProtocol)? = nil, numWorkers: Int = 0, dropLast: Bool = false,
                generator: TorchCore.Generator? = nil, prefetchFactor: Int = 2) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, sampler: sampler, batchSampler: batchSampler,
                  numWorkers: numWorkers, collate: defaultCollate, dropLast: dropLast, generator: generator,
                  prefetchFactor: prefetchFactor)
    }
}
