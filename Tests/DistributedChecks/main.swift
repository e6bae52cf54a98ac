// Checks that need several processes, run by scripts/test-distributed under `mpirun -np 2`:
//   distributed-checks all        collectives, DDP against one process on the full batch, no_sync,
//                                 unused parameters, buffer broadcasts; prints its count of checks
//   distributed-checks mismatch   ranks call allReduce on different sizes: both must throw
//   distributed-checks timeout    rank 1 never joins a barrier: rank 0 must throw within the timeout
//   distributed-checks die        rank 1 exits with status 3 mid-training: mpirun must stop the job
import Foundation
import Torch
import TorchDistributed

nonisolated(unsafe) var checks = 0
nonisolated(unsafe) var failures = 0

func check(_ condition: Bool, _ what: @autoclosure () -> String) {
    checks += 1
    if !condition {
        failures += 1
        print("rank \(Distributed.rank): FAILED \(what())")
    }
}

func flat(_ tensors: [Tensor]) -> Tensor { noGrad { Tensor.cat(tensors.map { $0.detach().reshape([-1]) }) } }

func maxDifference(_ a: [Tensor], _ b: [Tensor]) -> Double { noGrad { (flat(a) - flat(b)).abs().max().item() } }

/// Whether every rank holds the same bits.
func identicalOnAllRanks(_ t: Tensor, _ group: ProcessGroup) throws -> Bool {
    let all = try group.allGather(t.contiguous())
    return all.allSatisfy { $0.toArray(Float.self) == all[0].toArray(Float.self) }
}

func collectives(_ group: ProcessGroup) throws {
    let (rank, size) = (group.rank, group.worldSize)
    let ranks = (0..<size).map(Double.init)
    for (op, expected) in [(ReduceOp.sum, ranks.reduce(0, +) + Double(size)), (.avg, ranks.reduce(0, +) / Double(size) + 1),
                           (.max, Double(size)), (.min, 1)] {
        for dtype in [DType.float32, .float64, .int64] where dtype != .int64 || op != .avg {
            let t = Tensor.full([5], Double(rank + 1), dtype: dtype)
            try group.allReduce(t, op: op)
            let values = t.to(dtype: .float64).toArray(Double.self)
            check(values == Array(repeating: expected, count: 5), "allReduce \(op) \(dtype): \(values)")
        }
    }
    let b = Tensor.full([3], Double(rank * 10), dtype: .float32)
    try group.broadcast(b, src: size - 1)
    check(b.toArray(Float.self) == Array(repeating: Float((size - 1) * 10), count: 3), "broadcast from the last rank")
    let gathered = try group.allGather(Tensor([Int64(rank), Int64(rank * rank)], shape: [2], dtype: .int64))
    check(gathered.map { $0.toArray(Int64.self) } == (0..<size).map { [Int64($0), Int64($0 * $0)] }, "allGather")
    let scattered = try group.reduceScatter(Tensor.arange(2 * size, dtype: .float32) + Double(rank), op: .sum)
    let sumOfRanks = Float(ranks.reduce(0, +))
    check(scattered.toArray(Float.self) == [Float(2 * rank), Float(2 * rank + 1)].map { $0 * Float(size) + sumOfRanks }, "reduceScatter")
    try group.barrier()
}

