import Foundation
import TorchCore

/// How `allReduce` and `reduceScatter` combine the ranks' values (`torch.distributed.ReduceOp`).
public enum ReduceOp: Int, Sendable, CustomStringConvertible {
    case sum, avg, max, min

    public var description: String { ["sum", "avg", "max", "min"][rawValue] }
}

/// What went wrong in a process group: each says which call, on which rank, and why.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// The MPI library is missing or is not Open MPI.
    case unavailable(String)
    /// MPI reported an error.
    case communication(String)
    /// The ranks called different collectives, or the same one on different sizes.
    case mismatch(String)
    /// A collective did not finish in the group's timeout (a rank stopped or is stuck).
    case timeout(String)

    public var description: String {
        switch self {
        case .unavailable(let s), .communication(let s), .mismatch(let s), .timeout(let s): s
        }
    }
}

/// The processes of one job and the collectives between them (`torch.distributed`'s default
/// process group), over Open MPI.
///
/// Every rank must call the same collectives in the same order. Each blocking collective first
/// compares what every rank is calling (the op, dtype and element count: PyTorch's
/// `TORCH_DISTRIBUTED_DEBUG=DETAIL` check), so a mismatch throws on every rank instead of
/// hanging or corrupting memory, and every wait gives up after `timeout`. After a mismatch or
/// a timeout the group refuses further collectives (MPI's state is then unknown): let the
/// error end the process, which makes `mpirun` stop the other ranks.
///
/// ```swift
/// let group = try Distributed.initProcessGroup()   // one process of one rank without mpirun
/// let t = Tensor([Float(group.rank + 1)])
/// try group.allReduce(t, op: .sum)                 // 3.0 on both ranks of `mpirun -np 2`
/// ```
public final class ProcessGroup: @unchecked Sendable {
    /// This process's rank, `0..<worldSize`.
    public let rank: Int
    /// The number of processes (`get_world_size()`).
    public let worldSize: Int
    /// How long a collective may wait for the other ranks.
    public let timeout: Duration
    let mpi: MPILibrary?
    private let lock = NSLock()
    private var calls = 0
    private var broken: DistributedError?

    init(rank: Int, worldSize: Int, timeout: Duration, mpi: MPILibrary?) {
        (self.rank, self.worldSize, self.timeout, self.mpi) = (rank, worldSize, timeout, mpi)
    }

    // MARK: Collectives

    /// Combines `tensor` across ranks in place: every rank ends with the same result.
    /// `.avg` sums, then divides by `worldSize`.
    public func allReduce(_ tensor: Tensor, op: ReduceOp = .sum) throws {
        let type = try reductionType(tensor, "allReduce")
        // Blocking once every rank has joined (the call check): MPI's tuned allreduce runs
        // large sums about twice as fast as the non-blocking one.
        try collective(.allReduce, tensor, extra: op.rawValue, blocking: true) { mpi, _ in
            mpi.allreduce(MPILibrary.inPlace, tensor.rawPointer, Int32(tensor.numel), type(mpi), try mpiOp(op, mpi), mpi.commWorld)
        }
        if op == .avg && worldSize > 1 { divide(tensor, by: worldSize) }
    }

    /// Copies rank `src`'s `tensor` into every rank's `tensor` (same shape and dtype on all).
    public func broadcast(_ tensor: Tensor, src: Int = 0) throws {
        torchCheck((0..<worldSize).contains(src), "broadcast: src \(src) is not a rank of a group of \(worldSize)")
        try checkContiguous(tensor, "broadcast")
        try collective(.broadcast, tensor, extra: src) { mpi, request in
            mpi.ibcast(tensor.rawPointer, Int32(tensor.numel * tensor.elementSize), mpi.byte, Int32(src), mpi.commWorld, request)
        }
    }

    /// Every rank's `tensor`, in rank order (same shape and dtype on all).
    public func allGather(_ tensor: Tensor) throws -> [Tensor] {
        try checkContiguous(tensor, "allGather")
        let out = Tensor.empty([worldSize] + tensor.shape, dtype: tensor.dtype)
        let bytes = Int32(tensor.numel * tensor.elementSize)
        if worldSize == 1 { _ = noGrad { out[0].copy_(tensor) } }
        try collective(.allGather, tensor, extra: 0, writes: false) { mpi, request in
            mpi.iallgather(tensor.rawPointer, bytes, mpi.byte, out.rawPointer, bytes, mpi.byte, mpi.commWorld, request)
        }
        return (0..<worldSize).map { out[$0] }
    }

