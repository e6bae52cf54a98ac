import Foundation

/// Multiplies each group's learning rate by `gamma` every `stepSize` epochs (`StepLR`).
///
/// ```swift
/// // lr = 0.05 for epochs 0..<30, 0.005 for 30..<60, ...
/// let scheduler = StepLR(optimizer, stepSize: 30, gamma: 0.1)
/// ```
public final class StepLR: LRScheduler, @unchecked Sendable {
    public let stepSize: Int
    public let gamma: Double

    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Double = 0.1, lastEpoch: Int = -1) {
        self.stepSize = stepSize
        self.gamma = gamma
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        let lrs = optimizer.paramGroups.map(\.lr)
        if lastEpoch == 0 || lastEpoch % stepSize != 0 { return lrs }
        return lrs.map { $0 * gamma }
    }
}

/// Multiplies each group's learning rate by `gamma` when the epoch reaches each milestone
/// (`MultiStepLR`; a milestone listed twice multiplies by `gamma²`).
///
/// ```swift
/// // lr = 0.05 for epochs 0..<30, 0.005 for 30..<80, 0.0005 after
/// let scheduler = MultiStepLR(optimizer, milestones: [30, 80], gamma: 0.1)
/// ```
public final class MultiStepLR: LRScheduler, @unchecked Sendable {
    public let milestones: [Int]
    public let gamma: Double

    public init(_ optimizer: Optimizer, milestones: [Int], gamma: Double = 0.1, lastEpoch: Int = -1) {
        self.milestones = milestones.sorted()
        self.gamma = gamma
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        let lrs = optimizer.paramGroups.map(\.lr)
        let hits = milestones.filter { $0 == lastEpoch }.count
        if hits == 0 { return lrs }
        return lrs.map { $0 * Foundation.pow(gamma, Double(hits)) }
    }
}

/// Multiplies each group's learning rate by `gamma` every epoch (`ExponentialLR`).
///
/// ```swift
/// let scheduler = ExponentialLR(optimizer, gamma: 0.95)
/// ```
public final class ExponentialLR: LRScheduler, @unchecked Sendable {
    public let gamma: Double

    public init(_ optimizer: Optimizer, gamma: Double, lastEpoch: Int = -1) {
        self.gamma = gamma
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    public override func getLR() -> [Double] {
        let lrs = optimizer.paramGroups.map(\.lr)
        return lastEpoch == 0 ? lrs : lrs.map { $0 * gamma }
    }
}
