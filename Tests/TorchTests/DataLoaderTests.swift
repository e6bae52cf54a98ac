import Foundation
import Synchronization
import Testing
import TorchCore
import TorchData

/// Fixtures come from scripts/fixtures/dataloader.py (PyTorch 1.13): the index orders of
/// shuffled loaders, samplers and random_split for seeds 0 and 42.
@Suite struct DataLoaderTests {
    let f = Fixture("dataloader")

    /// Ten samples: `(tensor([i, 10 i]), i % 3)`.
    struct Toy: Dataset {
        var count: Int = 10
        subscript(index: Int) -> (Tensor, Int) { (Tensor([Float(index), Float(10 * index)]), index % 3) }
    }

    struct CustomError: Error, Equatable { let batch: Int }

    /// The dataset indices a loader over `TensorDataset(arange(n))` delivers, batch by batch.
    private func batches(_ loader: DataLoader<TensorDataset<Tensor>, Tensor>) -> [[Int]] {
        loader.map { $0.toArray(Int64.self).map { Int($0) } }
    }

    private func arange(_ n: Int) -> TensorDataset<Tensor> { TensorDataset(Tensor.arange(n)) }

    private func expected(_ key: String) -> [Int] { f[key].toArray(Int64.self).map { Int($0) } }

    // MARK: Datasets

    @Test func tensorDatasetSubsetConcat() {
        let x = Tensor.arange(12).reshape([6, 2]), y = Tensor.arange(6) * 10
        let pairs = TensorDataset(x, y)
        #expect(pairs.count == 6)
        let (x3, y3) = pairs[3]
        #expect(x3.toArray(Int64.self) == [6, 7] && y3.item(Int64.self) == 30 && y3.shape == [])
        let lists = TensorDataset(tensors: [x, y, y])
        #expect(lists[5].count == 3 && lists[5][2].item(Int64.self) == 50)

        let sub = Subset(pairs, indices: [5, 0, 2])
        #expect(sub.count == 3 && sub[0].1.item(Int64.self) == 50 && sub[2].1.item(Int64.self) == 20)

        let both = ConcatDataset<(Tensor, Tensor)>([pairs, sub, TensorDataset(x[0..<1], y[0..<1])])
        #expect(both.count == 10 && both.cumulativeSizes == [6, 9, 10])
        #expect([0, 5, 6, 8, 9].map { both[$0].1.item(Int64.self) } == [0, 50, 50, 20, 0])
    }

    @Test func randomSplitMatchesPyTorch() {
        for seed: UInt64 in [0, 42] {
            let ints = randomSplit(arange(10), lengths: [7, 3], generator: Generator(seed: seed))
            #expect(ints.map(\.indices) == f.value("split_ints\(seed)", as: [[Int]].self))
            let fracs = randomSplit(arange(11), lengths: [0.5, 0.3, 0.2], generator: Generator(seed: seed))
            #expect(fracs.map(\.indices) == f.value("split_fracs\(seed)", as: [[Int]].self))
            #expect(fracs.map(\.count) == [6, 3, 2])
        }
    }

    // MARK: Batching

