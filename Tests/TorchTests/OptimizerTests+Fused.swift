import Testing
import TorchCore
import TorchOptim

/// A group's parameters are updated in one backend call whose elements are split over the
/// thread pool as one index space; the split must not change any parameter's result.
@Suite struct FusedOptimizerTests {
    /// Sizes that put split points inside parameters, plus a float64 one and a tiny one.
    private static let shapes: [[Int]] = [[40_001], [3], [70, 1000], [5, 5]]

    private func run(_ perParameterGroups: Bool, _ make: ([ParamGroup]) -> Optimizer) -> [Tensor] {
        let generator = Generator(seed: 7)
        let params = Self.shapes.enumerated().map { i, s in
            Parameter(Tensor.randn(s, dtype: i == 3 ? .float64 : .float32, generator: generator))
        }
        let grads = (0..<3).map { _ in params.map { Tensor.randn($0.shape, dtype: $0.dtype, generator: generator) } }
        let groups = perParameterGroups ? params.map { ParamGroup([$0]) } : [ParamGroup(params)]
        let optimizer = make(groups)
        for step in grads {
            for (p, g) in zip(params, step) { p.grad = g }
            optimizer.step()
        }
        return params.map { $0.detach() }
    }

    @Test(arguments: ["sgd", "adam", "adamw", "rmsprop", "adagrad"])
    func oneCallPerGroupMatchesOneCallPerParameter(_ name: String) {
        func make(_ groups: [ParamGroup]) -> Optimizer {
            switch name {
            case "sgd": SGD(groups, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false)
            case "adam": Adam(groups, lr: 0.01, weightDecay: 0.1, amsgrad: true)
            case "adamw": AdamW(groups, lr: 0.01, maximize: true)
            case "rmsprop": RMSprop(groups, lr: 0.01, momentum: 0.9, centered: true)
            default: Adagrad(groups, lr: 0.1, lrDecay: 0.01)
            }
        }
        let fused = run(false, make), separate = run(true, make)
        for (a, b) in zip(fused, separate) {
            #expect(a.equal(b), "\(name): \(a.shape)")
        }
        #expect(!fused[0].equal(Tensor.zeros(fused[0].shape)))
    }
}
