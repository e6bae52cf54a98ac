import Foundation
import Testing
import TorchCore
import TorchOptim

/// Two groups (lr 0.1 and 0.05) as in the fixture script.
private func twoGroups() -> [ParamGroup] {
    [ParamGroup([Parameter(Tensor.zeros([2]))]), ParamGroup([Parameter(Tensor.zeros([3]))], lr: 0.05)]
}

/// What a process that stopped wrote to stderr.
private func errorText(_ r: ExitTest.Result?) -> String {
    String(decoding: r?.standardErrorContent ?? [], as: UTF8.self)
}

private func sgd() -> Optimizer { SGD(twoGroups(), lr: 0.1, momentum: 0.9) }
private func adam() -> Optimizer { Adam(twoGroups(), lr: 0.1) }

/// The learning rates after construction and after each of 29 steps, as a [30, groups] tensor;
/// `momentum` reads a value per group after each of those points too.
private func schedule(_ optimizer: Optimizer, _ scheduler: LRScheduler,
                      momentum: ((ParamGroup) -> Double)? = nil) -> (Tensor, Tensor?) {
    var lrs = [scheduler.getLastLR()]
    var moms = momentum.map { m in [optimizer.paramGroups.map(m)] } ?? []
    for _ in 0..<29 {
        optimizer.step()
        scheduler.step()
        lrs.append(scheduler.getLastLR())
        if let momentum { moms.append(optimizer.paramGroups.map(momentum)) }
    }
    let lrT = Tensor(lrs.flatMap { $0 }, shape: [lrs.count, lrs[0].count], dtype: .float64)
    let momT = momentum == nil ? nil : Tensor(moms.flatMap { $0 }, shape: [moms.count, moms[0].count], dtype: .float64)
    return (lrT, momT)
}

@Suite struct SchedulerTests {
    let f = Fixture("lr_scheduler")

    @Test func stepLR() {
        let o = sgd()
        let s = StepLR(o, stepSize: 7, gamma: 0.5)
        #expect(s.lastEpoch == 0 && s.getLastLR() == [0.1, 0.05])
        expectClose(schedule(o, s).0, f["step"], rtol: 1e-15, atol: 0)
        #expect(s.lastEpoch == 29)
        #expect(o.paramGroups[0]["initial_lr"] == .double(0.1))
    }

    @Test func multiStepLR() {
        let o = sgd()
        expectClose(schedule(o, MultiStepLR(o, milestones: [5, 12, 12, 20], gamma: 0.3)).0, f["multistep"], rtol: 1e-15, atol: 0)
    }

    @Test func exponentialLR() {
        let o = sgd()
        expectClose(schedule(o, ExponentialLR(o, gamma: 0.9)).0, f["exponential"], rtol: 1e-15, atol: 0)
    }

    @Test func cosineAnnealingLR() {
        let o = sgd()
        expectClose(schedule(o, CosineAnnealingLR(o, tMax: 10, etaMin: 0.001)).0, f["cosine"], rtol: 1e-14, atol: 1e-17)
    }

    @Test func lambdaLR() {
        let o = sgd()
        let s = LambdaLR(o) { epoch in Foundation.pow(0.95, Double(epoch)) }
        expectClose(schedule(o, s).0, f["lambda"], rtol: 1e-15, atol: 0)
        let a = adam()
        let perGroup = LambdaLR(a, lrLambdas: [{ 1.0 / Double($0 + 1) }, { $0 >= 10 ? 0.5 : Swift.min(1.0, Double($0 + 1) / 5) }])
        expectClose(schedule(a, perGroup).0, f["lambda_per_group"], rtol: 1e-15, atol: 0)
    }