/// The course CNN: DDP on each rank's half of a batch against one process on the whole batch.
func halfBatchesMatchTheFullBatch(_ group: ProcessGroup) throws {
    let (rank, size) = (group.rank, group.worldSize)
    let reference = Generator.withDefault(Generator(seed: 1)) { CourseNetwork() }
    // Each rank starts from its own weights: the construction's broadcast must replace them.
    let model = try DistributedDataParallel(Generator.withDefault(Generator(seed: UInt64(1 + rank))) { CourseNetwork() })
    check(maxDifference(model.parameters(), reference.parameters()) == 0, "DDP's construction copies rank 0's parameters")
    let batch = 16, generator = Generator(seed: 5)
    let (ours, theirs) = (SGD(model.parameters(), lr: 0.1, momentum: 0.9), SGD(reference.parameters(), lr: 0.1, momentum: 0.9))
    for _ in 0..<6 {
        let images = Tensor.randn([batch * size, 1, 28, 28], generator: generator)
        let labels = Tensor.randint(high: 10, [batch * size], generator: generator)
        ours.zeroGrad()
        F.crossEntropy(model(images.narrow(dim: 0, start: rank * batch, length: batch)), labels.narrow(dim: 0, start: rank * batch, length: batch)).backward()
        ours.step()
        theirs.zeroGrad()
        F.crossEntropy(reference(images), labels).backward()
        theirs.step()
    }
    let difference = maxDifference(model.parameters(), reference.parameters())
    print("rank \(rank): course CNN, 6 SGD steps, 2 × 16 images against 32 in one process: largest parameter difference \(difference)")
    check(difference < 1e-5, "half batches give the full batch's parameters (difference \(difference))")
    check(try identicalOnAllRanks(flat(model.parameters()), group), "the ranks' parameters are identical")
}

func small(seed: UInt64) -> Sequential {
    Generator.withDefault(Generator(seed: seed)) { Sequential(Linear(inFeatures: 4, outFeatures: 3), ReLU(), Linear(inFeatures: 3, outFeatures: 2)) }
}

/// Inside `noSync` gradients accumulate locally; the next synchronized backward averages the sum.
func noSyncAveragesTheAccumulatedSum(_ group: ProcessGroup) throws {
    let model = try DistributedDataParallel(small(seed: 2)), local = small(seed: 2)
    let inputs = (0..<3).map { Tensor.randn([5, 4], generator: Generator(seed: UInt64(10 * group.rank + $0))) }
    model.noSync {
        for x in inputs.prefix(2) { model(x).pow(2).sum().backward() }
    }
    check(!(try identicalOnAllRanks(model.parameters()[0].grad!, group)), "inside noSync the ranks' gradients differ")
    model(inputs[2]).pow(2).sum().backward()
    for x in inputs { local(x).pow(2).sum().backward() }
    let expected = flat(local.parameters().map { $0.grad! })
    try group.allReduce(expected, op: .avg)
    check(maxDifference(model.parameters().map { $0.grad! }, [expected]) < 1e-6, "the synchronized backward averages the accumulated sum")
}

/// Rank 0 uses both heads, the others one: with findUnusedParameters every rank ends with the
/// average, the unused head's gradient counted as zero where it went unused.
final class TwoHeads: Module {
    let body = Linear(inFeatures: 4, outFeatures: 4), first = Linear(inFeatures: 4, outFeatures: 1), second = Linear(inFeatures: 4, outFeatures: 1)
    var useSecond = true
    override func forward(_ x: Tensor) -> Tensor {
        let h = F.relu(body(x))
        return useSecond ? first(h) + second(h) : first(h)
    }
}

func unusedParameters(_ group: ProcessGroup) throws {
    let make = { Generator.withDefault(Generator(seed: 4)) { TwoHeads() } }
    let inner = make(), local = make()
    let model = try DistributedDataParallel(inner, findUnusedParameters: true)
    inner.useSecond = group.rank == 0
    local.useSecond = inner.useSecond
    let x = Tensor.randn([6, 4], generator: Generator(seed: UInt64(group.rank)))
    for _ in 0..<2 {
        model.zeroGrad()
        local.zeroGrad()
        model(x).sum().backward()
        local(x).sum().backward()
    }
    let expected = flat(local.parameters().map { $0.grad ?? Tensor.zeros($0.shape) })
    try group.allReduce(expected, op: .avg)
    check(maxDifference(model.parameters().map { $0.grad! }, [expected]) < 1e-6, "unused parameters: every rank ends with the average")
}

