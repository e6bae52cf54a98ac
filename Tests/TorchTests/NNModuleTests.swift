import Testing
import TorchCore
import TorchNN

/// A stand-in for Conv2d (which lives in another file): two stored parameters.
private final class FakeConv: Module {
    let weight: Parameter
    let bias: Parameter
    init(_ inC: Int, _ outC: Int, _ k: Int) {
        weight = Parameter(Tensor.zeros([outC, inC, k, k]))
        bias = Parameter(Tensor.zeros([outC]))
        super.init()
    }
    override func extraRepr() -> String { "\(weight.shape[1]), \(weight.shape[0])" }
    override func forward(_ input: Tensor) -> Tensor { input }
}

/// The course network's shape (DESIGN.md's `Network`), with the convolutions stood in for.
private final class CourseNetwork: Module {
    let conv1 = FakeConv(1, 6, 5)
    let conv2 = FakeConv(6, 12, 5)
    let fc1 = Linear(inFeatures: 12 * 4 * 4, outFeatures: 120)
    let fc2 = Linear(inFeatures: 120, outFeatures: 60)
    let out = Linear(inFeatures: 60, outFeatures: 10)
}

/// The fixture script's three-layer network.
private final class Network: Module {
    let fc1 = Linear(inFeatures: 6, outFeatures: 5)
    let fc2 = Linear(inFeatures: 5, outFeatures: 4)
    let out = Linear(inFeatures: 4, outFeatures: 2)
    override func forward(_ t: Tensor) -> Tensor { out(fc2(fc1(t).relu()).relu()) }

    /// The network `torch.manual_seed(seed); Network()` makes: the layers redraw in
    /// construction order from one generator (the global one could race other tests).
    static func seeded(_ seed: UInt64) -> Network {
        let net = Network()
        let g = Generator(seed: seed)
        for layer in [net.fc1, net.fc2, net.out] { layer.resetParameters(generator: g) }
        return net
    }
}

/// Stored members of several kinds, plus registered ones and a superclass.
private class Base: Module {
    let first = Parameter(Tensor.zeros([1]))
}
private final class Mixed: Base {
    let scale = Parameter(Tensor.ones([2]))
    let missing: Parameter? = nil
    let present: Parameter? = Parameter(Tensor.zeros([3]))
    let plain = Tensor.zeros([4])             // not a parameter
    let count = 3
    let head: Linear? = Linear(inFeatures: 2, outFeatures: 1)
    let none: Linear? = nil
    lazy var later = Tensor.zeros([1])
    override init() {
        super.init()
        registerParameter("extra", Parameter(Tensor.zeros([5])))
        registerBuffer("running", Tensor.zeros([2]))
        registerBuffer("scratch", Tensor.zeros([2]), persistent: false)
        registerBuffer("steps", Tensor(scalar: Int64(0)))
    }
}

/// PyTorch's `str(module)` for modules built by scripts/fixtures/nn_modules.py.
@Suite struct NNModuleTests {
    let f = Fixture("nn_modules")

    @Test func parameterDiscoveryAndNames() {
        let net = CourseNetwork()
        #expect(net.namedParameters().map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                                      "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "out.weight", "out.bias"])
        #expect(net.parameters().map(\.shape) == [[6, 1, 5, 5], [6], [12, 6, 5, 5], [12], [120, 192], [120], [60, 120], [60], [10, 60], [10]])
        #expect(net.parameters().allSatisfy { $0.requiresGrad })
        #expect(net.namedChildren().map(\.name) == ["conv1", "conv2", "fc1", "fc2", "out"])
        #expect(net.children()[2] === net.fc1)
        #expect(net.namedModules().map(\.name) == ["", "conv1", "conv2", "fc1", "fc2", "out"])
        #expect(net.modules().count == 6)
        #expect(net.parameters(recurse: false).isEmpty)
        #expect(net.fc1.namedParameters(prefix: "fc1").map(\.name) == ["fc1.weight", "fc1.bias"])
        #expect(net.getParameter("fc2.bias") === net.fc2.bias)
        #expect(net.getSubmodule("out") === net.out)
        #expect(net.getSubmodule("nope") == nil)
    }

    @Test func reflectionKindsAndRegistration() {
        let m = Mixed()
        // Registered first, then stored properties (superclass first, declaration order).
        #expect(m.namedParameters().map(\.name) == ["extra", "first", "scale", "present", "head.weight", "head.bias"])
        #expect(m.namedChildren().map(\.name) == ["head"])
        #expect(m.namedBuffers().map(\.name) == ["running", "scratch", "steps"])
        #expect(m.stateDict().keys == ["extra", "first", "scale", "present", "running", "steps", "head.weight", "head.bias"])
        #expect(m.getBuffer("running") === m.buffers()[0])
        // Replacing a buffer by name keeps its place.
        m.registerBuffer("running", Tensor.ones([2]))
        #expect(m.namedBuffers().map(\.name) == ["running", "scratch", "steps"])
        #expect(m.getBuffer("running")!.sum().item(Float.self) == 2)
    }

