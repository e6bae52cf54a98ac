import Testing
import TorchCore
import TorchOptim

/// An SGD optimizer over two groups (lr 0.1 and 0.05).
private func optimizer() -> Optimizer {
    SGD([ParamGroup([Parameter(Tensor.zeros([2]))]), ParamGroup([Parameter(Tensor.zeros([3]))], lr: 0.05)],
        lr: 0.1, momentum: 0.9)
}

/// The scheduler `name` over a fresh optimizer, stepped `steps` times after `init`'s step.
private func scheduler(_ name: String, steps: Int) -> LRScheduler {
    let o = optimizer()
    let s: LRScheduler = switch name {
    case "step": StepLR(o, stepSize: 3, gamma: 0.5)
    case "multistep": MultiStepLR(o, milestones: [2, 5], gamma: 0.3)
    case "exponential": ExponentialLR(o, gamma: 0.9)
    case "cosine": CosineAnnealingLR(o, tMax: 10, etaMin: 0.001)
    case "onecycle": OneCycleLR(o, maxLR: 0.1, totalSteps: 30)
    default: fatalError("no scheduler \(name)")
    }
    for _ in 0..<steps { s.step() }
    return s
}

/// A scheduler's saved state in key order, and its optimizer's group options.
private func snapshot(_ state: [String: Tensor], _ optimizer: Optimizer) -> (NamedSnapshot, [[String: OptionValue]]) {
    (NamedSnapshot(state.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }), optimizer.paramGroups.map(\.options))
}

/// A way to spoil a scheduler's saved state: `key` replaced by `value`, or removed when nil.
struct SchedulerStateFault: CustomStringConvertible, Sendable {
    let key: String
    let value: (@Sendable () -> Tensor)?
    let what: String
    var description: String { "\(key): \(what)" }

    func apply(_ state: inout [String: Tensor]) { state[key] = value?() }
}

private let lrSchedulerFaults: [SchedulerStateFault] = [
    .init(key: "_last_lr", value: { Tensor([0.1, 0.1, 0.1], shape: [3], dtype: .float64) }, what: "three rates for two groups"),
    .init(key: "_last_lr", value: { Tensor([0.1, 0.05], shape: [1, 2], dtype: .float64) }, what: "rates as a matrix"),
    .init(key: "_last_lr", value: { Tensor([1, 0], shape: [2], dtype: .int64) }, what: "integer rates"),
    .init(key: "_last_lr", value: { Tensor([0.1, .nan], shape: [2], dtype: .float64) }, what: "a NaN rate"),
    .init(key: "_last_lr", value: { Tensor([0.1, -0.05], shape: [2], dtype: .float64) }, what: "a negative rate"),
    .init(key: "_last_lr", value: nil, what: "missing"),
    .init(key: "base_lrs", value: { Tensor([0.1, .infinity], shape: [2], dtype: .float64) }, what: "an infinite rate"),
    .init(key: "_step_count", value: { Tensor([2.5], shape: [1], dtype: .float64) }, what: "a fractional count"),
    .init(key: "_step_count", value: { Tensor([2.0, 3.0], shape: [2], dtype: .float64) }, what: "two counts"),
    .init(key: "last_epoch", value: { Tensor([-2.0], shape: [1], dtype: .float64) }, what: "an epoch before -1"),
    .init(key: "last_epoch", value: { Tensor(scalar: true) }, what: "a flag"),
    .init(key: "extra", value: { Tensor([1.0], shape: [1], dtype: .float64) }, what: "unexpected"),
]

