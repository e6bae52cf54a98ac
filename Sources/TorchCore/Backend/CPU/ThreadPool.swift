import Foundation
import Synchronization

/// One persistent pool of worker threads that splits large kernels over the cores.
///
/// A parallel region costs well under a microsecond when workers are awake (they spin
/// briefly before sleeping), against ~40 µs for `DispatchQueue.concurrentPerform`. Work is
/// chunked statically, and a region wakes only the workers it uses. A region started while
/// another is running (from a worker, a second user thread, or a DataLoader worker inside
/// `withSerialKernels`) runs serially on its own thread instead of waiting.
final class ThreadPool: @unchecked Sendable {
    static let shared = ThreadPool(threads: ThreadPool.defaultThreadCount)

    /// Total threads including the caller's.
    let maxThreads: Int
    private let active = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let pending = Atomic<Int>(0)
    private let slots: [WorkerSlot]
    private nonisolated(unsafe) var job: ((Int) -> Void)?
    private nonisolated(unsafe) var taskCount = 0
    private nonisolated(unsafe) var threadCount = 0

    /// Regions started inside `withSerialKernels` run on the calling thread.
    @TaskLocal static var serial = false

    /// `SWIFTTORCH_NUM_THREADS` when set, else the cores this process may run on (its CPU
    /// affinity mask, so a rank pinned to one core gets one thread).
    static var defaultThreadCount: Int {
        if let s = ProcessInfo.processInfo.environment["SWIFTTORCH_NUM_THREADS"], let n = Int(s), n > 0 { return n }
        let online = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return min(online, affinityCount() ?? online)
    }

    /// The number of CPUs in this process's affinity mask, where the system says.
    static func affinityCount() -> Int? {
        #if os(Linux)
        // Glibc's module leaves out the GNU extension; look it up instead.
        typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "sched_getaffinity") else { return nil }
        var mask = [UInt64](repeating: 0, count: 16)  // 1024 CPUs, glibc's cpu_set_t
        let status = mask.withUnsafeMutableBytes {
            unsafeBitCast(symbol, to: GetAffinity.self)(0, $0.count, $0.baseAddress!)
        }
        let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
        return status == 0 && count > 0 ? count : nil
        #else
        return nil
        #endif
    }

    init(threads: Int) {
        maxThreads = threads
        active.store(threads, ordering: .relaxed)
        slots = (0..<max(threads, 1)).map { _ in WorkerSlot() }
        for worker in 1..<max(threads, 1) {
            let t = Thread { [unowned self] in self.workerLoop(worker) }
            t.name = "swifttorch-\(worker)"
            t.start()
        }
    }

    /// Threads used per region (`torch.get_num_threads()`), at most `maxThreads`.
    var numThreads: Int {
        get { active.load(ordering: .relaxed) }
        set { active.store(min(max(1, newValue), maxThreads), ordering: .relaxed) }
    }

    /// Calls `body(i)` for every `i` in `0..<tasks`, spread over the pool; returns when all are done.
    func run(tasks: Int, _ body: (Int) -> Void) {
        let threads = min(tasks, numThreads)
        if threads <= 1 || ThreadPool.serial
            || !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            for i in 0..<tasks { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            taskCount = tasks
            threadCount = threads
            pending.store(threads - 1, ordering: .relaxed)
            for worker in 1..<threads { slots[worker].post() }
            var i = 0
            while i < tasks { body(i); i += threads }
            // A descheduled worker (the machine is shared) should not cost a whole time slice of spinning.
            var spins = 0
            while pending.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > 4_000 { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    private func workerLoop(_ worker: Int) {
        let slot = slots[worker]
        var seen = 0
        while true {
            seen = slot.wait(after: seen)
            if let job {
                var i = worker
                while i < taskCount { job(i); i += threadCount }
            }
            pending.subtract(1, ordering: .releasing)
        }
    }
}

/// One worker's wake-up signal: a counter it spins on for a while, then sleeps beside.
private final class WorkerSlot: @unchecked Sendable {
    private let generation = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let condition = NSCondition()

    /// Starts the worker on the region just published.
    func post() {
        generation.add(1, ordering: .sequentiallyConsistent)
        if sleeping.load(ordering: .sequentiallyConsistent) {
            condition.lock()
            condition.signal()
            condition.unlock()
        }
    }

    /// Returns the generation after `seen`, spinning first and then sleeping.
    func wait(after seen: Int) -> Int {
        for _ in 0..<50_000 {
            let g = generation.load(ordering: .acquiring)
            if g != seen { return g }
        }
        // Then about a millisecond more (a small batch's gap between regions), yielding
        // the core to any other runnable thread, such as a DataLoader worker.
        for _ in 0..<1_000 {
            let g = generation.load(ordering: .acquiring)
            if g != seen { return g }
            sched_yield()
        }
        condition.lock()
        sleeping.store(true, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen { condition.wait() }
        sleeping.store(false, ordering: .relaxed)
        condition.unlock()
        return generation.load(ordering: .acquiring)
    }
}

/// Splits `0..<count` into contiguous ranges of at least `grain` elements and runs them
/// over the pool; below `grain` it runs inline on the calling thread.
func parallelFor(_ count: Int, grain: Int = 32_768, _ body: (Range<Int>) -> Void) {
    let pool = ThreadPool.shared
    let chunks = min(pool.numThreads, count / max(grain, 1))
    if chunks <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    pool.run(tasks: chunks) { c in
        let lo = count * c / chunks, hi = count * (c + 1) / chunks
        body(lo..<hi)
    }
}

/// The number of threads kernels use (`torch.get_num_threads()`).
public func getNumThreads() -> Int { ThreadPool.shared.numThreads }

/// Sets the number of threads kernels use (`torch.set_num_threads`), at most the number of
/// cores the process started with (or `SWIFTTORCH_NUM_THREADS`).
public func setNumThreads(_ n: Int) { ThreadPool.shared.numThreads = n }

/// Runs `body` with every kernel inside it on the calling thread, leaving the pool to the
/// training thread: DataLoader workers load batches this way.
package func withSerialKernels<R>(_ body: () throws -> R) rethrows -> R {
    try ThreadPool.$serial.withValue(true, operation: body)
}
