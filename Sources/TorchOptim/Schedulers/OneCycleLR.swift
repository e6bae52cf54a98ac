import Foundation

/// The 1cycle policy (`OneCycleLR`): the learning rate rises from `maxLR / divFactor` to
/// `maxLR` over the first `pctStart` of the steps, then anneals to
/// `maxLR / divFactor / finalDivFactor`; momentum (or Adam's β1) moves the opposite way
/// between `maxMomentum` and `baseMomentum`. Step it after every batch.
///
/// ```swift
/// let scheduler = OneCycleLR(optimizer, maxLR: 0.01, epochs: 10, stepsPerEpoch: loader.count)
/// ```
public final class OneCycleLR: LRScheduler, @unchecked Sendable {
    /// How the rate moves within a phase.
    public enum AnnealStrategy: String, Sendable {
        case cos, linear
    }

    struct Phase {
        let endStep: Double
        let startLR, endLR, startMomentum, endMomentum: String
    }

    public let totalSteps: Int
    public let annealStrategy: AnnealStrategy
    public let cycleMomentum: Bool
    let phases: [Phase]
    let useBeta1: Bool

    /// A 1cycle schedule over `totalSteps` steps.
    public convenience init(_ optimizer: Optimizer, maxLR: Double, totalSteps: Int, pctStart: Double = 0.3,
                            annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
                            baseMomentum: Double = 0.85, maxMomentum: Double = 0.95, divFactor: Double = 25,
                            finalDivFactor: Double = 1e4, threePhase: Bool = false, lastEpoch: Int = -1) {
        optimCheck(totalSteps > 0, "Expected positive integer total_steps, but got \(totalSteps)")
        self.init(optimizer, maxLRs: Array(repeating: maxLR, count: optimizer.paramGroups.count), totalSteps: totalSteps,
                  pctStart: pctStart, annealStrategy: annealStrategy, cycleMomentum: cycleMomentum,
                  baseMomentum: baseMomentum, maxMomentum: maxMomentum, divFactor: divFactor,
                  finalDivFactor: finalDivFactor, threePhase: threePhase, lastEpoch: lastEpoch)
    }

    /// A 1cycle schedule over `epochs * stepsPerEpoch` steps.
    public convenience init(_ optimizer: Optimizer, maxLR: Double, epochs: Int, stepsPerEpoch: Int, pctStart: Double = 0.3,
                            annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
                            baseMomentum: Double = 0.85, maxMomentum: Double = 0.95, divFactor: Double = 25,
                            finalDivFactor: Double = 1e4, threePhase: Bool = false, lastEpoch: Int = -1) {
        optimCheck(epochs > 0, "Expected positive integer epochs, but got \(epochs)")
        optimCheck(stepsPerEpoch > 0, "Expected positive integer steps_per_epoch, but got \(stepsPerEpoch)")
        self.init(optimizer, maxLRs: Array(repeating: maxLR, count: optimizer.paramGroups.count), totalSteps: epochs * stepsPerEpoch,
                  pctStart: pctStart, annealStrategy: annealStrategy, cycleMomentum: cycleMomentum,
                  baseMomentum: baseMomentum, maxMomentum: maxMomentum, divFactor: divFactor,
                  finalDivFactor: finalDivFactor, threePhase: threePhase, lastEpoch: lastEpoch)
    }