    /// Combines `tensor` (`[worldSize · n, ...]`) across ranks and returns this rank's block of
    /// the result, `[n, ...]` (`reduce_scatter_tensor`).
    public func reduceScatter(_ tensor: Tensor, op: ReduceOp = .sum) throws -> Tensor {
        let type = try reductionType(tensor, "reduceScatter")
        torchCheck(tensor.rank >= 1 && tensor.shape[0] % worldSize == 0,
                   "reduceScatter: the first dimension (\(tensor.shape.first ?? 0)) must be a multiple of the world size \(worldSize)")
        let out = Tensor.empty([tensor.shape[0] / worldSize] + tensor.shape.dropFirst(), dtype: tensor.dtype)
        if worldSize == 1 { _ = noGrad { out.copy_(tensor) } }
        try collective(.reduceScatter, tensor, extra: op.rawValue, writes: false) { mpi, request in
            mpi.ireduceScatterBlock(tensor.rawPointer, out.rawPointer, Int32(out.numel), type(mpi), try mpiOp(op, mpi), mpi.commWorld, request)
        }
        if op == .avg && worldSize > 1 { divide(out, by: worldSize) }
        return out
    }

    /// Returns once every rank has called it.
    public func barrier() throws {
        try collective(.barrier, nil, extra: 0) { mpi, request in mpi.ibarrier(mpi.commWorld, request) }
    }

    /// Ends the whole job at once: `MPI_Abort`, which makes `mpirun` stop every rank with
    /// `code`. Without `mpirun`, exits this process with `code`.
    public func abort(code: Int32) -> Never {
        if let mpi { _ = mpi.abort(mpi.commWorld, code) }
        exit(code)
    }

    // MARK: Gradient buckets

    /// A sum across ranks started without waiting (`DistributedDataParallel`'s buckets). The
    /// caller guarantees every rank starts the same buckets in the same order, so no call
    /// description is exchanged first.
    final class PendingSum {
        private let group: ProcessGroup
        private var request: MPILibrary.Request = nil
        private(set) var isDone: Bool

        fileprivate init(group: ProcessGroup, request: MPILibrary.Request, isDone: Bool) {
            (self.group, self.request, self.isDone) = (group, request, isDone)
        }

        /// Lets MPI make progress; whether the sum is complete.
        func test() throws -> Bool {
            guard !isDone, let mpi = group.mpi else { return true }
            var flag: Int32 = 0
            try group.recording { try mpi.check(mpi.test(&request, &flag, nil), "gradient bucket allReduce on rank \(group.rank)") }
            isDone = flag != 0
            return isDone
        }

        /// Waits for the sum (at most the group's timeout).
        func wait() throws {
            guard !isDone, let mpi = group.mpi else { return }
            try group.recording { try group.wait(&request, "gradient bucket allReduce", mpi) }
            isDone = true
        }
    }

    /// Starts summing `tensor` (contiguous float32 or float64) in place across ranks.
    func startSum(_ tensor: Tensor) throws -> PendingSum {
        let type = try reductionType(tensor, "allReduce")
        guard let mpi, worldSize > 1 else { return PendingSum(group: self, request: nil, isDone: true) }
        var request: MPILibrary.Request = nil
        try recording {
            try mpi.check(mpi.iallreduce(MPILibrary.inPlace, tensor.rawPointer, Int32(tensor.numel), type(mpi), mpi.sum, mpi.commWorld, &request),
                          "gradient bucket allReduce on rank \(rank)")
        }
        tensor.markWritten()
        return PendingSum(group: self, request: request, isDone: false)
    }

    /// Runs `body`; an error it throws breaks the group.
    private func recording(_ body: () throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        if let broken { throw broken }
        do { try body() } catch let error as DistributedError {
            broken = error
            throw error
        }
    }

    // MARK: Plumbing

    /// Whether no collective has failed.
    var isHealthy: Bool {
        lock.lock()
        defer { lock.unlock() }
        return broken == nil
    }

    enum Kind: Int {
        case allReduce, broadcast, allGather, reduceScatter, barrier, bucket

        var name: String { ["allReduce", "broadcast", "allGather", "reduceScatter", "barrier", "gradient bucket allReduce"][rawValue] }
    }

    /// Checks that all ranks make the same call, then runs `start` and waits for it.
    /// `blocking`: `start` runs the whole collective (it returns when done). `tensor` is
    /// described to the other ranks and, when `writes`, counted as written in place.
    private func collective(_ kind: Kind, _ tensor: Tensor?, extra: Int, blocking: Bool = false, writes: Bool = true,
                            _ start: (MPILibrary, UnsafeMutablePointer<MPILibrary.Request>) throws -> Int32) throws {
        lock.lock()
        defer { lock.unlock() }
        if let broken { throw broken }
        calls += 1
        guard let mpi, worldSize > 1 else { return }
        let call = calls
        do {
            try agree(kind, tensor, extra: extra, call: call, mpi)
            var request: MPILibrary.Request = nil
            try mpi.check(try start(mpi, &request), "\(kind.name) (call \(call)) on rank \(rank)")
            if !blocking { try wait(&request, "\(kind.name) (call \(call))", mpi) }
            if writes { tensor?.markWritten() }
        } catch let error as DistributedError {
            broken = error
            throw error
        }
    }

