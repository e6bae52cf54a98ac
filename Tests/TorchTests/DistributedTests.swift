import Foundation
import Testing
import TorchCore
import TorchData
import TorchDistributed
import TorchNN

/// DistributedSampler against PyTorch (scripts/fixtures/distributed_sampler.py): every rank's
/// indices for several sizes, replica counts, seeds, epochs, shuffle and drop_last.
@Suite struct DistributedSamplerTests {
    let f = Fixture("distributed_sampler")

    @Test func givesPyTorchsIndices() {
        #expect(f.keys.count == 70)
        for key in f.keys {
            // n{count}_r{replicas}_s{seed}_e{epoch}_{shuffle}{dropLast}
            let parts = key.split(separator: "_").map(String.init)
            let (n, replicas, seed, epoch) = (Int(parts[0].dropFirst())!, Int(parts[1].dropFirst())!, UInt64(parts[2].dropFirst())!, Int(parts[3].dropFirst())!)
            let (shuffle, dropLast) = (parts[4].first == "1", parts[4].last == "1")
            let expected = f.value(key, as: [[Int]].self)
            for rank in 0..<replicas {
                let s = DistributedSampler(count: n, numReplicas: replicas, rank: rank, shuffle: shuffle, seed: seed, dropLast: dropLast)
                s.setEpoch(epoch)
                let indices = Array(s)
                #expect(indices.count == s.count, "\(key) rank \(rank)")
                let shown = n < 2000 ? indices : Array(indices.prefix(40) + indices.suffix(40)) + [indices.count]
                #expect(shown == expected[rank], "\(key) rank \(rank)")
            }
        }
    }

    @Test func epochsDrawNewOrdersAndTheLoaderSeesSetEpoch() {
        let sampler = DistributedSampler(count: 10, numReplicas: 2, rank: 0)
        let loader = DataLoader(TensorDataset(Tensor.arange(10, dtype: .int64)), batchSize: 5, sampler: sampler)
        let first = loader.flatMap { $0.toArray(Int64.self) }
        sampler.setEpoch(1)
        let second = loader.flatMap { $0.toArray(Int64.self) }
        #expect(first.map(Int.init) == DistributedSampler(count: 10, numReplicas: 2, rank: 0).indices())
        #expect(first != second && Set(second).count == 5)
    }

    @Test func defaultsToTheProcessGroup() throws {
        try Distributed.initProcessGroup()
        let s = DistributedSampler(count: 5)
        #expect(s.numReplicas == Distributed.worldSize && s.rank == Distributed.rank && s.count == 5)
    }

    @Test func rejectsAnInvalidRank() async {
        await #expect(processExitsWith: .failure) {
            _ = DistributedSampler(count: 5, numReplicas: 2, rank: 2)
        }
    }
}

/// The process group of one process (no mpirun) and the autograd hook DDP starts its buckets from.
@Suite struct ProcessGroupTests {
    @Test func oneProcessCollectivesLeaveTensorsAsTheyAre() throws {
        let group = try Distributed.initProcessGroup()
        guard !Distributed.isLaunchedByMPI else { return }
        #expect(group.rank == 0 && group.worldSize == 1)
        let t = Tensor([1.5, -2, 3] as [Float])
        for op in [ReduceOp.sum, .avg, .max, .min] {
            try group.allReduce(t, op: op)
            #expect(t.toArray(Float.self) == [1.5, -2, 3])
        }
        try group.broadcast(t, src: 0)
        #expect(try group.allGather(t).map { $0.toArray(Float.self) } == [[1.5, -2, 3]])
        #expect(try group.reduceScatter(t, op: .sum).toArray(Float.self) == [1.5, -2, 3])
        try group.barrier()
    }

    @Test func ddpOfOneProcessTrainsLikeTheModuleItself() throws {
        let make = { Generator.withDefault(Generator(seed: 3)) { Sequential(Linear(inFeatures: 4, outFeatures: 3), ReLU(), Linear(inFeatures: 3, outFeatures: 2)) } }
        let plain = make(), wrapped = try DistributedDataParallel(make())
        #expect(wrapped.namedParameters().map(\.name).first == "module.0.weight")
        let x = Tensor.randn([6, 4], generator: Generator(seed: 1))
        for model in [plain as Module, wrapped] { (model(x) * model(x)).sum().backward() }
        for (a, b) in zip(plain.parameters(), wrapped.parameters()) { #expect(a.grad!.toArray(Float.self) == b.grad!.toArray(Float.self)) }
    }

    @Test func postAccumulateHookRunsOncePerPassWithTheWholeGradient() {
        let w = Tensor([2, 3] as [Float]).requiresGrad_(), unused = Tensor([1] as [Float]).requiresGrad_()
        var seen: [[Float]] = []
        w.registerPostAccumulateGradHook { seen.append($0.grad!.toArray(Float.self)) }
        unused.registerPostAccumulateGradHook { _ in Issue.record("a leaf that got no gradient ran its hook") }
        // w reached by three paths (2w + 4 + 1); `unused` only through a detached copy.
        let y = (w * w).sum() + (w * 4).sum() + (w * unused.detach()).sum()
        y.backward()
        let expected: [[Float]] = [[9, 11]]
        #expect(seen == expected)
        (w * 2).sum().backward()
        #expect(seen.last == [11, 13])
        #expect(seen.count == 2)
    }
}
