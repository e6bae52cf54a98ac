import Foundation
import Testing
import TorchCore
import TorchNN
import TorchOptim
import TorchVision

/// What a process that stopped wrote to stderr.
private func stderrText(_ r: ExitTest.Result?) -> String {
    String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
}

/// The forms PyTorch users type first: `requires_grad=True` at creation, positional layer
/// sizes, comparison operators, typed children, grad mode switches, typed optimizer options.
@Suite struct ErgonomicsTests {
    @Test func requiresGradAtCreation() {
        let made: [Tensor] = [
            Tensor([1.0, 2.0, 3.0], requiresGrad: true),
            Tensor([1.0, 2.0, 3.0], shape: [3], requiresGrad: true),
            Tensor.zeros([3], requiresGrad: true), Tensor.ones([3], requiresGrad: true),
            Tensor.randn([3], requiresGrad: true), Tensor.rand([3], requiresGrad: true),
            Tensor.full([3], 2.5, requiresGrad: true), Tensor.arange(0.0, 3.0, requiresGrad: true),
            Tensor.arange(3, dtype: .float32, requiresGrad: true),
            Tensor.arange(0.0, 1.5, step: 0.5, requiresGrad: true),
        ]
        for t in made {
            #expect(t.requiresGrad && t.isLeaf)
            (t * t).sum().backward()
            expectClose(t.grad!, t.detach() * 2)
        }
        #expect(!Tensor.zeros([2]).requiresGrad && !Tensor([1.0]).requiresGrad)
        #expect(Tensor([1.0, 2.0], requiresGrad: true).description == "tensor([1., 2.], requires_grad=True)")
    }