    @Test func sharedParametersAreListedOnce() {
        let shared = Linear(inFeatures: 2, outFeatures: 2)
        let seq = Sequential(shared, shared)
        #expect(seq.namedParameters().map(\.name) == ["0.weight", "0.bias"])
        #expect(seq.namedModules().map(\.name) == ["", "0"])
        #expect(seq.stateDict().keys == ["0.weight", "0.bias", "1.weight", "1.bias"])
        let tied = Sequential(Linear(inFeatures: 2, outFeatures: 2), Linear(inFeatures: 2, outFeatures: 2))
        (tied[1] as! Linear).weight = (tied[0] as! Linear).weight
        #expect(tied.namedParameters().map(\.name) == ["0.weight", "0.bias", "1.bias"])
    }

    @Test func sequentialNames() {
        let seq = Sequential(Flatten(), Linear(inFeatures: 4, outFeatures: 3), Identity())
        #expect(seq.count == 3)
        #expect(seq.namedParameters().map(\.name) == ["1.weight", "1.bias"])
        #expect(seq[1] is Linear && seq[-1] is Identity)
        #expect(seq.map(\.typeName) == ["Flatten", "Linear", "Identity"])
        let named = Sequential([("flat", Flatten()), ("hidden", Linear(inFeatures: 4, outFeatures: 2))])
        #expect(named.namedParameters().map(\.name) == ["hidden.weight", "hidden.bias"])
        let pairs = Sequential(["a": Identity(), "b": Linear(inFeatures: 2, outFeatures: 2)])
        #expect(pairs.namedChildren().map(\.name) == ["a", "b"])
        let built = Sequential()
        built.addModule("conv1", FakeConv(1, 2, 3))
        built.addModule("fc", Linear(inFeatures: 3, outFeatures: 1))
        built.append(Identity())
        #expect(built.stateDict().keys == ["conv1.weight", "conv1.bias", "fc.weight", "fc.bias"])
        #expect(built.namedChildren().map(\.name) == ["conv1", "fc", "2"])
        #expect(seq[0..<2].namedChildren().map(\.name) == ["0", "1"])
        // forward chains the children.
        let x = Tensor.ones([2, 2, 2])
        let lin = seq[1] as! Linear
        expectClose(seq(x), F.linear(x.flatten(startDim: 1), weight: lin.weight, bias: lin.bias))
    }

    @Test func moduleListAndDict() {
        let list = ModuleList<Module>([Linear(inFeatures: 2, outFeatures: 2)])
        list.append(Identity()).extend([Linear(inFeatures: 2, outFeatures: 3)])
        #expect(list.count == 3)
        #expect(list.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        list.insert(0, Identity())
        #expect(list.namedChildren().map(\.name) == ["0", "1", "2", "3"])
        #expect(list[1] is Linear && list[-1] is Linear)
        #expect(list.map(\.typeName) == ["Identity", "Linear", "Identity", "Linear"])
        let dict = ModuleDict(["a": Linear(inFeatures: 2, outFeatures: 3), "b": Identity()])
        #expect(dict.keys == ["a", "b"] && dict.count == 2 && dict.contains("b"))
        #expect(dict.stateDict().keys == ["a.weight", "a.bias"])
        dict["c"] = Linear(inFeatures: 1, outFeatures: 1)
        dict.pop("a")
        #expect(dict.map(\.key) == ["b", "c"])
    }

