import TorchCore
import TorchNN

/// `DistributedDataParallel`'s gradient averaging (PyTorch's `Reducer`): flat buckets of
/// gradients, each summed across ranks as soon as its last gradient is accumulated.
final class GradientReducer {
    /// Parameters of one dtype, in the order they fill `flat`.
    private struct Bucket {
        var members: [Int]
        var flat: Tensor
        var pending = 0
        var reduction: ProcessGroup.PendingSum?
    }

    private let parameters: [Parameter]
    private let group: ProcessGroup
    private var buckets: [Bucket] = []
    /// For each parameter: its bucket and offset there.
    private var place: [(bucket: Int, offset: Int)] = []
    private var ready: [Bool]
    private var expectingBackward = false
    private var nextToStart = 0
    /// Parameters a forward pass left out (`findUnusedParameters`), marked ready up front.
    private var unused: Set<Int> = []
    private var detectsUnused = false
    private var hooks: [RemovableHandle] = []

    /// Buckets in reverse parameter order: the first closes at `firstCapBytes`, the others at
    /// `capBytes` (a bucket closes once it reaches its cap, so it overshoots by up to one tensor).
    init(_ parameters: [Parameter], group: ProcessGroup, capBytes: Int, firstCapBytes: Int) {
        self.parameters = parameters
        self.group = group
        ready = Array(repeating: false, count: parameters.count)
        place = Array(repeating: (0, 0), count: parameters.count)
        var open: [DType: (members: [Int], bytes: Int)] = [:]
        func close(_ dtype: DType) {
            guard let b = open.removeValue(forKey: dtype), !b.members.isEmpty else { return }
            var offset = 0
            for i in b.members {
                place[i] = (buckets.count, offset)
                offset += parameters[i].numel
            }
            buckets.append(Bucket(members: b.members, flat: Tensor.zeros([offset], dtype: dtype)))
        }
        for i in parameters.indices.reversed() {
            let p = parameters[i]
            var b = open[p.dtype] ?? ([], 0)
            b.members.append(i)
            b.bytes += p.numel * p.elementSize
            open[p.dtype] = b
            if b.bytes >= (buckets.isEmpty ? firstCapBytes : capBytes) { close(p.dtype) }
        }
        for dtype in DType.allCases { close(dtype) }
        for (i, p) in parameters.enumerated() {
            hooks.append(p.registerPostAccumulateGradHook { [unowned self] _ in self.markReady(i) })
        }
    }

    deinit { hooks.forEach { $0.remove() } }

    /// Each bucket's parameters, as indices into the module's parameters that require grad.
    var bucketMembers: [[Int]] { buckets.map(\.members) }

    /// Before a synchronized backward pass: every bucket waits for all of its gradients again.
    /// With `findUnused`, the parameters the graph from `output` does not reach are ready now.
    func prepareForBackward(_ output: Tensor, findUnused: Bool) {
        expectingBackward = true
        nextToStart = 0
        ready = Array(repeating: false, count: parameters.count)
        for b in buckets.indices {
            buckets[b].pending = buckets[b].members.count
            buckets[b].reduction = nil
        }
        detectsUnused = findUnused
        unused = findUnused ? Set(parameters.indices).subtracting(reachedParameters(from: output)) : []
        for i in unused.sorted() { markReady(i) }
    }

    /// PyTorch's error for a backward pass that left some gradients out.
    func checkPreviousIterationFinished() {
        guard expectingBackward, nextToStart > 0 || ready.contains(true) else {
            expectingBackward = false
            return
        }
        let missing = ready.indices.filter { !ready[$0] }
        torchCheck(missing.isEmpty, """
            Expected to have finished reduction in the prior iteration before starting a new one. This error indicates that your \
            module has parameters that were not used in producing loss. You can enable unused parameter detection by passing \
            the keyword argument `findUnusedParameters: true` to `DistributedDataParallel`, and by making sure all `forward` \
            function outputs participate in calculating loss. Parameter indices which did not receive grad for rank \(group.rank): \
            \(missing.map(String.init).joined(separator: " "))
            """)
        expectingBackward = false
    }

    /// A gradient is complete: when that completes its bucket, start the buckets that can go
    /// (in bucket order, the same on every rank); after the last, wait for all and copy the
    /// averages back.
    private func markReady(_ i: Int) {
        guard expectingBackward, !ready[i] else { return }
        ready[i] = true
        let b = place[i].bucket
        buckets[b].pending -= 1
        failJob {
            for bucket in buckets[..<nextToStart] { _ = try bucket.reduction?.test() }
            while nextToStart < buckets.count && buckets[nextToStart].pending == 0 {
                try start(nextToStart)
                nextToStart += 1
            }
            if nextToStart == buckets.count { try finish() }
        }
    }

    /// Copies the bucket's gradients in, scaled by `1 / worldSize` (zeros for one without a
    /// gradient), and starts the sum.
    private func start(_ b: Int) throws {
        let bucket = buckets[b]
        noGrad {
            for i in bucket.members {
                let slot = bucket.flat.narrow(dim: 0, start: place[i].offset, length: parameters[i].numel)
                if let g = parameters[i].grad { _ = slot.copy_(g.reshape([-1])) } else { _ = slot.fill_(0) }
            }
            bucket.flat *= 1 / Double(group.worldSize)
        }
        buckets[b].reduction = try group.startSum(bucket.flat)
    }

    /// Waits for every bucket, then writes the averages into `grad`; with unused parameters,
    /// first agrees across ranks which were unused everywhere (their `grad` stays as it was).
    private func finish() throws {
        for bucket in buckets { try bucket.reduction?.wait() }
        var globallyUnused: Set<Int> = []
        if detectsUnused {
            let used = Tensor(parameters.indices.map { unused.contains($0) ? Int32(0) : 1 }, shape: [parameters.count], dtype: .int32)
            try group.allReduce(used, op: .max)
            globallyUnused = Set(used.toArray(Int32.self).enumerated().filter { $0.element == 0 }.map(\.offset))
        }
        noGrad {
            for (i, p) in parameters.enumerated() where !globallyUnused.contains(i) {
                let average = buckets[place[i].bucket].flat.narrow(dim: 0, start: place[i].offset, length: p.numel).view(p.shape)
                if let g = p.grad { _ = g.copy_(average) } else { p.grad = average.clone() }
            }
        }
        expectingBackward = false
    }

    /// The parameters a backward pass from `output` reaches.
    private func reachedParameters(from output: Tensor) -> Set<Int> {
        let index = Dictionary(parameters.enumerated().map { (ObjectIdentifier($0.element), $0.offset) }, uniquingKeysWith: { a, _ in a })
        return Set(output.reachableLeaves().compactMap { index[ObjectIdentifier($0)] })
    }
}
