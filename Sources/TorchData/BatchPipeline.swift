import Foundation

/// A value handed to worker threads. The loader only reads datasets and collate functions
/// from several threads (see ``Dataset``), and each batch is owned by one thread at a time.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
}

/// Produces one epoch's batches, in batch-sampler order, either on the caller's thread
/// (`numWorkers == 0`) or on worker threads that prefetch ahead.
///
/// With workers, batch `b` is made by worker `b % numWorkers` (as PyTorch deals batches
/// round robin), and no worker starts batch `b` until batch `b - numWorkers * prefetchFactor`
/// has been delivered: at most that many batches are in flight. Each worker runs with its
/// own default generator seeded `baseSeed + worker` (PyTorch seeds workers the same way),
/// so random transforms in a dataset repeat for a seed.
final class BatchPipeline<D: Dataset, Batch> {
    private let fetch: (Int) throws -> Batch
    private let total: Int
    private var next = 0
    private var finished = false
    private let workers: Workers<Batch>?

    init(dataset: D, batches: [[Int]], collate: @escaping ([D.Sample]) throws -> Batch,
         numWorkers: Int, prefetchFactor: Int, baseSeed: Int64) {
        let shared = UncheckedSendable(value: (dataset, batches, collate))
        fetch = { b in
            let (dataset, batches, collate) = shared.value
            return try collate(batches[b].map { try dataset.sample(at: $0) })
        }
        total = batches.count
        workers = numWorkers > 0 && total > 0
            ? Workers(count: numWorkers, limit: numWorkers * prefetchFactor, total: total,
                      baseSeed: baseSeed, fetch: UncheckedSendable(value: fetch))
            : nil
    }

    deinit { workers?.cancel() }

    /// The next batch, `nil` after the last one or after an error was thrown.
    func nextBatch() throws -> Batch? {
        guard !finished, next < total else { finished = true; workers?.cancel(); return nil }
        let b = next
        next += 1
        do {
            if let workers { return try workers.take(b) }
            return try fetch(b)
        } catch {
            finished = true
            workers?.cancel()
            throw error
        }
    }
}

/// Worker threads and the results they leave, guarded by one condition variable.
private final class Workers<Batch>: @unchecked Sendable {
    private let condition = NSCondition()
    private var results: [Int: Result<UncheckedSendable<Batch>, any Error>] = [:]
    private var delivered = 0
    private var cancelled = false
    private let limit: Int

    init(count: Int, limit: Int, total: Int, baseSeed: Int64,
         fetch: UncheckedSendable<(Int) throws -> Batch>) {
        self.limit = max(limit, 1)
        for w in 0..<count {
            let seed = UInt64(bitPattern: baseSeed &+ Int64(w))
            let thread = Thread { [self] in
                // Kernels in a worker (transforms, collation) stay on its thread: the pool is the training thread's.
                Generator.withDefault(Generator(seed: seed)) {
                    withSerialKernels { self.run(worker: w, count: count, total: total, fetch: fetch.value) }
                }
            }
            thread.name = "swifttorch-dataloader-\(w)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func run(worker: Int, count: Int, total: Int, fetch: (Int) throws -> Batch) {
        var b = worker
        while b < total {
            condition.lock()
            while !cancelled && b >= delivered + limit { condition.wait() }
            let stop = cancelled
            condition.unlock()
            if stop { return }
            let result: Result<UncheckedSendable<Batch>, any Error>
            do { result = .success(UncheckedSendable(value: try fetch(b))) } catch { result = .failure(error) }
            condition.lock()
            results[b] = result
            condition.broadcast()
            condition.unlock()
            if case .failure = result { return }
            b += count
        }
    }

    /// Waits for batch `b` (the next one in order) and returns it or throws its error.
    func take(_ b: Int) throws -> Batch {
        condition.lock()
        while results[b] == nil { condition.wait() }
        let result = results.removeValue(forKey: b)!
        delivered = b + 1
        condition.broadcast()
        condition.unlock()
        return try result.get().value
    }

    /// Tells the workers to stop after their current batch.
    func cancel() {
        condition.lock()
        cancelled = true
        results.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
