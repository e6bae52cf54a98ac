/// Batches of an iterable dataset, in the order the dataset gives its samples
/// (`DataLoader` over an `IterableDataset`): no sampler, no shuffle, no workers.
///
/// ```swift
/// struct Stream: IterableDataset {
///     func makeIterator() -> some IteratorProtocol<Tensor> { (0..<10).lazy.map { Tensor([Float($0)]) }.makeIterator() }
/// }
/// for batch in IterableDataLoader(Stream(), batchSize: 4, collate: defaultCollate) { print(batch.shape) }
/// // [4, 1], [4, 1], [2, 1]
/// ```
public struct IterableDataLoader<D: IterableDataset, Batch>: Sequence {
    /// The stream of samples.
    public let dataset: D
    /// Samples per batch.
    public let batchSize: Int
    /// Whether the last, short batch is dropped.
    public let dropLast: Bool
    private let collate: ([D.Element]) throws -> Batch

    public init(_ dataset: D, batchSize: Int = 1, collate: @escaping ([D.Element]) throws -> Batch,
                dropLast: Bool = false) {
        torchCheck(batchSize > 0, "batch_size should be a positive integer value, but got batch_size=\(batchSize)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.collate = collate
    }

    /// Runs `body` on each batch, throwing the first error from `collate` or `body`.
    public func forEach(_ body: (Batch) throws -> Void) throws {
        var iterator = ThrowingIterator(samples: dataset.makeIterator(), loader: self)
        while let batch = try iterator.next() { try body(batch) }
    }

    /// A pass whose `next()` throws a failed batch's error.
    public func batches() -> ThrowingIterator { ThrowingIterator(samples: dataset.makeIterator(), loader: self) }

    public func makeIterator() -> Iterator { Iterator(inner: batches()) }

    /// One pass; `next()` throws the error of a batch that fails to collate.
    public struct ThrowingIterator {
        var samples: D.Iterator
        let loader: IterableDataLoader
        public mutating func next() throws -> Batch? {
            var chunk: [D.Element] = []
            chunk.reserveCapacity(loader.batchSize)
            while chunk.count < loader.batchSize, let s = samples.next() { chunk.append(s) }
            if chunk.isEmpty || (loader.dropLast && chunk.count < loader.batchSize) { return nil }
            return try loader.collate(chunk)
        }
    }

    /// One pass for a `for` loop; a failed batch stops the program with its error.
    public struct Iterator: IteratorProtocol {
        var inner: ThrowingIterator
        public mutating func next() -> Batch? {
            do {
                return try inner.next()
            } catch {
                torchCheck(false, "IterableDataLoader: a batch failed: \(error). A for-in loop can't throw; "
                    + "use `try loader.forEach { ... }` or `loader.batches()` to catch the error.")
                return nil
            }
        }
    }
}
