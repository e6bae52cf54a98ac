import Foundation
import TorchCore
import TorchNN

/// Data-parallel training of one module over the ranks of a process group
/// (`torch.nn.parallel.DistributedDataParallel`).
///
/// Each rank runs the wrapped module on its own share of the data (see
/// ``DistributedSampler``); `backward()` then leaves every rank with the average of all ranks'
/// gradients, so the same optimizer step keeps the replicas identical. As PyTorch's:
/// - construction copies rank 0's parameters and buffers to every rank (after checking that
///   all ranks hold the same parameter shapes);
/// - gradients are averaged in buckets of about `bucketCapMB` MiB (by default 25, the first
///   bucket 1), filled in
///   reverse parameter order, each scaled by `1 / worldSize` and summed across ranks as soon as
///   its last gradient is ready, while the backward pass goes on;
/// - buffers (batch norm's running statistics) are copied from rank 0 before each forward
///   pass that follows a synchronized one;
/// - `noSync { }` accumulates gradients locally; the next synchronized backward averages the sum;
/// - `findUnusedParameters` lets a forward pass leave parameters out; without it, a parameter
///   that gets no gradient stops the next forward pass with PyTorch's message.
///
/// The buckets follow reverse parameter order throughout (PyTorch rebuilds them once from the
/// order gradients arrived in the first backward pass; the two agree for layers used in order).
///
/// ```swift
/// let group = try Distributed.initProcessGroup()
/// let model = try DistributedDataParallel(Network())
/// let optimizer = SGD(model.parameters(), lr: 0.01)
/// let loss = F.crossEntropy(model(images), labels)
/// loss.backward()      // averaged over the ranks
/// optimizer.step()
/// ```
public final class DistributedDataParallel: Module {
    /// The wrapped module (its state dict keys carry the `module.` prefix, as PyTorch's).
    public let module: Module
    /// The ranks the gradients are averaged over.
    public let group: ProcessGroup
    /// Whether parameters may go unused in a forward pass.
    public let findUnusedParameters: Bool
    /// Whether buffers are copied from rank 0 before each forward pass (`broadcast_buffers`).
    public let broadcastBuffers: Bool
    private let reducer: GradientReducer?
    private var syncGradients = true
    private var syncBuffersNext = true

    /// Wraps `module`, copying rank 0's parameters and buffers to every rank.
    ///
    /// - Parameters:
    ///   - group: the ranks (the default process group, made if needed).
    ///   - bucketCapMB: the size at which a bucket closes, in MiB; by default 25, and 1 for the
    ///     first bucket (so the first reduction starts early), as PyTorch's.
    /// - Throws: `DistributedError` when the ranks' models differ or the broadcast fails.
    public init(_ module: Module, group: ProcessGroup? = nil, bucketCapMB: Double? = nil, findUnusedParameters: Bool = false,
                broadcastBuffers: Bool = true) throws {
        torchCheck(bucketCapMB.map { $0 > 0 } ?? true, "DistributedDataParallel: bucketCapMB must be positive, got \(bucketCapMB ?? 0)")
        self.module = module
        self.group = try group ?? Distributed.initProcessGroup()
        self.findUnusedParameters = findUnusedParameters
        self.broadcastBuffers = broadcastBuffers
        let parameters = module.parameters().filter(\.requiresGrad)
        torchCheck(!parameters.isEmpty, "DistributedDataParallel is not needed when a module doesn't have any parameter that requires a gradient.")
        if self.group.worldSize > 1 {
            try verifyShapes(module.namedParameters().map(\.parameter.shape), self.group)
            try broadcastCoalesced(module.parameters().map { $0 as Tensor } + module.buffers(), group: self.group)
            let cap = Int((bucketCapMB ?? 25) * 1_048_576)
            reducer = GradientReducer(parameters, group: self.group, capBytes: cap, firstCapBytes: bucketCapMB == nil ? 1_048_576 : cap)
        } else {
            reducer = nil
        }
        super.init()
    }

    /// Runs the wrapped module, after copying rank 0's buffers where due.
    public override func forward(_ input: Tensor) -> Tensor {
        if let reducer {
            reducer.checkPreviousIterationFinished()
            if broadcastBuffers && syncBuffersNext {
                let buffers = module.buffers()
                if !buffers.isEmpty { failJob { try broadcastCoalesced(buffers, group: group) } }
            }
        }
        syncBuffersNext = syncGradients
        let output = module(input)
        if let reducer, training, isGradEnabled, syncGradients {
            reducer.prepareForBackward(output, findUnused: findUnusedParameters)
        }
        return output
    }

    /// Each gradient bucket's parameters in the order they are reduced, as indices into
    /// `module.parameters()` (those that require grad): PyTorch's
    /// `rebuilt_per_bucket_param_indices`. Empty for a group of one process.
    public var bucketParameterIndices: [[Int]] { reducer?.bucketMembers ?? [] }

    /// Runs `body` without averaging gradients (`no_sync()`): the forward and backward passes
    /// inside it accumulate into `grad` locally, and the first synchronized backward after it
    /// averages the accumulated sum.
    public func noSync<R>(_ body: () throws -> R) rethrows -> R {
        let saved = syncGradients
        syncGradients = false
        defer { syncGradients = saved }
        return try body()
    }

    public override var typeName: String { "DistributedDataParallel" }
}

/// Ends the job on a communication failure inside the backward pass or a forward pass,
/// where nothing can be thrown: one line naming the rank, then `MPI_Abort`.
func failJob(_ body: () throws -> Void) {
    do { try body() } catch {
        FileHandle.standardError.write(Data("swifttorch: \(error)\n".utf8))
        Distributed.group?.abort(code: 1)
        exit(1)
    }
}

/// Checks that every rank's parameters have the same shapes (PyTorch's
/// `_verify_param_shape_across_processes`).
private func verifyShapes(_ shapes: [[Int]], _ group: ProcessGroup) throws {
    var hash: UInt64 = 14_695_981_039_346_656_037
    for shape in shapes {
        for d in [shape.count] + shape { hash = (hash ^ UInt64(truncatingIfNeeded: d)) &* 1_099_511_628_211 }
    }
    let mine = Tensor([Int64(shapes.count), Int64(bitPattern: hash)], shape: [2], dtype: .int64)
    let all = try group.allGather(mine).map { $0.toArray(Int64.self) }
    for (r, other) in all.enumerated() where other != all[group.rank] {
        throw DistributedError.mismatch(other[0] != Int64(shapes.count)
            ? "DDP expects same model across all ranks, but Rank \(group.rank) has \(shapes.count) params, while rank \(r) has inconsistent \(other[0]) params."
            : "DDP expects same model across all ranks, but rank \(r)'s parameter shapes differ from rank \(group.rank)'s.")
    }
}

/// Copies rank 0's `tensors` to every rank, a flat buffer per dtype (`_broadcast_coalesced`).
func broadcastCoalesced(_ tensors: [Tensor], group: ProcessGroup) throws {
    for dtype in DType.allCases {
        let same = tensors.filter { $0.dtype == dtype && $0.numel > 0 }
        guard !same.isEmpty else { continue }
        let flat = noGrad { Tensor.cat(same.map { $0.detach().reshape([-1]) }) }
        try group.broadcast(flat, src: 0)
        noGrad {
            var offset = 0
            for t in same {
                _ = t.detach().copy_(flat.narrow(dim: 0, start: offset, length: t.numel).view(t.shape))
                offset += t.numel
            }
        }
    }
}