private let plateauFaults: [SchedulerStateFault] = [
    .init(key: "_last_lr", value: { Tensor([0.1], shape: [1], dtype: .float64) }, what: "one rate for two groups"),
    .init(key: "_last_lr", value: { Tensor([-1.0, 0.1], shape: [2], dtype: .float64) }, what: "a negative rate"),
    .init(key: "_last_lr", value: nil, what: "missing"),
    .init(key: "last_epoch", value: { Tensor([Double.nan], shape: [1], dtype: .float64) }, what: "a NaN epoch"),
    .init(key: "cooldown_counter", value: { Tensor([-1.0], shape: [1], dtype: .float64) }, what: "a negative count"),
    .init(key: "num_bad_epochs", value: { Tensor([1.5], shape: [1], dtype: .float64) }, what: "a fractional count"),
    .init(key: "best", value: { Tensor([Double.nan], shape: [1], dtype: .float64) }, what: "a NaN best"),
    .init(key: "best", value: { Tensor(scalar: false) }, what: "a flag"),
    .init(key: "extra", value: { Tensor([1.0], shape: [1], dtype: .float64) }, what: "unexpected"),
]

@Suite struct SchedulerAtomicLoadTests {
    static let names = ["step", "multistep", "exponential", "cosine", "onecycle"]

    @Test(arguments: names, lrSchedulerFaults)
    func spoiledStateThrowsAndChangesNothing(_ name: String, _ fault: SchedulerStateFault) {
        let target = scheduler(name, steps: 2)
        var state = scheduler(name, steps: 6).stateDict()
        fault.apply(&state)
        let before = snapshot(target.stateDict(), target.optimizer)
        let fields = (target.lastEpoch, target.stepCount, target.baseLRs, target.getLastLR())
        #expect(throws: TorchError.self) { try target.loadStateDict(state) }
        let after = snapshot(target.stateDict(), target.optimizer)
        before.0.expectUnchanged(after.0, identity: false)
        #expect(after.1 == before.1)
        #expect(target.lastEpoch == fields.0 && target.stepCount == fields.1)
        #expect(target.baseLRs == fields.2 && target.getLastLR() == fields.3)
    }

    @Test func oneCycleRejectsAnEpochPastItsTotalSteps() {
        let target = scheduler("onecycle", steps: 2)
        var state = target.stateDict()
        state["last_epoch"] = Tensor([31.0], shape: [1], dtype: .float64)
        let before = snapshot(target.stateDict(), target.optimizer)
        #expect(throws: TorchError.invalidArgument("scheduler state: 'last_epoch' is 31, past the 30 total steps of this schedule")) {
            try target.loadStateDict(state)
        }
        before.0.expectUnchanged(snapshot(target.stateDict(), target.optimizer).0, identity: false)
    }

    @Test(arguments: names)
    func goodLoadResumesTheSchedule(_ name: String) throws {
        let source = scheduler(name, steps: 6)
        let target = scheduler(name, steps: 2)
        try target.optimizer.loadStateDict(source.optimizer.stateDict())
        try target.loadStateDict(source.stateDict())
        #expect(target.lastEpoch == source.lastEpoch && target.stepCount == source.stepCount)
        for _ in 0..<5 {
            source.step()
            target.step()
            #expect(target.getLastLR() == source.getLastLR())
        }
    }

    @Test(arguments: plateauFaults)
    func spoiledPlateauStateThrowsAndChangesNothing(_ fault: SchedulerStateFault) {
        let target = ReduceLROnPlateau(optimizer(), patience: 1)
        for m in [1.0, 0.9] { target.step(m) }
        let source = ReduceLROnPlateau(optimizer(), patience: 1)
        for m in [1.0, 1.0, 1.0, 0.5, 0.6] { source.step(m) }
        var state = source.stateDict()
        fault.apply(&state)
        let before = snapshot(target.stateDict(), target.optimizer)
        #expect(throws: TorchError.self) { try target.loadStateDict(state) }
        let after = snapshot(target.stateDict(), target.optimizer)
        before.0.expectUnchanged(after.0, identity: false)
        #expect(after.1 == before.1)
        #expect(target.best == 0.9 && target.lastEpoch == 2 && target.numBadEpochs == 0 && target.cooldownCounter == 0)
    }

    @Test func plateauLoadsAnInfiniteBest() throws {
        let fresh = ReduceLROnPlateau(optimizer(), patience: 1)
        let target = ReduceLROnPlateau(optimizer(), patience: 1)
        target.step(0.5)
        try target.loadStateDict(fresh.stateDict())
        #expect(target.best == .infinity && target.lastEpoch == 0)
    }
}
