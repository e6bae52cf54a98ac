import Testing
import TorchCore
import TorchNN

/// `Init` (PyTorch's `nn.init`) against PyTorch for fixed seeds.
@Suite struct InitTests {
    let f = Fixture("nn_modules")

    /// A tensor of `shape` filled by `fill` from a generator seeded with `seed` (the same
    /// draws as the global generator after `manualSeed(seed)`, without racing other tests).
    private func initialized(_ seed: UInt64, _ shape: [Int], _ fill: (Tensor, Generator) -> Void) -> Tensor {
        let t = Tensor.empty(shape)
        fill(t, Generator(seed: seed))
        return t
    }

    @Test func distributionsMatchPyTorch() {
        expectEqual(initialized(10, [3, 4]) { Init.uniform_($0, a: -2, b: 3, generator: $1) }, f["init_uniform"])
        expectClose(initialized(11, [3, 4]) { Init.normal_($0, mean: 1, std: 0.5, generator: $1) }, f["init_normal"])
        expectEqual(initialized(12, [5, 3, 2]) { Init.xavierUniform_($0, gain: 2, generator: $1) }, f["init_xavier_uniform"])
        expectClose(initialized(13, [6, 4]) { Init.xavierNormal_($0, generator: $1) }, f["init_xavier_normal"])
        expectEqual(initialized(14, [6, 4, 3]) { Init.kaimingUniform_($0, a: 0.1, mode: .fanOut, nonlinearity: .relu, generator: $1) },
                    f["init_kaiming_uniform"])
        expectEqual(initialized(15, [7, 5]) { Init.kaimingUniform_($0, generator: $1) }, f["init_kaiming_uniform_default"])
        expectClose(initialized(16, [6, 4]) { Init.kaimingNormal_($0, mode: .fanIn, nonlinearity: .relu, generator: $1) }, f["init_kaiming_normal"])
        expectEqual(initialized(0, [3, 4]) { _ = $1; Init.eye_($0) }, f["init_eye"])
    }

    @Test func orthogonalMatchesPyTorch() {
        let tall = initialized(17, [6, 4]) { Init.orthogonal_($0, generator: $1) }
        expectClose(tall, f["init_orthogonal_tall"], rtol: 1e-4, atol: 1e-5)
        expectClose(tall.t().mm(tall), Tensor.eye(4), atol: 1e-5)
        let wide = initialized(18, [3, 2, 4]) { Init.orthogonal_($0, gain: 1.5, generator: $1) }
        expectClose(wide, f["init_orthogonal_wide"], rtol: 1e-4, atol: 1e-5)
        let w = wide.reshape(3, 8)
        expectClose(w.mm(w.t()), Tensor.eye(3) * 2.25, atol: 1e-5)
    }

    @Test func gainsAndFans() {
        let gains = f.value("gains", as: [String: String].self).mapValues { Double($0)! }
        let cases: [(String, Init.Nonlinearity)] = [("linear", .linear), ("conv2d", .conv2d), ("sigmoid", .sigmoid),
                                                     ("tanh", .tanh), ("relu", .relu), ("leaky_relu", .leakyRelu), ("selu", .selu)]
        for (name, n) in cases { #expect(Init.calculateGain(n) == gains[name]!, "\(name)") }
        #expect(Init.calculateGain(.leakyRelu, param: 5.0.squareRoot()) == Double(f.value("gain_leaky_relu_sqrt5", as: String.self))!)
        #expect(Init.fans(Tensor.empty([6, 4, 3, 3])) == (fanIn: 36, fanOut: 54))
        #expect(Init.fans(Tensor.empty([120, 192])) == (fanIn: 192, fanOut: 120))
    }

    @Test func initOnParametersRecordsNoGraph() {
        let fc = Linear(inFeatures: 3, outFeatures: 2)
        Init.constant_(fc.weight, 0.25)
        Init.zeros_(fc.bias!)
        #expect(fc.weight.isLeaf && fc.weight.requiresGrad)
        #expect(fc.weight.sum().item(Float.self) == 1.5 && fc.bias!.abs().sum().item(Float.self) == 0)
        Init.ones_(fc.bias!)
        #expect(fc.bias!.sum().item(Float.self) == 2)
    }

    @Test func fanOfVectorMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Init.xavierUniform_(Tensor.empty([3]))
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"))
    }
}