    @Test func printingMatchesPyTorch() {
        #expect(Network().description == f.value("print_network", as: String.self))
        #expect(Linear(inFeatures: 4, outFeatures: 3).description == f.value("print_linear", as: String.self))
        #expect("\(Linear(inFeatures: 192, outFeatures: 120, bias: false))" == f.value("print_linear_nobias", as: String.self))
        #expect("\(Sequential(Flatten(), Linear(inFeatures: 784, outFeatures: 10), Identity()))" == f.value("print_sequential", as: String.self))
        #expect("\(Sequential([("flat", Flatten()), ("hidden", Linear(inFeatures: 784, outFeatures: 10))]))"
                == f.value("print_sequential_named", as: String.self))
        #expect("\(ModuleList([Linear(inFeatures: 2, outFeatures: 3), Linear(inFeatures: 3, outFeatures: 4)]))"
                == f.value("print_modulelist_distinct", as: String.self))
        #expect("\(ModuleDict(["a": Linear(inFeatures: 2, outFeatures: 3), "b": Identity()]))" == f.value("print_moduledict", as: String.self))
        #expect("\(Flatten(startDim: 0, endDim: 2))" == f.value("print_flatten", as: String.self))
        #expect("\(Unflatten(dim: 1, unflattenedSize: [2, 5]))" == f.value("print_unflatten", as: String.self))
        #expect("\(Identity())" == f.value("print_identity", as: String.self))
        #expect("\(Embedding(numEmbeddings: 10, embeddingDim: 3))" == f.value("print_embedding", as: String.self))
        #expect("\(Embedding(numEmbeddings: 10, embeddingDim: 3, paddingIdx: -1))" == f.value("print_embedding_pad", as: String.self))
        #expect("\(Bilinear(in1Features: 3, in2Features: 2, outFeatures: 4, bias: false))" == f.value("print_bilinear", as: String.self))
        #expect("\(Module())" == f.value("print_empty_module", as: String.self))
        #expect("\(ModuleList())" == f.value("print_empty_modulelist", as: String.self))
    }

    @Test func printingNested() {
        final class Net: Module {
            let layer1 = Sequential(Linear(inFeatures: 2, outFeatures: 3), Sequential(Identity(), Linear(inFeatures: 3, outFeatures: 3)))
            let fc = Linear(inFeatures: 3, outFeatures: 1)
        }
        #expect("\(Net())" == f.value("print_nested", as: String.self))
    }

    @Test func moduleListCollapsesRepeats() {
        // PyTorch >= 2.0's layout (torch 1.13 lists each child).
        let list = ModuleList((0..<3).map { _ in Linear(inFeatures: 2, outFeatures: 2) } + [Identity(), Linear(inFeatures: 2, outFeatures: 2)])
        #expect("\(list)" == """
            ModuleList(
              (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)
              (3): Identity()
              (4): Linear(in_features=2, out_features=2, bias=True)
            )
            """)
        let nested = ModuleList([Sequential(Identity()), Sequential(Identity())])
        #expect("\(nested)" == "ModuleList(\n  (0-1): 2 x Sequential(\n    (0): Identity()\n  )\n)")
    }

    @Test func stateDictMatchesPyTorch() {
        let net = Network.seeded(4)
        let sd = net.stateDict()
        #expect(sd.keys == f.value("network_keys", as: [String].self))
        for (key, value) in sd {
            expectEqual(value, f["network_" + key])
            #expect(!value.requiresGrad)
        }
        // Shares memory with the parameters.
        #expect(sd["fc1.weight"]!.storage === net.fc1.weight.storage)
        #expect(net.stateDict(keepVars: true)["fc1.weight"] === net.fc1.weight)
    }

    @Test func loadStateDictCopiesInPlace() throws {
        let source = Network.seeded(4)
        let target = Network()
        let weight = target.fc1.weight
        let result = try target.loadStateDict(source.stateDict())
        #expect(result.missingKeys.isEmpty && result.unexpectedKeys.isEmpty)
        #expect(target.fc1.weight === weight)
        expectEqual(target.fc1.weight.detach(), f["network_fc1.weight"])
        expectEqual(target(Tensor.ones([1, 6])), source(Tensor.ones([1, 6])))
        #expect(target.fc1.weight.requiresGrad && target.fc1.weight.isLeaf)
    }

    @Test func loadStateDictStrictErrors() {
        final class Network: Module {
            let fc1 = Linear(inFeatures: 190, outFeatures: 120)
            let fc2 = Linear(inFeatures: 3, outFeatures: 2)
        }
        let net = Network()
        var sd = net.stateDict()
        sd["fc1.weight"] = Tensor.zeros([120, 192])
        sd["fc2.bias"] = nil
        sd["extra"] = Tensor.zeros([1])
        sd["fc2.foo"] = Tensor.zeros([1])
        sd["fc2.weight"] = Tensor.full([2, 3], 7)
        let before = net.stateDict().pairs.map { ($0.0, $0.1.clone()) }
        #expect(throws: LoadStateDictError.self) { try net.loadStateDict(sd) }
        do {
            try net.loadStateDict(sd)
        } catch {
            #expect("\(error)" == "Error(s) in loading state_dict for Network:\n\tMissing key(s) in state_dict: \"fc2.bias\". \n\tUnexpected key(s) in state_dict: \"extra\", \"fc2.foo\". \n\tsize mismatch for fc1.weight: copying a param with shape torch.Size([120, 192]) from checkpoint, the shape in current model is torch.Size([120, 190]).")
            #expect(error.missingKeys == ["fc2.bias"] && error.unexpectedKeys == ["extra", "fc2.foo"])
        }
        // Unlike PyTorch, nothing was copied: not even the tensors that fit.
        NamedSnapshot(before).expectUnchanged(NamedSnapshot(net.stateDict()), identity: false)
        // Not strict: the missing and unexpected keys come back; a size mismatch still throws.
        let partial = try? net.loadStateDict(["fc1.bias": Tensor.zeros([120]), "other": Tensor.zeros([1])], strict: false)
        #expect(partial?.missingKeys == ["fc1.weight", "fc2.weight", "fc2.bias"])
        #expect(partial?.unexpectedKeys == ["other"])
        do {
            try net.loadStateDict(["fc1.weight": Tensor.zeros([120, 192])], strict: false)
            Issue.record("expected a size mismatch")
        } catch {
            #expect("\(error)" == "Error(s) in loading state_dict for Network:\n\tsize mismatch for fc1.weight: copying a param with shape torch.Size([120, 192]) from checkpoint, the shape in current model is torch.Size([120, 190]).")
        }
    }

    @Test func buffersInStateDictLoadInPlace() throws {
        let m = Mixed()
        let running = m.getBuffer("running")!
        var sd = m.stateDict()
        sd["running"] = Tensor([3, 4], dtype: .float32)
        sd["steps"] = Tensor(scalar: Int64(7))
        try m.loadStateDict(sd)
        #expect(m.getBuffer("running") === running)
        #expect(running.toArray(Float.self) == [3, 4])
        #expect(m.getBuffer("steps")!.item(Int64.self) == 7)
    }

    @Test func trainEvalFlags() {
        let net = CourseNetwork()
        #expect(net.training && net.fc1.training)
        net.eval()
        #expect(!net.training && net.modules().allSatisfy { !$0.training })
        net.train()
        #expect(net.modules().allSatisfy { $0.training })
        net.fc2.train(false)
        #expect(net.training && !net.fc2.training && net.fc1.training)
    }

    @Test func forwardHooks() {
        let fc = Linear(inFeatures: 2, outFeatures: 2)
        var seen: [String] = []
        let pre = fc.registerForwardPreHook { _, x in seen.append("pre"); return [x[0] * 2] }
        let post = fc.registerForwardHook { m, x, y in
            seen.append("post \(m.typeName) \(x[0].sum().item(Float.self))")
            return [y[0] + 1]
        }
        let x = Tensor.ones([1, 2])
        let y = fc(x)
        #expect(seen == ["pre", "post Linear 4.0"])
        expectClose(y, F.linear(x * 2, weight: fc.weight, bias: fc.bias) + 1)
        pre.remove()
        post.remove()
        post.remove()
        expectClose(fc(x), F.linear(x, weight: fc.weight, bias: fc.bias))
        #expect(seen.count == 2)
    }

    @Test func applyVisitsChildrenFirst() {
        let net = Sequential(Linear(inFeatures: 2, outFeatures: 2), Sequential(Identity()))
        var order: [String] = []
        net.apply { order.append($0.typeName) }
        #expect(order == ["Linear", "Identity", "Sequential", "Sequential"])
        net.apply { m in if let l = m as? Linear { Init.constant_(l.weight, 0.5) } }
        #expect((net[0] as! Linear).weight.sum().item(Float.self) == 2)
    }

    @Test func zeroGrad() {
        let fc = Linear(inFeatures: 3, outFeatures: 2)
        fc(Tensor.ones([4, 3])).sum().backward()
        #expect(fc.weight.grad != nil)
        fc.zeroGrad(setToNone: false)
        #expect(fc.weight.grad!.abs().sum().item(Float.self) == 0 && fc.bias!.grad != nil)
        fc.zeroGrad()
        #expect(fc.weight.grad == nil && fc.bias!.grad == nil)
    }

    @Test func toDType() {
        let m = Sequential(Linear(inFeatures: 2, outFeatures: 2))
        m.registerBuffer("mean", Tensor.zeros([2]))
        m.registerBuffer("count", Tensor(scalar: Int64(0)))
        let before = (m[0] as! Linear).weight.detach().clone()
        m.to(dtype: .float64)
        #expect(m.parameters().allSatisfy { $0.dtype == .float64 && $0.requiresGrad && $0.isLeaf })
        #expect(m.getBuffer("mean")!.dtype == .float64 && m.getBuffer("count")!.dtype == .int64)
        expectEqual((m[0] as! Linear).weight.detach(), before.to(dtype: .float64))
        #expect(m(Tensor.ones([1, 2], dtype: .float64)).dtype == .float64)
        m.to(device: .cpu)
    }

    @Test func toDTypeRefusesStoredParameters() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            final class Stored: Module { let w = Parameter(Tensor.zeros([1])) }
            Stored().to(dtype: .float64)
        }
    }

    @Test func missingForwardMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            final class E: Module {}
            _ = E()(Tensor.zeros([1]))
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("Module [E] is missing the required \"forward\" function"))
    }

    @Test func cudaIsRefused() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Linear(inFeatures: 1, outFeatures: 1).to(device: Device("cuda"))
        }
        let text = String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("no CUDA backend"))
    }
}