    @Test func integerTensorsCannotRequireGrad() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2, 3], requiresGrad: true)
        }
        #expect(stderrText(r).contains("only Tensors of floating point dtype can require gradients"))
    }

    @Test func positionalSizesBuildTheLabeledLayers() {
        let pairs: [(ModuleBase, ModuleBase)] = [
            (Linear(3, 2), Linear(inFeatures: 3, outFeatures: 2)),
            (Linear(3, 2, bias: false), Linear(inFeatures: 3, outFeatures: 2, bias: false)),
            (Conv2d(1, 6, 5), Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)),
            (Conv2d(6, 12, 3, stride: 2, padding: 1), Conv2d(inChannels: 6, outChannels: 12, kernelSize: 3, stride: 2, padding: 1)),
            (Conv1d(4, 6, 3), Conv1d(inChannels: 4, outChannels: 6, kernelSize: 3)),
            (BatchNorm1d(4), BatchNorm1d(numFeatures: 4)), (BatchNorm2d(6), BatchNorm2d(numFeatures: 6)),
            (Embedding(10, 3), Embedding(numEmbeddings: 10, embeddingDim: 3)),
            (LSTM(6, 6), LSTM(inputSize: 6, hiddenSize: 6)),
            (GRU(4, 5, numLayers: 2), GRU(inputSize: 4, hiddenSize: 5, numLayers: 2)),
            (RNN(4, 5), RNN(inputSize: 4, hiddenSize: 5)),
        ]
        for (i, (positional, labeled)) in pairs.enumerated() {
            #expect(type(of: positional) == type(of: labeled), "pair \(i)")
            #expect(positional.description == labeled.description, "pair \(i)")
            let a = positional.stateDict(), b = labeled.stateDict()
            #expect(a.keys == b.keys, "pair \(i)")
            for key in a.keys { #expect(a[key]!.shape == b[key]!.shape, "pair \(i): \(key)") }
        }
    }

    @Test func positionalSizesDrawTheSameWeights() {
        manualSeed(3)
        let a = Conv2d(1, 6, 5)
        manualSeed(3)
        let b = Conv2d(inChannels: 1, outChannels: 6, kernelSize: 5)
        expectEqual(a.weight, b.weight)
        manualSeed(4)
        let c = LSTM(6, 6)
        manualSeed(4)
        let d = LSTM(inputSize: 6, hiddenSize: 6)
        for (x, y) in zip(c.parameters(), d.parameters()) { expectEqual(x, y) }
    }

    @Test func comparisonOperators() {
        let t = Tensor([1, 5, 3])
        let u = Tensor([2, 5, 1])
        #expect((t .== u).toArray(Bool.self) == [false, true, false])
        #expect((t .!= u).toArray(Bool.self) == [true, false, true])
        #expect((t .< u).toArray(Bool.self) == [true, false, false])
        #expect((t .<= u).toArray(Bool.self) == [true, true, false])
        #expect((t .> u).toArray(Bool.self) == [false, false, true])
        #expect((t .>= u).toArray(Bool.self) == [false, true, true])
        #expect((t .> 2).toArray(Bool.self) == [false, true, true])
        #expect((t .== 3).toArray(Bool.self) == [false, false, true])
        #expect((2 .< t).toArray(Bool.self) == [false, true, true])
        #expect((3 .>= t).toArray(Bool.self) == [true, false, true])
        #expect((5 .== t).toArray(Bool.self) == [false, true, false])
        #expect((t .<= 2.5).dtype == .bool)
        // Broadcasting and promotion as the methods: an int row against a float column.
        let grid = Tensor([1, 2, 3]) .< Tensor([[1.5], [2.5]])
        #expect(grid.shape == [2, 3] && grid.toArray(Bool.self) == [true, false, false, true, true, false])
    }

    @Test func typedChildren() {
        let model = Sequential(Flatten(), Linear(4, 3), ReLU())
        let fc: Linear = model[1, as: Linear.self]
        #expect(fc === model[1] && fc.outFeatures == 3)
        #expect(model[-1, as: ReLU.self] === model[2])
        let list = ModuleList<Module>([Linear(2, 2), ReLU()])
        #expect(list[0, as: Linear.self].inFeatures == 2)
        let heads = ModuleDict(["cls": Linear(8, 10), "act": ReLU()])
        #expect(heads["cls", as: Linear.self]?.outFeatures == 10)
        #expect(heads["box", as: Linear.self] == nil)
    }

    @Test func typedChildOfTheWrongKindStops() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Sequential(Flatten(), Linear(4, 3))[0, as: Linear.self]
        }
        #expect(stderrText(r).contains("the child module 0 is Flatten, not Linear"))
    }

    @Test func setGradEnabledScoped() {
        let x = Tensor([1.0, 2.0], requiresGrad: true)
        let train = setGradEnabled(true) { x * 2 }
        let eval = setGradEnabled(false) { x * 2 }
        #expect(train.requiresGrad && !eval.requiresGrad)
        #expect(noGrad { setGradEnabled(true) { (x * 2).requiresGrad } })
        #expect(isGradEnabled)
    }

    @Test func setGradEnabledForTheThread() {
        // On a thread of its own, so that no other test sees the switch.
        let x = Tensor([1.0, 2.0], requiresGrad: true)
        nonisolated(unsafe) var seen: [Bool] = []
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            setGradEnabled(false)
            seen.append((x * 2).requiresGrad)
            seen.append(isGradEnabled)
            seen.append(enableGrad { (x * 2).requiresGrad })
            setGradEnabled(true)
            seen.append((x * 2).requiresGrad)
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(seen == [false, false, true, true])
        #expect(isGradEnabled && (x * 2).requiresGrad)
    }

    @Test func typedOptimizerOptions() {
        let a = Parameter(Tensor([1.0, -2.0])), b = Parameter(Tensor([0.5]))
        let sgd = SGD([ParamGroup([a]), ParamGroup([b], lr: 0.01)], lr: 0.1, momentum: 0.9)
        #expect(sgd.groupOptions[0].momentum == 0.9 && sgd.groupOptions[1].lr == 0.01)
        sgd.groupOptions[1].momentum = 0.5
        sgd.groupOptions[0].nesterov = true
        #expect(sgd.paramGroups[1]["momentum"] == .double(0.5) && sgd.paramGroups[0]["nesterov"] == .bool(true))
        sgd.paramGroups[0]["weight_decay"] = 0.01
        #expect(sgd.groupOptions[0].weightDecay == 0.01)
        sgd.paramGroups[0]["initial_lr"] = 0.1                  // a key of PyTorch's dict beside the typed ones
        #expect(sgd.paramGroups[0].options.keys.sorted()
            == ["dampening", "initial_lr", "lr", "maximize", "momentum", "nesterov", "weight_decay"])
        #expect(sgd.defaults["momentum"] == .double(0.9))

        let adam = Adam([Parameter(Tensor([1.0]))], lr: 0.01, betas: (0.8, 0.99))
        #expect(adam.groupOptions[0].betas == (0.8, 0.99))
        adam.paramGroups[0]["betas"] = .pair(0.5, 0.9)
        #expect(adam.groupOptions[0].betas == (0.5, 0.9))
    }

    /// Options changed through `groupOptions` step exactly as an optimizer made with them.
    @Test func changedOptionsStepAsMadeWithThem() {
        func run(_ make: ([Tensor]) -> Optimizer) -> Tensor {
            manualSeed(1)
            let p = Parameter(Tensor.randn([5], dtype: .float64))
            let opt = make([p])
            for _ in 0..<3 {
                opt.zeroGrad()
                (p * p * p).sum().backward()
                opt.step()
            }
            return p.detach()
        }
        let made = run { RMSprop($0, lr: 0.01, momentum: 0.8, centered: true) }
        let changed = run { ps in
            let o = RMSprop(ps)
            o.groupOptions[0].lr = 0.01
            o.groupOptions[0].momentum = 0.8
            o.groupOptions[0].centered = true
            return o
        }
        expectEqual(changed, made)
        #expect(!made.equal(run { RMSprop($0, lr: 0.01) }))
    }

    @Test func badTypedOptionStopsWithPyTorchsMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let o = Adam([Parameter(Tensor([1.0]))])
            o.groupOptions[0].betas = (0.9, 1.5)
        }
        #expect(stderrText(r).contains("Invalid beta parameter at index 1: 1.5"))
    }

    @Test func typedOptionsCannotBeRemoved() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let o = SGD([Parameter(Tensor([1.0]))], lr: 0.1)
            o.paramGroups[0]["momentum"] = nil
        }
        #expect(stderrText(r).contains("the option 'momentum' belongs to the optimizer and cannot be removed"))
    }

    /// An optimizer defined with a dictionary of defaults reads its options by name.
    @Test func optimizerWithNamedDefaults() {
        final class SignDescent: Optimizer, @unchecked Sendable {
            init(_ params: [Tensor], lr: Double) { super.init(name: "SignDescent", [ParamGroup(params)], options: NamedOptions(["lr": .double(lr), "scale": 1])) }
            override func update(_ param: Tensor, grad: Tensor, group: ParamGroup, state: inout [String: Tensor]) {
                param -= grad.sign() * (group.lr * group["scale"]!.doubleValue)
            }
        }
        let p = Parameter(Tensor([1.0, -1.0, 0.0]))
        let opt = SignDescent([p], lr: 0.5)
        opt.paramGroups[0]["scale"] = 2
        (p * Tensor([1.0, -3.0, 0.0])).sum().backward()
        opt.step()
        #expect(p.toArray(Double.self) == [0.0, 0.0, 0.0])
        #expect(opt.description.contains("scale: 2.0"))
    }

    @Test func perChannelMeanAndStd() {
        manualSeed(0)
        let images = Tensor.rand([6, 3, 4, 5], dtype: .float64) * Tensor([1.0, 2.0, 0.5]).view(1, 3, 1, 1)
        let (mean, std) = meanAndStd(of: images, channelDim: 1)
        expectClose(Tensor(mean, dtype: .float64), images.mean(dims: [0, 2, 3]), rtol: 1e-12, atol: 1e-15)
        expectClose(Tensor(std, dtype: .float64), images.std(dims: [0, 2, 3], unbiased: false), rtol: 1e-12, atol: 1e-15)
        // In batches, one [C, H, W] image at a time, and from uint8 pixels as pixel / 255.
        let (m2, s2) = meanAndStd(of: (0..<6).map { images[$0] }, channelDim: 0) { $0 }
        expectClose(Tensor(m2, dtype: .float64), Tensor(mean, dtype: .float64), rtol: 1e-12, atol: 1e-15)
        expectClose(Tensor(s2, dtype: .float64), Tensor(std, dtype: .float64), rtol: 1e-12, atol: 1e-15)
        let bytes = (images * 100).to(dtype: .uint8)
        let (m3, _) = meanAndStd(of: bytes, channelDim: 1)
        expectClose(Tensor(m3, dtype: .float64), bytes.to(dtype: .float64).mean(dims: [0, 2, 3]) / 255, rtol: 1e-12, atol: 1e-15)
    }
}