    /// A 1cycle schedule with one peak learning rate per parameter group.
    public init(_ optimizer: Optimizer, maxLRs: [Double], totalSteps: Int, pctStart: Double = 0.3,
                annealStrategy: AnnealStrategy = .cos, cycleMomentum: Bool = true,
                baseMomentum: Double = 0.85, maxMomentum: Double = 0.95, divFactor: Double = 25,
                finalDivFactor: Double = 1e4, threePhase: Bool = false, lastEpoch: Int = -1) {
        optimCheck(totalSteps > 0, "Expected positive integer total_steps, but got \(totalSteps)")
        optimCheck(maxLRs.count == optimizer.paramGroups.count,
                   "expected \(optimizer.paramGroups.count) values for max_lr, got \(maxLRs.count)")
        optimCheck(pctStart >= 0 && pctStart <= 1, "Expected float between 0 and 1 pct_start, but got \(pythonFloat(pctStart))")
        self.totalSteps = totalSteps
        self.annealStrategy = annealStrategy
        self.cycleMomentum = cycleMomentum
        let total = Double(totalSteps)
        if threePhase {
            phases = [
                Phase(endStep: pctStart * total - 1, startLR: "initial_lr", endLR: "max_lr",
                      startMomentum: "max_momentum", endMomentum: "base_momentum"),
                Phase(endStep: 2 * pctStart * total - 2, startLR: "max_lr", endLR: "initial_lr",
                      startMomentum: "base_momentum", endMomentum: "max_momentum"),
                Phase(endStep: total - 1, startLR: "initial_lr", endLR: "min_lr",
                      startMomentum: "max_momentum", endMomentum: "max_momentum"),
            ]
        } else {
            phases = [
                Phase(endStep: pctStart * total - 1, startLR: "initial_lr", endLR: "max_lr",
                      startMomentum: "max_momentum", endMomentum: "base_momentum"),
                Phase(endStep: total - 1, startLR: "max_lr", endLR: "min_lr",
                      startMomentum: "base_momentum", endMomentum: "max_momentum"),
            ]
        }
        if lastEpoch == -1 {
            for i in optimizer.paramGroups.indices {
                let initial = maxLRs[i] / divFactor
                optimizer.paramGroups[i]["initial_lr"] = .double(initial)
                optimizer.paramGroups[i]["max_lr"] = .double(maxLRs[i])
                optimizer.paramGroups[i]["min_lr"] = .double(initial / finalDivFactor)
            }
        }
        useBeta1 = optimizer.defaults["betas"] != nil
        if cycleMomentum {
            optimCheck(optimizer.defaults["momentum"] != nil || useBeta1,
                       "optimizer must support momentum with `cycle_momentum` option enabled")
            if lastEpoch == -1 {
                for i in optimizer.paramGroups.indices {
                    OneCycleLR.setMomentum(&optimizer.paramGroups[i], maxMomentum, beta1: useBeta1)
                    optimizer.paramGroups[i]["max_momentum"] = .double(maxMomentum)
                    optimizer.paramGroups[i]["base_momentum"] = .double(baseMomentum)
                }
            }
        }
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    static func setMomentum(_ group: inout ParamGroup, _ m: Double, beta1: Bool) {
        if beta1 {
            group["betas"] = .pair(m, group["betas"]!.pairValue.1)
        } else {
            group["momentum"] = .double(m)
        }
    }

    func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch annealStrategy {
        case .cos: end + (start - end) / 2.0 * (cos(Double.pi * pct) + 1)
        case .linear: (end - start) * pct + start
        }
    }

    override func checkLoaded(lastEpoch: Int) throws {
        guard lastEpoch <= totalSteps else {
            throw TorchError.invalidArgument("scheduler state: 'last_epoch' is \(lastEpoch), past the \(totalSteps) total steps of this schedule")
        }
    }

    public override func getLR() -> [Double] {
        let stepNum = Double(lastEpoch)
        optimCheck(lastEpoch <= totalSteps,
                   "Tried to step \(lastEpoch + 1) times. The specified number of total steps is \(totalSteps)")
        var lrs: [Double] = []
        for gi in optimizer.paramGroups.indices {
            let group = optimizer.paramGroups[gi]
            var start = 0.0
            var lr = 0.0, momentum = 0.0
            for (i, phase) in phases.enumerated() {
                if stepNum <= phase.endStep || i == phases.count - 1 {
                    let pct = (stepNum - start) / (phase.endStep - start)
                    lr = anneal(group.double(phase.startLR), group.double(phase.endLR), pct)
                    if cycleMomentum {
                        momentum = anneal(group.double(phase.startMomentum), group.double(phase.endMomentum), pct)
                    }
                    break
                }
                start = phase.endStep
            }
            lrs.append(lr)
            if cycleMomentum { OneCycleLR.setMomentum(&optimizer.paramGroups[gi], momentum, beta1: useBeta1) }
        }
        return lrs
    }
}