    @Test func lambdaLRNeedsOneFunctionPerGroup() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = LambdaLR(SGD(twoGroups(), lr: 0.1), lrLambdas: [{ _ in 1 }])
        }
        #expect(errorText(r).contains("Expected 2 lr_lambdas, but got 1"))
    }

    @Test func oneCycleLRWithMomentum() {
        let o = sgd()
        let (lrs, moms) = schedule(o, OneCycleLR(o, maxLR: 0.1, totalSteps: 30)) { $0["momentum"]!.doubleValue }
        expectClose(lrs, f["onecycle"], rtol: 1e-14, atol: 1e-17)
        expectClose(moms!, f["onecycle_momentum"], rtol: 1e-14, atol: 1e-17)
    }

    @Test func oneCycleLRLinearThreePhaseOnAdam() {
        let o = adam()
        let s = OneCycleLR(o, maxLRs: [0.1, 0.2], totalSteps: 30, pctStart: 0.25, annealStrategy: .linear, threePhase: true)
        let (lrs, beta1) = schedule(o, s) { $0["betas"]!.pairValue.0 }
        expectClose(lrs, f["onecycle_linear3"], rtol: 1e-14, atol: 1e-17)
        expectClose(beta1!, f["onecycle_linear3_beta1"], rtol: 1e-14, atol: 1e-17)
        #expect(o.paramGroups[0]["betas"]!.pairValue.1 == 0.999)
    }

    @Test func oneCycleLRByEpochs() {
        let o = sgd()
        let s = OneCycleLR(o, maxLR: 0.5, epochs: 3, stepsPerEpoch: 10, pctStart: 0.4, cycleMomentum: false,
                           divFactor: 10, finalDivFactor: 100)
        expectClose(schedule(o, s).0, f["onecycle_epochs"], rtol: 1e-14, atol: 1e-17)
        #expect(o.paramGroups[0]["momentum"] == .double(0.9))
    }

    private func plateau(_ s: ReduceLROnPlateau) -> Tensor {
        let metrics: [Double] = f["plateau_metrics"].toArray()
        var lrs: [Double] = []
        for m in metrics {
            s.step(m)
            lrs += s.getLastLR()
        }
        return Tensor(lrs, shape: [metrics.count, 2], dtype: .float64)
    }

    @Test func reduceLROnPlateau() {
        expectClose(plateau(ReduceLROnPlateau(sgd(), mode: .min, factor: 0.5, patience: 2, cooldown: 1, minLR: 0.004)),
                    f["plateau_min"], rtol: 1e-15, atol: 0)
        expectClose(plateau(ReduceLROnPlateau(sgd(), mode: .max, factor: 0.3, patience: 1, threshold: 0.01,
                                              thresholdMode: .abs, minLRs: [0.01, 0])),
                    f["plateau_max_abs"], rtol: 1e-15, atol: 0)
    }

    @Test func stateDictRoundTripResumesTheSchedule() throws {
        let o1 = sgd()
        let s1 = CosineAnnealingLR(o1, tMax: 10, etaMin: 0.001)
        for _ in 0..<13 { s1.step() }
        let o2 = sgd()
        let s2 = CosineAnnealingLR(o2, tMax: 10, etaMin: 0.001)
        try o2.loadStateDict(o1.stateDict())
        try s2.loadStateDict(s1.stateDict())
        #expect(s2.lastEpoch == 13 && s2.getLastLR() == s1.getLastLR())
        for _ in 0..<9 {
            s1.step()
            s2.step()
            #expect(s2.getLastLR() == s1.getLastLR())
        }

        let p1 = ReduceLROnPlateau(sgd(), patience: 1)
        for m in [1.0, 1.0, 1.0, 0.5] { p1.step(m) }
        let p2 = ReduceLROnPlateau(sgd(), patience: 1)
        try p2.loadStateDict(p1.stateDict())
        #expect(p2.best == 0.5 && p2.lastEpoch == 4 && p2.numBadEpochs == p1.numBadEpochs)
        #expect(throws: TorchError.self) { try p2.loadStateDict([:]) }
    }

    @Test func resumingNeedsInitialLR() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = StepLR(SGD([Parameter(Tensor([1.0]))], lr: 0.1), stepSize: 2, lastEpoch: 5)
        }
        #expect(errorText(r)
            .contains("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer"))
    }

    @Test func oneCycleTooManyStepsMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let s = OneCycleLR(SGD([Parameter(Tensor([1.0]))], lr: 0.1, momentum: 0.9), maxLR: 0.1, totalSteps: 5)
            for _ in 0..<6 { s.step() }
        }
        #expect(errorText(r)
            .contains("Tried to step 7 times. The specified number of total steps is 5"))
    }

    @Test func plateauFactorMessage() async {
        let r = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ReduceLROnPlateau(SGD([Parameter(Tensor([1.0]))], lr: 0.1), factor: 1.0)
        }
        #expect(errorText(r).contains("Factor should be < 1.0."))
    }
}
