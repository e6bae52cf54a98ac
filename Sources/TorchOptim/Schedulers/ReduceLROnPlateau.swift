/// Lowers the learning rate when a watched metric stops improving (`ReduceLROnPlateau`).
///
/// After more than `patience` epochs without improvement (beyond `threshold`), each group's
/// rate becomes `max(lr * factor, minLR)`, then `cooldown` epochs pass before counting again.
///
/// ```swift
/// let scheduler = ReduceLROnPlateau(optimizer, mode: .min, patience: 2)
/// for epoch in 0..<20 {
///     train()
///     scheduler.step(validationLoss())
/// }
/// ```
public final class ReduceLROnPlateau: @unchecked Sendable {
    /// Whether the metric should go down (a loss) or up (an accuracy).
    public enum Mode: String, Sendable { case min, max }
    /// Whether `threshold` is relative to the best value or an absolute margin.
    public enum ThresholdMode: String, Sendable { case rel, abs }

    public let optimizer: Optimizer
    public let mode: Mode
    public let factor: Double
    public let patience: Int
    public let threshold: Double
    public let thresholdMode: ThresholdMode
    public let cooldown: Int
    public let minLRs: [Double]
    public let eps: Double
    /// The best metric so far (±infinity before the first step).
    public private(set) var best: Double
    /// Epochs since the last improvement.
    public private(set) var numBadEpochs = 0
    /// Cooldown epochs left.
    public private(set) var cooldownCounter = 0
    /// The number of `step(_:)` calls so far.
    public private(set) var lastEpoch = 0
    var lastLR: [Double]

    /// Watches a metric for `optimizer`; `minLR` is a floor for every group's rate.
    public convenience init(_ optimizer: Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                            threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                            minLR: Double = 0, eps: Double = 1e-8) {
        self.init(optimizer, mode: mode, factor: factor, patience: patience, threshold: threshold,
                  thresholdMode: thresholdMode, cooldown: cooldown,
                  minLRs: Array(repeating: minLR, count: optimizer.paramGroups.count), eps: eps)
    }

    /// Watches a metric for `optimizer`, with one rate floor per parameter group.
    public init(_ optimizer: Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLRs: [Double], eps: Double = 1e-8) {
        optimCheck(factor < 1.0, "Factor should be < 1.0.")
        optimCheck(minLRs.count == optimizer.paramGroups.count,
                   "expected \(optimizer.paramGroups.count) min_lrs, got \(minLRs.count)")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLRs = minLRs
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
        lastLR = optimizer.paramGroups.map(\.lr)
    }

    /// Records this epoch's `metric` and lowers the rates if it has plateaued.
    public func step(_ metric: Double) {
        lastEpoch += 1
        if isBetter(metric) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0
        }
        if numBadEpochs > patience {
            reduceLR()
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
        lastLR = optimizer.paramGroups.map(\.lr)
    }

    /// Records a one-element metric tensor (e.g. a validation loss).
    public func step(_ metric: Tensor) { step(metric.item(Double.self)) }

    /// The learning rates after the last step, one per group.
    public func getLastLR() -> [Double] { lastLR }

    func isBetter(_ a: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): a < best * (1 - threshold)
        case (.min, .abs): a < best - threshold
        case (.max, .rel): a > best * (threshold + 1)
        case (.max, .abs): a > best + threshold
        }
    }

    func reduceLR() {
        for i in optimizer.paramGroups.indices {
            let old = optimizer.paramGroups[i].lr
            let new = Swift.max(old * factor, minLRs[i])
            if old - new > eps { optimizer.paramGroups[i].lr = new }
        }
    }

    /// The scheduler's progress as named float64 tensors (`best`, `num_bad_epochs`,
    /// `cooldown_counter`, `last_epoch`, `_last_lr`).
    public func stateDict() -> [String: Tensor] {
        [
            "best": Tensor([best], shape: [1], dtype: .float64),
            "num_bad_epochs": Tensor([Double(numBadEpochs)], shape: [1], dtype: .float64),
            "cooldown_counter": Tensor([Double(cooldownCounter)], shape: [1], dtype: .float64),
            "last_epoch": Tensor([Double(lastEpoch)], shape: [1], dtype: .float64),
            "_last_lr": Tensor(lastLR, shape: [lastLR.count], dtype: .float64),
        ]
    }

    /// Restores what `stateDict()` saved.
    ///
    /// The load is atomic: it throws `TorchError` for a missing or unexpected key, an entry
    /// of the wrong size or dtype, or a bad value (a NaN best, a negative or fractional
    /// count, a negative or non-finite rate), and then the scheduler is exactly as it was.
    public func loadStateDict(_ state: [String: Tensor]) throws {
        let saved = try SchedulerStateReader(state, keys: ["best", "num_bad_epochs", "cooldown_counter", "last_epoch", "_last_lr"])
        let b = try saved.number("best")
        let bad = try saved.count("num_bad_epochs", atLeast: 0)
        let cd = try saved.count("cooldown_counter", atLeast: 0)
        let epoch = try saved.count("last_epoch", atLeast: 0)
        let last = try saved.rates("_last_lr", count: lastLR.count)
        best = b; numBadEpochs = bad; cooldownCounter = cd; lastEpoch = epoch; lastLR = last
    }
}