    @Test(arguments: [(3, false, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]),
                      (3, true, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]),
                      (5, false, [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]),
                      (5, true, [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]),
                      (1, false, (0..<10).map { [$0] }),
                      (20, false, [Array(0..<10)]),
                      (20, true, [])])
    func batchSizesAndDropLast(batchSize: Int, dropLast: Bool, expected: [[Int]]) {
        let loader = DataLoader(arange(10), batchSize: batchSize, dropLast: dropLast)
        #expect(loader.count == expected.count)
        #expect(batches(loader) == expected)
    }

    @Test func defaultBatchSizeIsOne() {
        let loader = DataLoader(Toy())
        #expect(loader.count == 10 && loader.batchSize == 1)
        let (x, y) = Array(loader)[4]
        #expect(x.shape == [1, 2] && y.toArray(Int64.self) == [1])
    }

    @Test(arguments: [UInt64(0), 42])
    func shuffleWithGeneratorMatchesPyTorch(seed: UInt64) {
        // Two passes over one loader: a new permutation each pass, as PyTorch.
        let loader = DataLoader(arange(10), batchSize: 3, shuffle: true, generator: Generator(seed: seed))
        let first = batches(loader), second = batches(loader)
        #expect(first.map(\.count) == [3, 3, 3, 1])
        #expect((first + second).flatMap { $0 } == expected("loader_gen\(seed)_bs3"))
        #expect(first != second)
    }

    @Test(arguments: [UInt64(0), 42])
    func shuffleWithGlobalSeedMatchesPyTorch(seed: UInt64) {
        // torch.manual_seed(seed) then DataLoader(shuffle=True), on a scoped default generator.
        let order = Generator.withDefault(Generator(seed: seed)) {
            let loader = DataLoader(arange(10), batchSize: 4, shuffle: true)
            return (batches(loader) + batches(loader)).flatMap { $0 }
        }
        #expect(order == expected("loader_global\(seed)_bs4"))
    }

    @Test func sameSeedSameBatches() {
        func run(_ seed: UInt64) -> [[Int]] {
            batches(DataLoader(arange(50), batchSize: 7, shuffle: true, generator: Generator(seed: seed)))
        }
        #expect(run(3) == run(3))
        #expect(run(3) != run(4))
        #expect(run(3).flatMap { $0 }.sorted() == Array(0..<50))
    }

    // MARK: Samplers

    @Test(arguments: [UInt64(0), 42])
    func randomSamplersMatchPyTorch(seed: UInt64) {
        let s = RandomSampler(count: 10, generator: Generator(seed: seed))
        #expect(s.count == 10)
        #expect(Array(s) + Array(s) == expected("sampler_gen\(seed)"))
        let repl = RandomSampler(count: 10, replacement: true, numSamples: 40, generator: Generator(seed: seed))
        #expect(repl.count == 40 && Array(repl) == expected("sampler_repl\(seed)_n40"))
        let more = RandomSampler(count: 10, numSamples: 25, generator: Generator(seed: seed))
        #expect(Array(more) == expected("sampler_num25_\(seed)"))
        let subset = SubsetRandomSampler([3, 5, 7, 11, 13, 17], generator: Generator(seed: seed))
        #expect(subset.count == 6 && Array(subset) == expected("subset_\(seed)"))
    }

    @Test func sequentialAndBatchSamplers() {
        #expect(Array(SequentialSampler(count: 4)) == [0, 1, 2, 3])
        #expect(SequentialSampler(Toy()).count == 10)
        let b = BatchSampler(SequentialSampler(count: 10), batchSize: 4, dropLast: false)
        #expect(b.count == 3 && Array(b) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        let d = BatchSampler(SequentialSampler(count: 10), batchSize: 4, dropLast: true)
        #expect(d.count == 2 && Array(d) == [[0, 1, 2, 3], [4, 5, 6, 7]])
    }

    @Test func weightedRandomSampler() {
        let weights = [1.0, 0, 3, 0, 6]
        let s = WeightedRandomSampler(weights: weights, numSamples: 5000, generator: Generator(seed: 1))
        let draws = Array(s)
        #expect(draws.count == 5000 && s.count == 5000)
        #expect(draws == Array(WeightedRandomSampler(weights: weights, numSamples: 5000, generator: Generator(seed: 1))))
        #expect(draws != Array(s))   // a new draw each pass
        var freq = [Int](repeating: 0, count: 5)
        for i in draws { freq[i] += 1 }
        #expect(freq[1] == 0 && freq[3] == 0)
        #expect(abs(Double(freq[0]) / 5000 - 0.1) < 0.02 && abs(Double(freq[4]) / 5000 - 0.6) < 0.03)

        let distinct = WeightedRandomSampler(weights: weights, numSamples: 3, replacement: false, generator: Generator(seed: 2))
        let picked = Array(distinct)
        #expect(picked.count == 3 && Set(picked) == [0, 2, 4])
        // The heaviest index comes first most of the time.
        let firsts = (0..<400).map { seed in Array(WeightedRandomSampler(
            weights: weights, numSamples: 1, replacement: false, generator: Generator(seed: UInt64(seed))))[0] }
        #expect(firsts.filter { $0 == 4 }.count > 200 && !firsts.contains(1))
    }

    @Test func loaderWithSamplerAndBatchSampler() {
        let bySampler = DataLoader(arange(10), batchSize: 2,
                                   sampler: SubsetRandomSampler([1, 3, 5], generator: Generator(seed: 0)))
        #expect(bySampler.count == 2)
        #expect(batches(bySampler).flatMap { $0 }.sorted() == [1, 3, 5])
        let custom = DataLoader(arange(10), batchSampler: BatchSampler(SequentialSampler(count: 5), batchSize: 2, dropLast: true))
        #expect(custom.count == 2 && custom.batchSize == nil)
        #expect(batches(custom) == [[0, 1], [2, 3]])
    }

    // MARK: Collation

    @Test func collatesTuplesDictionariesAndArrays() throws {
        let loader = DataLoader(Toy(), batchSize: 4)
        let (x, y) = Array(loader)[1]
        #expect(x.shape == [4, 2] && x.dtype == .float32 && x.toArray(Float.self) == [4, 40, 5, 50, 6, 60, 7, 70])
        #expect(y.dtype == .int64 && y.toArray(Int64.self) == [1, 2, 0, 1])

        let pairs = DataLoader(TensorDataset(Tensor.arange(6).reshape([3, 2]), Tensor.arange(3)), batchSize: 2)
        let (px, py) = Array(pairs)[0]
        #expect(px.shape == [2, 2] && py.toArray(Int64.self) == [0, 1])

        let arrays = DataLoader(TensorDataset(tensors: [Tensor.arange(4), Tensor.arange(8).reshape([4, 2])]), batchSize: 3)
        let first = Array(arrays)[0]
        #expect(first.count == 2 && first[0].shape == [3] && first[1].shape == [3, 2])

        struct Dicts: Dataset {
            var count: Int { 5 }
            subscript(index: Int) -> [String: Tensor] {
                ["image": Tensor.full([1, 2], Double(index)), "label": Tensor(scalar: Int64(index))]
            }
        }
        let dict = Array(DataLoader(Dicts(), batchSize: 2))
        #expect(dict.count == 3 && dict[2]["image"]!.shape == [1, 1, 2] && dict[1]["label"]!.toArray(Int64.self) == [2, 3])

        let doubles = try defaultCollate([(Tensor([1.0]), 0.5), (Tensor([2.0]), 1.5)])
        #expect(doubles.1.dtype == .float64 && doubles.1.toArray(Double.self) == [0.5, 1.5])
    }

    @Test func customCollateAndShapeErrors() throws {
        let sums = DataLoader(Toy(), batchSize: 4, collate: { samples in samples.map(\.1).reduce(0, +) })
        #expect(Array(sums) == [0 + 1 + 2 + 0, 1 + 2 + 0 + 1, 2 + 0])

        #expect(throws: DataLoaderError("stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1")) {
            try defaultCollate([Tensor.zeros([2]), Tensor.zeros([3])])
        }
        #expect(throws: DataLoaderError.self) { try defaultCollate([[Tensor.zeros([2])], []]) }
    }

    @Test func iterableDataset() {
        struct Stream: IterableDataset {
            func makeIterator() -> some IteratorProtocol<Tensor> { (0..<7).lazy.map { Tensor([Float($0)]) }.makeIterator() }
        }
        let shapes = IterableDataLoader(Stream(), batchSize: 3, collate: defaultCollate).map(\.shape)
        #expect(shapes == [[3, 1], [3, 1], [1, 1]])
        #expect(IterableDataLoader(Stream(), batchSize: 3, collate: defaultCollate, dropLast: true).map(\.shape).count == 2)
    }

    // MARK: Workers

    @Test(arguments: [1, 2, 4])
    func workersGiveIdenticalBatches(numWorkers: Int) {
        func run(_ workers: Int, prefetch: Int = 2) -> [[Float]] {
            let loader = DataLoader(Toy(count: 103), batchSize: 8, shuffle: true, numWorkers: workers,
                                    generator: Generator(seed: 7), prefetchFactor: prefetch)
            return loader.map { x, y in x.toArray(Float.self) + y.toArray(Int64.self).map(Float.init) }
        }
        let reference = run(0)
        #expect(reference.count == 13)
        #expect(run(numWorkers) == reference)
        #expect(run(numWorkers, prefetch: 1) == reference)
        #expect(run(numWorkers, prefetch: 5) == reference)
    }

    @Test func workersSeedRandomTransformsRepeatably() {
        // A dataset that draws from the default generator, as random transforms do: each
        // worker has its own generator seeded from the loader's, so a seed repeats.
        struct Noisy: Dataset {
            var count: Int { 20 }
            subscript(index: Int) -> Tensor { Tensor.rand([3]) + Double(index) }
        }
        func run() -> [[Float]] {
            DataLoader(Noisy(), batchSize: 3, numWorkers: 2, generator: Generator(seed: 5)).map { $0.toArray(Float.self) }
        }
        #expect(run() == run())
    }

    @Test func prefetchIsBounded() throws {
        final class Counter: Sendable { let fetched = Atomic<Int>(0) }
        struct Counting: Dataset {
            let counter: Counter
            var count: Int { 100 }
            subscript(index: Int) -> Tensor {
                counter.fetched.add(1, ordering: .relaxed)
                return Tensor([Float(index)])
            }
        }
        let counter = Counter()
        // 2 workers x prefetch 2: while batch 0 is out, at most batches 1...4 may be made.
        let loader = DataLoader(Counting(counter: counter), batchSize: 1, numWorkers: 2, prefetchFactor: 2)
        var batches = loader.batches()
        _ = try batches.next()
        Thread.sleep(forTimeInterval: 0.2)
        let fetched = counter.fetched.load(ordering: .relaxed)
        #expect(fetched <= 5 && fetched >= 2)
    }

    @Test func breakingEarlyStopsWorkers() {
        let loader = DataLoader(Toy(count: 1000), batchSize: 2, numWorkers: 4)
        for _ in 0..<3 {
            var seen = 0
            for _ in loader { seen += 1; if seen == 3 { break } }
            #expect(seen == 3)
        }
    }

    @Test(arguments: [0, 1, 2, 4])
    func workerErrorIsThrown(numWorkers: Int) {
        let loader = DataLoader(Toy(count: 40), batchSize: 4, numWorkers: numWorkers, collate: { samples -> Int in
            let first = samples[0].1, index = Int(samples[0].0.toArray(Float.self)[0])
            if index == 12 { throw CustomError(batch: index / 4) }
            return first
        })
        var delivered = 0
        #expect(throws: CustomError(batch: 3)) {
            try loader.forEach { _ in delivered += 1 }
        }
        #expect(delivered == 3)
        var iterator = loader.batches()
        var count = 0
        #expect(throws: CustomError.self) { while try iterator.next() != nil { count += 1 } }
        #expect(count == 3)
        #expect((try? iterator.next()) == nil)   // the pass is over after an error
    }

    /// A dataset whose reads can fail, as one reading files lazily would.
    struct Unreadable: Dataset {
        var count: Int { 40 }
        subscript(index: Int) -> (Tensor, Int) { (Tensor([Float(index)]), index) }
        func sample(at index: Int) throws -> (Tensor, Int) {
            if index == 21 { throw CustomError(batch: index / 4) }
            return self[index]
        }
    }

    @Test(arguments: [0, 1, 2, 4])
    func datasetReadErrorIsThrown(numWorkers: Int) {
        let loader = DataLoader(Unreadable(), batchSize: 4, numWorkers: numWorkers)
        var delivered = 0
        #expect(throws: CustomError(batch: 5)) {
            try loader.forEach { _ in delivered += 1 }
        }
        #expect(delivered == 5)
        let subset = DataLoader(Subset(Unreadable(), indices: Array(16..<40)), batchSize: 4, numWorkers: numWorkers)
        #expect(throws: CustomError(batch: 5)) { try subset.forEach { _ in } }
    }

    @Test func forLoopStopsWithMessageOnError() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let loader = DataLoader(Toy(), batchSize: 4, numWorkers: 2, collate: { (_: [(Tensor, Int)]) -> Int in
                throw DataLoaderError("bad batch")
            })
            for _ in loader {}
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("DataLoader: a batch failed: bad batch"))
        #expect(text.contains("loader.forEach"))
    }
}