/// Buffers (batch norm's running statistics) come from rank 0 at the start of each forward pass.
func buffersFollowRankZero(_ group: ProcessGroup) throws {
    let inner = Generator.withDefault(Generator(seed: UInt64(group.rank))) { CourseBatchNormNetwork() }
    let model = try DistributedDataParallel(inner)
    var equalAtEachForward: [Bool] = []
    _ = inner.registerForwardPreHook { module, _ in
        equalAtEachForward.append((try? identicalOnAllRanks(flat(module.buffers().filter(\.dtype.isFloatingPoint)), group)) ?? false)
        return nil
    }
    for step in 0..<3 {
        let images = Tensor.randn([8, 1, 28, 28], generator: Generator(seed: UInt64(100 * group.rank + step)))
        F.crossEntropy(model(images), Tensor.randint(high: 10, [8], generator: Generator(seed: 7))).backward()
    }
    check(equalAtEachForward == [true, true, true], "buffers equal on all ranks at each forward: \(equalAtEachForward)")
    check(!(try identicalOnAllRanks(flat(inner.buffers().filter(\.dtype.isFloatingPoint)), group)), "each rank's own update follows the broadcast")
}

/// PyTorch's buckets for ten `Linear(1024, 1024)` (DISTRIBUTED.md §1.3, after its rebuild).
func bucketsAsPyTorch(_ group: ProcessGroup) throws {
    let make = { Sequential((0..<10).map { _ in Linear(inFeatures: 1024, outFeatures: 1024) as Module }) }
    let byDefault = try DistributedDataParallel(make()).bucketParameterIndices
    check(byDefault == [[19, 18], Array((4...17).reversed()), [3, 2, 1, 0]], "default buckets \(byDefault)")
    let tenMiB = try DistributedDataParallel(make(), bucketCapMB: 10).bucketParameterIndices
    check(tenMiB == [Array((14...19).reversed()), Array((8...13).reversed()), Array((2...7).reversed()), [1, 0]], "10 MiB buckets \(tenMiB)")
}

let group = try Distributed.initProcessGroup(timeout: CommandLine.arguments.dropFirst().first == "timeout" ? .seconds(2) : .seconds(60))
switch CommandLine.arguments.dropFirst().first ?? "all" {
case "all":
    try collectives(group)
    try bucketsAsPyTorch(group)
    try halfBatchesMatchTheFullBatch(group)
    try noSyncAveragesTheAccumulatedSum(group)
    try unusedParameters(group)
    try buffersFollowRankZero(group)
    print("rank \(group.rank): \(checks) checks, \(failures) failed")
    Distributed.destroyProcessGroup()
    exit(failures == 0 && checks > 0 ? 0 : 1)
case "mismatch":
    do {
        try group.allReduce(Tensor.zeros([group.rank == 0 ? 4 : 8]))
        print("rank \(group.rank): FAILED, allReduce on different sizes returned")
        exit(1)
    } catch DistributedError.mismatch(let message) {
        print("rank \(group.rank): mismatch seen: \(message)")
        exit(0)
    }
case "timeout":
    if group.rank == 1 { sleep(6); exit(0) }
    let start = ContinuousClock.now
    do {
        try group.barrier()
        print("rank 0: FAILED, the barrier returned")
    } catch DistributedError.timeout(let message) {
        print("rank 0: timeout seen after \(ContinuousClock.now - start): \(message)")
    }
    exit(3)
case "die":
    let model = try DistributedDataParallel(small(seed: 1))
    for step in 0..<1_000_000 {
        if group.rank == 1 && step == 3 { print("rank 1: exiting with status 3 at step 3"); exit(3) }
        model(Tensor.randn([5, 4])).sum().backward()
    }
default:
    print("distributed-checks: unknown check \(CommandLine.arguments[1]) (all, mismatch, timeout, die)")
    exit(2)
}
