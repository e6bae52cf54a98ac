import TorchCore
import TorchNN

/// Linear layers around a batch norm, for the load tests: parameters, float buffers and the
/// int64 `num_batches_tracked` buffer in one state dict of nine entries.
final class LoadTestModel: Module {
    let fc1 = Linear(inFeatures: 3, outFeatures: 4)
    let bn = BatchNorm1d(numFeatures: 4)
    let fc2 = Linear(inFeatures: 4, outFeatures: 2)
    override func forward(_ t: Tensor) -> Tensor { fc2(bn(fc1(t)).relu()) }

    /// A model whose parameters and buffers all differ from another seed's: random
    /// parameters, then `forwards` training forwards to move the running statistics.
    static func made(seed: UInt64, forwards: Int) -> LoadTestModel {
        let m = LoadTestModel()
        let g = Generator(seed: seed)
        noGrad {
            for p in m.parameters() { _ = p.copy_(Tensor.randn(p.shape, generator: g)) }
            for _ in 0..<forwards { _ = m(Tensor.randn([5, 3], generator: g)) }
        }
        return m
    }

    /// Every parameter and buffer, persistent or not, by name.
    var snapshot: NamedSnapshot {
        NamedSnapshot(namedParameters().map { ($0.name, $0.parameter as Tensor) } + namedBuffers().map { ($0.name, $0.buffer) })
    }
}