    /// Gathers every rank's description of the call it is making and throws on any difference.
    private func agree(_ kind: Kind, _ tensor: Tensor?, extra: Int, call: Int, _ mpi: MPILibrary) throws {
        let fields = 5
        var mine: [Int64] = [Int64(call), Int64(kind.rawValue), Int64(tensor.map { dtypeCode($0.dtype) } ?? -1), Int64(tensor?.numel ?? 0), Int64(extra)]
        var all = [Int64](repeating: 0, count: fields * worldSize)
        var request: MPILibrary.Request = nil
        try mine.withUnsafeMutableBytes { send in
            try all.withUnsafeMutableBytes { receive in
                try mpi.check(mpi.iallgather(send.baseAddress, Int32(fields), mpi.int64, receive.baseAddress, Int32(fields), mpi.int64, mpi.commWorld, &request),
                              "\(kind.name) (call \(call)) on rank \(rank)")
                try wait(&request, "\(kind.name) (call \(call)), waiting for the other ranks to join it", mpi)
            }
        }
        let rows = (0..<worldSize).map { Array(all[$0 * fields..<($0 + 1) * fields]) }
        guard rows.allSatisfy({ $0 == rows[rank] }) else {
            let described = rows.enumerated().map { r, row in "rank \(r) calls \(describe(row))" }.joined(separator: ", ")
            throw DistributedError.mismatch("collective mismatch on rank \(rank): \(described)")
        }
    }

    /// Polls `request` until it completes or the timeout passes. MPI moves a collective on only
    /// inside its calls, so the first second is spent polling (a blocking collective spins the
    /// same way); after that, a rank waiting on a slower one polls every 0.2 ms.
    func wait(_ request: inout MPILibrary.Request, _ what: String, _ mpi: MPILibrary) throws {
        let start = ContinuousClock.now, deadline = start + timeout
        var done: Int32 = 0, polls = 0, patient = false
        while true {
            try mpi.check(mpi.test(&request, &done, nil), "\(what) on rank \(rank)")
            if done != 0 { return }
            polls += 1
            if patient {
                usleep(200)
            } else if polls % 1_024 == 0 {
                patient = ContinuousClock.now - start > .seconds(1)
            }
            if (patient || polls % 1_024 == 0) && ContinuousClock.now > deadline {
                throw DistributedError.timeout("\(what) on rank \(rank) did not finish within \(timeout): a rank has stopped, or is stuck or calling something else")
            }
        }
    }

    private func describe(_ row: [Int64]) -> String {
        let kind = Kind(rawValue: Int(row[1]))?.name ?? "?"
        let dtype = DType.allCases.first { dtypeCode($0) == Int(row[2]) }.map { " of \(row[3]) \($0.name) elements" } ?? ""
        let detail = switch Kind(rawValue: Int(row[1])) {
        case .allReduce, .reduceScatter: " (\(ReduceOp(rawValue: Int(row[4]))?.description ?? "?"))"
        case .broadcast: " from rank \(row[4])"
        default: ""
        }
        return "\(kind)\(detail)\(dtype) as its call \(row[0])"
    }

    private func dtypeCode(_ dtype: DType) -> Int { DType.allCases.firstIndex(of: dtype) ?? -1 }

    private func checkContiguous(_ tensor: Tensor, _ op: String) throws {
        torchCheck(tensor.isContiguous, "\(op): the tensor must be contiguous")
        torchCheck(tensor.numel * tensor.elementSize <= Int(Int32.max), "\(op): tensors of 2 GiB or more are not supported")
    }

    private func reductionType(_ tensor: Tensor, _ op: String) throws -> (MPILibrary) -> MPILibrary.Handle {
        try checkContiguous(tensor, op)
        switch tensor.dtype {
        case .float32: return { $0.float32 }
        case .float64: return { $0.float64 }
        case .int64: return { $0.int64 }
        case .int32: return { $0.int32 }
        default: fatalError("\(op): \(tensor.dtype.name) tensors are not supported (float32, float64, int32, int64)")
        }
    }

    private func divide(_ tensor: Tensor, by n: Int) {
        noGrad {
            if tensor.dtype.isFloatingPoint { tensor /= Double(n) } else { _ = tensor.copy_(tensor.floorDivide(Int64(n))) }
        }
    }
}

private func mpiOp(_ op: ReduceOp, _ mpi: MPILibrary) throws -> MPILibrary.Handle {
    switch op {
    case .sum, .avg: mpi.sum
    case .max: mpi.max
    case .min: mpi.min
    }
}
