import Testing
import TorchCore
import TorchOptim

/// Three parameters in two groups (the second with its own learning rate), stepped `steps`
/// times with gradients that depend on `seed`, so every state tensor is distinctive.
private func trained(_ name: String, seed: Int, steps: Int) -> Optimizer {
    let ps = [[2, 3], [4], [3]].enumerated().map { i, shape in
        Parameter((Tensor.arange(shape.reduce(1, *), dtype: .float32).reshape(shape) * 0.3 + Double(i + seed)).sin())
    }
    let groups = [ParamGroup([ps[0], ps[1]]), ParamGroup([ps[2]], lr: 0.02)]
    let optimizer: Optimizer = switch name {
    case "sgd": SGD(groups, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01)
    case "adam": Adam(groups, lr: 0.01, amsgrad: true)
    case "adamw": AdamW(groups, lr: 0.01)
    case "rmsprop": RMSprop(groups, lr: 0.01, momentum: 0.9, centered: true)
    case "adagrad": Adagrad(groups, lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1)
    default: fatalError("no optimizer \(name)")
    }
    for t in 0..<steps {
        for (i, p) in ps.enumerated() {
            p.grad = (Tensor.arange(p.numel, dtype: .float32).reshape(p.shape) * 0.7 + Double(t * 3 + i + seed)).cos()
        }
        optimizer.step()
    }
    return optimizer
}

/// Everything a load may change: each group's parameters and options, and every state tensor.
private struct OptimizerSnapshot {
    let params: [[ObjectIdentifier]]
    let options: [[String: OptionValue]]
    let state: NamedSnapshot

    init(_ o: Optimizer) {
        params = o.paramGroups.map { $0.params.map(ObjectIdentifier.init) }
        options = o.paramGroups.map(\.options)
        var entries: [(String, Tensor)] = []
        for (gi, g) in o.paramGroups.enumerated() {
            for (pi, p) in g.params.enumerated() {
                for (key, t) in o.state(for: p).sorted(by: { $0.key < $1.key }) { entries.append(("\(gi).\(pi).\(key)", t)) }
            }
        }
        state = NamedSnapshot(entries)
    }

    func expectUnchanged(_ o: Optimizer, sourceLocation: SourceLocation = #_sourceLocation) {
        let now = OptimizerSnapshot(o)
        #expect(now.params == params, sourceLocation: sourceLocation)
        #expect(now.options == options, sourceLocation: sourceLocation)
        state.expectUnchanged(now.state, sourceLocation: sourceLocation)
    }
}

/// How a test spoils a good optimizer state dict; each fault is in the last parameter or group.
enum OptimizerStateFault: String, CaseIterable, Sendable {
    case stateShape, stateDtype, stepDtype, stepValue, stateOfUnknownParameter
    case missingOption, badOption, groupSize, groupCount, repeatedIndex

    func apply(_ sd: inout OptimizerStateDict) {
        let key = sd.state[2]!.keys.sorted().first { $0 != "step" }!
        let t = sd.state[2]![key]!
        switch self {
        case .stateShape: sd.state[2]![key] = Tensor.zeros(t.shape + [2])
        case .stateDtype: sd.state[2]![key] = t.to(dtype: .int64)
        case .stepDtype: sd.state[2]!["step"] = Tensor(scalar: true)
        case .stepValue: sd.state[2]!["step"] = Tensor(scalar: Float(-1))
        case .stateOfUnknownParameter: sd.state[3] = sd.state[2]
        case .missingOption: sd.paramGroups[1].options[sd.paramGroups[1].options.keys.sorted().last!] = nil
        case .badOption: sd.paramGroups[1].options["lr"] = -1
        case .groupSize: sd.paramGroups[1].params.append(3)
        case .groupCount: sd.paramGroups.append(sd.paramGroups[1])
        case .repeatedIndex: sd.paramGroups[1].params = [1]
        }
    }
}

@Suite struct OptimizerAtomicLoadTests {
    static let names = ["sgd", "adam", "adamw", "rmsprop", "adagrad"]

    @Test(arguments: names, OptimizerStateFault.allCases)
    func spoiledStateDictThrowsAndChangesNothing(_ name: String, _ fault: OptimizerStateFault) {
        let target = trained(name, seed: 1, steps: 2)
        var sd = trained(name, seed: 2, steps: 3).stateDict()
        fault.apply(&sd)
        let before = OptimizerSnapshot(target)
        #expect(throws: TorchError.self) { try target.loadStateDict(sd) }
        before.expectUnchanged(target)
    }

    @Test(arguments: names, OptimizerStateFault.allCases)
    func spoiledFlattenedStateThrowsAndChangesNothing(_ name: String, _ fault: OptimizerStateFault) {
        let target = trained(name, seed: 1, steps: 2)
        var sd = trained(name, seed: 2, steps: 3).stateDict()
        fault.apply(&sd)
        let before = OptimizerSnapshot(target)
        #expect(throws: TorchError.self) { try target.loadStateDict(sd.flattened()) }
        before.expectUnchanged(target)
    }

    @Test(arguments: ["extra.1.x", "state.x.exp_avg", "param_groups.1.nonsense", "param_groups.1.flag", "param_groups.3.lr"])
    func badFlattenedKeyThrowsAndChangesNothing(_ key: String) {
        let target = trained("adam", seed: 1, steps: 2)
        var flat = trained("adam", seed: 2, steps: 3).stateDict().flattened()
        flat[key] = key.hasSuffix("flag") ? Tensor.zeros([0], dtype: .bool) : Tensor.zeros([3], dtype: .float64)
        let before = OptimizerSnapshot(target)
        #expect(throws: TorchError.self) { try target.loadStateDict(flat) }
        before.expectUnchanged(target)
    }

    @Test func badOptionNamesTheGroupWithPyTorchsMessage() {
        let target = trained("adam", seed: 1, steps: 2)
        var sd = trained("adam", seed: 2, steps: 3).stateDict()
        sd.paramGroups[1].options["betas"] = .pair(0.9, 1.0)
        #expect(throws: TorchError.invalidArgument("loaded state dict: parameter group 1: Invalid beta parameter at index 1: 1.0")) {
            try target.loadStateDict(sd)
        }
        sd.paramGroups[1].options["betas"] = nil
        #expect(throws: TorchError.invalidArgument("loaded state dict: parameter group 1 has no option 'betas'")) {
            try target.loadStateDict(sd)
        }
    }

    @Test(arguments: names)
    func goodLoadAfterFailedOnesMatchesTheSource(_ name: String) throws {
        let target = trained(name, seed: 1, steps: 2)
        let source = trained(name, seed: 2, steps: 3)
        for fault in OptimizerStateFault.allCases {
            var sd = source.stateDict()
            fault.apply(&sd)
            _ = try? target.loadStateDict(sd)
        }
        try target.loadStateDict(source.stateDict().flattened())
        let loaded = OptimizerSnapshot(target), expected = OptimizerSnapshot(source)
        #expect(loaded.options == expected.options)
        expected.state.expectUnchanged(loaded.state, identity: false)
    }
}
