import Foundation
import Testing
import TorchCore
import TorchNN

/// How a test spoils one entry of a good state dict.
enum StateDictFault: String, CaseIterable, Sendable {
    case shape, missing, unexpected
}

/// `good` with the entry at `position` spoiled by `fault`.
private func spoiled(_ good: StateDict, at position: Int, _ fault: StateDictFault) -> StateDict {
    var pairs = good.pairs
    let (key, tensor) = pairs[position]
    switch fault {
    case .shape: pairs[position] = (key, Tensor.zeros(tensor.shape + [2], dtype: tensor.dtype))
    case .missing: pairs.remove(at: position)
    case .unexpected: pairs.insert((key + "_extra", Tensor.zeros([1])), at: position)
    }
    return StateDict(pairs)
}

/// Records an issue unless every entry of `module`'s state has the values and dtype of `expected`.
private func expectValues(_ module: Module, _ expected: StateDict, sourceLocation: SourceLocation = #_sourceLocation) {
    NamedSnapshot(expected).expectUnchanged(NamedSnapshot(module.stateDict()), identity: false, sourceLocation: sourceLocation)
}

@Suite struct AtomicLoadStateDictTests {
    static let positions = Array(1..<9)

    @Test func modelStateHasNineEntriesAndTrackedBatches() {
        let m = LoadTestModel.made(seed: 1, forwards: 2)
        #expect(m.stateDict().count == 9)
        #expect(m.bn.numBatchesTracked?.item(Int64.self) == 2)
    }

    @Test(arguments: StateDictFault.allCases, positions)
    func spoiledEntryThrowsAndChangesNothing(_ fault: StateDictFault, _ position: Int) {
        let target = LoadTestModel.made(seed: 1, forwards: 2)
        let source = LoadTestModel.made(seed: 2, forwards: 5)
        let bad = spoiled(source.stateDict(), at: position, fault)
        let key = source.stateDict().keys[position]
        let before = target.snapshot
        #expect {
            try target.loadStateDict(bad)
        } throws: { error in
            "\(error)".hasPrefix("Error(s) in loading state_dict for LoadTestModel:") && "\(error)".contains(key)
        }
        before.expectUnchanged(target.snapshot)
    }

    @Test(arguments: positions)
    func shapeMismatchThrowsEvenWhenNotStrict(_ position: Int) {
        let target = LoadTestModel.made(seed: 1, forwards: 2)
        let before = target.snapshot
        let bad = spoiled(LoadTestModel.made(seed: 2, forwards: 5).stateDict(), at: position, .shape)
        #expect(throws: LoadStateDictError.self) { try target.loadStateDict(bad, strict: false) }
        before.expectUnchanged(target.snapshot)
    }

    @Test func everyProblemIsListedAndNothingIsCopied() throws {
        let target = LoadTestModel.made(seed: 1, forwards: 2)
        let before = target.snapshot
        var sd = LoadTestModel.made(seed: 2, forwards: 5).stateDict()
        sd["bn.running_var"] = Tensor.zeros([5])
        sd["fc2.bias"] = nil
        sd["fc2.scale"] = Tensor.zeros([1])
        do {
            try target.loadStateDict(sd)
            Issue.record("expected an error")
        } catch {
            #expect(error.errorMessages == [
                "Missing key(s) in state_dict: \"fc2.bias\". ",
                "Unexpected key(s) in state_dict: \"fc2.scale\". ",
                "size mismatch for bn.running_var: copying a param with shape torch.Size([5]) from checkpoint, the shape in current model is torch.Size([4]).",
            ])
        }
        before.expectUnchanged(target.snapshot)
    }

    @Test(arguments: positions)
    func otherDtypeIsConvertedAsPyTorchDoes(_ position: Int) throws {
        let target = LoadTestModel.made(seed: 1, forwards: 2)
        let source = LoadTestModel.made(seed: 2, forwards: 5).stateDict()
        var pairs = source.pairs
        let (key, tensor) = pairs[position]
        let other: DType = tensor.dtype == .float32 ? .float64 : .float32
        pairs[position] = (key, tensor.to(dtype: other))
        let identities = target.snapshot.entries.map(\.1.identity)
        try target.loadStateDict(StateDict(pairs))
        expectValues(target, source)
        #expect(target.snapshot.entries.map(\.1.identity) == identities)
    }

    @Test(arguments: positions)
    func otherDtypeBeforeALaterFaultIsNotCopied(_ position: Int) {
        let target = LoadTestModel.made(seed: 1, forwards: 2)
        let before = target.snapshot
        var pairs = LoadTestModel.made(seed: 2, forwards: 5).stateDict().pairs
        pairs[position - 1].1 = pairs[position - 1].1.to(dtype: .float64)
        let bad = spoiled(StateDict(pairs), at: position, .shape)
        #expect(throws: LoadStateDictError.self) { try target.loadStateDict(bad) }
        before.expectUnchanged(target.snapshot)
    }

    @Test func goodLoadCopiesEverythingInPlace() throws {
        let target = LoadTestModel.made(seed: 1, forwards: 2)
        let source = LoadTestModel.made(seed: 2, forwards: 5)
        let identities = target.snapshot.entries.map(\.1.identity)
        let result = try target.loadStateDict(source.stateDict())
        #expect(result.missingKeys.isEmpty && result.unexpectedKeys.isEmpty)
        expectValues(target, source.stateDict())
        #expect(target.bn.numBatchesTracked?.item(Int64.self) == 5)
        #expect(target.snapshot.entries.map(\.1.identity) == identities)
        #expect(target.fc1.weight.requiresGrad && target.fc1.weight.isLeaf)
    }

    @Test func failedLoadThenGoodLoadWorks() throws {
        let target = LoadTestModel.made(seed: 1, forwards: 2)
        let source = LoadTestModel.made(seed: 2, forwards: 5)
        #expect(throws: LoadStateDictError.self) { try target.loadStateDict(spoiled(source.stateDict(), at: 8, .missing)) }
        try target.loadStateDict(source.stateDict())
        expectValues(target, source.stateDict())
    }

    @Test(arguments: positions)
    func notStrictCopiesWhatIsThereAndReportsTheRest(_ position: Int) throws {
        let target = LoadTestModel.made(seed: 1, forwards: 2)
        let old = target.stateDict().pairs.map { ($0.0, $0.1.clone()) }
        let source = LoadTestModel.made(seed: 2, forwards: 5).stateDict()
        let key = source.keys[position]
        let partial = spoiled(spoiled(source, at: position, .missing), at: 1, .unexpected)
        let result = try target.loadStateDict(partial, strict: false)
        #expect(result.missingKeys == [key])
        #expect(result.unexpectedKeys == [source.keys[position == 1 ? 2 : 1] + "_extra"])
        var expected = source
        expected[key] = StateDict(old)[key]
        expectValues(target, expected)
    }
}
